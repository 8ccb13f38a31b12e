// A SqlRunner for Node that runs statements through `wrangler d1 execute`, local or remote.
// Writes are queued and sent as one SQL file at `flush()`, so an import costs two wrangler calls.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { SqlRunner, SqlValue, Stmt } from "../src/db/sql";

const run = promisify(execFile);

export interface WranglerTarget {
  readonly database: string;
  readonly remote: boolean;
  readonly persistTo?: string;
  readonly env?: string;
  readonly config?: string;
}

/** A SQL literal for one parameter (the text is written to a file / command line, not bound). */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as SQL`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** Inline `?N` parameters. One pass over the template, so parameter text is never re-scanned. */
export function inlineParams(stmt: Stmt): string {
  return stmt.sql.replace(/\?(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= stmt.params.length) throw new Error(`no parameter ?${n} in: ${stmt.sql}`);
    return sqlLiteral(stmt.params[i]!);
  });
}

export function wranglerRunner(target: WranglerTarget): SqlRunner & { flush(): Promise<number> } {
  const bin = join(import.meta.dirname, "../node_modules/.bin/wrangler");
  const common = [
    "d1",
    "execute",
    target.database,
    target.remote ? "--remote" : "--local",
    ...(target.persistTo && !target.remote ? ["--persist-to", target.persistTo] : []),
    ...(target.env ? ["--env", target.env] : []),
    ...(target.config ? ["--config", target.config] : []),
  ];
  const exec = async (args: string[]) => {
    const { stdout } = await run(bin, [...common, ...args], {
      maxBuffer: 512 * 1024 * 1024,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_D1_WARNING: "true", FORCE_COLOR: "0" },
    });
    return stdout;
  };
  const pending: Stmt[] = [];

  const runner = {
    async all<T>(stmt: Stmt): Promise<T[]> {
      return ((await runner.allMany([stmt]))[0] ?? []) as T[];
    },
    async allMany(stmts: readonly Stmt[]): Promise<unknown[][]> {
      if (stmts.length === 0) return [];
      const out = await exec(["--json", "--command", stmts.map(inlineParams).join(";\n")]);
      const parsed = JSON.parse(out.slice(out.indexOf("["))) as { results: unknown[] }[];
      return parsed.map((r) => r.results);
    },
    async batch(stmts: readonly Stmt[]) {
      pending.push(...stmts);
    },
    /** Send the queued writes as one file; returns how many statements ran. */
    async flush(): Promise<number> {
      if (pending.length === 0) return 0;
      const dir = mkdtempSync(join(tmpdir(), "edge-news-import-"));
      const file = join(dir, "import.sql");
      try {
        writeFileSync(file, pending.map((s) => `${inlineParams(s)};`).join("\n"));
        await exec(["--yes", "--file", file]);
        return pending.splice(0).length;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return runner;
}
