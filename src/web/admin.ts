// The sources admin API (/api/v1/sources) and the public health view of every source.
import { Hono } from "hono";
import type { Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import { validator } from "hono/validator";
// zod's tree-shakable build: the classic `zod` import drags ~750 KB (every locale) into the Worker.
import * as z from "zod/mini";
import { type SqlRunner, d1Runner } from "../db/sql";
import type { SourceWithState } from "../core/model";
import type { Config } from "../config";
import {
  type SourceFields,
  createSourceStatement,
  deleteSourceStatements,
  getSourceWithState,
  listSourcesWithState,
  updateSourceStatement,
  toNav,
} from "../db/sources";
import { refreshDeps } from "../ingest/cron";
import { previewSource } from "../ingest/dry-run";
import { type RefreshOutcome, refreshSource } from "../ingest/refresh";
import { type Discovery, discoverFeed } from "../ingest/discover";
import { parseRules } from "../ingest/rules";
import { forgetUnreadUpstreamPagesStatement } from "../db/upstream-pages";
import { publishToSubscribers } from "../websub/wiring";
import { sourceHealthJson, sourceJson } from "../render/api";
import { StatusPage } from "../render/pages/status";
import { getArchiveState } from "../db/archive";
import type { AppEnv } from "./context";
import { createBody, dryRunBody, patchBody } from "./source-bodies";
import { BadRequestError, ConflictError, NotConfiguredError, NotFoundError, UnprocessableError } from "../core/errors";

/** A body checked against a schema: its data, or each failing field with its reason. */
export function checkBody<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
): { data: z.infer<S>; errors?: undefined } | { data?: undefined; errors: { field: string; reason: string }[] } {
  const result = z.safeParse(schema, value);
  if (result.success) return { data: result.data as z.infer<S> };
  return {
    errors: result.error.issues.map((i) => ({
      field: i.path.join(".") || (i.code === "unrecognized_keys" ? i.keys.join(", ") : "(body)"),
      reason:
        i.code === "unrecognized_keys"
          ? "is not a known field"
          : i.code === "invalid_type"
            ? i.input === undefined
              ? "is required"
              : `must be a ${i.expected}`
            : i.message,
    })),
  };
}

/** Validate a JSON body with a schema; a 400 problem names each field and its reason. */
function jsonBody<S extends z.ZodMiniType>(schema: S) {
  return validator("json", (value) => {
    const { data, errors } = checkBody(schema, value);
    if (!errors) return data;
    throw new BadRequestError(
      `invalid request body: ${errors.map((e) => `${e.field} ${e.reason}`).join("; ")}`,
      errors,
    );
  });
}

/** An unset ADMIN_TOKEN secret is the operator's mistake, not the caller's: 503 says which setting. */
export const ADMIN_TOKEN_NOT_SET = "ADMIN_TOKEN is not set：管理接口未启用，请用 wrangler secret put ADMIN_TOKEN 设置";
const adminTokenSet = (env: { ADMIN_TOKEN?: string }) => (env.ADMIN_TOKEN ?? "").trim() !== "";

/** Bearer token, compared in constant time; missing or wrong → 401, no hint. */
const bearer = bearerAuth({
  verifyToken: async (token, c: Context<AppEnv>) => {
    const expected = c.env.ADMIN_TOKEN;
    if (typeof expected !== "string" || expected.length < 16) return false;
    return timingSafeEqual(token, expected);
  },
  // Every failure is the same 401 (hono answers a malformed header with 400 by default, which
  // would tell a prober which case it hit); onError turns it into the problem document.
  noAuthenticationHeader: { message: () => new Response(null, { status: 401 }) },
  invalidAuthenticationHeader: { message: () => new Response(null, { status: 401 }) },
  invalidToken: { message: () => new Response(null, { status: 401 }) },
});
/** Whether the request carries the admin bearer token: the admin API's own check (the middleware
 *  above), answered yes or no. A missing, malformed or wrong header, or no token configured, is no. */
