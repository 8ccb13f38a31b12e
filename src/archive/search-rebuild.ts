// The cron's search-index rebuild (migrations/0019_one_search_row.sql says why it runs in steps):
// step 1 gives every article of the old layout its new rowid and a row of its labels, newest
// first, so listings are whole again first, and moves the story keys of heads stored before
// migrations/0020 into their search rows; step 2 then puts each such article's words in,
// newest first, reading an archived body back from R2. Each batch is one transaction whose
// statements act only on rows still as they were read, so a refresh that writes an article
// meanwhile always wins, and a tick cut short anywhere loses nothing: the next one goes on from
// what the database holds (there is no cursor to keep). Bounded per tick in time and in calls.
import { forEachLimited } from "../core/concurrency";
import {
  type PendingWordsRow,
  addWordsStatement,
  claimSearchRebuild,
  dropLegacySchemaStatements,
  keyedRows,
  legacySchemaLeft,
  legacyRows,
  pendingWordsRows,
  rekeyStatements,
  relabelLegacyStatements,
  releaseSearchRebuildStatement,
  searchTextOfRow,
} from "../db/search";
import type { Stmt } from "../db/sql";
import { READ_CONCURRENCY, getBody } from "./bodies";
import type { ArchiveDeps } from "./tick";

export interface SearchRebuildLimits {
  /** Wall time a tick spends at most (it stops after the batch that crosses it). */
  readonly budgetMs: number;
  /** Articles per step-1 batch (three small statements each). */
  readonly relabelBatch: number;
  /** Articles per step-2 batch (each tokenized; an archived one is an R2 read). */
  readonly wordsBatch: number;
  /** D1 calls a tick makes at most: a Worker invocation may make 1,000 D1 queries on Workers
   *  Paid (50 on Free), shared with the tick's refresh and archive steps. A call past the
   *  platform's limit fails and ends the tick; the next goes on. */
  readonly maxCalls: number;
  /** Archived bodies a tick reads back from R2 at most (subrequests: 10,000 an invocation on Paid). */
  readonly maxReads: number;
  /** Batches a tick writes at most (none: as many as the bounds above allow). */
  readonly maxBatches?: number;
}

/** One minute of every 15-minute tick, in batches of well under a second of D1 time (so other
 *  queries wait little between them): bench/README.md (Search, "Rebuilding the index") measures
 *  the rates these give. */
export const SEARCH_REBUILD_LIMITS: SearchRebuildLimits = {
  budgetMs: 60_000,
  relabelBatch: 500,
  wordsBatch: 200,
  maxCalls: 400,
  maxReads: 4_000,
};

export interface SearchRebuildOutcome {
  /** Articles given their new rowid and labels, or their story keys moved (step 1). */
  readonly relabelled: number;
  /** Articles given their words (step 2). */
  readonly worded: number;
  /** Articles whose text could not be read this tick (an archived body R2 did not return). */
  readonly skipped: number;
  /** Step 1 has nothing left: every article is listed. */
  readonly listed: boolean;
  /** Nothing is left to rebuild. */
  readonly done: boolean;
  /** Another tick held the rebuild, so this one did nothing. */
  readonly busy: boolean;
}

/** Extra time a claim lasts past the budget (the batch that crosses the budget, and its write). */
const LEASE_MARGIN_MS = 60_000;

/** One tick of the rebuild: both steps (the cron), or step 1 alone (a request's kick). Does
 *  nothing but a few index and schema lookups when nothing is left; else first takes the rebuild,
 *  so ticks never do the same batches at once. Never throws: a failure is logged, and the next
 *  tick goes on. */
