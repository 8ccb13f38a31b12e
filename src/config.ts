// Wrangler vars → a validated Config (parseConfig is pure).
//
// Module state: the Config of the last env object and origin (one entry: vars do not change
// within an isolate), forgotten by resetConfigCache() (src/state.ts).
import { ConfigError } from "./core/errors";
import { type ImageSigner, imageSignerFor } from "./core/image-proxy";
import { type OutboundPolicy, parseOutboundAllowlist } from "./core/outbound";
import { isTimeZone } from "./core/time";
import { HUB_PATH } from "./core/urls";

export interface Config {
  readonly siteTitle: string;
  readonly siteDescription: string;
  /** Absolute origin (and optional path prefix) of the public site, without a trailing slash. */
  readonly baseUrl: string;
  readonly defaultTimezone: string;
  readonly pageSize: number;
  /** How often the cron refreshes sources; feeds' ttl and cache lifetimes follow it. */
  readonly refreshIntervalMinutes: number;
  /** Per-isolate memory for rendered feeds and pages, in MiB; 0 turns that layer off (edge cache only). */
  readonly memoryCacheMb: number;
  /** Sources one cron invocation refreshes at most (each may cost 1 + redirects subrequests). */
  readonly refreshMaxSources: number;
  readonly refreshConcurrency: number;
  /** With a queue: sources one cron run hands to the queue at most. */
  readonly refreshEnqueueMax: number;
  /** WebSub: the shortest lease the hub grants (a shorter hub.lease_seconds is raised to it). */
  readonly websubMinLeaseSeconds: number;
  /** Upstream requests in flight per host at most, and the gap between their starts. */
  readonly hostConcurrency: number;
  readonly hostMinDelayMs: number;
  /** Sent on every upstream fetch: who we are and where to find us. */
  readonly userAgent: string;
  /** Private hosts the worker may fetch (ALLOW_PRIVATE_HOSTS): local development and tests only. */
  readonly outbound: OutboundPolicy;
  /** The WebSub hub that live feeds advertise; null when this deployment runs none (no
   *  WEBSUB_QUEUE binding). */
  readonly hubUrl: string | null;
  /** Listings (home, category, tag) show a story carried by several papers once (STORY_GROUPING). */
  readonly storyGrouping: boolean;
  /** How far apart two articles of one story may be published, in days (STORY_WINDOW_DAYS). */
  readonly storyWindowDays: number;
  /** Signs image proxy addresses (IMAGE_PROXY_KEY); null when the secret is unset or shorter
   *  than 32 characters: the proxy is off and pages use the papers' own image addresses. */
  readonly imageProxy: ImageSigner | null;
  /** The archive tier (docs/archive.md): bodies of articles older than `afterDays` move to R2.
   *  `afterDays` 0 = off. `bucketBound` false while it is on is the operator's mistake, told in
   *  Chinese on /status (`archiveProblem`); nothing is archived then. */
  readonly archive: { readonly afterDays: number; readonly maxPerTick: number; readonly bucketBound: boolean };
}

export const DEFAULTS = {
  SITE_TITLE: "本地新闻聚合",
  SITE_DESCRIPTION: "汇集各地方报纸的本地新闻",
  DEFAULT_TIMEZONE: "Asia/Shanghai",
  PAGE_SIZE: 20,
  REFRESH_INTERVAL_MINUTES: 15,
  MEMORY_CACHE_MB: 8,
  REFRESH_MAX_SOURCES: 8,
  REFRESH_CONCURRENCY: 4,
  REFRESH_ENQUEUE_MAX: 1000,
  WEBSUB_MIN_LEASE_SECONDS: 3600,
  HOST_CONCURRENCY: 2,
  HOST_MIN_DELAY_MS: 500,
  STORY_WINDOW_DAYS: 3,
  ARCHIVE_AFTER_DAYS: 0,
  ARCHIVE_MAX_PER_TICK: 100,
} as const;

type Vars = Partial<
  Record<
    | "SITE_TITLE"
    | "SITE_DESCRIPTION"
    | "BASE_URL"
    | "DEFAULT_TIMEZONE"
    | "PAGE_SIZE"
    | "REFRESH_INTERVAL_MINUTES"
    | "MEMORY_CACHE_MB"
    | "REFRESH_MAX_SOURCES"
    | "REFRESH_CONCURRENCY"
    | "REFRESH_ENQUEUE_MAX"
    | "WEBSUB_MIN_LEASE_SECONDS"
    | "HOST_CONCURRENCY"
    | "HOST_MIN_DELAY_MS"
    | "CONTACT_URL"
    | "ALLOW_PRIVATE_HOSTS"
    | "STORY_GROUPING"
    | "STORY_WINDOW_DAYS"
    | "IMAGE_PROXY_KEY"
    | "ARCHIVE_AFTER_DAYS"
    | "ARCHIVE_MAX_PER_TICK",
    string
  >
>;

function intVar(vars: Vars, name: keyof Vars, fallback: number, min: number, max: number): number {
  const text = vars[name]?.trim() || String(fallback);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(vars[name])}`);
  }
  return n;
}

/** Where a paper's webmaster can reach us: CONTACT_URL (http(s) or mailto:), else BASE_URL's
 *  /status; null when neither is set (the cron has no request origin to offer, and naming
 *  http://localhost to the papers would be no contact at all). */
function contactUrl(raw: string | undefined, publicBase: string | null): string | null {
  const v = raw?.trim();
  if (!v) return publicBase ? `${publicBase}/status` : null;
  if (!/^(https?:\/\/[^\s()]+|mailto:[^\s()@]+@[^\s()]+)$/.test(v)) {
    throw new ConfigError(`CONTACT_URL must be an http(s) URL or a mailto: address, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** STORY_GROUPING: on unless set to "off" (or "0", "false"). */
