// The decoding warning a refresh records on its source (shown by the health view).
import { type Stmt, sql } from "./sql";

/** Set (or, with null, clear) the warning that the last body fetched decoded with replacements. */
export function recordDecodeWarningStatement(slug: string, warning: string | null): Stmt {
  return sql("UPDATE sources SET decode_warning = ?2 WHERE slug = ?1", slug, warning?.slice(0, 500) ?? null);
}
