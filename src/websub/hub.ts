// Our WebSub hub (W3C WebSub Recommendation, 23 January 2018), for this site's own feeds:
// subscription requests (§5.1), intent verification (§5.3), change detection, and content
// distribution with signatures (§7, §8). Pure decisions here take values; I/O comes in `deps`.
import type { ArchiveBucket } from "../archive/bodies";
import type { Config } from "../config";
import { AppError, BadRequestError, NotFoundError, TooManyRequestsError } from "../core/errors";
import { toHex } from "../core/ids";
import { type OutboundPolicy, checkOutbound } from "../core/outbound";
import { redactUrl } from "../core/redact";
import type { SqlRunner } from "../db/sql";
import { hitRateLimits } from "../db/rate-limits";
import {
  type Subscription,
  advanceTopic,
  callbackHost,
  countSubscriptions,
  deleteSubscriptionStatement,
  deleteTopicStatements,
  dropFailingStatement,
  getSubscription,
  initTopicStatement,
  listLiveTopics,
  listSubscribers,
  purgeExpiredStatements,
  recordDeliveryStatement,
  revertTopicStatement,
  touchTopicStatement,
  upsertSubscriptionStatement,
} from "../db/subscriptions";
import { readCapped } from "../core/read-capped";
import { matchTopicUrl, renderTopic, resolveTopic, topicVersion } from "../feeds/routes";
import { HUB_PATH, parseHttpUrl } from "../core/urls";

export interface HubDeps {
  readonly db: SqlRunner;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly log: (line: Record<string, unknown>) => void;
  /** The site's configuration as seen from a topic's origin (BASE_URL, or that origin). */
  readonly configFor: (origin: string) => Config;
  readonly userAgent: string;
  /** The outbound policy every callback request passes first (core/outbound.ts). */
  readonly outbound: OutboundPolicy;
  /** Archived bodies (archive/bodies.ts), for topics listing archived articles. */
  readonly bodies?: ArchiveBucket | null;
}

/** A request to a subscriber's callback, screened by the outbound policy before connecting (the
 *  policy may have changed since the subscription was accepted). */
async function callbackFetch(deps: HubDeps, url: string, init: RequestInit): Promise<Response> {
  const verdict = checkOutbound(url, deps.outbound);
  if (!verdict.ok) throw new Error(verdict.reason);
  return deps.fetch(url, init);
}

/** One content distribution: the current feed of `topic` to one subscription. */
export interface DeliveryMessage {
  readonly kind: "websub-deliver";
  readonly subscription: number;
  readonly topic: string;
}

export const LEASE = { defaultSeconds: 10 * 86_400, maxSeconds: 30 * 86_400 } as const;
/** §5.1: hub.secret "MUST be less than 200 bytes in length". */
const MAX_SECRET_BYTES = 199;
const MAX_URL_CHARS = 2000;
const CALLBACK_TIMEOUT_MS = 10_000;
/** A subscriber is dropped once its deliveries have failed at least this many times in a row
 *  over at least a day: an outage of minutes or hours, however many changes it spans, is not
 *  enough. */
export const MAX_DELIVERY_FAILURES = 8;
export const DROP_AFTER_FAILING_MS = 86_400_000;
/** Caps against a callback that subscribes to everything (every search is a topic). */
export const MAX_SUBSCRIPTIONS = 10_000;
export const MAX_SUBSCRIPTIONS_PER_HOST = 100;
/** Attempts of one delivery through the queue before it is given up (each one counts above). */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** Topics one publish check looks at (each costs a couple of index reads). */
const TOPICS_PER_CHECK = 200;

export interface HubRequest {
  readonly mode: "subscribe" | "unsubscribe";
  readonly topic: string;
  readonly callback: string;
  readonly leaseSeconds: number;
  readonly secret: string | null;
}

function httpUrl(name: string, value: string | undefined): URL {
  if (!value) throw new BadRequestError(`${name} is required`);
  if (value.length > MAX_URL_CHARS) throw new BadRequestError(`${name} must be at most ${MAX_URL_CHARS} characters`);
  const url = parseHttpUrl(value);
  if (!url) throw new BadRequestError(`${name} must be an absolute http(s) URL`);
  return url;
}

