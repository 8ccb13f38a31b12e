// The API's response shapes, for its OpenAPI document and the contract tests (not bundled into
// the Worker: nothing at run time needs them).
import * as z from "zod/mini";

const nullableString = z.nullable(z.string());
export const ARTICLE = z.object({
  id: z.string(),
  title: z.string(),
  title_derived: z.boolean(),
  url: z.string(),
  original_url: nullableString,
  category: z.string(),
  category_name: z.string(),
  tags: z.array(z.string()),
  summary: z.string(),
  author: nullableString,
  image: nullableString,
  enclosures: z.array(z.object({ url: z.string(), type: nullableString, length: z.nullable(z.number()) })),
  published_at: z.string(),
  updated_at: z.string(),
  content_html: z.optional(z.string()),
});
export const ARTICLE_LIST = z.object({ items: z.array(ARTICLE), next_cursor: nullableString });
export const CATEGORY = z.object({
  slug: z.string(),
  name: z.string(),
  label: z.string(),
  url: z.string(),
  feed_url: z.string(),
  article_count: z.number(),
  latest_update: nullableString,
});
/** A source added by a web page's address: the feed chosen among those it advertises. */
export const DISCOVERY = z.object({
  requested_url: z.string(),
  feed_url: z.string(),
  other_feeds: z.array(z.string()),
});
export const TAG = z.object({ name: z.string(), url: z.string(), article_count: z.number() });
export const PROBLEM = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  errors: z.optional(z.array(z.object({ field: z.string(), reason: z.string() }))),
});
