// The cron's archive step (docs/archive.md): move the bodies of old articles to R2, a bounded
// number per tick. R2 is written first and D1 emptied only afterwards, by compare-and-set on the
// content hash: a failure at any point leaves the body where it was, and the next tick resumes.
// The old articles are found by walking every article in time order from a cursor, a bounded
// window per tick, and again from the beginning once a pass is done and a day has passed: no
// index is kept for it, so a new article writes no row for the archive (db/archive.ts).
import { type Config, archiveProblem } from "../config";
import { forEachLimited } from "../core/concurrency";
import {
  type ArchiveSweep,
  type ArchiveWindow,
  archiveWindow,
  archivedUnindexed,
  getArchiveSweep,
  markArchivedStatement,
  recordArchiveRunStatement,
  restoreBodyStatement,
} from "../db/archive";
import type { SqlRunner, Stmt } from "../db/sql";
import { type ArchiveBucket, getBody, putBody } from "./bodies";

export interface ArchiveDeps {
  readonly db: SqlRunner;
  readonly bucket: ArchiveBucket | null;
  readonly now: () => number;
  readonly log: (line: Record<string, unknown>) => void;
}

export interface ArchiveOutcome {
  /** Bodies moved to R2 and emptied in D1. */
  readonly archived: number;
  /** Bodies R2 refused (they stay in D1; retried next tick). */
  readonly failed: number;
  /** Archived bodies brought back to D1 because their search index row was gone. */
  readonly restored: number;
}

const DAY_MS = 86_400_000;
/** Articles the walk examines at most per tick (rows read, not written: 4 per article). A pass
 *  over N articles takes N / ARCHIVE_SCAN_PER_TICK ticks: 1M articles in ~25 h at one tick every
 *  15 minutes. */
export const ARCHIVE_SCAN_PER_TICK = 10_000;
/** A finished pass starts again from the beginning once this long has passed since it began:
 *  an article that got its body back after the walk passed it (an edit by a refresh, an old item
 *  stored late) is archived by the next pass. */
export const ARCHIVE_PASS_MS = DAY_MS;
/** R2 writes in flight at once. */
const WRITE_CONCURRENCY = 6;
const NOTHING: ArchiveOutcome = { archived: 0, failed: 0, restored: 0 };

/** One tick of the archive. Never throws: a failure is logged and recorded for /status. */
export async function archiveTick(deps: ArchiveDeps, config: Config): Promise<ArchiveOutcome> {
  const { afterDays, maxPerTick } = config.archive;
  if (afterDays === 0) return NOTHING;
  const problem = archiveProblem(config);
  const bucket = deps.bucket;
  if (problem || !bucket) {
    deps.log({ level: "error", msg: "archive not configured; nothing archived", problem });
    return NOTHING;
  }
  const now = deps.now();
  const errors: string[] = [];
  let outcome = NOTHING;
  // Until this tick has read the cursor and done its work, the recorded cursor stays as it was.
  let sweep: ArchiveSweep | null = null;
  try {
    const restored = await restoreUnindexed(deps.db, bucket, maxPerTick, errors);
    const stored = await getArchiveSweep(deps.db);
    let pass: ArchiveSweep = stored.startedAt === null ? { after: null, startedAt: now } : stored;
    const limit = maxPerTick - restored;
    const cutoff = now - afterDays * DAY_MS;
    let window = await archiveWindow(deps.db, pass.after, cutoff, ARCHIVE_SCAN_PER_TICK, limit);
    // The pass has reached the cutoff and began a day ago or more: a new one from the beginning,
    // which also covers this window.
    if (window.reachedCutoff && pass.after !== null && now - (pass.startedAt ?? now) >= ARCHIVE_PASS_MS) {
      pass = { after: null, startedAt: now };
      window = await archiveWindow(deps.db, null, cutoff, ARCHIVE_SCAN_PER_TICK, limit);
    }
    const written: Stmt[] = [];
    await forEachLimited(window.candidates, WRITE_CONCURRENCY, async (a) => {
      try {
        await putBody(bucket, a.id, a.content_html, a.content_hash);
        written.push(markArchivedStatement(a.id, a.content_hash, now));
      } catch (e) {
        errors.push(`${a.id}: ${String(e)}`);
      }
    });
    // One transaction; each statement flips its row only if the row is what R2 now holds.
    const flippedIds = new Set(
      (await deps.db.allMany(written)).flatMap((rows) => rows as { id: string }[]).map((r) => r.id),
    );
    outcome = { archived: flippedIds.size, failed: window.candidates.length - written.length, restored };
    sweep = nextSweep(pass, window, flippedIds, limit);
  } catch (e) {
    errors.push(String(e));
  }
  const error = errors.length > 0 ? `${errors.length} 项失败（下次定时任务重试），首个：${errors[0]}` : null;
  deps.log({ level: error ? "error" : "info", msg: "cron archive", ...outcome, ...(error ? { error } : {}) });
  try {
    const record = recordArchiveRunStatement(now, outcome.archived, error, sweep ?? (await getArchiveSweep(deps.db)));
    await deps.db.batch([record]);
  } catch (e) {
    deps.log({ level: "error", msg: "archive state not recorded", error: String(e) });
  }
  return outcome;
}

/** Where the next tick walks from: just before the first candidate this tick did not archive
 *  (R2 refused it, or a refresh changed the row meanwhile), so the next tick tries it again —
 *  unless this tick already started there: an article that fails twice waits for the next pass
 *  rather than hold the walk; after the last candidate when the window may hold more than
 *  `limit`; else the window's end. */
function nextSweep(
  pass: ArchiveSweep,
  window: ArchiveWindow,
  archived: ReadonlySet<string>,
  limit: number,
): ArchiveSweep {
  const stuck = window.candidates.find((c) => !archived.has(c.id));
  if (stuck && stuck.search_rowid - 1 !== pass.after)
    return { after: stuck.search_rowid - 1, startedAt: pass.startedAt };
  const last = window.candidates.at(-1);
  if (window.candidates.length >= limit) return { after: last?.search_rowid ?? pass.after, startedAt: pass.startedAt };
  return { after: window.end ?? pass.after, startedAt: pass.startedAt };
}

/** Bring archived bodies whose index row is gone back to D1 (see db/archive.ts archivedUnindexed). */
async function restoreUnindexed(db: SqlRunner, bucket: ArchiveBucket, limit: number, errors: string[]) {
  const lost = await archivedUnindexed(db, limit);
  const stmts: Stmt[] = [];
  await forEachLimited(lost, WRITE_CONCURRENCY, async (a) => {
    try {
      stmts.push(restoreBodyStatement(a.id, a.content_hash, await getBody(bucket, a.id, a.content_hash)));
    } catch (e) {
      errors.push(`${a.id}: ${String(e)}`);
    }
  });
  await db.batch(stmts);
  return stmts.length;
}
