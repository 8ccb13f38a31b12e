// Migration tests build a database of an earlier layout, write data the way that layout's code
// did, then apply the rest: the migrations up to one (by its number), and from it on.
import { env } from "cloudflare:test";
import { expect } from "vitest";

function indexOf(number: string): number {
  const at = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith(number));
  expect(at, `migration ${number}`).toBeGreaterThan(0);
  return at;
}

async function apply(db: D1Database, migrations: typeof env.TEST_MIGRATIONS) {
  for (const m of migrations) for (const q of m.queries) await db.prepare(q).run();
}

/** Every migration before `number` ("0019"). */
export const migrateBefore = (db: D1Database, number: string) =>
  apply(db, env.TEST_MIGRATIONS.slice(0, indexOf(number)));

/** Migration `number` and every one after it. */
export const migrateFrom = (db: D1Database, number: string) => apply(db, env.TEST_MIGRATIONS.slice(indexOf(number)));
