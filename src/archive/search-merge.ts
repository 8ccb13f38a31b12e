// The cron's search-index merge (migrations/0022_search_merge.sql says why): while some level of
// the index holds two segments or more, FTS5's incremental merge joins them, a bounded number of
// pages per D1 call, so no call holds the database for long. Each call is one transaction and
// FTS5 keeps the merge's progress in the index itself, so a tick cut short loses nothing and the
// next goes on; two ticks at once only share the work. Nothing left to merge costs one read.
import { type SearchSegments, mergeSearchSegments, readSearchSegments } from "../db/search-segments";
import type { ArchiveDeps } from "./tick";

export interface SearchMergeLimits {
  /** Wall time a tick spends at most (it stops after the call that crosses it). */
  readonly budgetMs: number;
  /** Leaf pages a call writes (FTS5 stops at the first term boundary past them). */
  readonly pagesPerCall: number;
  /** D1 calls a tick makes at most. The platform allows 1,000 D1 queries an invocation on
   *  Workers Paid (50 on Free), counting the tick's refresh, archive and rebuild steps before this
   *  one: a call past that fails, the failure is logged, and the next tick goes on from there. */
  readonly maxCalls: number;
}

/** Well under 0.1 s of D1 time a call at 1,000 pages, and at most 20 s a tick: at 100,000
 *  articles the first tick after 0022 merges 23 segments into 3 in 81 calls. After that most ticks
 *  merge what refreshes wrote since the last one; as in any merge by levels, a tick now and then
 *  carries a merge up to the top level and rewrites the whole index, over several ticks when it
 *  is large (bench/README.md, Search). */
export const SEARCH_MERGE_LIMITS: SearchMergeLimits = { budgetMs: 20_000, pagesPerCall: 1_000, maxCalls: 200 };

export interface SearchMergeOutcome {
  /** Merge calls made. */
  readonly calls: number;
  /** Segments before and after (null: the index has never been written). */
  readonly before: number | null;
  readonly after: number | null;
  /** Nothing is left to merge. */
  readonly settled: boolean;
}

/** One tick of merging. Never throws: a failure is logged, and the next tick goes on. */
export async function searchMergeTick(
  deps: Pick<ArchiveDeps, "db" | "log">,
  limits: SearchMergeLimits = SEARCH_MERGE_LIMITS,
): Promise<SearchMergeOutcome> {
  const start = Date.now();
  let calls = 0;
  let before: SearchSegments | null = null;
  let now: SearchSegments | null = null;
  let error: string | undefined;
  try {
    before = now = await readSearchSegments(deps.db);
    while (now?.mergeable && calls < limits.maxCalls && Date.now() - start < limits.budgetMs) {
      calls++;
      const next: SearchSegments | null = await mergeSearchSegments(deps.db, limits.pagesPerCall);
      // FTS5 merged nothing although the record said it would (a rule of FTS5's this decoding does
      // not know): stop rather than ask again all tick.
      const stuck = next?.record === now.record;
      now = next;
      if (stuck) break;
    }
  } catch (e) {
    error = `搜索索引合并失败（下次定时任务重试）：${String(e)}`;
  }
  const outcome: SearchMergeOutcome = {
    calls,
    before: before?.segments ?? null,
    after: now?.segments ?? null,
    settled: error === undefined && !now?.mergeable,
  };
  if (calls > 0 || error) {
    deps.log({
      level: error ? "error" : "info",
      msg: "search merge",
      ...outcome,
      pages: now?.pages ?? null,
      ms: Date.now() - start,
      ...(error ? { error } : {}),
    });
  }
  return outcome;
}
