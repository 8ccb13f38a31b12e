// Bench-only worker: renders one FeedDocument n times per request, so the render cost can be
// measured from outside workerd (inside it, timers only advance on I/O). `cold` forgets the
// rendered items before each render, so every item is rendered through `feed`; without it all
// but the first render reuse them. `images` gives every body three pictures (and a lead image);
// `proxy` then rewrites them to the image proxy before each render, as feeds/document.ts does for
// a source with the proxy on (HTMLRewriter over each body, an HMAC per address; `cold` forgets
// the rewritten articles too, else they are reused).
import { imageSigner } from "../src/core/image-proxy";
import type { Article, FeedDocument } from "../src/core/model";
import { clearProxiedImages, imageProxying, withProxiedImages } from "../src/core/proxied-images";
import { clearRenderedItems, renderAtom, renderJsonFeed, renderRss } from "../src/render/feeds";

const RENDER = { atom: renderAtom, rss: renderRss, json: renderJsonFeed } as const;

function syntheticDoc(items: number, bodyBytes: number, images = false): FeedDocument {
  const para = "<p>漓江两岸的社区居民在家门口实现就业，交通、学校和市场的服务不断完善。</p>";
  const text = para.repeat(Math.ceil(bodyBytes / new TextEncoder().encode(para).length));
  const picture = (n: number) =>
    `<p><img src="https://img.paper.example/2025/11/${n}.jpg" alt="图${n}" width="800" height="600" loading="lazy"></p>`;
  const third = Math.floor(text.length / 3);
  const body = images
    ? `${picture(1)}${text.slice(0, third)}${picture(2)}${text.slice(third, 2 * third)}${picture(3)}${text.slice(2 * third)}`
    : text;
  const list: Article[] = Array.from({ length: items }, (_, i) => ({
    id: i.toString(16).padStart(16, "0"),
    guid: `g${i}`,
    pathDate: "2025/11/20",
    version: `v${i}`,
    originalUrl: `https://paper.example/a/${i}.html`,
    title: `第${i}条：桂林市民在家门口实现充分就业`,
    summary: "漓江两岸的社区居民在家门口实现就业。",
    contentHtml: body,
    published: { ms: Date.UTC(2025, 10, 20, 2, 0, i), offset: 480 },
    updated: { ms: Date.UTC(2025, 10, 20, 3, 0, i), offset: 480 },
    author: null,
    image: "https://img.example/a.jpg",
    tags: ["桂林晚报新闻", "就业"],
    source: { slug: "guilinwanbao", name: "桂林晚报", label: "桂林晚报新闻", ...(images ? { proxyImages: true } : {}) },
  }));
  return {
    title: "桂林晚报新闻 - 本地新闻聚合",
    description: "桂林晚报的最新本地新闻",
    homePageUrl: "https://news.test/category/guilinwanbao.html",
    selfUrl: "https://news.test/category/guilinwanbao/feed.xml",
    baseUrl: "https://news.test",
    language: "zh-CN",
    ttlMinutes: 15,
    updated: list[0]!.updated,
    items: list,
  };
}

const doc = syntheticDoc(50, 5000);
const withImages = syntheticDoc(50, 5000, true);
const proxying = imageProxying(imageSigner("bench-image-proxy-key-0123456789abcdef"), "https://news.test", true);

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const format = (url.searchParams.get("format") ?? "rss") as keyof typeof RENDER;
    const n = Number(url.searchParams.get("n") ?? "1");
    const cold = url.searchParams.has("cold");
    const source = url.searchParams.has("images") ? withImages : doc;
    const proxy = url.searchParams.has("proxy");
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      if (cold) {
        clearRenderedItems();
        clearProxiedImages();
      }
      const items = proxy ? await Promise.all(source.items.map((a) => withProxiedImages(a, proxying))) : source.items;
      bytes = RENDER[format]({ ...source, items }).length;
    }
    return new Response(String(bytes));
  },
};
