// Row ↔ model mappers (pure).
import type { Article, ArticleBrief, Enclosure, FetchState, Source, SourceWithState } from "../core/model";

export interface SourceRow {
  id: number;
  slug: string;
  name: string;
  label: string;
  homepage: string | null;
  feed_url: string | null;
  timezone: string;
  enabled: number;
  interval_minutes: number;
  proxy_images: number;
}

export function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    label: row.label,
    homepage: row.homepage,
    feedUrl: row.feed_url,
    timezone: row.timezone,
    enabled: row.enabled === 1,
    intervalMinutes: row.interval_minutes,
    proxyImages: row.proxy_images === 1,
  };
}

export interface SourceStateRow extends SourceRow {
  kind: "feed" | "html" | "json";
  rules: string | null;
  etag: string | null;
  last_modified: string | null;
  next_fetch_at: number;
  last_fetch_at: number | null;
  last_status: string | null;
  error_count: number;
  last_error: string | null;
  paused_at: number | null;
  last_duration_ms: number | null;
  last_counts: string | null;
  last_body_hash: string | null;
  decode_warning?: string | null;
  generation: number;
}

export function toSourceWithState(row: SourceStateRow): SourceWithState {
  const state: FetchState = {
    etag: row.etag,
    lastModified: row.last_modified,
    nextFetchAt: row.next_fetch_at,
    lastFetchAt: row.last_fetch_at,
    lastStatus:
      row.last_status === "200" || row.last_status === "304" || row.last_status === "error" ? row.last_status : null,
    errorCount: row.error_count,
    lastError: row.last_error,
    pausedAt: row.paused_at,
    lastDurationMs: row.last_duration_ms,
    lastCounts: row.last_counts ? (JSON.parse(row.last_counts) as FetchState["lastCounts"]) : null,
    bodyHash: row.last_body_hash,
    decodeWarning: row.decode_warning ?? null,
  };
  return { ...toSource(row), kind: row.kind, rules: row.rules, generation: row.generation, state };
}

export interface ArticleRow {
  id: string;
  guid: string;
  path_date: string;
  original_url: string | null;
  title: string;
  summary: string;
  content_html: string;
  published_at: number;
  published_offset: number;
  updated_at: number;
  updated_offset: number;
  author: string | null;
  image: string | null;
  content_hash: string;
  search_rowid: number | null;
  source_slug: string;
  source_name: string;
  source_label: string;
  source_proxy_images?: number;
  tags_json: string | null;
  title_derived?: number;
  enclosures?: string | null;
  /** Present on grouped listings (db/stories.ts STORY_OTHERS_COLUMN). */
  story_others?: number;
  archived_at?: number | null;
}

/** The columns of a listing page's row (BRIEF_COLUMNS in db/articles.ts). */
export type ArticleBriefRow = Pick<
  ArticleRow,
  | "id"
  | "path_date"
  | "title"
  | "summary"
  | "published_at"
  | "published_offset"
  | "source_slug"
  | "source_name"
  | "source_label"
  | "tags_json"
  | "story_others"
>;

export function toArticleBrief(row: ArticleBriefRow): ArticleBrief {
  return {
    id: row.id,
    pathDate: row.path_date,
    title: row.title,
    summary: row.summary,
    published: { ms: row.published_at, offset: row.published_offset },
    source: { slug: row.source_slug, name: row.source_name, label: row.source_label },
    tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
    ...(row.story_others !== undefined ? { storyOthers: row.story_others } : {}),
  };
}

export function toArticle(row: ArticleRow): Article {
  return {
    id: row.id,
    guid: row.guid,
    pathDate: row.path_date,
    originalUrl: row.original_url,
    title: row.title,
    summary: row.summary,
    contentHtml: row.content_html,
    published: { ms: row.published_at, offset: row.published_offset },
    updated: { ms: row.updated_at, offset: row.updated_offset },
    author: row.author,
    image: row.image,
    version: row.content_hash,
    source: {
      slug: row.source_slug,
      name: row.source_name,
      label: row.source_label,
      ...(row.source_proxy_images === 1 ? { proxyImages: true } : {}),
    },
    tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
    ...(row.title_derived ? { titleDerived: true } : {}),
    ...(row.enclosures ? { enclosures: JSON.parse(row.enclosures) as Enclosure[] } : {}),
    ...(row.story_others !== undefined ? { storyOthers: row.story_others } : {}),
    ...(row.archived_at != null ? { archived: true } : {}),
  };
}
