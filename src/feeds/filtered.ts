// A filtered feed's items (core/feed-filter.ts): the listing is scanned without bodies, batch
// after batch, until `limit` items pass, the scan cap is reached or the step budget is spent;
// then only the items kept are read whole. The next-page cursor is the last row decided, so a
// reader paging on misses nothing and sees nothing twice.
import { type FeedFilter, type FilterFields, STEP_BUDGET, passesFilter } from "../core/feed-filter";
import { BudgetExhausted } from "../core/linear-regex";
import type { Article, Cursor, Paged, Scope } from "../core/model";
import {
  type ListingVersion,
  type ScanRow,
  cursorOfRow,
  getArticlesByIds,
  scanListing,
  versionOfScanRows,
} from "../db/articles";
import type { SqlRunner } from "../db/sql";

/** Rows a live feed's request scans at most (an archive scans its whole month), and per read. */
export const SCAN_MAX_ROWS = 500;
export const SCAN_BATCH = 100;

const fieldsOf = (row: ScanRow): FilterFields => ({
  title: row.title,
  description: row.summary || row.title,
  author: row.author ?? row.source_name,
  categories: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
});

interface Scan {
  readonly rows: readonly ScanRow[];
  readonly next: Cursor | null;
}

async function scan(
  db: SqlRunner,
  scope: Scope,
  filter: FeedFilter,
  limit: number,
  before: Cursor | null,
  now: number,
): Promise<Scan> {
  // A month has no keyset paging: its archive document is read in one go, as unfiltered.
  const isArchive = scope.kind === "month";
  const cap = Math.max(SCAN_MAX_ROWS, limit);
  const sinceMs = filter.seconds === null ? undefined : now - filter.seconds * 1000;
  const budget = { left: STEP_BUDGET };
  const kept: ScanRow[] = [];
  let cursor = before;
  let scanned = 0;
  let last: ScanRow | null = null; // the last row decided
  for (;;) {
    const want = isArchive ? cap : Math.min(SCAN_BATCH, cap - scanned);
    const rows = await scanListing(db, scope, { limit: want, before: cursor, sinceMs });
    const more = rows.length > want;
    const batch = rows.slice(0, want);
    for (const [k, row] of batch.entries()) {
      let pass: boolean;
      try {
        pass = passesFilter(filter, fieldsOf(row), budget);
      } catch (e) {
        if (!(e instanceof BudgetExhausted)) throw e;
        // Every item fits in the budget (readFeedFilter), so at least one row was decided.
        return { rows: kept, next: isArchive || !last ? null : cursorOfRow(last) };
      }
      scanned++;
      last = row;
      if (pass) kept.push(row);
      if (kept.length === limit) {
        const after = k < batch.length - 1 || more;
        return { rows: kept, next: after && !isArchive ? cursorOfRow(row) : null };
      }
    }
    if (!more || isArchive || !last) return { rows: kept, next: null };
    if (scanned >= cap) return { rows: kept, next: cursorOfRow(last) };
    cursor = cursorOfRow(last);
  }
}

/** A page of a filtered listing, its items whole (or without bodies), and its version. */
export async function filteredPage(
  db: SqlRunner,
  scope: Scope,
  filter: FeedFilter,
  opts: { readonly limit: number; readonly before: Cursor | null; readonly withContent: boolean; readonly now: number },
): Promise<Paged<Article>> {
  const { rows, next } = await scan(db, scope, filter, opts.limit, opts.before, opts.now);
  const items = await getArticlesByIds(
    db,
    rows.map((r) => r.id),
    opts.withContent,
  );
  return { items, next };
}

/** The version of a filtered listing's page, from the scan alone (for If-None-Match). */
export async function filteredVersion(
  db: SqlRunner,
  scope: Scope,
  filter: FeedFilter,
  limit: number,
  before: Cursor | null,
  now: number,
): Promise<ListingVersion> {
  return versionOfScanRows((await scan(db, scope, filter, limit, before, now)).rows);
}