/** The form fields of a hub request → a validated request (400 naming the field otherwise). */
export function parseHubRequest(form: Record<string, string | undefined>, minLeaseSeconds: number): HubRequest {
  const mode = form["hub.mode"];
  if (mode !== "subscribe" && mode !== "unsubscribe") {
    throw new BadRequestError(
      `hub.mode must be "subscribe" or "unsubscribe"${mode ? `, got ${JSON.stringify(mode.slice(0, 40))}` : ""}`,
    );
  }
  const topic = httpUrl("hub.topic", form["hub.topic"]);
  const callback = httpUrl("hub.callback", form["hub.callback"]);
  callback.hash = "";
  let leaseSeconds = LEASE.defaultSeconds;
  const lease = form["hub.lease_seconds"];
  if (lease !== undefined && lease !== "") {
    if (!/^\d{1,10}$/.test(lease)) throw new BadRequestError("hub.lease_seconds must be a whole number of seconds");
    // §5.1: the hub decides the lease; a request outside our bounds gets the nearest bound.
    leaseSeconds = Math.min(Math.max(Number(lease), minLeaseSeconds), LEASE.maxSeconds);
  }
  const secret = form["hub.secret"] ?? null;
  if (secret !== null && (secret === "" || new TextEncoder().encode(secret).byteLength > MAX_SECRET_BYTES)) {
    throw new BadRequestError("hub.secret must be 1–199 bytes");
  }
  return {
    mode,
    topic: topic.href,
    callback: callback.href,
    leaseSeconds,
    secret: mode === "subscribe" ? secret : null,
  };
}

/** Check the topic is a live feed of this site; its canonical URL (400/404 otherwise). An
 *  unsubscribe only needs the address to be one of ours: its listing may be gone. */
export async function acceptTopic(db: SqlRunner, config: Config, req: HubRequest, now: number): Promise<string> {
  const url = matchTopicUrl(config, req.topic);
  if (!url) {
    throw new BadRequestError(
      `hub.topic must be one of this site's feeds (${config.baseUrl}/feed.xml, a category's or a tag's feed); archives and paged feeds are not topics`,
    );
  }
  if (req.mode === "unsubscribe") return url.href;
  await resolveTopic(db, config, url.href); // 404 for an unknown category or tag, 400 for a bad query
  const count = await countSubscriptions(db, url.href, req.callback, now);
  if (!count.exists && (count.host >= MAX_SUBSCRIPTIONS_PER_HOST || count.total >= MAX_SUBSCRIPTIONS)) {
    throw new TooManySubscriptionsError(
      count.host >= MAX_SUBSCRIPTIONS_PER_HOST
        ? `${callbackHost(req.callback)} has ${MAX_SUBSCRIPTIONS_PER_HOST} subscriptions, the most one callback host may hold; unsubscribe from some first`
        : "the hub holds as many subscriptions as it takes; try again later",
    );
  }
  return url.href;
}

/** 429: the subscription would exceed the hub's caps (no Retry-After), or the requests their
 *  rate limits (with one). */
export class TooManySubscriptionsError extends TooManyRequestsError {}

/** Hub requests per client and per callback host a window (each makes the hub send a GET).
 *  Counted in D1, not by the Rate Limiting binding: SECURITY.md says why. */
export const RATE_WINDOW_MS = 60_000;
export const MAX_REQUESTS_PER_CLIENT = 30;
export const MAX_REQUESTS_PER_CALLBACK_HOST = 10;

/** Count a hub request against its client and its callback's host; 429 with Retry-After past
 *  either limit. `client` is the caller's address (CF-Connecting-IP). */
export async function limitHubRequest(db: SqlRunner, req: HubRequest, client: string, now: number): Promise<void> {
  const host = callbackHost(req.callback);
  const verdict = await hitRateLimits(
    db,
    [
      { key: `client:${client}`, limit: MAX_REQUESTS_PER_CLIENT },
      { key: `host:${host}`, limit: MAX_REQUESTS_PER_CALLBACK_HOST },
    ],
    RATE_WINDOW_MS,
    now,
  );
  if (verdict.exceeded === null) return;
  // The key names what is over its limit: "client:<address>" or "host:<callback host>".
  throw new TooManySubscriptionsError(
    `too many hub requests for ${verdict.exceeded}; try again in ${verdict.retryAfterSeconds} s`,
    verdict.retryAfterSeconds,
  );
}

