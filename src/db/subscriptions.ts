// Every SQL statement about WebSub: verified subscriptions, and the version of each topic last
// announced to its subscribers.
import { normalizeHostname } from "../core/outbound";
import { purgeRateLimitsStatement } from "./rate-limits";
import { type SqlRunner, type Stmt, sql } from "./sql";

export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly callback: string;
  readonly secret: string | null;
  readonly leaseSeconds: number;
  readonly expiresAt: number;
  readonly failures: number;
  readonly failingSince: number | null;
}

interface SubscriptionRow {
  id: number;
  topic: string;
  callback: string;
  secret: string | null;
  lease_seconds: number;
  expires_at: number;
  failures: number;
  failing_since: number | null;
}

const COLUMNS = "id, topic, callback, secret, lease_seconds, expires_at, failures, failing_since";
const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  topic: r.topic,
  callback: r.callback,
  secret: r.secret,
  leaseSeconds: r.lease_seconds,
  expiresAt: r.expires_at,
  failures: r.failures,
  failingSince: r.failing_since,
});

/** The host a callback counts against for the per-host cap: normalised (case, IDNA, trailing
 *  dot), without the port, every loopback spelling one host (core/outbound.ts). */
export const callbackHost = (callback: string) => normalizeHostname(new URL(callback).hostname);

/** A verified subscription, new or renewed: a renewal takes the new lease and secret and starts
 *  with a clean failure count (W3C WebSub §5.1: the subscriber asked again, and proved it). A
 *  new one is inserted only while its callback's host holds fewer than `caps.perHost` live
 *  subscriptions and the hub fewer than `caps.total`: counted and inserted in this one statement,
 *  so concurrent verifications cannot race past the caps. RETURNING id: no row, not applied. */
export function upsertSubscriptionStatement(
  s: { topic: string; callback: string; secret: string | null; leaseSeconds: number },
  now: number,
  caps: { perHost: number; total: number },
): Stmt {
  return sql(
    `INSERT INTO websub_subscriptions (topic, callback, callback_host, secret, lease_seconds, expires_at, created_at, verified_at)
     SELECT ?1, ?2, ?7, ?3, ?4, ?5, ?6, ?6
     WHERE EXISTS (SELECT 1 FROM websub_subscriptions WHERE topic = ?1 AND callback = ?2)
        OR ((SELECT count(*) FROM websub_subscriptions WHERE callback_host = ?7 AND expires_at > ?6) < ?8
            AND (SELECT count(*) FROM websub_subscriptions WHERE expires_at > ?6) < ?9)
     ON CONFLICT (topic, callback) DO UPDATE SET
       secret = excluded.secret, lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at,
       verified_at = excluded.verified_at, failures = 0, failing_since = NULL
     RETURNING id`,
    s.topic,
    s.callback,
    s.secret,
    s.leaseSeconds,
    now + s.leaseSeconds * 1000,
    now,
    callbackHost(s.callback),
    caps.perHost,
    caps.total,
  );
}

/** Live subscriptions in all and of the callback's host (the hub caps both), and whether this
 *  one exists already (a renewal is never refused). */
export async function countSubscriptions(
  db: SqlRunner,
  topic: string,
  callback: string,
  now: number,
): Promise<{ total: number; host: number; exists: boolean }> {
  const [row] = await db.all<{ total: number; host: number; existing: number }>(
    sql(
      `SELECT (SELECT count(*) FROM websub_subscriptions WHERE expires_at > ?2) AS total,
              (SELECT count(*) FROM websub_subscriptions WHERE callback_host = ?1 AND expires_at > ?2) AS host,
              (SELECT count(*) FROM websub_subscriptions WHERE topic = ?3 AND callback = ?4) AS existing`,
      callbackHost(callback),
      now,
      topic,
      callback,
    ),
  );
  return { total: row?.total ?? 0, host: row?.host ?? 0, exists: (row?.existing ?? 0) > 0 };
}

/** Every subscription of a topic whose listing is gone (a deleted source or tag). */
export function deleteTopicStatements(topic: string): Stmt[] {
  return [
    sql("DELETE FROM websub_subscriptions WHERE topic = ?1", topic),
    sql("DELETE FROM websub_topics WHERE topic = ?1", topic),
  ];
}

/** Put a topic back to the version it had (its announcement could not be queued). */
export function revertTopicStatement(topic: string, from: string, to: string): Stmt {
  return sql("UPDATE websub_topics SET version = ?2 WHERE topic = ?1 AND version = ?3", topic, to, from);
}

