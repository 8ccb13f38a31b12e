import { instantIn, toRfc3339 } from "../core/time";
import type { ParsedItem } from "./parse";
import { RefreshError } from "./refresh-error";
import { type JsonRules, atPath } from "./rules";

const text = (v: unknown): string | null =>
  typeof v === "string" ? v.trim() || null : typeof v === "number" ? String(v) : null;

/** A JSON date: epoch seconds or milliseconds (number or digits) → RFC 3339 in the source's
 *  zone (an epoch has no zone of its own); else the string as written. */
function jsonDate(v: unknown, timeZone: string): string | null {
  const t = text(v);
  if (t === null) return null;
  if (!/^\d{10}(\d{3})?$/.test(t)) return t;
  const ms = Number(t) * (t.length === 10 ? 1000 : 1);
  return toRfc3339(instantIn(timeZone, ms));
}

/** A `json` source's document → items, by its field mapping. */
export function itemsFromJson(doc: unknown, rules: JsonRules, timeZone: string): ParsedItem[] {
  const list = atPath(doc, rules.items);
  if (!Array.isArray(list))
    throw new RefreshError(
      `rules.items "${rules.items}" is not an array in the API's answer: the API no longer matches the rules`,
    );
  return list.map((item): ParsedItem => {
    const field = (path: string | null) => (path === null ? null : text(atPath(item, path)));
    const body = field(rules.body);
    return {
      guid: field(rules.id),
      link: field(rules.link),
      title: field(rules.title),
      content: body ?? field(rules.summary),
      contentIsText: false,
      summary: body ? field(rules.summary) : null,
      published: rules.date === null ? null : jsonDate(atPath(item, rules.date), timeZone),
      updated: null,
      authors: field(rules.author) ? [field(rules.author)!] : [],
      categories: [],
      image: field(rules.image),
    };
  });
}

export function parseJsonDocument(textBody: string): unknown {
  try {
    return JSON.parse(textBody);
  } catch (e) {
    throw new RefreshError(`the API's answer is not JSON (${(e as Error).message.slice(0, 100)})`);
  }
}
