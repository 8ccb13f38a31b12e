// An item's media of every type, as the feed wrote them (pure): RSS <enclosure>, Media RSS
// <media:content> (also inside <media:group>), Atom link rel="enclosure", JSON Feed attachments.
// URLs may still be relative here; normalizeEnclosures resolves and checks them.
import type { Enclosure } from "../core/model";
import { type Obj, arr, obj, str } from "./feed-values";
import { parseHttpUrl } from "../core/urls";

export type { Enclosure };

/** More than this per item is not media but a gallery dump: the first ones are kept. */
const MAX_ENCLOSURES = 10;

function lengthOf(v: unknown): number | null {
  const n = typeof v === "number" ? v : Number(str(v) ?? NaN);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const MEDIUM_TYPES: Record<string, string> = { audio: "audio/*", video: "video/*", image: "image/*" };

function unique(list: Enclosure[]): Enclosure[] {
  const seen = new Set<string>();
  return list.filter((e) => !seen.has(e.url) && (seen.add(e.url), true)).slice(0, MAX_ENCLOSURES);
}

function raw(url: unknown, type: unknown, length: unknown): Enclosure | null {
  const u = str(url);
  if (!u) return null;
  const t = str(type)?.toLowerCase() ?? null;
  return { url: u, type: t && /^[a-z]+\/[a-z0-9.+*-]+$/.test(t) ? t : null, length: lengthOf(length) };
}

const present = (e: Enclosure | null): e is Enclosure => e !== null;

export function rssEnclosures(i: Obj): Enclosure[] {
  const media = obj(i.media);
  const contents = [...arr(media?.contents), ...arr(media?.groups).flatMap((g) => arr(obj(g)?.contents))].map(obj);
  return unique(
    [
      ...arr(i.enclosures ?? i.enclosure)
        .map(obj)
        .map((e) => raw(e?.url, e?.type, e?.length)),
      // Media RSS gives a medium where it gives no type.
      ...contents.map((c) => raw(c?.url, c?.type ?? MEDIUM_TYPES[String(c?.medium ?? "")], c?.fileSize)),
    ].filter(present),
  );
}

export function atomEnclosures(links: readonly Obj[]): Enclosure[] {
  return unique(
    links
      .filter((l) => l.rel === "enclosure")
      .map((l) => raw(l.href, l.type, l.length))
      .filter(present),
  );
}

export function jsonEnclosures(i: Obj): Enclosure[] {
  return unique(
    arr(i.attachments)
      .map(obj)
      .map((a) => raw(a?.url, a?.mime_type, a?.size_in_bytes))
      .filter(present),
  );
}

/** Enclosures with absolute http(s) URLs (resolved against `base`); the others are dropped. */
export function normalizeEnclosures(list: readonly Enclosure[], base: string): Enclosure[] {
  const out: Enclosure[] = [];
  for (const e of list) {
    const url = parseHttpUrl(e.url, base);
    if (url) out.push({ ...e, url: url.href });
  }
  return unique(out);
}

const MEDIA_TAG = /<(video|audio|source)\b([^>]*)>/gi;
const attr = (attrs: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i")
    .exec(attrs)
    ?.slice(1)
    .find((v) => v !== undefined) ?? null;

/** <video>, <audio> and <source> in an item's raw HTML: the sanitizer removes those elements, so
 *  an item whose body is only a video keeps it as media. */
export function mediaInHtml(html: string | null): Enclosure[] {
  if (!html || !/<(?:video|audio|source)\b/i.test(html)) return [];
  const out: Enclosure[] = [];
  for (const m of html.matchAll(MEDIA_TAG)) {
    const src = attr(m[2]!, "src");
    const tag = m[1]!.toLowerCase();
    const type = attr(m[2]!, "type") ?? (tag === "source" ? null : `${tag}/*`);
    const e = src ? raw(src.replace(/&amp;/g, "&"), type, null) : null;
    if (e) out.push(e);
  }
  return unique(out);
}
