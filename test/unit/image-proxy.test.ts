// The image proxy's addresses (HMAC-SHA256 over the image URL and its referer, 128 bits,
// base64url) and the rewriting of an opted-in source's article (core/image-proxy.ts,
// core/proxied-images.ts), in workerd: Web Crypto and HTMLRewriter as the Worker has them.
import { beforeEach, describe, expect, it } from "vitest";
import {
  base64urlDecode,
  base64urlEncode,
  imageProxyUrl,
  imageSigner,
  imageSignerFor,
  openImageProxyPath,
} from "../../src/core/image-proxy";
import type { Article } from "../../src/core/model";
import { clearProxiedImages, imageProxying, withProxiedImages } from "../../src/core/proxied-images";

const KEY = "unit-image-proxy-key-0123456789abcdef";
const signer = imageSigner(KEY);
const open = (path: string, s = signer) => {
  const [, , sig, url, ref] = path.split("/");
  return openImageProxyPath(s, sig!, url!, ref!);
};

describe("signed addresses", () => {
  it("open to the URL and referer they were made for", async () => {
    const path = await imageProxyUrl(signer, "https://img.example/a b.jpg?x=1", "https://news.example/1.html");
    expect(path).toMatch(/^\/img\/[\w-]{22}\/[\w-]+\/[\w-]+$/);
    expect(await open(path)).toEqual({
      url: "https://img.example/a b.jpg?x=1",
      referer: "https://news.example/1.html",
    });
  });

  it("not with another key, another referer, another URL or a changed signature", async () => {
    const path = await imageProxyUrl(signer, "https://img.example/a.jpg", "https://news.example/1.html");
    const [, , sig, url] = path.split("/") as string[];
    expect(await open(path, imageSigner(`${KEY}x`))).toBeNull();
    const otherRef = base64urlEncode(new TextEncoder().encode("https://evil.example/"));
    expect(await openImageProxyPath(signer, sig!, url!, otherRef)).toBeNull();
    const otherUrl = base64urlEncode(new TextEncoder().encode("https://img.example/b.jpg"));
    expect(await openImageProxyPath(signer, sig!, otherUrl, path.split("/")[4]!)).toBeNull();
    for (let i = 0; i < sig!.length; i++) {
      const flipped = `${sig!.slice(0, i)}${sig![i] === "A" ? "B" : "A"}${sig!.slice(i + 1)}`;
      expect(await openImageProxyPath(signer, flipped, url!, path.split("/")[4]!)).toBeNull();
    }
    // Truncated, or a full-length MAC: only the 128-bit form is accepted.
    expect(await openImageProxyPath(signer, sig!.slice(0, 21), url!, path.split("/")[4]!)).toBeNull();
  });

  it("base64url is strict: one spelling per byte string, no padding or other alphabets", () => {
    expect(base64urlEncode(new Uint8Array([251, 255]))).toBe("-_8");
    expect(base64urlDecode("-_8")).toEqual(new Uint8Array([251, 255]));
    for (const bad of ["-_9", "+/8", "-_8=", "a", "ab c", "ab%2F"]) expect(base64urlDecode(bad), bad).toBeNull();
  });

  it("IMAGE_PROXY_KEY unset, blank or under 32 characters: no signer (the proxy is off)", () => {
    expect(imageSignerFor(undefined)).toBeNull();
    expect(imageSignerFor("   ")).toBeNull();
    expect(imageSignerFor("x".repeat(31))).toBeNull();
    expect(imageSignerFor("x".repeat(32))).not.toBeNull();
  });
});

