// An article as its pages and feeds show it when its source opts in to the image proxy: every
// image address in its body (img src and srcset, picture's source srcset), its image
// enclosures and its lead image point at /img/… (core/image-proxy.ts). What is stored is not
// touched: turning the setting off, or the key missing, shows the papers' own addresses again.
//
// The body is rewritten with HTMLRewriter (the runtime's streaming HTML parser, as ingest uses):
// only the attributes named change, every other byte of the sanitized markup stays as it was
// (width and height included, so nothing shifts when the picture arrives).
//
// Module state: the rewritten parts of recent articles, per signer (LruCache, 2 MiB), so a feed
// rendered again does not parse and sign its bodies again; forgotten by clearProxiedImages()
// (src/state.ts). Never stale: the key names everything the parts are made of.
import { type ImageSigner, imageProxyUrl } from "./image-proxy";
import { LruCache } from "./lru";
import type { Article, Enclosure } from "./model";
import { parseHttpUrl } from "./urls";

export interface ImageProxying {
  readonly signer: ImageSigner;
  /** Prefixed to every proxy path: "" on pages, the site's absolute base URL in feeds. */
  readonly origin: string;
  /** The site's own origin: its images are never proxied. */
  readonly siteOrigin: string;
}

/** How a site at `baseUrl` proxies images: pages link `/img/…` (`absolute` false), feeds the
 *  absolute address; null when there is no key (the proxy is off). */
export function imageProxying(signer: ImageSigner | null, baseUrl: string, absolute: boolean): ImageProxying | null {
  return signer ? { signer, origin: absolute ? baseUrl : "", siteOrigin: new URL(baseUrl).origin } : null;
}

/** The Referer the paper expects: the article's own page (without its fragment, as browsers
 *  send it); without one, the image's own site. */
function refererFor(a: Article, image: URL): string {
  const page = a.originalUrl ? parseHttpUrl(a.originalUrl) : null;
  if (!page) return `${image.origin}/`;
  page.hash = "";
  return page.href;
}

/** srcset candidates ("url 2x, url 640w") with each URL passed through `map`. URLs in a srcset
 *  contain no whitespace and do not start or end with a comma (HTML's parsing rules). */
async function mapSrcset(srcset: string, map: (url: string) => Promise<string>): Promise<string> {
  const parts = srcset.split(",").map((c) => c.trim());
  const out: string[] = [];
  for (const part of parts) {
    if (!part) continue;
    const [url = "", ...descriptor] = part.split(/\s+/);
    out.push([await map(url), ...descriptor].join(" "));
  }
  return out.join(", ");
}

type Rewritten = Pick<Article, "contentHtml" | "image" | "originalImage" | "enclosures">;

const MEMO_BYTES = 2 * 1024 * 1024;
const newMemo = () =>
  new LruCache<Rewritten>(MEMO_BYTES, (key, r) => 2 * (key.length + r.contentHtml.length) + 1024, MEMO_BYTES / 8);
let memos = new WeakMap<ImageSigner, LruCache<Rewritten>>();

/** Forget every rewritten article (src/state.ts). */
export function clearProxiedImages(): void {
  memos = new WeakMap();
}

/** `a` with its images through the proxy; `a` itself when its source does not opt in. */
export async function withProxiedImages(a: Article, p: ImageProxying | null): Promise<Article> {
  if (!p || !a.source.proxyImages) return a;
  // The version changes whenever the body, the images, the enclosures or the article's page do;
  // the body's length tells a listing read without bodies.
  const key = `${p.origin}\n${p.siteOrigin}\n${a.id}\n${a.version}\n${a.contentHtml.length}`;
  let memo = memos.get(p.signer);
  if (!memo) memos.set(p.signer, (memo = newMemo()));
  const known = memo.get(key);
  if (known) return { ...a, ...known };
  const parts = await rewrite(a, p);
  memo.set(key, parts);
  return { ...a, ...parts };
}

async function rewrite(a: Article, p: ImageProxying): Promise<Rewritten> {
  const signed = new Map<string, string>();
  const proxy = async (raw: string): Promise<string> => {
    const url = parseHttpUrl(raw.trim());
    // Relative addresses and our own are served by us already; data: and others are left alone.
    if (!url || url.origin === p.siteOrigin) return raw;
    const known = signed.get(url.href);
    if (known) return known;
    const out = await imageProxyUrl(p.signer, url.href, refererFor(a, url), p.origin);
    signed.set(url.href, out);
    return out;
  };
  let contentHtml = a.contentHtml;
  if (/<(img|source)\b/i.test(contentHtml)) {
    const attr = (name: string, srcset: boolean) => ({
      async element(el: Element) {
        const v = el.getAttribute(name);
        if (v !== null) el.setAttribute(name, srcset ? await mapSrcset(v, proxy) : await proxy(v));
      },
    });
    contentHtml = await new HTMLRewriter()
      .on("img[src]", attr("src", false))
      .on("img[srcset]", attr("srcset", true))
      .on("picture > source[srcset]", attr("srcset", true))
      .on("picture > source[src]", attr("src", false))
      .transform(new Response(contentHtml))
      .text();
  }
  const enclosures = a.enclosures
    ? await Promise.all(
        a.enclosures.map(
          async (e): Promise<Enclosure> =>
            e.type?.toLowerCase().startsWith("image/") ? { ...e, url: await proxy(e.url) } : e,
        ),
      )
    : undefined;
  const image = a.image ? await proxy(a.image) : a.image;
  return {
    contentHtml,
    image,
    ...(image !== a.image && a.image ? { originalImage: a.image } : {}),
    ...(enclosures ? { enclosures } : {}),
  };
}
