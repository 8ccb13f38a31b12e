// Images that survive hotlink protection, end to end: a real local paper (loopback HTTP) that
// refuses its pictures to any request without its article's page as Referer, `wrangler dev`, the
// admin API, the pages and all three feeds, and a real browser showing the picture under the
// site's CSP. The proxy's refusals: a tampered signature (the paper never hears of it), a page
// passed off as an image (not cached), an oversize image, and private addresses with a valid
// signature.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageProxyUrl, imageSigner } from "../../src/core/image-proxy";
import { type DevServer, freshPersistDir, migrate, startDev } from "./server";
import { imageSettled, launchChromium } from "./chromium";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const KEY = "e2e-image-proxy-key-0123456789abcdef-xyz";
// A 1×1 GIF: small, and a browser decodes it.
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

let upstream: Server;
let up: string;
let site: DevServer;
/** Requests the paper received, by path, with the Referer each carried. */
const seen: { path: string; referer: string | undefined }[] = [];
const PICTURES: Record<string, string> = {
  "/pic.gif": "hotlink",
  "/lead-hotlink.gif": "hotlink",
  "/pic2.gif": "plain",
  "/lead-plain.gif": "plain",
};
const hits = (path: string) => seen.filter((s) => s.path === path).length;

const rss = (slug: string, picture: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>${slug}</title><link>${up}/</link>
<item><title>${slug} 的图片新闻</title><link>${up}/news/${slug}.html#top</link><guid>${slug}-1</guid>
<pubDate>Sun, 06 Dec 2026 08:00:00 +0800</pubDate>
<description><![CDATA[<p>漓江两岸的风景。</p><p><img src="${up}/${picture}" width="640" height="480" alt="漓江"></p>]]></description>
<enclosure url="${up}/lead-${slug}.gif" type="image/gif" length="${GIF.length}"/>
</item></channel></rss>`;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const referer = req.headers.referer;
    seen.push({ path, referer });
    if (path === "/hotlink.xml")
      return res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss("hotlink", "pic.gif"));
    if (path === "/plain.xml")
      return res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss("plain", "pic2.gif"));
    // Hotlink protection: each picture only for its own article's page.
    const slug = PICTURES[path];
    if (slug) {
      if (referer !== `${up}/news/${slug}.html`) return res.writeHead(403).end("hotlinking refused");
      return res.writeHead(200, { "content-type": "image/gif", etag: '"gif-1"' }).end(GIF);
    }
    if (path === "/page.jpg")
      return res.writeHead(200, { "content-type": "text/html" }).end("<script>alert(1)</script>");
    if (path === "/vector.svg")
      return res.writeHead(200, { "content-type": "image/svg+xml" }).end("<svg xmlns='http://www.w3.org/2000/svg'/>");
    if (path === "/big.jpg")
      return res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.alloc(6 * 1024 * 1024, 1));
    if (path === "/moved.jpg") return res.writeHead(302, { location: "http://10.1.2.3/a.jpg" }).end();
    return res.writeHead(404).end();
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN, IMAGE_PROXY_KEY: KEY });
  // Starting wrangler dev on a loaded 2-core machine can take longer than the default hook time.
}, 240_000);
afterAll(async () => {
  await site?.stop();
  await new Promise((r) => upstream?.close(r));
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${site.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const text = async (path: string) => (await fetch(`${site.url}${path}`)).text();
/** A proxy address signed with the site's key, as the site itself would make it. */
const signed = (url: string, referer = `${up}/news/hotlink.html`) => imageProxyUrl(imageSigner(KEY), url, referer);

async function articlePathOf(slug: string): Promise<string> {
  const res = await fetch(`${site.url}/api/v1/articles?category=${slug}`);
  const { items } = (await res.json()) as { items: { url: string }[] };
  return new URL(items[0]!.url).pathname;
}

describe("a source that opts in to the image proxy", () => {
  beforeAll(async () => {
    const created = await admin("POST", "/api/v1/sources", {
      slug: "hotlink",
      name: "防盗链日报",
      feed_url: `${up}/hotlink.xml`,
      proxy_images: true,
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { proxy_images: boolean }).proxy_images).toBe(true);
    expect(
      (await admin("POST", "/api/v1/sources", { slug: "plain", name: "普通日报", feed_url: `${up}/plain.xml` })).status,
    ).toBe(201);
    for (const slug of ["hotlink", "plain"])
      expect(((await (await admin("POST", `/api/v1/sources/${slug}/refresh`)).json()) as { new: number }).new).toBe(1);
  });

  it("the paper refuses its picture without the article as Referer (the test's premise)", async () => {
    expect((await fetch(`${up}/pic.gif`)).status).toBe(403);
    expect((await fetch(`${up}/pic.gif`, { headers: { referer: `${site.url}/` } })).status).toBe(403);
  });

  it("its page shows the picture through /img/, width and height kept; the other source's stays as it was", async () => {
    const page = await text(await articlePathOf("hotlink"));
    expect(page).toMatch(/<img src="\/img\/[\w-]{22}\/[\w-]+\/[\w-]+" alt="漓江" width="640" height="480"/);
    expect(page).not.toContain(`${up}/pic.gif`);
    const plain = await text(await articlePathOf("plain"));
    expect(plain).toContain(`<img src="${up}/pic2.gif" alt="漓江" width="640" height="480"`);
    expect(plain).not.toContain("/img/");
  });

  it("the proxy fetches it with the article's page as Referer and serves it as an image", async () => {
    const path = /<img src="(\/img\/[^"]+)"/.exec(await text(await articlePathOf("hotlink")))![1]!;
    const before = hits("/pic.gif");
    const res = await fetch(`${site.url}${path}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(GIF)).toBe(true);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("content-length")).toBe(String(GIF.length));
    expect(res.headers.get("etag")).toBe('"gif-1"');
    expect(res.headers.get("cache-control")).toBe("public, max-age=2592000");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    // Sent as browsers send it: the page, without its #fragment.
    expect(seen.filter((s) => s.path === "/pic.gif").at(-1)!.referer).toBe(`${up}/news/hotlink.html`);
    expect(hits("/pic.gif")).toBe(before + 1);
    // Again: from the edge cache, the paper is not asked twice.
    const again = await fetch(`${site.url}${path}`);
    expect(again.status).toBe(200);
    expect(Buffer.from(await again.arrayBuffer()).equals(GIF)).toBe(true);
    expect(again.headers.get("x-cache")).toBe("edge");
    expect(hits("/pic.gif")).toBe(before + 1);
  });

  it.each(["rss.xml", "feed.xml", "feed.json"])(
    "its %s carries absolute /img/ addresses (body and image enclosure); the other source's the paper's own",
    async (file) => {
      const feed = await text(`/category/hotlink/${file}`);
      const proxied = feed.match(new RegExp(`${site.url}/img/[\\w-]+/[\\w-]+/[\\w-]+`, "g")) ?? [];
      expect(new Set(proxied).size).toBe(2); // the body's picture and the enclosure
      expect(feed).not.toContain(`${up}/pic.gif`);
      expect(feed).not.toContain(`${up}/lead-hotlink.gif`);
      const plain = await text(`/category/plain/${file}`);
      expect(plain).toContain(`${up}/pic2.gif`);
      expect(plain).toContain(`${up}/lead-plain.gif`);
      expect(plain).not.toContain("/img/");
      // Both addresses work (the enclosure's too, with the article as Referer).
      for (const u of new Set(proxied)) expect((await fetch(u)).status, u).toBe(200);
    },
  );

  it("a real browser shows the picture on the article page under the site's CSP, with no console error", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      await page.goto(`${site.url}${await articlePathOf("hotlink")}`, { waitUntil: "load" });
      // The picture is loading="lazy": scrolled into view as a reader would, then decoded (or failed).
      await page.locator(".post-body img").scrollIntoViewIfNeeded();
      await imageSettled(page, ".post-body img");
      const size = await page.$eval(".post-body img", (img) => ({
        natural: (img as unknown as { naturalWidth: number }).naturalWidth,
        width: img.getBoundingClientRect().width,
      }));
      expect(size.natural).toBe(1); // decoded: the proxy delivered it
      expect(size.width).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("turned off in the admin API, the page shows the paper's own address again", async () => {
    // Visitors get the change when the cached copy's max-age ends; the operator, whose requests
    // bypass the page cache, sees it at once.
    const fresh = async (path: string) =>
      (await fetch(`${site.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect((await admin("PATCH", "/api/v1/sources/hotlink", { proxy_images: false })).status).toBe(200);
    const page = await fresh(await articlePathOf("hotlink"));
    expect(page).toContain(`<img src="${up}/pic.gif" alt="漓江" width="640" height="480"`);
    expect((await admin("PATCH", "/api/v1/sources/hotlink", { proxy_images: true })).status).toBe(200);
    expect(await fresh(await articlePathOf("hotlink"))).toContain('<img src="/img/');
  });
});

describe("what the proxy refuses", () => {
  it("a tampered signature: 403, and the paper never hears of it", async () => {
    const good = await signed(`${up}/pic.gif`);
    const [, , sig, url, ref] = good.split("/");
    const flipped = `${sig![0] === "A" ? "B" : "A"}${sig!.slice(1)}`;
    const before = seen.length;
    for (const path of [
      `/img/${flipped}/${url}/${ref}`,
      `/img/${sig}/${url}/${Buffer.from(`${up}/other.html`).toString("base64url")}`, // another referer
      `/img/${sig}x/${url}/${ref}`,
      `/img/${sig}/${url}=/${ref}`, // a second spelling of the same URL
    ]) {
      const res = await fetch(`${site.url}${path}`);
      expect(res.status, path).toBe(403);
    }
    expect(seen.length).toBe(before);
  });

  it("a page passed off as an image: 502, and not cached (the next request asks again)", async () => {
    const path = await signed(`${up}/page.jpg`);
    for (const n of [1, 2]) {
      const res = await fetch(`${site.url}${path}`);
      expect(res.status).toBe(502);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await res.text()).toContain("text/html");
      expect(hits("/page.jpg")).toBe(n);
    }
  });

  it("SVG (it can carry script) is refused", async () => {
    const res = await fetch(`${site.url}${await signed(`${up}/vector.svg`)}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("image/svg+xml");
  });

  it("an image over 5 MiB is refused", async () => {
    const res = await fetch(`${site.url}${await signed(`${up}/big.jpg`)}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("larger than 5242880 bytes");
  });

  it.each(["http://10.0.0.1/a.jpg", "http://169.254.169.254/latest/meta-data", "http://192.168.1.1/x.png"])(
    "a private address with a valid signature is still refused: %s",
    async (target) => {
      const res = await fetch(`${site.url}${await signed(target)}`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("出站地址被拒绝");
    },
  );

  it("a redirect to a private address is refused on the hop", async () => {
    const res = await fetch(`${site.url}${await signed(`${up}/moved.jpg`)}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("redirected: 出站地址被拒绝");
  });
});
