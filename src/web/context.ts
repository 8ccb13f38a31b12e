// The Hono environment every handler shares: bindings plus per-request config and database.
import type { Context } from "hono";
import type { Config } from "../config";
import { BadRequestError } from "../core/errors";
import { decodeCursor } from "../core/ids";
import type { Cursor } from "../core/model";
import type { SqlRunner } from "../db/sql";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    db: SqlRunner;
  };
}

/** `?before=` → the keyset cursor of an older page; absent → the first page; a token we did not
 *  issue → 400 with `message` (pages say it in Chinese, feeds for programs). */
export function readBeforeCursor(c: Context<AppEnv>, message: string): Cursor | null {
  const token = c.req.query("before");
  if (token === undefined) return null;
  const cursor = decodeCursor(token);
  if (!cursor) throw new BadRequestError(message);
  return cursor;
}
