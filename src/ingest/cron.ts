// The cron tick: claim the sources that are due and refresh them — inline, a bounded number with
// bounded concurrency, or, when a queue is bound, by handing each to the queue consumer (fan-out
// for many sources). Either way within the subrequest and CPU limits of one invocation.
import type { Config } from "../config";
import { d1Runner } from "../db/sql";
import { indexMissing } from "../db/search";
import { claimDueSources, getSourceWithState } from "../db/sources";
import { forEachLimited, sendInBatches } from "../core/concurrency";
import { DEFAULT_LIMITS } from "./fetch-upstream";
import { politeFetch } from "./manners";
import type { RefreshDeps } from "./gather";
import { type RefreshOutcome, refreshAll, refreshSource } from "./refresh";

/** What the cron puts on the refresh queue: one message a source. */
export interface RefreshMessage {
  readonly slug: string;
}

// A claimed source is not claimed again for this long, unless its refresh records an outcome or
// an admin changes it first: a queue backlog or a slow run finishes first.
const CLAIM_LEASE_MS = 10 * 60_000;

export function refreshDeps(env: Env, config: Config, fetcher: typeof fetch = fetch): RefreshDeps {
  return {
    // Writes, and reads that decide writes, go to the primary.
    db: d1Runner(env.DB.withSession("first-primary")),
    // Manners toward the papers' servers: per-host concurrency and spacing (manners.ts).
    fetch: politeFetch(fetcher, { perHostConcurrency: config.hostConcurrency, minDelayMs: config.hostMinDelayMs }),
    now: () => Date.now(),
    limits: { ...DEFAULT_LIMITS, userAgent: config.userAgent, outbound: config.outbound },
    log: (line) => console.log(JSON.stringify(line)),
    storyWindowMs: config.storyWindowDays * 86_400_000,
  };
}

/** The queue binding, when this deployment has one. */
export function refreshQueue(env: Env): Queue<RefreshMessage> | null {
  const q = (env as unknown as { REFRESH_QUEUE?: Queue<RefreshMessage> }).REFRESH_QUEUE;
  return q ?? null;
}

// Articles stored before the search index existed are indexed a batch per tick, until none is left.
const BACKFILL_PER_TICK = 100;

export async function refreshDueSources(
  deps: RefreshDeps,
  config: Config,
  queue: Queue<RefreshMessage> | null = null,
): Promise<RefreshOutcome[]> {
  const now = deps.now();
  try {
    const indexed = await indexMissing(deps.db, BACKFILL_PER_TICK);
    if (indexed > 0) deps.log({ level: "info", msg: "search backfill", indexed });
  } catch (e) {
    deps.log({ level: "error", msg: "search backfill failed", error: String(e) });
  }
  if (queue) {
    const claimed = await claimDueSources(deps.db, now, config.refreshEnqueueMax, now + CLAIM_LEASE_MS);
    await sendInBatches(
      queue,
      claimed.map((s) => ({ slug: s.slug })),
    );
    deps.log({ level: "info", msg: "cron refresh", mode: "queue", enqueued: claimed.length });
    return [];
  }
  const claimed = await claimDueSources(deps.db, now, config.refreshMaxSources, now + CLAIM_LEASE_MS);
  const outcomes = await refreshAll(deps, claimed, config.refreshConcurrency);
  deps.log({
    level: "info",
    msg: "cron refresh",
    mode: "inline",
    due: claimed.length,
    ok: outcomes.filter((o) => o.status !== "error").length,
    failed: outcomes.filter((o) => o.status === "error").length,
  });
  return outcomes;
}

/** The queue consumer: refresh each source named in the batch. A refresh records its own
 *  failures; a message is retried (and after max_retries dead-lettered) only when even that was
 *  impossible, e.g. D1 unreachable. */
export async function consumeRefreshBatch(
  deps: RefreshDeps,
  batch: MessageBatch<RefreshMessage>,
  concurrency: number,
): Promise<RefreshOutcome[]> {
  const outcomes: RefreshOutcome[] = [];
  await forEachLimited(batch.messages, concurrency, async (message) => {
    try {
      const source = await getSourceWithState(deps.db, message.body.slug);
      // A deleted source: nothing to do. One no longer due was refreshed since it was enqueued
      // (a message that waited past its claim and was enqueued again): not fetched twice.
      if (source && source.state.nextFetchAt <= deps.now()) outcomes.push(await refreshSource(deps, source));
      message.ack();
    } catch (e) {
      deps.log({
        level: "error",
        msg: "refresh message failed; retrying",
        source: message.body.slug,
        attempts: message.attempts,
        error: String(e),
      });
      message.retry({ delaySeconds: 30 * message.attempts });
    }
  });
  return outcomes;
}
