// The hub's I/O shell: its dependencies from the Worker's env, the delivery queue, and the
// queue consumer that turns delivery results into ack / retry.
import { archiveBucket } from "../archive/bodies";
import { parseConfig } from "../config";
import { sendInBatches } from "../core/concurrency";
import { d1Runner } from "../db/sql";
import { type DeliveryMessage, type HubDeps, deliver, publishChanges, retryDelaySeconds } from "./hub";

/** The delivery queue; without it this deployment runs no hub (and advertises none). */
export function websubQueue(env: Env): Queue<DeliveryMessage> | null {
  return (env as unknown as { WEBSUB_QUEUE?: Queue<DeliveryMessage> }).WEBSUB_QUEUE ?? null;
}

export function hubDeps(env: Env, fetcher: typeof fetch = fetch): HubDeps {
  const local = parseConfig(env, "http://localhost");
  return {
    // Subscriptions and topic versions are written and read-to-decide at the primary.
    db: d1Runner(env.DB.withSession("first-primary")),
    // Called as deps.fetch(…): workerd's fetch must not see `deps` as its `this`.
    fetch: (input, init) => fetcher(input, init),
    now: () => Date.now(),
    log: (line) => console.log(JSON.stringify(line)),
    configFor: (origin) => parseConfig(env, origin),
    userAgent: local.userAgent,
    outbound: local.outbound,
    bodies: archiveBucket(env),
  };
}

/** Announce changed topics to their subscribers (a no-op without a hub). Never throws. */
export async function publishToSubscribers(env: Env): Promise<number> {
  const queue = websubQueue(env);
  if (!queue) return 0;
  return publishChanges(hubDeps(env), (messages) => sendInBatches(queue, messages));
}

export const isDeliveryMessage = (body: unknown): body is DeliveryMessage =>
  typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "websub-deliver";

/** Deliver each message; a failed attempt is retried with exponential backoff until the hub
 *  gives up on that delivery (or drops the subscriber). */
export async function consumeDeliveryBatch(deps: HubDeps, batch: MessageBatch<DeliveryMessage>): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const result = await deliver(deps, message.body, message.attempts);
        if (result === "retry") message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        else message.ack();
      } catch (e) {
        // Not the subscriber's fault (e.g. D1 unreachable): try again later, uncounted.
        deps.log({
          level: "error",
          msg: "websub delivery could not run",
          subscription: message.body.subscription,
          error: String(e),
        });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