export function deleteSubscriptionStatement(topic: string, callback: string): Stmt {
  return sql("DELETE FROM websub_subscriptions WHERE topic = ?1 AND callback = ?2", topic, callback);
}

/** Remember a topic's version when its first subscriber arrives: later changes are announced,
 *  what the subscriber could already fetch is not. */
export function initTopicStatement(topic: string, version: string, now: number): Stmt {
  return sql(
    "INSERT INTO websub_topics (topic, version, checked_at) VALUES (?1, ?2, ?3) ON CONFLICT (topic) DO NOTHING",
    topic,
    version,
    now,
  );
}

export async function getSubscription(db: SqlRunner, id: number): Promise<Subscription | null> {
  const rows = await db.all<SubscriptionRow>(sql(`SELECT ${COLUMNS} FROM websub_subscriptions WHERE id = ?1`, id));
  return rows[0] ? toSubscription(rows[0]) : null;
}

/** Subscribed topics with a live subscription, least recently checked first. */
export async function listLiveTopics(
  db: SqlRunner,
  now: number,
  limit: number,
): Promise<{ topic: string; version: string | null }[]> {
  return db.all(
    sql(
      `SELECT s.topic AS topic, t.version AS version
       FROM (SELECT DISTINCT topic FROM websub_subscriptions WHERE expires_at > ?1) s
       LEFT JOIN websub_topics t ON t.topic = s.topic
       ORDER BY t.checked_at LIMIT ?2`,
      now,
      limit,
    ),
  );
}

/** Move a topic from `from` to `to`; true only for the one caller that did (two publishers
 *  racing over the same change announce it once). */
export async function advanceTopic(
  db: SqlRunner,
  topic: string,
  from: string | null,
  to: string,
  now: number,
): Promise<boolean> {
  const rows = await db.all(
    from === null
      ? sql(
          "INSERT INTO websub_topics (topic, version, checked_at) VALUES (?1, ?2, ?3) ON CONFLICT (topic) DO NOTHING RETURNING topic",
          topic,
          to,
          now,
        )
      : sql(
          "UPDATE websub_topics SET version = ?3, checked_at = ?4 WHERE topic = ?1 AND version = ?2 RETURNING topic",
          topic,
          from,
          to,
          now,
        ),
  );
  return rows.length > 0;
}

export function touchTopicStatement(topic: string, now: number): Stmt {
  return sql("UPDATE websub_topics SET checked_at = ?2 WHERE topic = ?1", topic, now);
}

/** Live subscriptions of a topic. */
export async function listSubscribers(db: SqlRunner, topic: string, now: number): Promise<Subscription[]> {
  return (
    await db.all<SubscriptionRow>(
      sql(`SELECT ${COLUMNS} FROM websub_subscriptions WHERE topic = ?1 AND expires_at > ?2 ORDER BY id`, topic, now),
    )
  ).map(toSubscription);
}

export function recordDeliveryStatement(id: number, status: string, ok: boolean, now: number): Stmt {
  return sql(
    `UPDATE websub_subscriptions SET last_delivery_at = ?3, last_delivery_status = ?2,
       failures = CASE WHEN ?4 THEN 0 ELSE failures + 1 END ,
       failing_since = CASE WHEN ?4 THEN NULL ELSE coalesce(failing_since, ?3) END
     WHERE id = ?1`,
    id,
    status,
    now,
    ok ? 1 : 0,
  );
}

/** Drop a subscriber that has kept failing: at least `minFailures` attempts in a row over at
 *  least `forMs` (a short outage, even with many deliveries in flight, is not enough). */
export function dropFailingStatement(id: number, minFailures: number, forMs: number, now: number): Stmt {
  return sql(
    "DELETE FROM websub_subscriptions WHERE id = ?1 AND failures >= ?2 AND failing_since <= ?3",
    id,
    minFailures,
    now - forMs,
  );
}

/** Expired subscriptions, and topics nobody subscribes to any more. */
export function purgeExpiredStatements(now: number): Stmt[] {
  return [
    sql("DELETE FROM websub_subscriptions WHERE expires_at <= ?1", now),
    sql("DELETE FROM websub_topics WHERE topic NOT IN (SELECT topic FROM websub_subscriptions)"),
    purgeRateLimitsStatement(now - 3_600_000),
  ];
}
