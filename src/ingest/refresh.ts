// One source: fetch → decode → parse → normalize → sanitize → store, and the outcome recorded.
// A refresh never throws: whatever goes wrong becomes the source's recorded error, and the
// articles already stored are untouched (the writes of a refresh are one atomic db.batch).
import type { ArticleInput, SourceWithState } from "../core/model";
import { planUpsert, readKnownArticles } from "../db/articles";
import type { SqlRunner, Stmt } from "../db/sql";
import {
  type SourceFields,
  isSupersededError,
  recordFailureStatement,
  recordSuccessStatement,
  refreshGuardStatement,
} from "../db/sources";
import { forEachLimited } from "../core/concurrency";
import { sha256Hex, toHex } from "../core/ids";
import { redactText } from "../core/redact";
import { toRfc3339 } from "../core/time";
import { decodeFeedBytes } from "./decode";
import { type FetchLimits, fetchUpstream } from "./fetch-upstream";
import { itemIdentity, normalizeItem } from "./normalize";
import { parseFeedText } from "./parse";
import { type PageDeps, addFullText, gatherHtml, itemsFromJson, parseJsonDocument } from "./page-sources";
import type { ParsedItem } from "./parse";
import { RefreshError } from "./refresh-error";
import { RuleError, parseRules } from "./rules";
import { PAUSE_AFTER_FAILURES, nextFetchAt } from "./schedule";

export interface RefreshDeps {
  readonly db: SqlRunner;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly limits: FetchLimits;
  readonly log: (line: Record<string, unknown>) => void;
}

export interface RefreshOutcome {
  readonly source: string;
  /** "superseded": an admin changed or deleted the source while it ran; nothing was written. */
  readonly status: "200" | "304" | "error" | "superseded";
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
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
  return { source: source.slug, status: "superseded", new: 0, updated: 0, unchanged: 0, ms };
}

/** What reading a source produced, before anything is written. */
type Gathered =
  | {
      kind: "unchanged";
      headers: Headers | null;
      etag: string | null;
      lastModified: string | null;
      bodyHash: string | null;
      pageWrites: Stmt[];
      sameBytes: boolean;
    }
  | {
      kind: "items";
      items: readonly ParsedItem[];
      base: string;
      xmlBase: string | null;
      headers: Headers | null;
      ttl: number | null;
      etag: string | null;
      lastModified: string | null;
      bodyHash: string | null;
      pageWrites: Stmt[];
      problems: string[];
      /** Items whose raw hash is stored already are not normalized again (feeds and JSON; web
       *  pages skip unchanged pages by conditional GET instead). */
      skipUnchanged: boolean;
    };

function rulesOf(source: SourceWithState) {
  try {
    return parseRules(source.kind, source.rules ? JSON.parse(source.rules) : null);
  } catch (e) {
    throw new RefreshError(`the source's rules are invalid: ${e instanceof RuleError ? e.message : String(e)}`);
  }
}

/** Fetch the source by its kind and rules and turn what changed into parsed items. */
async function gather(deps: RefreshDeps, source: SourceWithState): Promise<Gathered> {
  if (!source.feedUrl) throw new RefreshError("the source has no feed URL");
  const rules = rulesOf(source);
  const pageDeps: PageDeps = { db: deps.db, fetch: deps.fetch, limits: deps.limits, now: deps.now() };

  if (rules.kind === "html") {
    // Web pages: the list page is the source's URL; article pages are visited by the rules.
    const g = await gatherHtml(pageDeps, source, rules.html);
    const common = {
      headers: g.headers,
      etag: g.etag,
      lastModified: g.lastModified,
      bodyHash: null,
      pageWrites: g.pageWrites,
    };
    if (g.unchanged && g.problems.length === 0) return { kind: "unchanged", ...common, sameBytes: false };
    return {
      kind: "items",
      ...common,
      items: g.items,
      base: g.base,
      xmlBase: null,
      ttl: null,
      problems: g.problems,
      skipUnchanged: false,
    };
  }

  const fetched = await fetchUpstream(
    deps.fetch,
    source.feedUrl,
    { etag: source.state.etag, lastModified: source.state.lastModified },
    deps.limits,
  );
  if (fetched.kind === "error") throw new RefreshError(fetched.reason, fetched.headers);
  if (fetched.kind === "not-modified") {
    const h = fetched.headers;
    return {
      kind: "unchanged",
      headers: h,
      etag: h.get("etag") ?? source.state.etag,
      lastModified: h.get("last-modified") ?? source.state.lastModified,
      bodyHash: source.state.bodyHash,
      pageWrites: [],
      sameBytes: false,
    };
  }
  const h = fetched.headers;
  const validators = { etag: h.get("etag"), lastModified: h.get("last-modified") };
  // The same bytes as last time (an upstream that ignores conditional GET): nothing to parse.
  const bodyHash = await hashBody(fetched.bytes);
  if (bodyHash === source.state.bodyHash)
    return { kind: "unchanged", headers: h, ...validators, bodyHash, pageWrites: [], sameBytes: true };

  const { text } = decodeFeedBytes(fetched.bytes, h.get("content-type"));
  if (rules.kind === "json") {
    const items = itemsFromJson(parseJsonDocument(text), rules.json, source.timezone);
    return {
      kind: "items",
      items,
      base: fetched.url,
      xmlBase: null,
      headers: h,
      ttl: null,
      ...validators,
      bodyHash,
      pageWrites: [],
      problems: [],
      skipUnchanged: true,
    };
  }
  const feed = parseFeedText(text);
  const base = resolveBase(feed.base, feed.link, fetched.url);
  const common = {
    kind: "items",
    base,
    xmlBase: feed.base ? base : null,
    headers: h,
    ttl: feed.ttlMinutes,
    skipUnchanged: true,
  } as const;
  if (!rules.fullText) return { ...common, items: feed.items, ...validators, bodyHash, pageWrites: [], problems: [] };
  // Summary-only feed: each new item's own page gives the full text (once per item). Items left
  // for the next run must be seen again even if the feed does not change: no validators, no hash.
  const full = await addFullText(pageDeps, source, rules.fullText, feed.items, base);
  const complete = full.pending === 0;
  return {
    ...common,
    items: full.items,
    pageWrites: full.pageWrites,
    problems: full.problems,
    ...(complete ? { ...validators, bodyHash } : { etag: null, lastModified: null, bodyHash: null }),
  };
}

