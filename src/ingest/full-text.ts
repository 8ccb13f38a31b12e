// Full text for a summary-only feed: each new item's own page, fetched once, read by the rules.
import type { SourceWithState } from "../core/model";
import { readKnownHashes } from "../db/article-writes";
import { getUpstreamPages, recordUpstreamPageStatement } from "../db/upstream-pages";
import type { Stmt } from "../db/sql";
import { extractFromHtml } from "./extract-html";
import { itemIdentity } from "./normalize";
import type { ParsedItem } from "./parse";
import type { FullTextRules } from "./rules";
import {
  type PageDeps,
  PAGE_FETCHES_PER_REFRESH,
  MAX_PAGE_ATTEMPTS,
  fetchPage,
  httpLink,
  onAllowedHost,
} from "./upstream-page";

/** Summary-only feed items → full text from each item's own page, fetched once per item.
 *  Items already stored are left out (their full text is stored); a new item's page is fetched
 *  (once per URL in a run), and the item stored with the page's body; items past this run's
 *  budget, or whose page failed and has tries left, wait for the next run; a page that cannot be
 *  read leaves the item with the feed's own text (nothing is lost). */
export async function addFullText(
  deps: PageDeps,
  source: SourceWithState,
  rules: FullTextRules,
  items: readonly ParsedItem[],
  base: string,
) {
  const linked = await Promise.all(
    items.map(async (item) => {
      const link = item.link ? httpLink(item.link, base) : null;
      // A page on another host is not read: the item keeps the feed's own text.
      const url = link && source.feedUrl && onAllowedHost(link, source.feedUrl, rules.hosts) ? link : null;
      // The identity normalizeItem will give it (guid, else link with its #fragment: itemIdentity);
      // items without a guid or a link are new.
      return { item, url, identity: item.guid?.trim() || link ? await itemIdentity(item, base) : null };
    }),
  );
  const identities = linked.flatMap((l) => (l.identity ? [l.identity] : []));
  const stored = await readKnownHashes(deps.db, new Map([[source.slug, identities]])); // keys "slug\nguid"
  const pages = await getUpstreamPages(
    deps.db,
    source.id,
    linked.flatMap((l) => (l.url ? [l.url] : [])),
  );
  const out: ParsedItem[] = [];
  const pageWrites: Stmt[] = [];
  const problems: string[] = [];
  const bodies = new Map<string, string | null>(); // this run's reads, by URL
  let budget = PAGE_FETCHES_PER_REFRESH;
  // Items left for a later run: while there are any, the feed must be processed again even if
  // its bytes do not change.
  let pending = 0;
  for (const { item, url, identity } of linked) {
    if (identity && stored.has(`${source.slug}\n${identity}`)) continue; // stored already, with its full text
    const known = url ? pages.get(url) : undefined;
    if (!url || known?.status === "unmatched" || (known?.status === "error" && known.attempts >= MAX_PAGE_ATTEMPTS)) {
      out.push(item); // no page to read, or it never yields a body: the feed's text it is
      continue;
    }
    if (!bodies.has(url)) {
      if (budget-- <= 0) {
        pending++;
        continue;
      }
      const got = await fetchPage(deps, url, null);
      if (got.kind !== "ok") {
        const reason = got.kind === "error" ? got.reason : `${url}: not modified on a first visit`;
        problems.push(reason);
        if (got.kind === "error" && got.transient) {
          pending++;
          continue;
        }
        pageWrites.push(
          recordUpstreamPageStatement(
            source.id,
            { url, etag: null, lastModified: null, status: "error", error: reason },
            deps.now,
          ),
        );
        if ((known?.attempts ?? 0) + 1 >= MAX_PAGE_ATTEMPTS)
          out.push(item); // give up: keep the feed's text
        else pending++;
        continue;
      }
      const body =
        (await extractFromHtml(got.html, { body: { pick: rules.body, html: true } })).body?.[0]?.trim() || null;
      if (body)
        pageWrites.push(
          recordUpstreamPageStatement(
            source.id,
            { url, etag: got.etag, lastModified: got.lastModified, status: "ok", error: null },
            deps.now,
          ),
        );
      else {
        const reason = `${url}: rules.full_text.body "${rules.body.selector}" matched nothing: the page no longer matches the rules`;
        pageWrites.push(
          recordUpstreamPageStatement(
            source.id,
            { url, etag: got.etag, lastModified: got.lastModified, status: "unmatched", error: reason },
            deps.now,
          ),
        );
        problems.push(reason);
      }
      bodies.set(url, body);
    }
    const body = bodies.get(url);
    out.push(body ? { ...item, content: body, contentIsText: false, summary: item.summary ?? item.content } : item);
  }
  return { items: out, pageWrites, problems, pending };
}
