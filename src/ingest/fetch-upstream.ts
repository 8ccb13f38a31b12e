// Conditional GET of an upstream feed, within limits: a total timeout, a size cap enforced while
// streaming, a bounded number of redirects, and every hop screened by the outbound policy
// (core/outbound.ts: http(s) only, no private address) before it is fetched (I/O: `fetch` is
// passed in).
import { type OutboundPolicy, STRICT_POLICY, checkOutbound } from "../core/outbound";
import { readCapped } from "../core/read-capped";
import { parseHttpUrl } from "../core/urls";

export interface FetchLimits {
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** Which private hosts may be fetched; none when absent (production). */
  readonly outbound?: OutboundPolicy;
  /** Request headers over the feed defaults, on every hop (the image proxy: its Accept and the
   *  article's page as Referer). */
  readonly headers?: Readonly<Record<string, string>>;
}

export const DEFAULT_LIMITS: FetchLimits = {
  userAgent: "edge-news/1.0 (local news aggregator)",
  timeoutMs: 10_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
};

export type FetchOutcome =
  | { kind: "ok"; url: string; bytes: Uint8Array; headers: Headers }
  | { kind: "not-modified"; headers: Headers }
  | { kind: "error"; reason: string; status?: number; headers?: Headers };

export interface Validators {
  readonly etag: string | null;
  readonly lastModified: string | null;
}

export async function fetchUpstream(
  fetcher: typeof fetch,
  url: string,
  validators: Validators,
  limits: FetchLimits = DEFAULT_LIMITS,
): Promise<FetchOutcome> {
  const policy = limits.outbound ?? STRICT_POLICY;
  const first = checkOutbound(url, policy);
  if (!first.ok) return { kind: "error", reason: first.reason };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    let current = url;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        "user-agent": limits.userAgent,
        accept:
          "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
      };
      Object.assign(headers, limits.headers);
      if (validators.etag) headers["if-none-match"] = validators.etag;
      if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
      const res = await fetcher(current, { headers, redirect: "manual", signal: controller.signal });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get("location");
        if (!location) return { kind: "error", reason: `HTTP ${res.status} without a Location`, status: res.status };
        if (hop >= limits.maxRedirects)
          return { kind: "error", reason: `more than ${limits.maxRedirects} redirects`, status: res.status };
        // Resolved against the hop it came from; one that is not http(s) is refused below.
        const next = parseHttpUrl(location, current)?.href ?? location;
        const verdict = checkOutbound(next, policy);
        if (!verdict.ok) return { kind: "error", reason: `redirected: ${verdict.reason}`, status: res.status };
        current = next;
        continue;
      }
      if (res.status === 304) {
        await res.body?.cancel().catch(() => undefined);
        return { kind: "not-modified", headers: res.headers };
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        return { kind: "error", reason: `HTTP ${res.status}`, status: res.status, headers: res.headers };
      }
      const declared = Number(res.headers.get("content-length") ?? NaN);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        return {
          kind: "error",
          reason: `body larger than ${limits.maxBytes} bytes (Content-Length ${declared})`,
          status: 200,
          headers: res.headers,
        };
      }
      const bytes = await readCapped(res.body, limits.maxBytes, Number.isFinite(declared) ? declared : 0);
      if (bytes === null)
        return {
          kind: "error",
          reason: `body larger than ${limits.maxBytes} bytes`,
          status: 200,
          headers: res.headers,
        };
      return { kind: "ok", url: current, bytes, headers: res.headers };
    }
  } catch (e) {
    if (controller.signal.aborted) return { kind: "error", reason: `no complete answer within ${limits.timeoutMs} ms` };
    return { kind: "error", reason: `fetch failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