export async function hasAdminToken(c: Context<AppEnv>): Promise<boolean> {
  if (!c.req.header("authorization")) return false;
  let ok = false;
  try {
    await bearer(c, async () => {
      ok = true;
    });
  } catch {
    // The middleware's 401: not the operator.
    return false;
  }
  return ok;
}

const requireAdmin = createMiddleware<AppEnv>((c, next) => {
  if (!adminTokenSet(c.env)) throw new NotConfiguredError(ADMIN_TOKEN_NOT_SET);
  return bearer(c, next);
});

/** The kind and rules a write leaves the source with, checked; a RuleError names the field. */
function checkedRules(
  body: z.infer<typeof patchBody>,
  base: Pick<SourceFields, "kind" | "rules">,
): Pick<SourceFields, "kind" | "rules"> {
  const kind = body.kind ?? base.kind;
  // A new kind starts from no rules unless the same request gives them.
  const raw =
    body.rules !== undefined
      ? body.rules
      : kind === base.kind && base.rules
        ? (JSON.parse(base.rules) as unknown)
        : null;
  parseRules(kind, raw);
  return { kind, rules: raw === null ? null : JSON.stringify(raw) };
}

export function toFields(body: z.infer<typeof patchBody>, base: SourceFields): SourceFields {
  return {
    ...checkedRules(body, base),
    name: body.name ?? base.name,
    label: body.label ?? (body.name && base.label === base.name ? body.name : base.label),
    feedUrl: body.feed_url ?? base.feedUrl,
    homepage: body.homepage === undefined ? base.homepage : body.homepage,
    timezone: body.timezone ?? base.timezone,
    intervalMinutes: body.interval_minutes ?? base.intervalMinutes,
    enabled: body.enabled ?? base.enabled,
    proxyImages: body.proxy_images ?? base.proxyImages,
  };
}

/** A feed source's address as given may be a web page: the feed it advertises (ingest/discover.ts). */
export async function discoverFor(c: Context<AppEnv>, kind: string | undefined, url: string): Promise<Discovery> {
  if ((kind ?? "feed") !== "feed") return { kind: "feed", url };
  const deps = refreshDeps(c.env, c.var.config);
  return discoverFeed(deps.fetch, url, deps.limits);
}

/** What the response says about a page resolved to its feed: which was chosen, and the others. */
const discoveryJson = (requested: string, d: Discovery) =>
  d.kind === "page" ? { discovery: { requested_url: requested, feed_url: d.chosen, other_feeds: d.others } } : {};

/** A new source's settings: the body over the site's defaults. */
export function newSourceFields(
  body: z.infer<typeof dryRunBody>,
  config: Config,
  homepage: string | null = null,
): SourceFields {
  return toFields(body, {
    name: body.name,
    label: body.label ?? body.name,
    feedUrl: body.feed_url,
    homepage,
    timezone: config.defaultTimezone,
    intervalMinutes: config.refreshIntervalMinutes,
    enabled: true,
    kind: "feed",
    rules: null,
    proxyImages: false,
  });
}

/** Apply a (checked) change to a source; a RuleError names the bad rules field. Resuming
 *  (`enabled: true`) clears a pause; changed rules forget the pages read under the old ones. */
export async function updateSource(db: SqlRunner, existing: SourceWithState, body: z.infer<typeof patchBody>) {
  const fields = toFields(body, existing);
  const rulesChanged = fields.kind !== existing.kind || fields.rules !== existing.rules;
  await db.batch([
    updateSourceStatement(existing.slug, fields, body.enabled === true),
    ...(rulesChanged ? [forgetUnreadUpstreamPagesStatement(existing.slug)] : []),
  ]);
}

/** Refresh one source now; subscribers hear of what changed after the answer. */
export async function refreshNow(c: Context<AppEnv>, source: SourceWithState): Promise<RefreshOutcome> {
  const outcome = await refreshSource(refreshDeps(c.env, c.var.config), source);
  if (outcome.new + outcome.updated > 0) c.executionCtx.waitUntil(publishToSubscribers(c.env));
  return outcome;
}

/** Admin writes and the reads that must see them go to the D1 primary. */
export const primary = (c: Context<AppEnv>) => d1Runner(c.env.DB.withSession("first-primary"));

