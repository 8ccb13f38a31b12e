// One source refreshed: gather (gather.ts) → plan the writes (plan.ts) → one atomic db.batch, and
// the outcome recorded. A refresh never throws: whatever goes wrong becomes the source's recorded
// error, and the articles already stored are untouched.
import type { SourceWithState } from "../core/model";
import type { Stmt } from "../db/sql";
import {
  isSupersededError,
  recordFailureStatement,
  recordSuccessStatement,
  refreshGuardStatement,
} from "../db/sources";
import { forEachLimited } from "../core/concurrency";
import { redactText } from "../core/redact";
import { RefreshError } from "./refresh-error";
import { recordDecodeWarningStatement } from "../db/source-warnings";
import { PAUSE_AFTER_FAILURES, nextFetchAt } from "./schedule";
import { type RefreshDeps, gather } from "./gather";
import { planItems } from "./plan";

export interface RefreshOutcome {
  readonly source: string;
  /** "superseded": an admin changed or deleted the source while it ran; nothing was written. */
  readonly status: "200" | "304" | "error" | "superseded";
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Items with nothing a reader could use (no text, image, media or link), skipped one by one. */
  readonly empty: number;
  readonly ms: number;
  readonly error?: string;
  readonly paused?: boolean;
}

export async function refreshSource(deps: RefreshDeps, source: SourceWithState): Promise<RefreshOutcome> {
  const started = deps.now();
  let outcome: RefreshOutcome;
  try {
    outcome = await refreshOrThrow(deps, source, started);
  } catch (e) {
    if (isSupersededError(e)) return superseded(deps, source, started);
    const reason = e instanceof Error ? e.message : String(e);
    const now = deps.now();
    const errorCount = source.state.errorCount + 1;
    const retryAfter = e instanceof RefreshError ? e.headers?.get("retry-after") : null;
    try {
      await deps.db.batch([
        refreshGuardStatement(source.slug, source.generation),
        recordFailureStatement(source.slug, {
          reason,
          nextFetchAt: nextFetchAt(now, { intervalMinutes: source.intervalMinutes, errorCount, retryAfter }),
          now,
          durationMs: now - started,
          pauseAfter: PAUSE_AFTER_FAILURES,
        }),
      ]);
    } catch (recordError) {
      if (isSupersededError(recordError)) return superseded(deps, source, started);
      deps.log({
        level: "error",
        msg: "could not record a refresh failure",
        source: source.slug,
        error: String(recordError),
      });
    }
    outcome = {
      source: source.slug,
      status: "error",
      new: 0,
      updated: 0,
      unchanged: 0,
      empty: 0,
      ms: now - started,
      error: reason,
      paused: errorCount >= PAUSE_AFTER_FAILURES,
    };
  }
  // Logs are below the admin's view: URLs in them are redacted.
  deps.log({
    level: outcome.status === "error" ? "warn" : "info",
    msg: "refresh",
    ...outcome,
    ...(outcome.error ? { error: redactText(outcome.error) } : {}),
  });
  return outcome;
}

/** The source changed under the refresh (an admin PATCH, or DELETE and create again): what the
 *  refresh found is dropped, and the source keeps what the admin set. Recorded in the log. */
function superseded(deps: RefreshDeps, source: SourceWithState, started: number): RefreshOutcome {
  const ms = deps.now() - started;
  deps.log({ level: "info", msg: "refresh superseded", source: source.slug, ms });
  return { source: source.slug, status: "superseded", new: 0, updated: 0, unchanged: 0, empty: 0, ms };
}

async function refreshOrThrow(deps: RefreshDeps, source: SourceWithState, started: number): Promise<RefreshOutcome> {
  const g = await gather(deps, source);
  const now = deps.now();
  let counts = { new: 0, updated: 0, unchanged: 0, empty: 0 };
  let writes: Stmt[] = [];
  if (g.kind === "unchanged" && g.sameBytes && source.state.lastCounts) {
    const last = source.state.lastCounts;
    counts = { new: 0, updated: 0, unchanged: last.new + last.updated + last.unchanged, empty: 0 };
  }
  if (g.kind === "items") {
    const { statements, ...planned } = await planItems(deps, source, g, now);
    counts = planned;
    writes = statements;
  }
  const problems = g.kind === "items" ? g.problems : [];
  const problem = problems.length ? `${problems.length} page(s) could not be read: ${problems.join("; ")}` : null;
  const status = g.kind === "unchanged" && !g.sameBytes ? "304" : "200";
  const done = deps.now();
  const warning = g.kind === "items" ? g.decodeWarning : undefined;
  // Written only when it changes: a body decoded this time, with a different outcome than before.
  const warningChanged = warning !== undefined && warning !== (source.state.decodeWarning ?? null);
  // The guard first: the whole batch is dropped if the source changed since it was read.
  await deps.db.batch([
    refreshGuardStatement(source.slug, source.generation),
    ...writes,
    ...g.pageWrites,
    ...(warningChanged ? [recordDecodeWarningStatement(source.slug, warning)] : []),
    recordSuccessStatement(source.slug, {
      status,
      etag: g.etag,
      lastModified: g.lastModified,
      now: done,
      durationMs: done - started,
      counts,
      bodyHash: g.bodyHash,
      problem,
      nextFetchAt: nextFetchAt(done, {
        intervalMinutes: source.intervalMinutes,
        ttlMinutes: g.kind === "items" ? g.ttl : null,
        cacheControl: g.headers?.get("cache-control") ?? null,
        expires: g.headers?.get("expires") ?? null,
        errorCount: 0,
      }),
    }),
  ]);
  if (problem)
    deps.log({ level: "warn", msg: "refresh: pages not read", source: source.slug, problem: redactText(problem) });
  if (warning) deps.log({ level: "warn", msg: "refresh: undecodable bytes", source: source.slug, warning });
  return { source: source.slug, status, ...counts, ms: done - started };
}

/** Refresh the given sources, at most `concurrency` at a time; never throws. */
export async function refreshAll(
  deps: RefreshDeps,
  sources: readonly SourceWithState[],
  concurrency: number,
): Promise<RefreshOutcome[]> {
  const outcomes: RefreshOutcome[] = [];
  await forEachLimited(sources, concurrency, async (source) => void outcomes.push(await refreshSource(deps, source)));
  return outcomes;
}
