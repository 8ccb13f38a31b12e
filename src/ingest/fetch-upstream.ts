// Conditional GET of an upstream feed, within limits: a total timeout, a size cap enforced while
// streaming, a bounded number of redirects, and every hop screened by the outbound policy
// (core/outbound.ts) before it is fetched (I/O: `fetch` is passed in).
import { type OutboundPolicy, STRICT_POLICY, checkOutbound } from "../core/outbound";

export interface FetchLimits {
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** Which private hosts may be fetched; none when absent (production). */
  readonly outbound?: OutboundPolicy;
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

/** Read a body up to `max` bytes; past it, cancel the stream (never buffer a huge body).
 *  `expected` (the Content-Length, when given) only sizes the first buffer: it is not trusted. */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  expected = 0,
): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream (a body built from a JS ReadableStream): chunk by chunk.
    return readChunksCapped(body.getReader(), max);
  }
  // Reading into one buffer takes a few reads where the default reader hands over dozens of
  // small chunks (~1 ms of CPU for a 285 KB feed in workerd). One byte more than the cap:
  // a body that fills it is too big. Without a length, 256 KiB: most feeds fit, or nearly.
  const limit = max + 1;
  let buffer = new ArrayBuffer(Math.min(limit, expected > 0 ? expected + 1 : 256 * 1024));
  let size = 0;
  for (;;) {
    if (size === buffer.byteLength) {
      if (size === limit) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      const grown = new Uint8Array(Math.min(limit, size * 2));
      grown.set(new Uint8Array(buffer, 0, size));
      buffer = grown.buffer;
    }
    // The read takes the buffer over and hands it back in `value`.
    const { done, value } = await reader.read(new Uint8Array(buffer, size, buffer.byteLength - size));
    if (value) buffer = value.buffer as ArrayBuffer;
    if (done) break;
    size += value.byteLength;
  }
  return new Uint8Array(buffer, 0, size);
}

async function readChunksCapped(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  max: number,
): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
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
      if (validators.etag) headers["if-none-match"] = validators.etag;
      if (validators.lastModified) headers["if-modified-since"] = validators.lastModified;
      const res = await fetcher(current, { headers, redirect: "manual", signal: controller.signal });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get("location");
        if (!location) return { kind: "error", reason: `HTTP ${res.status} without a Location`, status: res.status };
        if (hop >= limits.maxRedirects)
          return { kind: "error", reason: `more than ${limits.maxRedirects} redirects`, status: res.status };
        let next: string;
        try {
          next = new URL(location, current).href;
        } catch {
          return { kind: "error", reason: `HTTP ${res.status} with an invalid Location`, status: res.status };
        }
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
