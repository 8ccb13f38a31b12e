// The WebSub hub endpoint: subscription requests are checked here, answered 202, and verified
// with the subscriber's callback after the response (src/websub/hub.ts).
import { Hono } from "hono";
import { AppError, BadRequestError } from "../core/errors";
import {
  TooManySubscriptionsError,
  acceptCallback,
  acceptTopic,
  limitHubRequest,
  parseHubRequest,
  verifyAndApply,
} from "../websub/hub";
import { hubDeps, websubQueue } from "../websub/wiring";
import type { AppEnv } from "./context";
import { HUB_PATH } from "./feeds";

export const websub = new Hono<AppEnv>();

websub.post(HUB_PATH, async function hubRequest(c) {
  if (!websubQueue(c.env)) return c.text("this deployment runs no WebSub hub", 404);
  try {
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header("content-type") ?? "")) {
      throw new BadRequestError("a hub request is a form: Content-Type must be application/x-www-form-urlencoded");
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(await c.req.parseBody()))
      if (k.startsWith("hub.") && typeof v === "string") fields[k] = v;
    const { config, db } = c.var;
    const req = parseHubRequest(fields, config.websubMinLeaseSeconds);
    acceptCallback(req, config.outbound);
    await limitHubRequest(db, req, c.req.header("cf-connecting-ip") ?? "unknown", Date.now());
    const topic = await acceptTopic(db, config, req, Date.now());
    c.executionCtx.waitUntil(verifyAndApply(hubDeps(c.env), { ...req, topic }));
    return c.text(`Accepted: the hub will confirm this ${req.mode} request with a GET to hub.callback.`, 202);
  } catch (e) {
    // A program is asking: a plain-text reason with the status (W3C WebSub §5.1.2).
    if (e instanceof AppError && e.status !== 500) return c.text(e.message, e.status);
    if (e instanceof TooManySubscriptionsError) {
      if (e.retryAfterSeconds !== null) c.header("retry-after", String(e.retryAfterSeconds));
      return c.text(e.message, 429);
    }
    throw e;
  }
});

websub.on(["GET", "HEAD"], HUB_PATH, (c) => {
  c.header("allow", "POST");
  return c.text(
    "This is a WebSub hub: POST hub.mode=subscribe (or unsubscribe), hub.topic and hub.callback as a form.",
    405,
  );
});
