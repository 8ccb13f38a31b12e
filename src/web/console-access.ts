// Cloudflare Access in front of the console: when CF_ACCESS_TEAM_DOMAIN and CF_ACCESS_AUD are
// set, a valid `Cf-Access-Jwt-Assertion` signs the operator in without the token. Verified with
// WebCrypto (RS256 against the team's key set; signature, `aud`, `iss` and `exp` all required).
// Hand-rolled rather than hono/utils/jwt: that module brings every JWA algorithm (+3.8 KiB
// gzipped against a bundle budget), and Access signs with RS256 only.
import type { Context } from "hono";
import type { AppEnv } from "./context";

/** The optional settings, not declared in wrangler.toml (most sites do not use Access). */
interface AccessEnv {
  readonly CF_ACCESS_TEAM_DOMAIN?: string;
  readonly CF_ACCESS_AUD?: string;
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

/** "myteam.cloudflareaccess.com" → its https origin; a full origin (a local key server in
 *  tests) is taken as written. */
function teamOrigin(domain: string): string {
  return /^https?:\/\//.test(domain) ? domain.replace(/\/+$/, "") : `https://${domain}`;
}

const fromB64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
const json = (s: string) => JSON.parse(new TextDecoder().decode(fromB64url(s))) as Record<string, unknown>;

/** The token's claims when its RS256 signature verifies against the team's key of its `kid`. */
async function verifiedClaims(token: string, certsUrl: string): Promise<Record<string, unknown> | null> {
  const [head, body, signature] = token.split(".");
  if (!head || !body || !signature) return null;
  const header = json(head);
  if (header.alg !== "RS256") return null;
  const res = await fetch(certsUrl, { headers: { accept: "application/json" } });
  if (!res.ok) return null;
  const { keys } = (await res.json()) as { keys?: Jwk[] };
  const jwk = keys?.find((k) => k.kid === header.kid && k.kty === "RSA");
  if (!jwk) return null;
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: "RS256", ext: true },
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const ok = await crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    key,
    fromB64url(signature),
    new TextEncoder().encode(`${head}.${body}`),
  );
  return ok ? json(body) : null;
}

/** Whether the request carries a valid Access JWT for this application (false when Access is
 *  not configured, the header is missing, or anything about the token is wrong). */
export async function hasAccessJwt(c: Context<AppEnv>): Promise<boolean> {
  const { CF_ACCESS_TEAM_DOMAIN: domain, CF_ACCESS_AUD: aud } = c.env as AccessEnv;
  const token = c.req.header("cf-access-jwt-assertion");
  if (!domain || !aud || !token) return false;
  const origin = teamOrigin(domain);
  try {
    const claims = await verifiedClaims(token, `${origin}/cdn-cgi/access/certs`);
    if (!claims) return false;
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return (
      auds.includes(aud) && claims.iss === origin && typeof claims.exp === "number" && claims.exp * 1000 > Date.now()
    );
  } catch {
    // A malformed token, an unreachable key set: no sign-in, never an error page.
    return false;
  }
}
