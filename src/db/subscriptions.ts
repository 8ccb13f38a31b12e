// Every SQL statement about WebSub: verified subscriptions, and the version of each topic last
// announced to its subscribers.
import { type SqlRunner, type Stmt, sql } from "./sql";

export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly callback: string;
  readonly secret: string | null;
  readonly leaseSeconds: number;
  readonly expiresAt: number;
  readonly failures: number;
}

interface SubscriptionRow {
  id: number;
  topic: string;
  callback: string;
  secret: string | null;
  lease_seconds: number;
  expires_at: number;
  failures: number;
}

const COLUMNS = "id, topic, callback, secret, lease_seconds, expires_at, failures";
const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id, topic: r.topic, callback: r.callback, secret: r.secret, leaseSeconds: r.lease_seconds, expiresAt: r.expires_at, failures: r.failures,
});

/** A verified subscription, new or renewed: a renewal takes the new lease and secret and starts
 *  with a clean failure count (W3C WebSub §5.1: the subscriber asked again, and proved it). */
export function upsertSubscriptionStatement(s: { topic: string; callback: string; secret: string | null; leaseSeconds: number }, now: number): Stmt {
  return sql(
    `INSERT INTO websub_subscriptions (topic, callback, secret, lease_seconds, expires_at, created_at, verified_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
     ON CONFLICT (topic, callback) DO UPDATE SET
       secret = excluded.secret, lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at,
       verified_at = excluded.verified_at, failures = 0`,
    s.topic, s.callback, s.secret, s.leaseSeconds, now + s.leaseSeconds * 1000, now,
  );
}

export function deleteSubscriptionStatement(topic: string, callback: string): Stmt {
  return sql("DELETE FROM websub_subscriptions WHERE topic = ?1 AND callback = ?2", topic, callback);
}

/** Remember a topic's version when its first subscriber arrives: later changes are announced,
 *  what the subscriber could already fetch is not. */
export function initTopicStatement(topic: string, version: string, now: number): Stmt {
  return sql("INSERT INTO websub_topics (topic, version, checked_at) VALUES (?1, ?2, ?3) ON CONFLICT (topic) DO NOTHING", topic, version, now);
}

export async function getSubscription(db: SqlRunner, id: number): Promise<Subscription | null> {
  const rows = await db.all<SubscriptionRow>(sql(`SELECT ${COLUMNS} FROM websub_subscriptions WHERE id = ?1`, id));
  return rows[0] ? toSubscription(rows[0]) : null;
}

/** Subscribed topics with a live subscription, least recently checked first. */
export async function listLiveTopics(db: SqlRunner, now: number, limit: number): Promise<{ topic: string; version: string | null }[]> {
  return db.all(
    sql(
      `SELECT s.topic AS topic, t.version AS version
       FROM (SELECT DISTINCT topic FROM websub_subscriptions WHERE expires_at > ?1) s
       LEFT JOIN websub_topics t ON t.topic = s.topic
       ORDER BY t.checked_at LIMIT ?2`,
      now, limit,
    ),
  );
}

/** Move a topic from `from` to `to`; true only for the one caller that did (two publishers
 *  racing over the same change announce it once). */
export async function advanceTopic(db: SqlRunner, topic: string, from: string | null, to: string, now: number): Promise<boolean> {
  const rows = await db.all(
    from === null
      ? sql("INSERT INTO websub_topics (topic, version, checked_at) VALUES (?1, ?2, ?3) ON CONFLICT (topic) DO NOTHING RETURNING topic", topic, to, now)
      : sql("UPDATE websub_topics SET version = ?3, checked_at = ?4 WHERE topic = ?1 AND version = ?2 RETURNING topic", topic, from, to, now),
  );
  return rows.length > 0;
}

export function touchTopicStatement(topic: string, now: number): Stmt {
  return sql("UPDATE websub_topics SET checked_at = ?2 WHERE topic = ?1", topic, now);
}

/** Live subscriptions of a topic. */
export async function listSubscribers(db: SqlRunner, topic: string, now: number): Promise<Subscription[]> {
  return (await db.all<SubscriptionRow>(sql(`SELECT ${COLUMNS} FROM websub_subscriptions WHERE topic = ?1 AND expires_at > ?2 ORDER BY id`, topic, now))).map(
    toSubscription,
  );
}

export function recordDeliveryStatement(id: number, status: string, ok: boolean, now: number): Stmt {
  return sql(
    `UPDATE websub_subscriptions SET last_delivery_at = ?3, last_delivery_status = ?2,
       failures = CASE WHEN ?4 THEN 0 ELSE failures + 1 END
     WHERE id = ?1`,
    id, status, now, ok ? 1 : 0,
  );
}

/** Drop a subscriber that kept failing; true when it was dropped by this call. */
export function dropFailingStatement(id: number, maxFailures: number): Stmt {
  return sql("DELETE FROM websub_subscriptions WHERE id = ?1 AND failures >= ?2", id, maxFailures);
}

/** Expired subscriptions, and topics nobody subscribes to any more. */
export function purgeExpiredStatements(now: number): Stmt[] {
  return [
    sql("DELETE FROM websub_subscriptions WHERE expires_at <= ?1", now),
    sql("DELETE FROM websub_topics WHERE topic NOT IN (SELECT topic FROM websub_subscriptions)"),
  ];
}