export const health = new Hono<AppEnv>()
  .get("/api/v1/sources/health", async (c) => {
    const now = Date.now();
    const sources = await listSourcesWithState(c.var.db);
    c.header("cache-control", "no-store");
    return c.json({ sources: sources.map((s) => sourceHealthJson(s, now)) });
  })
  .get("/status", async (c) => {
    const now = Date.now();
    const [sources, archive] = await Promise.all([listSourcesWithState(c.var.db), getArchiveState(c.var.db)]);
    c.header("cache-control", "no-store");
    const nav = toNav([...sources].sort((a, b) => a.id - b.id));
    return c.html(
      StatusPage({ config: c.var.config, nav, sources, now, adminTokenSet: adminTokenSet(c.env), archive }),
    );
  });

export const admin = new Hono<AppEnv>()
  .use("/api/v1/sources", requireAdmin)
  .use("/api/v1/sources/*", requireAdmin)
  .get("/api/v1/sources", async (c) => {
    const now = Date.now();
    return c.json({ items: (await listSourcesWithState(primary(c))).map((s) => sourceJson(s, now)) });
  })
  .post("/api/v1/sources", jsonBody(createBody), async (c) => {
    const body = c.req.valid("json");
    const db = primary(c);
    const found = await discoverFor(c, body.kind, body.feed_url);
    if (found.kind === "none") throw new UnprocessableError(found.reason);
    const feedUrl = found.kind === "page" ? found.chosen : body.feed_url;
    const now = Date.now();
    const created = await db.all<{ id: number }>(
      createSourceStatement(
        body.slug,
        newSourceFields({ ...body, feed_url: feedUrl }, c.var.config, found.kind === "page" ? found.page : null),
        now,
      ),
    );
    if (created.length === 0) throw new ConflictError(`a source with slug "${body.slug}" exists`);
    const source = await getSourceWithState(db, body.slug);
    c.header("location", `/api/v1/sources/${body.slug}`);
    return c.json({ ...sourceJson(source!, now), ...discoveryJson(body.feed_url, found) }, 201);
  })
  // What the rules extract from the live pages, without saving anything.
  .post("/api/v1/sources/dry-run", jsonBody(dryRunBody), async (c) => {
    const body = c.req.valid("json");
    const { config } = c.var;
    const found = await discoverFor(c, body.kind, body.feed_url);
    if (found.kind === "none") return c.json({ error: found.reason, problems: [], empty: 0, items: [] }, 422);
    const fields = newSourceFields(body, config);
    const feedUrl = found.kind === "page" ? found.chosen : fields.feedUrl;
    const preview = await previewSource(refreshDeps(c.env, config), { ...fields, feedUrl });
    return c.json({ ...preview, ...discoveryJson(body.feed_url, found) }, preview.error ? 422 : 200);
  })
  .get("/api/v1/sources/:slug", async (c) => {
    const source = await getSourceWithState(primary(c), c.req.param("slug"));
    if (!source) throw new NotFoundError("no such source");
    return c.json(sourceJson(source, Date.now()));
  })
  .patch("/api/v1/sources/:slug", jsonBody(patchBody), async (c) => {
    const db = primary(c);
    const slugParam = c.req.param("slug");
    const existing = await getSourceWithState(db, slugParam);
    if (!existing) throw new NotFoundError("no such source");
    await updateSource(db, existing, c.req.valid("json"));
    return c.json(sourceJson((await getSourceWithState(db, slugParam))!, Date.now()));
  })
  .delete("/api/v1/sources/:slug", async (c) => {
    const db = primary(c);
    const slugParam = c.req.param("slug");
    if (!(await getSourceWithState(db, slugParam))) throw new NotFoundError("no such source");
    await db.batch(deleteSourceStatements(slugParam));
    return c.body(null, 204);
  })
  .post("/api/v1/sources/:slug/refresh", async (c) => {
    const deps = refreshDeps(c.env, c.var.config);
    const source = await getSourceWithState(deps.db, c.req.param("slug"));
    if (!source) throw new NotFoundError("no such source");
    return c.json(await refreshNow(c, source));
  });
