// The console's sign-in: ADMIN_TOKEN in a form → a signed session cookie; failed sign-ins counted.
//
// The session is a signed cookie (hono/cookie's HMAC-SHA256) holding only its expiry, not a
// random id kept in D1: it needs no table and no read per request, and its key is derived from
// ADMIN_TOKEN, so rotating the token invalidates every session at once (which is the only
// "sign everyone out" an operator with one shared token needs). "退出" deletes the cookie.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { timingSafeEqual } from "hono/utils/buffer";
import { clearSignInFailuresStatement, recordSignInFailureStatements, signInFailures } from "../db/console";
import { primary } from "./admin";
import { hasAccessJwt } from "./console-access";
import type { AppEnv } from "./context";

export const SESSION_COOKIE = "console_session";
export const SESSION_HOURS = 12;
/** Failed sign-ins a client may make in SIGNIN_WINDOW_MS before it has to wait. */
export const SIGNIN_MAX_FAILURES = 5;
export const SIGNIN_WINDOW_MS = 15 * 60_000;
export const CONSOLE_PATH = "/admin";
export const SIGNIN_PATH = "/admin/sign-in";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The token, when one strong enough is configured (the bearer API's rule). */
function adminToken(c: Context<AppEnv>): string | null {
  const t = c.env.ADMIN_TOKEN;
  return typeof t === "string" && t.length >= 16 ? t : null;
}

/** The cookie's signing key: a hash of the token under a purpose label, so the key is never the
 *  token itself and changes whenever the token does. */
async function sessionKey(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`edge-news console session\0${token}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const cookieOptions = (c: Context<AppEnv>) => ({
  path: CONSOLE_PATH,
  httpOnly: true,
  sameSite: "Strict" as const,
  // Browsers drop Secure cookies on plain-http localhost; everywhere else the site is https.
  secure: !LOOPBACK.has(new URL(c.req.url).hostname),
});

/** Whether the request carries a valid, unexpired session. */
export async function hasSession(c: Context<AppEnv>): Promise<boolean> {
  const token = adminToken(c);
  if (!token) return false;
  const value = await getSignedCookie(c, await sessionKey(token), SESSION_COOKIE);
  if (!value) return false;
  const expires = Number(value);
  return Number.isFinite(expires) && expires > Date.now();
}

/** Pages of the console: a session, or a valid Cloudflare Access JWT when Access is
 *  configured; otherwise to the sign-in form (303). */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await hasSession(c)) || (await hasAccessJwt(c))) return next();
  return c.redirect(SIGNIN_PATH, 303);
};

export type SignInResult = "ok" | "wrong" | "limited" | "unconfigured";

/** Check a submitted token. Each wrong one is counted against the client; a client over the
 *  limit is refused without the token being compared. */
export async function signIn(c: Context<AppEnv>, submitted: string): Promise<SignInResult> {
  const token = adminToken(c);
  if (!token) return "unconfigured";
  const db = primary(c);
  const client = c.req.header("cf-connecting-ip") ?? "unknown";
  const now = Date.now();
  if ((await signInFailures(db, client, now, SIGNIN_WINDOW_MS)) >= SIGNIN_MAX_FAILURES) return "limited";
  if (!(await timingSafeEqual(submitted, token))) {
    await db.batch(recordSignInFailureStatements(client, now, SIGNIN_WINDOW_MS));
    return "wrong";
  }
  await db.batch([clearSignInFailuresStatement(client)]);
  const expires = now + SESSION_HOURS * 3_600_000;
  await setSignedCookie(c, SESSION_COOKIE, String(expires), await sessionKey(token), {
    ...cookieOptions(c),
    maxAge: SESSION_HOURS * 3600,
  });
  return "ok";
}

export function signOut(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}