function storyGrouping(raw: string | undefined): boolean {
  const v = raw?.trim().toLowerCase() ?? "";
  if (v === "" || v === "on" || v === "1" || v === "true") return true;
  if (v === "off" || v === "0" || v === "false") return false;
  throw new ConfigError(`STORY_GROUPING must be on or off, got ${JSON.stringify(raw)}`);
}

const userAgentFor = (contact: string | null) => (contact ? `edge-news/1.0 (+${contact})` : "edge-news/1.0");

/** Validate the vars; `requestOrigin` stands in for BASE_URL when it is unset. A WEBSUB_QUEUE
 *  binding among them means this deployment runs the hub. */
export function parseConfig(
  vars: Vars & { readonly WEBSUB_QUEUE?: unknown; readonly ARCHIVE?: unknown },
  requestOrigin: string,
): Config {
  const baseUrl = (vars.BASE_URL?.trim() || requestOrigin).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(baseUrl)) {
    throw new ConfigError(`BASE_URL must be an absolute http(s) URL, got ${JSON.stringify(vars.BASE_URL)}`);
  }
  const tz = vars.DEFAULT_TIMEZONE?.trim() || DEFAULTS.DEFAULT_TIMEZONE;
  if (!isTimeZone(tz))
    throw new ConfigError(`DEFAULT_TIMEZONE must be an IANA zone such as Asia/Shanghai, got ${JSON.stringify(tz)}`);
  return {
    siteTitle: vars.SITE_TITLE?.trim() || DEFAULTS.SITE_TITLE,
    siteDescription: vars.SITE_DESCRIPTION?.trim() || DEFAULTS.SITE_DESCRIPTION,
    baseUrl,
    defaultTimezone: tz,
    pageSize: intVar(vars, "PAGE_SIZE", DEFAULTS.PAGE_SIZE, 1, 100),
    refreshIntervalMinutes: intVar(vars, "REFRESH_INTERVAL_MINUTES", DEFAULTS.REFRESH_INTERVAL_MINUTES, 1, 1440),
    memoryCacheMb: intVar(vars, "MEMORY_CACHE_MB", DEFAULTS.MEMORY_CACHE_MB, 0, 64),
    refreshMaxSources: intVar(vars, "REFRESH_MAX_SOURCES", DEFAULTS.REFRESH_MAX_SOURCES, 1, 500),
    refreshConcurrency: intVar(vars, "REFRESH_CONCURRENCY", DEFAULTS.REFRESH_CONCURRENCY, 1, 6),
    refreshEnqueueMax: intVar(vars, "REFRESH_ENQUEUE_MAX", DEFAULTS.REFRESH_ENQUEUE_MAX, 1, 10_000),
    websubMinLeaseSeconds: intVar(vars, "WEBSUB_MIN_LEASE_SECONDS", DEFAULTS.WEBSUB_MIN_LEASE_SECONDS, 1, 86_400),
    hostConcurrency: intVar(vars, "HOST_CONCURRENCY", DEFAULTS.HOST_CONCURRENCY, 1, 6),
    hostMinDelayMs: intVar(vars, "HOST_MIN_DELAY_MS", DEFAULTS.HOST_MIN_DELAY_MS, 0, 60_000),
    userAgent: userAgentFor(contactUrl(vars.CONTACT_URL, vars.BASE_URL?.trim() ? baseUrl : null)),
    outbound: parseOutboundAllowlist(vars.ALLOW_PRIVATE_HOSTS),
    hubUrl: vars.WEBSUB_QUEUE ? `${baseUrl}${HUB_PATH}` : null,
    storyGrouping: storyGrouping(vars.STORY_GROUPING),
    storyWindowDays: intVar(vars, "STORY_WINDOW_DAYS", DEFAULTS.STORY_WINDOW_DAYS, 1, 14),
    imageProxy: imageSignerFor(vars.IMAGE_PROXY_KEY),
    archive: {
      afterDays: intVar(vars, "ARCHIVE_AFTER_DAYS", DEFAULTS.ARCHIVE_AFTER_DAYS, 0, 36_500),
      // Each archived body is one R2 write (a subrequest) in the cron's invocation.
      maxPerTick: intVar(vars, "ARCHIVE_MAX_PER_TICK", DEFAULTS.ARCHIVE_MAX_PER_TICK, 1, 1000),
      bucketBound: Boolean(vars.ARCHIVE),
    },
  };
}

/** What is wrong with the archive's setup, in Chinese for the operator; null when nothing is. */
export function archiveProblem(config: Config): string | null {
  if (config.archive.afterDays === 0 || config.archive.bucketBound) return null;
  return `已设置 ARCHIVE_AFTER_DAYS=${config.archive.afterDays}，但没有绑定 R2 存储桶 ARCHIVE：不会归档任何文章。请在 wrangler.toml 中添加 [[r2_buckets]] binding = "ARCHIVE"（或把 ARCHIVE_AFTER_DAYS 设为 0）。`;
}

// Vars do not change within an isolate: validate them once per env object and origin.
let lastConfig: { env: object; origin: string; config: Config } | undefined;

/** parseConfig, remembered for the last env object and origin (every request asks). */
export function configFor(env: Env, origin: string): Config {
  if (lastConfig?.env !== env || lastConfig.origin !== origin)
    lastConfig = { env, origin, config: parseConfig(env, origin) };
  return lastConfig.config;
}

export function resetConfigCache(): void {
  lastConfig = undefined;
}
