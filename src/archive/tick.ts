// The cron's archive step (docs/archive.md): move the bodies of old articles to R2, a bounded
// number per tick. R2 is written first and D1 emptied only afterwards, by compare-and-set on the
// content hash: a failure at any point leaves the body where it was, and the next tick resumes.
import { type Config, archiveProblem } from "../config";
import { forEachLimited } from "../core/concurrency";
import {
  archiveCandidates,
  archivedUnindexed,
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
  try {
    const restored = await restoreUnindexed(deps.db, bucket, maxPerTick, errors);
    const candidates = await archiveCandidates(deps.db, now - afterDays * DAY_MS, maxPerTick - restored);
    const written: Stmt[] = [];
    await forEachLimited(candidates, WRITE_CONCURRENCY, async (a) => {
      try {
        await putBody(bucket, a.id, a.content_html, a.content_hash);
        written.push(markArchivedStatement(a.id, a.content_hash, now));
      } catch (e) {
        errors.push(`${a.id}: ${String(e)}`);
      }
    });
    // One transaction; each statement flips its row only if the row is what R2 now holds.
    const flipped = (await deps.db.allMany(written)).reduce((n, rows) => n + rows.length, 0);
    outcome = { archived: flipped, failed: candidates.length - written.length, restored };
  } catch (e) {
    errors.push(String(e));
  }
  const error = errors.length > 0 ? `${errors.length} 项失败（下次定时任务重试），首个：${errors[0]}` : null;
  deps.log({ level: error ? "error" : "info", msg: "cron archive", ...outcome, ...(error ? { error } : {}) });
  try {
    await deps.db.batch([recordArchiveRunStatement(now, outcome.archived, error)]);
  } catch (e) {
    deps.log({ level: "error", msg: "archive state not recorded", error: String(e) });
  }
  return outcome;
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
