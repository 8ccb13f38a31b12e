// The Hono environment every handler shares: bindings plus per-request config and database.
import type { Config } from "../config";
import type { SqlRunner } from "../db/sql";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    db: SqlRunner;
  };
}
