// Manners toward the papers' servers: at most N requests in flight per host and a minimum gap
// between their starts, and robots.txt honoured for pages (not for feeds, which are published
// to be polled). Both are per isolate: separate queue consumers do not coordinate.
//
// Module state: robots.txt per origin (an LruCache of at most ROBOTS_MAX_ORIGINS, each kept an
// hour, or ten minutes when unreachable), forgotten by resetManners() (src/state.ts). Host slots
// live in each politeFetch, one per invocation, never in the module.
import robotsParser from "robots-parser";
import { fetchUpstream, type FetchLimits } from "./fetch-upstream";
import { LruCache } from "../core/lru";

export interface Politeness {
  readonly perHostConcurrency: number;
  readonly minDelayMs: number;
}

interface HostSlot {
  active: number;
  nextStart: number;
  waiting: (() => void)[];
}

/** `fetch` with per-host manners; other hosts are not held up. One limiter per invocation (the
 *  cron tick, a queue batch, an admin call): a request cut off mid-flight cannot strand a slot for
 *  later invocations in the same isolate. A request whose signal aborts while queued leaves. */
export function politeFetch(fetcher: typeof fetch, p: Politeness, now: () => number = Date.now): typeof fetch {
  const hosts = new Map<string, HostSlot>();
  return async function polite(input, init) {
    const host = new URL(input instanceof Request ? input.url : String(input)).host;
    const slot = hosts.get(host) ?? { active: 0, nextStart: 0, waiting: [] };
    hosts.set(host, slot);
    const signal = init?.signal ?? null;
    while (slot.active >= p.perHostConcurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => (signal?.removeEventListener("abort", leave), resolve());
        const leave = () => {
          slot.waiting.splice(slot.waiting.indexOf(wake), 1);
          reject(signal!.reason ?? new Error("aborted"));
        };
        slot.waiting.push(wake);
        signal?.addEventListener("abort", leave, { once: true });
      });
    }
    slot.active++;
    const wait = slot.nextStart - now();
    slot.nextStart = Math.max(now(), slot.nextStart) + p.minDelayMs;
    try {
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      signal?.throwIfAborted();
      return await fetcher(input, init);
    } finally {
      slot.active--;
      slot.waiting.shift()?.();
    }
  };
}

const ROBOTS_TTL_MS = 3_600_000;
/** An unreachable robots.txt is asked again soon: it says "not now", not "never". */
const ROBOTS_UNREACHABLE_TTL_MS = 600_000;
const ROBOTS_MAX_BYTES = 512 * 1024; // Google reads the first 500 KiB
const ROBOTS_MAX_ORIGINS = 1000;
const robotsCache = new LruCache<{ robots: ReturnType<typeof robotsParser> | null; until: number }>(
  ROBOTS_MAX_ORIGINS,
  () => 1,
);

export type RobotsVerdict = "allowed" | "disallowed" | "unreachable";

/** Whether robots.txt lets our User-Agent fetch `url`. RFC 9309: a missing robots.txt (4xx)
 *  allows everything; an unreachable one (5xx, network) disallows everything for now. */
export async function robotsVerdict(
  fetcher: typeof fetch,
  url: string,
  limits: FetchLimits,
  now: number,
): Promise<RobotsVerdict> {
  const origin = new URL(url).origin;
  let entry = robotsCache.get(origin);
  if (!entry || entry.until < now) {
    const robotsUrl = `${origin}/robots.txt`;
    const got = await fetchUpstream(
      fetcher,
      robotsUrl,
      { etag: null, lastModified: null },
      { ...limits, maxBytes: ROBOTS_MAX_BYTES },
    );
    let robots: ReturnType<typeof robotsParser> | null;
    if (got.kind === "ok") robots = robotsParser(robotsUrl, new TextDecoder().decode(got.bytes));
    else if (got.kind === "error" && got.status !== undefined && got.status >= 400 && got.status < 500)
      robots = robotsParser(robotsUrl, "");
    else robots = null; // unreachable: RFC 9309 §2.3.1.4, assume complete disallow
    entry = { robots, until: now + (robots ? ROBOTS_TTL_MS : ROBOTS_UNREACHABLE_TTL_MS) };
    robotsCache.set(origin, entry);
  }
  if (!entry.robots) return "unreachable";
  return entry.robots.isAllowed(url, robotAgent(limits.userAgent)) === false ? "disallowed" : "allowed";
}

/** The product token robots.txt groups match against ("edge-news" of "edge-news/1.0 (+…)"). */
const robotAgent = (userAgent: string) => userAgent.split("/")[0]!;

/** Forget remembered robots.txt files (tests). */
export function resetManners(): void {
  robotsCache.clear();
}
