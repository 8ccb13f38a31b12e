// Cloudflare Access in front of the console, against a local key set: `wrangler dev` with
// CF_ACCESS_TEAM_DOMAIN pointing at a loopback server that serves /cdn-cgi/access/certs.
import { type KeyObject, generateKeyPairSync, sign } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, freshPersistDir, migrate, startDev } from "./server";

const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const KID = "local-key-1";
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
let certs: Server;
let team: string;
let site: DevServer;

beforeAll(async () => {
  const jwk = { ...keys.publicKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" };
  certs = createServer((req, res) => {
    if (req.url === "/cdn-cgi/access/certs") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => certs.listen(0, "127.0.0.1", resolve));
  team = `http://127.0.0.1:${(certs.address() as AddressInfo).port}`;
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, {
    ADMIN_TOKEN: "e2e-access-token-0123456789abcdef",
    CF_ACCESS_TEAM_DOMAIN: team,
    CF_ACCESS_AUD: AUD,
  });
}, 120_000);
afterAll(async () => {
  await site?.stop();
  await new Promise((r) => certs?.close(r));
});

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

function jwt(payload: Record<string, unknown>, key: KeyObject = keys.privateKey, kid = KID): string {
  const head = b64url(JSON.stringify({ alg: "RS256", kid, typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(sign("sha256", Buffer.from(`${head}.${body}`), key))}`;
}

const now = () => Math.floor(Date.now() / 1000);
const open = (token?: string) =>
  fetch(`${site.url}/admin`, {
    redirect: "manual",
    headers: token ? { "cf-access-jwt-assertion": token } : {},
  });

describe("Cloudflare Access", () => {
  it("a valid Access JWT opens the console without the token", async () => {
    const res = await open(jwt({ aud: [AUD], iss: team, exp: now() + 600, iat: now(), email: "op@example.com" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("来源管理");
  });

  it.each([
    ["no assertion", undefined],
    ["another application's aud", jwt({ aud: ["someone-else"], iss: team, exp: now() + 600 })],
    ["an expired token", jwt({ aud: [AUD], iss: team, exp: now() - 60 })],
    ["a token without exp", jwt({ aud: [AUD], iss: team })],
    ["another issuer", jwt({ aud: [AUD], iss: "https://evil.cloudflareaccess.com", exp: now() + 600 })],
    ["a signature by another key", jwt({ aud: [AUD], iss: team, exp: now() + 600 }, stranger.privateKey)],
    ["garbage", "not.a.jwt"],
  ])("%s → the sign-in form", async (_name, token) => {
    const res = await open(token);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/sign-in");
  });
});