export async function searchRebuildTick(
  deps: Pick<ArchiveDeps, "db" | "bucket" | "log">,
  limits: SearchRebuildLimits = SEARCH_REBUILD_LIMITS,
  steps: "both" | "labels" = "both",
): Promise<SearchRebuildOutcome> {
  const start = Date.now();
  let calls = 0;
  let reads = 0;
  let batches = 0;
  const within = () =>
    Date.now() - start < limits.budgetMs &&
    calls < limits.maxCalls &&
    reads < limits.maxReads &&
    batches < (limits.maxBatches ?? Infinity);
  let relabelled = 0;
  let worded = 0;
  let skipped = 0;
  let listed = false;
  let done = false;
  let busy = false;
  const errors: string[] = [];
  let claim: number | null = null;
  try {
    listed = (await legacyRows(deps.db, 1)).length === 0 && (await keyedRows(deps.db, 1)).length === 0;
    calls += 2;
    let idle = listed && steps === "labels";
    if (listed && steps === "both") {
      idle = done = (await pendingWordsRows(deps.db, null, 1)).length === 0 && !(await legacySchemaLeft(deps.db));
      calls += 2;
    }
    if (!idle) {
      const until = start + limits.budgetMs + LEASE_MARGIN_MS;
      busy = !(await claimSearchRebuild(deps.db, start, until));
      calls++;
      if (!busy) claim = until;
    }
    if (claim !== null) {
      // Step 1.
      while (!listed && within()) {
        const legacy = await legacyRows(deps.db, limits.relabelBatch);
        const keyed = legacy.length > 0 ? [] : await keyedRows(deps.db, limits.relabelBatch);
        calls += legacy.length > 0 ? 1 : 2;
        if (legacy.length + keyed.length === 0) {
          listed = true;
          break;
        }
        const results = await deps.db.allMany([
          ...legacy.flatMap(relabelLegacyStatements),
          ...keyed.flatMap(rekeyStatements),
        ]);
        calls++;
        batches++;
        // Each article's last statement returns its id when it changed the article.
        const changed = results.filter((rows) => rows.length > 0).length;
        relabelled += changed;
        // A batch that changed nothing would be read again the same way: stop, and say so.
        if (changed === 0) throw new Error(`第 1 步的一批（${legacy.length + keyed.length} 篇）未改变任何文章`);
      }
      if (listed && steps === "both" && within()) {
        await deps.db.batch(dropLegacySchemaStatements);
        calls++;
        // Step 2, walking down from the newest pending row; a row whose text is unreadable now
        // is passed over (the next tick tries it again) and holds nothing else up.
        let below: number | null = null;
        while (within()) {
          const rows = await pendingWordsRows(deps.db, below, limits.wordsBatch);
          calls++;
          if (rows.length === 0) {
            done = skipped === 0;
            break;
          }
          below = rows.at(-1)!.search_rowid;
          const written: Stmt[] = [];
          await forEachLimited(rows, READ_CONCURRENCY, async (row) => {
            try {
              written.push(addWordsStatement(row, await textOf(deps, row)));
            } catch (e) {
              skipped++;
              errors.push(`${row.id}: ${String(e)}`);
            }
          });
          reads += rows.filter((r) => r.archived).length;
          if (written.length > 0) await deps.db.batch(written);
          calls++;
          batches++;
          worded += written.length;
        }
      }
    }
  } catch (e) {
    errors.push(String(e));
  }
  if (claim !== null) {
    try {
      await deps.db.batch([releaseSearchRebuildStatement(claim)]);
    } catch (e) {
      errors.push(String(e));
    }
  }
  const outcome = { relabelled, worded, skipped, listed, done, busy };
  if (relabelled + worded + skipped > 0 || errors.length > 0) {
    const error = errors.length > 0 ? `${errors.length} 项失败（下次定时任务重试），首个：${errors[0]}` : undefined;
    deps.log({
      level: error ? "error" : "info",
      msg: "search rebuild",
      steps,
      ...outcome,
      ...(error ? { error } : {}),
    });
  }
  return outcome;
}

/** An article's searchable text, its body read back from R2 when it is archived. */
async function textOf(deps: Pick<ArchiveDeps, "bucket">, row: PendingWordsRow): Promise<string> {
  if (!row.archived) return searchTextOfRow(row);
  if (!deps.bucket) throw new Error("正文已归档，但未绑定 R2 存储桶 ARCHIVE");
  return searchTextOfRow(row, await getBody(deps.bucket, row.id, row.content_hash));
}
