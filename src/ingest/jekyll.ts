// A post in the original site's Jekyll format → a normalized article (pure).
// Format (see shared/seed): YAML front matter; an HTML body; a bare "<http…>" line with the
// original article; a last line of Markdown navigation ("[返回…](…)｜[返回首页](…)").
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import type { ArticleInput } from "../core/model";
import { parseIsoLikeDate } from "../core/time";
import { plainLabel } from "../core/text";
import { htmlToText, stripXmlInvalid, summarize } from "./normalize";
import { sanitizeHtml, safeUrl } from "./sanitize";

export interface JekyllPost {
  readonly file: string;
  readonly source: { readonly slug: string; readonly name: string; readonly label: string };
  readonly article: ArticleInput;
}

export type JekyllResult = { ok: true; post: JekyllPost } | { ok: false; file: string; reason: string };

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ORIGINAL_URL_LINE = /^\s*<(https?:\/\/[^<>\s]+)>\s*$/;
// A line made only of Markdown links whose text starts with 返回 ("back to …").
const NAV_LINE = /^\s*(\[返回[^\]]*\]\([^)]*\)\s*[｜|]?\s*)+$/;
const NAV_LABEL = /^\s*\[返回([^\]]+)\]/;
const CREDIT = /（文章来源：([^）<]{1,40})）/;

const yamlEngine = {
  // The "core" schema has no YAML 1.1 timestamps, so `date` stays the string the author wrote
  // and its "+0800" survives (js-yaml would turn it into a UTC Date and lose the offset).
  parse: (text: string) => parseYaml(text, { schema: "core" }) as object,
};

function asStringList(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) {
    return value
      .map(String)
      .map((v) => v.trim())
      .filter(Boolean);
  }
  return null;
}

/** Parse one post. `timeZone` applies when the date carries no offset. */
export function parseJekyllPost(file: string, raw: string, timeZone: string): JekyllResult {
  const fail = (reason: string): JekyllResult => ({ ok: false, file, reason });
  // A post saved with Windows (CRLF) or old Mac (CR) line endings is the same post: gray-matter
  // and the YAML parser would otherwise see a stray "\r" at the end of every line.
  const text = raw.replace(/\r\n?/g, "\n");
  if (!/^\uFEFF?---\n/.test(text)) return fail("no front matter (the file must start with ---)");
  let fm: { data: Record<string, unknown>; content: string };
  try {
    // A fresh options object disables gray-matter's cache, which would hand back stale data.
    fm = matter(text, { engines: { yaml: yamlEngine } });
  } catch (e) {
    return fail(`bad YAML front matter: ${(e as Error).message.split("\n")[0]}`);
  }
  const data = fm.data;

  const title =
    typeof data.title === "string" || typeof data.title === "number"
      ? plainLabel(stripXmlInvalid(String(data.title))).trim()
      : "";
  if (!title) return fail("no title");

  const rawDate = typeof data.date === "string" ? data.date : "";
  if (!rawDate) return fail("no date");
  const published = parseIsoLikeDate(rawDate, timeZone);
  if (!published) return fail(`bad date: ${JSON.stringify(rawDate)}`);

  const categories = asStringList(data.categories ?? data.category);
  if (!categories || categories.length === 0) return fail("no category");
  const slug = categories[0]!;
  if (!SLUG.test(slug)) return fail(`bad category slug: ${JSON.stringify(slug)}`);

  const listed = asStringList(data.tags);
  if (listed === null) return fail("tags must be a string or a list of strings");
  const tags = listed.map(plainLabel).filter(Boolean);

  let originalUrl: string | null = null;
  let navLabel: string | null = null;
  const bodyLines: string[] = [];
  for (const line of fm.content.split(/\r?\n/)) {
    const url = ORIGINAL_URL_LINE.exec(line);
    if (url && originalUrl === null) {
      originalUrl = safeUrl(url[1]!);
      continue;
    }
    if (NAV_LINE.test(line)) {
      navLabel ??= NAV_LABEL.exec(line)?.[1]?.trim() ?? null;
      continue;
    }
    bodyLines.push(line);
  }
  const contentHtml = sanitizeHtml(stripXmlInvalid(bodyLines.join("\n")));
  const plain = htmlToText(contentHtml);

  const label = navLabel ?? tags[0] ?? slug;
  const name = CREDIT.exec(plain)?.[1]?.trim() ?? label.replace(/新闻$/, "");
  const image = /<img [^>]*src="([^"]+)"/.exec(contentHtml)?.[1]?.replace(/&amp;/g, "&") ?? null;

  return {
    ok: true,
    post: {
      file,
      source: { slug, name: name || slug, label },
      article: {
        // The original URL is the upstream identity (its infoCode names the item); a post
        // without one is identified by its file name.
        guid: originalUrl ?? `jekyll:${file.replace(/^.*[\\/]/, "")}`,
        originalUrl,
        title,
        summary: summarize(plain.replace(CREDIT, "").trim()),
        contentHtml,
        published,
        updated: published,
        author: typeof data.author === "string" ? plainLabel(data.author) || null : null,
        image,
        tags: [...new Set(tags)],
        plainText: plain,
      },
    },
  };
}