/** Normalize (and sanitize) parsed items; upstream duplicates are one article, the later wins.
 *  `rawHashes` (by item) is stored with each article; `skipped` items were left out as unchanged. */
async function normalizeAll(
  source: SourceWithState,
  g: Extract<Gathered, { kind: "items" }>,
  now: number,
  items: readonly ParsedItem[] = g.items,
  rawHashes: ReadonlyMap<ParsedItem, string> = new Map(),
  skipped = 0,
): Promise<ArticleInput[]> {
  const inputs = new Map<string, ArticleInput>();
  for (const item of items) {
    const article = await normalizeItem(item, { source, base: g.base, xmlBase: g.xmlBase, now });
    const rawHash = rawHashes.get(item);
    if (article) inputs.set(article.guid, rawHash ? { ...article, rawHash } : article);
  }
  if (g.items.length > 0 && inputs.size === 0 && skipped === 0)
    throw new RefreshError("the items have no title or content");
  return [...inputs.values()];
}

/** Normalize the items that changed and plan the writes. An item whose raw hash (hashItem) is the
 *  one stored with its article is left out: normalizing it would give what is stored. One read
 *  of stored hashes, by the identities normalizeItem will give (itemIdentity); a second only for
 *  items whose identity needs their body (no guid, link or title). */
async function planItems(
  deps: RefreshDeps,
  source: SourceWithState,
  g: Extract<Gathered, { kind: "items" }>,
  now: number,
) {
  const key = (guid: string) => `${source.slug}\n${guid}`;
  let items = g.items;
  const rawHashes = new Map<ParsedItem, string>();
  let known = { content: new Map<string, string>(), raw: new Map<string, string | null>() };
  const asked = new Set<string>();
  let skipped = 0;
  if (g.skipUnchanged) {
    const ctx = { base: g.base, xmlBase: g.xmlBase, label: source.label, timezone: source.timezone };
    const identities = new Map<ParsedItem, string>();
    const last = new Map<string, ParsedItem>(); // the later of duplicates is the one stored
    for (const item of g.items) {
      const id = await itemIdentity(item, g.base);
      rawHashes.set(item, await hashItem(item, ctx));
      if (id === null) continue;
      identities.set(item, id);
      last.set(id, item);
    }
    for (const id of last.keys()) asked.add(id);
    if (asked.size > 0) known = await readKnownArticles(deps.db, new Map([[source.slug, [...asked]]]));
    const same = new Set<string>();
    for (const [id, item] of last) {
      const stored = known.raw.get(key(id));
      if (stored && stored === rawHashes.get(item)) same.add(id);
    }
    if (same.size > 0) {
      skipped = same.size;
      items = g.items.filter((item) => {
        const id = identities.get(item);
        return id === undefined || !same.has(id);
      });
    }
  }
  const inputs = await normalizeAll(source, g, now, items, rawHashes, skipped);
  const rest = inputs.map((a) => a.guid).filter((guid) => !asked.has(guid));
  if (rest.length > 0) {
    const more = await readKnownArticles(deps.db, new Map([[source.slug, rest]]));
    for (const [k, v] of more.content) known.content.set(k, v);
    for (const [k, v] of more.raw) known.raw.set(k, v);
  }
  const plan = await planUpsert(known.content, source, inputs, now, known.raw);
  return {
    new: plan.inserted,
    updated: plan.updated,
    unchanged: plan.unchanged + skipped,
    statements: plan.statements,
  };
}