/** The callback must be an address the hub may send to (core/outbound.ts): 400 otherwise,
 *  before anything is sent. */
export function acceptCallback(req: HubRequest, policy: OutboundPolicy): void {
  const verdict = checkOutbound(req.callback, policy);
  if (!verdict.ok) throw new BadRequestError(`hub.callback: ${verdict.reason}`);
}

/** §5.3: ask the callback to confirm the request; true only for a 2xx echoing the challenge. */
export async function verifyIntent(deps: HubDeps, req: HubRequest): Promise<boolean> {
  const challenge = crypto.randomUUID();
  // The callback's own query is kept byte for byte (§5.3: "MUST preserve"); ours is appended.
  const ours = new URLSearchParams({ "hub.mode": req.mode, "hub.topic": req.topic, "hub.challenge": challenge });
  if (req.mode === "subscribe") ours.set("hub.lease_seconds", String(req.leaseSeconds));
  const url = `${req.callback}${req.callback.includes("?") ? "&" : "?"}${ours}`;
  try {
    const res = await callbackFetch(deps, url, {
      headers: { "user-agent": deps.userAgent },
      redirect: "manual",
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    const body = res.ok ? await readCapped(res.body, 1024) : (await res.body?.cancel(), null);
    return res.ok && body !== null && new TextDecoder().decode(body) === challenge;
  } catch (e) {
    deps.log({
      level: "warn",
      msg: "websub verification failed",
      callback: redactUrl(req.callback),
      error: String(e),
    });
    return false;
  }
}

/** Verify a request and, once the subscriber confirmed, apply it. Runs after the 202. */
export async function verifyAndApply(deps: HubDeps, req: HubRequest): Promise<boolean> {
  const verified = await verifyIntent(deps, req);
  deps.log({
    level: "info",
    msg: "websub verification",
    mode: req.mode,
    topic: req.topic,
    callback: redactUrl(req.callback),
    verified,
  });
  if (!verified) return false; // §5.3: an unconfirmed request changes nothing
  const now = deps.now();
  if (req.mode === "unsubscribe") {
    await deps.db.batch([deleteSubscriptionStatement(req.topic, req.callback)]);
    return true;
  }
  const topic = await resolveTopic(deps.db, deps.configFor(new URL(req.topic).origin), req.topic);
  if (!topic) return false;
  const version = await topicVersion(deps.db, topic);
  const [applied] = await deps.db.allMany([
    upsertSubscriptionStatement(req, now, { perHost: MAX_SUBSCRIPTIONS_PER_HOST, total: MAX_SUBSCRIPTIONS }),
    initTopicStatement(req.topic, version, now),
  ]);
  if (!applied || applied.length === 0) {
    // Others took the last places while this one was being verified: the caps hold.
    deps.log({ level: "warn", msg: "websub cap reached", callback: redactUrl(req.callback) });
    return false;
  }
  return true;
}

/** Compare each subscribed topic with the version last announced; for each that changed, one
 *  delivery per live subscriber. Called after refreshes and on every cron tick (which also
 *  catches changes made outside the worker, such as the import CLI). Never throws. */
export async function publishChanges(
  deps: HubDeps,
  send: (messages: DeliveryMessage[]) => Promise<void>,
): Promise<number> {
  const now = deps.now();
  let queued = 0;
  try {
    await deps.db.batch(purgeExpiredStatements(now));
    for (const { topic, version: last } of await listLiveTopics(deps.db, now, TOPICS_PER_CHECK)) {
      try {
        const resolved = await resolveTopic(deps.db, deps.configFor(new URL(topic).origin), topic);
        if (!resolved) {
          await deps.db.batch(deleteTopicStatements(topic)); // no longer a topic of ours (routes changed)
          continue;
        }
        const version = await topicVersion(deps.db, resolved);
        if (version === last) {
          await deps.db.batch([touchTopicStatement(topic, now)]);
          continue;
        }
        // Only the publisher that moves the version announces the change.
        if (!(await advanceTopic(deps.db, topic, last, version, now)) || last === null) continue;
        const subscribers = await listSubscribers(deps.db, topic, now);
        try {
          await send(subscribers.map((s) => ({ kind: "websub-deliver", subscription: s.id, topic })));
        } catch (e) {
          // Not queued: put the version back, so the next check announces the change again.
          await deps.db.batch([revertTopicStatement(topic, version, last)]);
          throw e;
        }
        queued += subscribers.length;
      } catch (e) {
        if (e instanceof NotFoundError) {
          // The listing is gone (a deleted source or tag): so are its subscriptions.
          await deps.db.batch(deleteTopicStatements(topic)).catch(() => undefined);
          deps.log({ level: "info", msg: "websub topic gone; subscriptions removed", topic });
        } else {
          // Checked again, but after the others (a failing topic must not starve the rest).
          await deps.db.batch([touchTopicStatement(topic, now)]).catch(() => undefined);
          if (!(e instanceof AppError))
            deps.log({ level: "error", msg: "websub publish check failed", topic, error: String(e) });
        }
      }
    }
  } catch (e) {
    deps.log({ level: "error", msg: "websub publish failed", error: String(e) });
  }
  if (queued > 0) deps.log({ level: "info", msg: "websub publish", deliveries: queued });
  return queued;
}

export type DeliveryResult = "delivered" | "skipped" | "retry" | "failed" | "dropped";

/** §7: POST the topic's current content to the subscriber, signed when it gave a secret. */
export async function deliver(deps: HubDeps, message: DeliveryMessage, attempt: number): Promise<DeliveryResult> {
  const now = deps.now();
  const sub = await getSubscription(deps.db, message.subscription);
  // Unsubscribed, expired, or re-subscribed to something else since it was queued: nothing to do.
  if (!sub || sub.expiresAt <= now || sub.topic !== message.topic) return "skipped";
  const config = deps.configFor(new URL(sub.topic).origin);
  const topic = await resolveTopic(deps.db, config, sub.topic).catch(() => null);
  if (!topic) return "skipped";
  const { body, contentType } = await renderTopic(deps.db, config, topic, deps.bodies ?? null);
  let status: string;
  let ok = false;
  try {
    const res = await callbackFetch(deps, sub.callback, {
      method: "POST",
      headers: await deliveryHeaders(sub, config, contentType, body, deps.userAgent),
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    status = String(res.status);
    ok = res.ok;
    // §7: "If the response code is 410 Gone, the hub MUST terminate the subscription".
    if (res.status === 410) {
      await deps.db.batch([deleteSubscriptionStatement(sub.topic, sub.callback)]);
      deps.log({ level: "info", msg: "websub subscriber gone", callback: redactUrl(sub.callback), topic: sub.topic });
      return "dropped";
    }
  } catch (e) {
    status = String(e).slice(0, 200);
  }
  const at = deps.now();
  await deps.db.batch([
    recordDeliveryStatement(sub.id, status, ok, at),
    ...(ok ? [] : [dropFailingStatement(sub.id, MAX_DELIVERY_FAILURES, DROP_AFTER_FAILING_MS, at)]),
  ]);
  if (ok) return "delivered";
  if (
    sub.failures + 1 >= MAX_DELIVERY_FAILURES &&
    sub.failingSince !== null &&
    sub.failingSince <= at - DROP_AFTER_FAILING_MS
  ) {
    deps.log({
      level: "warn",
      msg: "websub subscriber dropped after a day of failures",
      callback: redactUrl(sub.callback),
      topic: sub.topic,
      failures: sub.failures + 1,
    });
    return "dropped";
  }
  deps.log({ level: "warn", msg: "websub delivery failed", callback: redactUrl(sub.callback), status, attempt });
  return attempt < MAX_DELIVERY_ATTEMPTS ? "retry" : "failed";
}

/** Seconds before the next attempt: 30 s, 1, 2, 4 min … (exponential backoff). */
export const retryDelaySeconds = (attempt: number) => Math.min(30 * 2 ** (attempt - 1), 3600);

async function deliveryHeaders(
  sub: Subscription,
  config: Config,
  contentType: string,
  body: string,
  userAgent: string,
): Promise<Headers> {
  const headers = new Headers({
    "content-type": contentType,
    "user-agent": userAgent,
    link: `<${config.baseUrl}${HUB_PATH}>; rel="hub", <${sub.topic}>; rel="self"`,
  });
  if (sub.secret) headers.set("x-hub-signature", `sha256=${await hmacSha256Hex(sub.secret, body)}`);
  return headers;
}

/** §8: the HMAC of the body with the subscriber's secret, as lowercase hex. */
export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return toHex(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
}
