// A local upstream of many newspapers for npm run load and bench:sources: an HTTP server serving one
// RSS 2.0 feed per source at /feed/<n>.xml (ETag, Last-Modified, 304 on a matching If-None-Match, as
// a well-behaved feed server does), whose items the caller adds and edits while it runs. It keeps
// the truth — every item ever published, with its latest title — so a run can check afterwards that
// the app stored each exactly once. Item text comes from bench/search-data.ts's generator.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateArticle } from "./search-data";

export interface UpstreamItem {
  readonly guid: string;
  readonly link: string;
  title: string;
  html: string;
  publishedMs: number;
  /** Times this item was edited upstream (0: as first published). */
  edits: number;
}

interface Feed {
  items: UpstreamItem[];
  version: number;
  modifiedMs: number;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function renderRss(source: number, items: readonly UpstreamItem[]): string {
  // Newest first, as feeds are.
  const entries = items
    .slice()
    .reverse()
    .map(
      (it) =>
        `<item><title>${escapeXml(it.title)}</title><link>${escapeXml(it.link)}</link><guid isPermaLink="false">${it.guid}</guid>` +
        `<pubDate>${new Date(it.publishedMs).toUTCString()}</pubDate><description>${escapeXml(it.html)}</description></item>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>测试报 ${source}</title>` +
    `<link>https://load-${source}.example.cn/</link><description>本地压测上游</description>${entries}</channel></rss>`
  );
}

export class Upstream {
  readonly #feeds: Feed[];
  readonly #server: Server;
  #serial = 0;
  /** Requests answered: 200s and 304s. */
  served = { ok: 0, notModified: 0 };
  url = "";

  /** `sources` feeds, each starting with `initialItems` items. */
  constructor(
    sources: number,
    initialItems: number,
    readonly bodyParagraphs = Infinity,
  ) {
    this.#feeds = Array.from({ length: sources }, () => ({ items: [], version: 0, modifiedMs: Date.now() }));
    for (let s = 0; s < sources; s++) for (let i = 0; i < initialItems; i++) this.addItem(s);
    // The initial items one second apart, the newest now: a second shared by more than 1,024
    // articles overflows the search index's per-millisecond rowids (README: Many sources).
    const initial = this.#feeds.flatMap((f) => f.items).sort((a, b) => a.publishedMs - b.publishedMs);
    const newest = Math.floor(Date.now() / 1000) * 1000;
    initial.forEach((it, k) => {
      it.publishedMs = newest - (initial.length - 1 - k) * 1000;
    });
    this.#server = createServer((req, res) => {
      const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? "");
      const feed = m ? this.#feeds[Number(m[1])] : undefined;
      if (!feed) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const etag = `"${m![1]}-${feed.version}"`;
      const headers = {
        etag,
        "last-modified": new Date(feed.modifiedMs).toUTCString(),
        "content-type": "application/rss+xml; charset=utf-8",
      };
      if (req.headers["if-none-match"] === etag) {
        this.served.notModified++;
        res.writeHead(304, headers).end();
        return;
      }
      this.served.ok++;
      res.writeHead(200, headers).end(renderRss(Number(m![1]), feed.items));
    });
  }

  get sourceCount(): number {
    return this.#feeds.length;
  }

  feedUrl(source: number): string {
    return `${this.url}/feed/${source}.xml`;
  }

  /** Publish a new item on `source`'s feed. */
  addItem(source: number): UpstreamItem {
    const feed = this.#feeds[source]!;
    const serial = this.#serial++;
    const { input } = generateArticle(serial, 1);
    const paragraphs = input.contentHtml.split("</p>").filter(Boolean).slice(0, this.bodyParagraphs);
    const item: UpstreamItem = {
      guid: `load-${source}-${feed.items.length}`,
      link: `https://load-${source}.example.cn/news/${feed.items.length}.html`,
      title: `${input.title} ${serial}`,
      html: paragraphs.map((p) => `${p}</p>`).join(""),
      // Second precision, as RFC 822 dates carry.
      publishedMs: Math.floor(Date.now() / 1000) * 1000,
      edits: 0,
    };
    feed.items.push(item);
    this.#touch(feed);
    return item;
  }

  /** Edit an item in place (same guid): a new title and one more paragraph. */
  editItem(source: number, index: number): void {
    const feed = this.#feeds[source]!;
    const item = feed.items[index];
    if (!item) return;
    item.edits++;
    item.title = `${item.title.replace(/（更新\d+）$/, "")}（更新${item.edits}）`;
    item.html += `<p>更新${item.edits}：记者补充了最新情况。</p>`;
    this.#touch(feed);
  }

  items(source: number): readonly UpstreamItem[] {
    return this.#feeds[source]!.items;
  }

  #touch(feed: Feed): void {
    feed.version++;
    feed.modifiedMs = Math.max(feed.modifiedMs + 1000, Math.floor(Date.now() / 1000) * 1000);
  }

  listen(port = 0): Promise<string> {
    return new Promise((resolve) => {
      this.#server.listen(port, "127.0.0.1", () => {
        this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
        resolve(this.url);
      });
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
}
