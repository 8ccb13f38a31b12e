// While the search index's rebuild has step 1 left (articles not yet listed under the new layout:
// migrations/0019_one_search_row.sql), the first request an isolate serves runs that step after
// its response, instead of leaving listings empty until the next cron tick (up to 15 minutes
// after a deploy). At most one kick per isolate a minute, and none once the isolate has seen step
// 1 finished: a site with nothing to rebuild pays three lookups per isolate, once. Ticks hold
// a lease (db/search.ts claimSearchRebuild), so isolates kicking at once never do the same work.
// The search page asks searchRebuilding whether to say that older articles may be missing.
import type { MiddlewareHandler } from "hono";
import { archiveBucket } from "../archive/bodies";
import { SEARCH_REBUILD_LIMITS, searchRebuildTick } from "../archive/search-rebuild";
import { searchIncomplete } from "../db/search";
import { type SqlRunner, d1Runner } from "../db/sql";
import type { AppEnv } from "./context";

const KICK_EVERY_MS = 60_000;
/** What a kick may spend: it runs after the response, within the 30 s a Worker has for that, and
 *  within the 50 D1 queries an invocation has on the Free plan (the request's own included). */
const KICK_LIMITS = { ...SEARCH_REBUILD_LIMITS, budgetMs: 20_000, maxCalls: 40 };

let listed = false;
let nextKickAt = 0;
/** Whether search finds every article yet, as this isolate last looked (at most a minute ago). */
let complete = false;
let incompleteUntil = 0;

/** Forget what this isolate saw (state.ts). */
export function resetSearchRebuildKick(): void {
  listed = false;
  nextKickAt = 0;
  complete = false;
  incompleteUntil = 0;
}

/** Whether a search may miss older articles because the rebuild has not reached them: looked up
 *  at most once a minute per isolate while it lasts, and never again once it is over. */
export async function searchRebuilding(db: SqlRunner): Promise<boolean> {
  const now = Date.now();
  if (complete) return false;
  if (now < incompleteUntil) return true;
  if (await searchIncomplete(db)) {
    incompleteUntil = now + KICK_EVERY_MS;
    return true;
  }
  complete = true;
  return false;
}

export const kickSearchRebuild: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const now = Date.now();
  if (listed || now < nextKickAt) return;
  let ctx: Pick<ExecutionContext, "waitUntil">;
  try {
    ctx = c.executionCtx;
  } catch {
    return; // no execution context (a test calling the app without one): nothing to wait on
  }
  nextKickAt = now + KICK_EVERY_MS;
  const deps = {
    db: d1Runner(c.env.DB.withSession("first-primary")),
    bucket: archiveBucket(c.env),
    log: (line: Record<string, unknown>) => console.log(JSON.stringify(line)),
  };
  ctx.waitUntil(
    searchRebuildTick(deps, KICK_LIMITS, "labels").then((outcome) => {
      if (outcome.listed) listed = true;
    }),
  );
};
