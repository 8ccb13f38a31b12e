// Every SQL statement about tags: whether one exists, and every tag in use with its article count.
import { type SqlRunner, type Stmt, sql } from "./sql";

export function tagExistsStatement(name: string): Stmt {
  return sql("SELECT 1 FROM tags WHERE name = ?1", name);
}

export async function tagExists(db: SqlRunner, name: string): Promise<boolean> {
  return (await db.all(tagExistsStatement(name))).length > 0;
}

/** Every tag in use with its article count, most used first. */
export async function listTagStats(db: SqlRunner): Promise<{ name: string; articleCount: number }[]> {
  const rows = await db.all<{ name: string; n: number }>(
    sql(
      // Each tag's label posting list, counted (core/search-tokens.ts spells the label).
      `SELECT t.name, (SELECT count(*) FROM search_index WHERE search_index MATCH '"' || char(57345) || hex(t.name) || '"') AS n
       FROM tags t ORDER BY n DESC, t.name`,
    ),
  );
  return rows.filter((r) => r.n > 0).map((r) => ({ name: r.name, articleCount: r.n }));
}
