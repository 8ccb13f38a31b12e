// The WebSub hub endpoint: subscription requests are checked here, answered 202, and verified
// with the subscriber's callback after the response (src/websub/hub.ts).
import { Hono } from "hono";
import { BadRequestError, NotFoundError } from "../core/errors";
import { acceptCallback, acceptTopic, limitHubRequest, parseHubRequest, verifyAndApply } from "../websub/hub";
import { hubDeps } from "../websub/wiring";
import type { AppEnv } from "./context";
import { HUB_PATH } from "../core/urls";

export const websub = new Hono<AppEnv>();

websub.post(HUB_PATH, async function hubRequest(c) {
  // Errors are thrown (AppError): onError answers the hub's path in plain text with the status
  // (and Retry-After for a rate limit).
  if (c.var.config.hubUrl === null) throw new NotFoundError("this deployment runs no WebSub hub");
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
});

websub.on(["GET", "HEAD"], HUB_PATH, (c) => {
  c.header("allow", "POST");
  return c.text(
    "This is a WebSub hub: POST hub.mode=subscribe (or unsubscribe), hub.topic and hub.callback as a form.",
    405,
  );
});
