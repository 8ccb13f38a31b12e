// A WebSub subscriber (W3C WebSub §5–§8), for trying the hub by hand and for the end-to-end test:
// it answers the hub's challenge GET, receives content distributions, and checks X-Hub-Signature.
//
//   node scripts/websub-subscriber.mjs http://localhost:8787/feed.xml [secret]
//
// subscribes at the topic's hub (found in the feed's Link header), then prints each delivery.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/**
 * Listen on 127.0.0.1:`port` (0 = any free port).
 * `secret`: the hub.secret to check signatures with; `answer`: "echo" (confirm intents) or
 * "refuse" (answer 404, as a subscriber that never asked would).
 */
export function startSubscriber({ port = 0, secret = null, answer = "echo" } = {}) {
  const verifications = [];
  const deliveries = [];
  const waiters = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://subscriber");
    if (req.method === "GET") {
      const intent = Object.fromEntries([...url.searchParams].filter(([k]) => k.startsWith("hub.")));
      verifications.push(intent);
      notify();
      if (answer !== "echo" || !intent["hub.challenge"]) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "text/plain" }).end(intent["hub.challenge"]);
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      deliveries.push({
        contentType: req.headers["content-type"],
        link: req.headers.link,
        signature: req.headers["x-hub-signature"] ?? null,
        signatureValid: secret ? isSigned(body, req.headers["x-hub-signature"], secret) : null,
        body: body.toString("utf8"),
      });
      notify();
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}/callback`;
      resolve({
        url,
        verifications,
        deliveries,
        /** Resolves when `probe()` holds (checked after each request), or rejects after `ms`. */
        until(probe, ms = 20_000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error("timed out waiting for the hub")), ms);
            const check = () => (probe() ? (clearTimeout(timer), ok()) : waiters.push(check));
            check();
          });
        },
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** §8: "sha256=<hex HMAC of the body>", compared in constant time. */
export function isSigned(body, header, secret) {
  const m = /^sha256=([0-9a-f]{64})$/.exec(header ?? "");
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], "hex"));
}

/** The hub of a topic, from its Link header (§4). */
export async function discoverHub(topic) {
  const res = await fetch(topic);
  await res.body?.cancel();
  const hub = /<([^>]+)>;\s*rel="hub"/.exec(res.headers.get("link") ?? "")?.[1];
  if (!hub) throw new Error(`${topic} names no WebSub hub`);
  return hub;
}

/** Send a hub request; resolves with the hub's status and reason. */
export async function hubRequest(hub, fields) {
  const res = await fetch(hub, { method: "POST", body: new URLSearchParams(fields) });
  return { status: res.status, text: await res.text() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [topic, secret] = process.argv.slice(2);
  if (!topic) {
    console.error("usage: node scripts/websub-subscriber.mjs <feed URL> [secret]");
    process.exit(2);
  }
  const sub = await startSubscriber({ secret: secret ?? null });
  const hub = await discoverHub(topic);
  const fields = { "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": sub.url };
  if (secret) fields["hub.secret"] = secret;
  const { status, text } = await hubRequest(hub, fields);
  console.log(`${hub} → ${status} ${text}`);
  let seen = 0;
  for (;;) {
    await sub.until(() => sub.verifications.length + sub.deliveries.length > seen, 24 * 3600_000);
    seen = sub.verifications.length + sub.deliveries.length;
    const v = sub.verifications.at(-1);
    const d = sub.deliveries.at(-1);
    if (d)
      console.log(
        `delivery: ${d.contentType}, ${d.body.length} bytes, signature ${d.signatureValid === null ? "not asked for" : d.signatureValid ? "valid" : "INVALID"}`,
      );
    else if (v) console.log(`verified ${v["hub.mode"]} of ${v["hub.topic"]} (lease ${v["hub.lease_seconds"]} s)`);
  }
}
