// Discovery documents (pure): robots.txt, the sitemap index, monthly and news sitemaps
// (sitemaps.org 0.9 and Google News), and OPML 2.0 of every category's feed. Small, fixed shapes
// written directly; every value is escaped.
import type { SitemapEntry } from "../core/model";
import { toRfc3339 } from "../core/time";
import { articlePath, categoryPath, feedPaths } from "../core/urls";
import { escapeXml } from "../core/escape";

const esc = escapeXml;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const entryUrl = (base: string, e: SitemapEntry) =>
  `${base}${articlePath({ id: e.id, pathDate: e.pathDate, source: { slug: e.sourceSlug } })}`;

/** sitemaps.org: at most 50,000 URLs per sitemap file. */
export const SITEMAP_MAX_URLS = 50_000;
/** Google News: at most 1,000 URLs, of the last two days. */
export const NEWS_MAX_URLS = 1_000;
export const NEWS_WINDOW_MS = 48 * 3_600_000;

export function renderRobots(base: string): string {
  return [
    "User-agent: *",
    "Allow: /",
    "Disallow: /api/v1/sources",
    "Disallow: /search",
    "",
    `Sitemap: ${base}/sitemap.xml`,
    `Sitemap: ${base}/sitemap-news.xml`,
    "",
  ].join("\n");
}

export function renderSitemapIndex(base: string, months: readonly { month: string; lastModified: number }[]): string {
  const items = months
    .map(
      (m) =>
        `  <sitemap><loc>${esc(`${base}/sitemaps/${m.month.replace("/", "-")}.xml`)}</loc><lastmod>${iso(m.lastModified)}</lastmod></sitemap>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items}\n</sitemapindex>\n`;
}

export function renderSitemap(base: string, entries: readonly SitemapEntry[]): string {
  const urls = entries
    .map((e) => `  <url><loc>${esc(entryUrl(base, e))}</loc><lastmod>${iso(e.updated)}</lastmod></url>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}

export function renderNewsSitemap(base: string, entries: readonly SitemapEntry[]): string {
  const urls = entries
    .map(
      (e) => `  <url>
    <loc>${esc(entryUrl(base, e))}</loc>
    <news:news>
      <news:publication><news:name>${esc(e.sourceName)}</news:name><news:language>zh</news:language></news:publication>
      <news:publication_date>${toRfc3339({ ms: e.published, offset: e.publishedOffset })}</news:publication_date>
      <news:title>${esc(e.title)}</news:title>
    </news:news>
  </url>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${urls}
</urlset>
`;
}

export function renderOpml(
  base: string,
  siteTitle: string,
  sources: readonly { slug: string; name: string; label: string }[],
  nowMs: number,
): string {
  const outlines = sources
    .map(
      (s) =>
        `    <outline type="rss" text="${esc(s.label)}" title="${esc(s.name)}" xmlUrl="${esc(`${base}${feedPaths({ kind: "source", slug: s.slug }).rss}`)}" htmlUrl="${esc(`${base}${categoryPath(s.slug)}`)}"/>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>${esc(siteTitle)}</title>
    <dateCreated>${new Date(nowMs).toUTCString()}</dateCreated>
  </head>
  <body>
    <outline text="${esc(siteTitle)}" title="${esc(siteTitle)}">
${outlines}
    </outline>
  </body>
</opml>
`;
}
