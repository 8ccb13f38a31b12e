// The one normalized model every stage shares. Normalization happens once, at ingest.

/** An instant in UTC plus the UTC offset (minutes east) the source wrote it with. */
export interface Instant {
  readonly ms: number;
  readonly offset: number;
}

/** An upstream newspaper; also the site's category. */
export interface Source {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly label: string;
  readonly homepage: string | null;
  readonly feedUrl: string | null;
  readonly timezone: string;
  readonly enabled: boolean;
  readonly intervalMinutes: number;
  /** Its articles' images are served through this site's image proxy (/img/…), for papers
   *  that refuse pictures to other sites' pages. */
  readonly proxyImages: boolean;
}

/** What the refresh remembers about a source between fetches. */
export interface FetchState {
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly nextFetchAt: number;
  readonly lastFetchAt: number | null;
  readonly lastStatus: "200" | "304" | "error" | null;
  /** Failures in a row (0 after a success). */
  readonly errorCount: number;
  readonly lastError: string | null;
  readonly pausedAt: number | null;
  readonly lastDurationMs: number | null;
  readonly lastCounts: { readonly new: number; readonly updated: number; readonly unchanged: number } | null;
  /** Hash of the last body stored from (pipeline version + bytes). */
  readonly bodyHash: string | null;
  /** The last body decoded only with replacement characters (no encoding fit its bytes). */
  readonly decodeWarning?: string | null;
}

/** The state of a source never fetched (a new source, the admin dry run). */
export const NEVER_FETCHED: FetchState = {
  etag: null,
  lastModified: null,
  nextFetchAt: 0,
  lastFetchAt: null,
  lastStatus: null,
  errorCount: 0,
  lastError: null,
  pausedAt: null,
  lastDurationMs: null,
  lastCounts: null,
  bodyHash: null,
};

/** A source as the refresh reads it: how (kind and rules) and where it left off (state). */
export interface SourceWithState extends Source {
  /** feed | html | json (ingest/rules.ts). */
  readonly kind: "feed" | "html" | "json";
  /** The rules as stored (JSON), checked by parseRules when the refresh runs. */
  readonly rules: string | null;
  /** Moved on by every admin change: a refresh writes only if it is unchanged (db/sources.ts). */
  readonly generation: number;
  readonly state: FetchState;
}

/** A source as the header's category links show it. */
export interface NavSource {
  readonly slug: string;
  readonly name: string;
}

/** The header's categories: the first sources in the site's own order (the order they were
 *  added), bounded so a site with ten thousand sources still has a small header; `more` when
 *  others exist (the header then links the directory of all sources). */
export interface SiteNav {
  readonly sources: readonly NavSource[];
  readonly more: boolean;
}

/** The source fields an article carries for rendering links and attribution. */
export interface SourceRef {
  readonly slug: string;
  readonly name: string;
  readonly label: string;
  /** Source.proxyImages, on articles read with their bodies (pages and feeds rewrite images). */
  readonly proxyImages?: boolean;
}

/** What a listing page shows of an article: its link, title, date, source, summary and tags, and
 *  how many other papers carry its story (when the listing groups stories). */
export type ArticleBrief = Pick<
  Article,
  "id" | "pathDate" | "title" | "summary" | "published" | "source" | "tags" | "storyOthers"
>;

/** Another paper's article of the same story, as a link. */
export interface StoryLink {
  readonly id: string;
  readonly pathDate: string;
  readonly title: string;
  readonly published: Instant;
  readonly source: Pick<SourceRef, "slug" | "name">;
}

/** A media file an item carries (podcast audio, video, images): absolute http(s) URL, its media
 *  type and length in bytes when the feed gave them. */
export interface Enclosure {
  readonly url: string;
  readonly type: string | null;
  readonly length: number | null;
}

/** An article as ingest produces it, before it has a stored identity. */
export interface ArticleInput {
  readonly guid: string;
  readonly originalUrl: string | null;
  readonly title: string;
  readonly summary: string;
  readonly contentHtml: string;
  readonly published: Instant;
  readonly updated: Instant;
  readonly author: string | null;
  readonly image: string | null;
  readonly tags: readonly string[];
  /** The upstream gave no date: `published` is when we first saw the item, and stays so. */
  readonly undated?: boolean;
  /** The body's visible text, when ingest already has it (for the search index; not stored). */
  readonly plainText?: string;
  /** Hash of the upstream item it was normalized from (ingest/refresh.ts `hashItem`), stored so
   *  an unchanged item is not normalized again; absent for imported posts. */
  readonly rawHash?: string | null;
  /** The upstream item had no title: `title` was derived (core/derived-title.ts), and the feeds
   *  write none where the format allows (RSS <title>, JSON Feed title). */
  readonly titleDerived?: boolean;
  /** Media of every type, in the feed's order. */
  readonly enclosures?: readonly Enclosure[];
}

