// Whether a request is the operator's: a valid console session cookie or the admin bearer token,
// checked by the console's and the admin API's own functions. The page cache asks it to decide
// who goes past the shared copies; anything short of valid credentials is a visitor.
import type { Context } from "hono";
import { hasAdminToken } from "./admin";
import { SESSION_COOKIE, hasSession } from "./console-auth";
import type { AppEnv } from "./context";

export async function isOperator(c: Context<AppEnv>): Promise<boolean> {
  // The header checks first: a visitor with neither pays no hashing.
  const session = (c.req.header("cookie") ?? "").includes(SESSION_COOKIE);
  if (session && (await hasSession(c))) return true;
  return hasAdminToken(c);
}