async function refreshOrThrow(deps: RefreshDeps, source: SourceWithState, started: number): Promise<RefreshOutcome> {
  const g = await gather(deps, source);
  const now = deps.now();
  let counts = { new: 0, updated: 0, unchanged: 0 };
  let writes: Stmt[] = [];
  if (g.kind === "unchanged" && g.sameBytes && source.state.lastCounts) {
    const last = source.state.lastCounts;
    counts = { new: 0, updated: 0, unchanged: last.new + last.updated + last.unchanged };
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
  // The guard first: the whole batch is dropped if the source changed since it was read.
  await deps.db.batch([
    refreshGuardStatement(source.slug, source.generation),
    ...writes,
    ...g.pageWrites,
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
  return { source: source.slug, status, ...counts, ms: done - started };
}

/** A dry run of a source not yet saved: what its rules extract from the live pages, as the
 *  refresh would store it (first visit: no validators, nothing known). Writes nothing. */
export async function previewSource(deps: RefreshDeps, fields: SourceFields & { slug?: string }) {
  const now = deps.now();
  const source: SourceWithState = {
    id: -1,
    slug: fields.slug ?? "preview",
    name: fields.name,
    label: fields.label,
    homepage: fields.homepage,
    feedUrl: fields.feedUrl,
    timezone: fields.timezone,
    enabled: true,
    intervalMinutes: fields.intervalMinutes,
    kind: fields.kind,
    rules: fields.rules,
    generation: 0,
    state: {
      etag: null,
      lastModified: null,
      nextFetchAt: 0,
      lastFetchAt: null,
      lastStatus: null,
      errorCount: 0,
      lastError: null,
      pausedAt: null,
      lastDurationMs: null,
      lastCounts: null,
      bodyHash: null,
    },
  };
  try {
    const g = await gather(deps, source);
    const inputs = g.kind === "items" ? await normalizeAll(source, g, now) : [];
    return {
      error: null,
      problems: g.kind === "items" ? g.problems : [],
      items: inputs.map((a) => ({
        guid: a.guid,
        url: a.originalUrl,
        title: a.title,
        published: a.undated ? null : toRfc3339(a.published),
        author: a.author,
        image: a.image,
        summary: a.summary,
        content_chars: a.contentHtml.length,
        tags: a.tags,
      })),
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), problems: [], items: [] };
  }
}

// Bump when decoding, parsing, normalizing or sanitizing changes what a feed's bytes become, so
// sources whose bytes did not change are processed again once.
export const PIPELINE_VERSION = "2026-11-26.1";

/** The identity of a fetched body for this version of the pipeline. */
export async function hashBody(bytes: Uint8Array): Promise<string> {
  const salt = new TextEncoder().encode(`${PIPELINE_VERSION}\n`);
  const all = new Uint8Array(salt.byteLength + bytes.byteLength);
  all.set(salt);
  all.set(bytes, salt.byteLength);
  return toHex(await crypto.subtle.digest("SHA-256", all));
}

/** The identity of a parsed item for this version of the pipeline, with everything its
 *  normalized article depends on besides the item (the base URLs, the source's label, a tag,
 *  and zone, for dates): equal hashes mean normalizing it again would give the same article. */
export async function hashItem(
  item: ParsedItem,
  ctx: { readonly base: string; readonly xmlBase: string | null; readonly label: string; readonly timezone: string },
  version = PIPELINE_VERSION,
): Promise<string> {
  // Every field, named (a field added to ParsedItem must be added here), in a fixed order.
  const fields: { readonly [K in keyof Required<ParsedItem>]: ParsedItem[K] } = {
    guid: item.guid,
    link: item.link,
    title: item.title,
    content: item.content,
    contentIsText: item.contentIsText,
    summary: item.summary,
    published: item.published,
    updated: item.updated,
    authors: item.authors,
    categories: item.categories,
    image: item.image,
  };
  return sha256Hex(JSON.stringify([version, ctx.base, ctx.xmlBase, ctx.label, ctx.timezone, fields]));
}

/** xml:base (itself relative to the feed's URL), else the feed's own link, else its URL. */
function resolveBase(xmlBase: string | null, link: string | null, url: string): string {
  for (const candidate of [xmlBase, link]) {
    if (!candidate) continue;
    try {
      const u = new URL(candidate, url);
      if (u.protocol === "http:" || u.protocol === "https:") return u.href;
    } catch {
      // try the next
    }
  }
  return url;
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
