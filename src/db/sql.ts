// Statements as data, and the runners that execute them: D1 in the worker, wrangler in the CLI.
// Write paths build `Stmt`s so the import CLI and the worker share every SQL statement.

export type SqlValue = string | number | null;

export interface Stmt {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export interface SqlRunner {
  /** Rows of one read statement. */
  all<T>(stmt: Stmt): Promise<T[]>;
  /** Several read statements in one round trip. */
  allMany(stmts: readonly Stmt[]): Promise<unknown[][]>;
  /** Write statements atomically (D1: one `batch`, which is one transaction). */
  batch(stmts: readonly Stmt[]): Promise<void>;
}

export const sql = (text: string, ...params: SqlValue[]): Stmt => ({ sql: text, params });

/** A runner over a D1 binding (or a D1 session, which has the same surface). */
export function d1Runner(db: D1Database | D1DatabaseSession): SqlRunner {
  const prepare = (s: Stmt) => db.prepare(s.sql).bind(...s.params);
  return {
    async all<T>(stmt: Stmt) {
      return (await prepare(stmt).all<T>()).results;
    },
    async allMany(stmts) {
      if (stmts.length === 0) return [];
      return (await db.batch(stmts.map(prepare))).map((r) => r.results);
    },
    async batch(stmts) {
      if (stmts.length > 0) await db.batch(stmts.map(prepare));
    },
  };
}