const article = (over: Partial<Article> = {}): Article => ({
  id: "0123456789abcdef",
  guid: "g",
  pathDate: "2026/12/06",
  originalUrl: "https://news.example/2026/1.html#comments",
  title: "t",
  summary: "s",
  contentHtml:
    '<p><img src="https://img.example/a.jpg" alt="图" width="800" height="600" loading="lazy"></p>' +
    '<picture><source srcset="https://img.example/a.webp 1x, https://img.example/a2.webp 2x"><img src="/assets/own.png" srcset="https://img.example/s.jpg 640w"></picture>' +
    '<p><img src="https://news.test/self.png"><img src="data:image/gif;base64,R0lGOD"></p>',
  published: { ms: 0, offset: 480 },
  updated: { ms: 0, offset: 480 },
  author: null,
  image: "https://img.example/lead.jpg",
  tags: [],
  version: "v",
  source: { slug: "s", name: "n", label: "l", proxyImages: true },
  enclosures: [
    { url: "https://img.example/e.png", type: "image/png", length: 10 },
    { url: "https://audio.example/a.mp3", type: "audio/mpeg", length: 10 },
  ],
  ...over,
});
const proxying = imageProxying(signer, "https://news.test", false);

describe("an opted-in source's article", () => {
  beforeEach(() => clearProxiedImages());

  it("every picture's address goes through /img/ with the article (no #fragment) as referer; nothing else moves", async () => {
    const a = await withProxiedImages(article(), proxying);
    const paths = a.contentHtml.match(/\/img\/[\w-]+\/[\w-]+\/[\w-]+/g)!;
    const opened = await Promise.all(paths.map((p) => open(p)));
    expect(opened.map((o) => o!.url)).toEqual([
      "https://img.example/a.jpg",
      "https://img.example/a.webp",
      "https://img.example/a2.webp",
      "https://img.example/s.jpg",
    ]);
    expect(new Set(opened.map((o) => o!.referer))).toEqual(new Set(["https://news.example/2026/1.html"]));
    // Attributes, descriptors, relative, own and data: addresses as they were.
    expect(a.contentHtml).toMatch(/^<p><img src="\/img\/[^"]+" alt="图" width="800" height="600" loading="lazy"><\/p>/);
    expect(a.contentHtml).toMatch(/srcset="\/img\/[^" ]+ 1x, \/img\/[^" ]+ 2x"/);
    expect(a.contentHtml).toMatch(/<img src="\/assets\/own.png" srcset="\/img\/[^" ]+ 640w">/);
    expect(a.contentHtml).toContain('<img src="https://news.test/self.png"><img src="data:image/gif;base64,R0lGOD">');
    expect((await open(a.image!))!.url).toBe("https://img.example/lead.jpg");
    expect(a.originalImage).toBe("https://img.example/lead.jpg");
    expect((await open(a.enclosures![0]!.url))!.url).toBe("https://img.example/e.png");
    expect(a.enclosures![1]!.url).toBe("https://audio.example/a.mp3");
  });

  it("feeds get absolute addresses; without an article page the image's own site is the referer", async () => {
    const a = await withProxiedImages(article({ originalUrl: null }), imageProxying(signer, "https://news.test", true));
    expect(a.image).toMatch(/^https:\/\/news\.test\/img\//);
    expect((await open(new URL(a.image!).pathname))!.referer).toBe("https://img.example/");
  });

  it("a second rewrite of the same version is remembered; another version is rewritten", async () => {
    const first = await withProxiedImages(article(), proxying);
    const again = await withProxiedImages(article(), proxying);
    expect(again.contentHtml).toBe(first.contentHtml);
    const changed = article({
      version: "v2",
      contentHtml: '<img src="https://img.example/new.jpg">',
    });
    const rewritten = await withProxiedImages(changed, proxying);
    expect((await open(/"(\/img\/[^"]+)"/.exec(rewritten.contentHtml)![1]!))!.url).toBe("https://img.example/new.jpg");
  });

  it("a source that does not opt in, or no key: the article itself", async () => {
    const plain = article({ source: { slug: "s", name: "n", label: "l" } });
    expect(await withProxiedImages(plain, proxying)).toBe(plain);
    const opted = article();
    expect(await withProxiedImages(opted, imageProxying(null, "https://news.test", false))).toBe(opted);
  });
});