/** A stored article. `contentHtml` is empty on listings that did not ask for bodies. */
export interface Article extends ArticleInput {
  readonly id: string;
  readonly source: SourceRef;
  /** "yyyy/mm/dd" in the source's zone at first sight; fixed forever, part of the permalink. */
  readonly pathDate: string;
  /** Hash of everything stored about the item: changes exactly when the article does. */
  readonly version: string;
  /** Other articles of its story, on a listing that groups stories (absent: not asked). */
  readonly storyOthers?: number;
  /** Those articles, where a feed links them (`?dedupe=1`). */
  readonly others?: readonly StoryLink[];
  /** The lead image's own address, when `image` was rewritten to the image proxy (feeds read
   *  its media type from it: the proxy path has no file extension). */
  readonly originalImage?: string;
  /** Its body was moved to the archive (R2, docs/archive.md): as read from D1 `contentHtml` is
   *  empty until archive/bodies.ts `withBodies` puts it back. */
  readonly archived?: boolean;
}

/** Where a listing's articles come from. */
export type Scope =
  | { readonly kind: "all" }
  | { readonly kind: "source"; readonly source: Source }
  | { readonly kind: "tag"; readonly tag: string }
  /** `match` is the FTS5 expression built by core/search-tokens.ts, never raw user input. */
  | { readonly kind: "search"; readonly query: string; readonly match: string }
  /** Every article whose permalink date is in `month` ("yyyy/mm"), of one source or all. */
  | { readonly kind: "month"; readonly month: string; readonly source: Source | null };

/** Keyset position: list items strictly older than this (published_at, id). */
export interface Cursor {
  readonly ms: number;
  readonly id: string;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly next: Cursor | null;
}

/** One listing as a feed: rendered as Atom, RSS or JSON Feed by render/feeds.ts. */
export interface FeedDocument {
  readonly title: string;
  readonly description: string;
  /** Absolute URL of the listing's HTML page. */
  readonly homePageUrl: string;
  /** Absolute URL this feed was requested at (rel="self", feed_url). */
  readonly selfUrl: string;
  /** A stable id for the feed (Atom id); the self URL when absent. */
  readonly id?: string;
  /** RFC 5005 links: paging (next = older page, previous = newer) and archives. */
  readonly links?: {
    readonly next?: string;
    readonly previous?: string;
    readonly current?: string;
    readonly first?: string;
    readonly prevArchive?: string;
    readonly nextArchive?: string;
  };
  /** RFC 5005: an immutable archive document, or a listing complete in one document. */
  readonly history?: "archive" | "complete";
  /** The WebSub hub to subscribe at (only on documents that are topics: not archives or pages). */
  readonly hubUrl?: string;
  /** Absolute site origin: root-relative links in bodies are resolved against it. */
  readonly baseUrl: string;
  readonly language: string;
  readonly ttlMinutes: number;
  /** The newest update among the items (the feed's own "updated"). */
  readonly updated: Instant;
  /** Articles with bodies, newest first. */
  readonly items: readonly Article[];
}

// --- read models: what pages, sitemaps and the directory are given (db/ reads them) ----------

/** The older or newer article beside one, in the same source. */
export interface Neighbour {
  readonly id: string;
  readonly title: string;
  readonly pathDate: string;
}

/** One article as a sitemap lists it. */
export interface SitemapEntry {
  readonly id: string;
  readonly pathDate: string;
  readonly sourceSlug: string;
  readonly sourceName: string;
  readonly title: string;
  readonly published: number;
  readonly publishedOffset: number;
  readonly updated: number;
}

/** One source in the directory of all sources. */
export interface DirectoryEntry extends NavSource {
  readonly id: number;
  readonly label: string;
  readonly timezone: string;
  readonly articleCount: number;
  /** Newest update of any of its articles (ms), or null when it has none. */
  readonly lastUpdated: number | null;
}

// --- the operator's console (read models shared by db/console.ts and render/pages/console) ---

/** One refresh of a source, as its fetch log keeps it. */
export interface FetchLogEntry {
  readonly at: number;
  readonly status: "200" | "304" | "error";
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly durationMs: number | null;
  readonly error: string | null;
}

/** The console's filter on a source's fetch state. */
export type ConsoleSourceState = "all" | "failing" | "paused" | "never";

/** A row of the console's sources table. */
export interface ConsoleSourceRow {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly kind: "feed" | "html" | "json";
  readonly timezone: string;
  readonly enabled: boolean;
  readonly hasFeed: boolean;
  readonly lastFetchAt: number | null;
  readonly lastStatus: "200" | "304" | "error" | null;
  readonly errorCount: number;
  readonly lastError: string | null;
  readonly pausedAt: number | null;
  readonly nextFetchAt: number;
  /** New articles per day, oldest first (SPARK_DAYS entries; the last is the 24 h before now). */
  readonly perDay: readonly number[];
}

/** A page of the console's sources table; `next` is the id to continue after, if any. */
export interface ConsoleSourcePage {
  readonly rows: readonly ConsoleSourceRow[];
  readonly next: number | null;
}

/** The archive step's last tick (archive/tick.ts), as /status shows it. */
export interface ArchiveState {
  readonly lastRunAt: number;
  /** Bodies that tick moved to R2. */
  readonly lastArchived: number;
  /** Its failures, retried on the next tick; null when it had none. */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
}
