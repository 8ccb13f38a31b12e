// Row ↔ model mappers (pure).
import type { Article, Source } from "../core/model";

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
  };
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
  source_slug: string;
  source_name: string;
  source_label: string;
  tags_json: string | null;
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
    source: { slug: row.source_slug, name: row.source_name, label: row.source_label },
    tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
  };
}
