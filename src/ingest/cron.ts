// The cron tick: pick the sources that are due and refresh each in isolation, within the
// subrequest and CPU limits of one invocation (a bounded number, bounded concurrency).
import type { Config } from "../config";
import { d1Runner } from "../db/sql";
import { listDueSources } from "../db/sources";
import { DEFAULT_LIMITS } from "./fetch-upstream";
import { type RefreshDeps, type RefreshOutcome, refreshAll } from "./refresh";

export function refreshDeps(env: Env, config: Config, fetcher: typeof fetch = fetch): RefreshDeps {
  return {
    // Writes, and reads that decide writes, go to the primary.
    db: d1Runner(env.DB.withSession("first-primary")),
    fetch: fetcher,
    now: () => Date.now(),
    limits: { ...DEFAULT_LIMITS, userAgent: config.userAgent },
    log: (line) => console.log(JSON.stringify(line)),
  };
}

export async function refreshDueSources(deps: RefreshDeps, config: Config): Promise<RefreshOutcome[]> {
  const due = await listDueSources(deps.db, deps.now(), config.refreshMaxSources);
  const outcomes = await refreshAll(deps, due, config.refreshConcurrency);
  deps.log({
    level: "info",
    msg: "cron refresh",
    due: due.length,
    ok: outcomes.filter((o) => o.status !== "error").length,
    failed: outcomes.filter((o) => o.status === "error").length,
  });
  return outcomes;
}
