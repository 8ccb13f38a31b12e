import { sha256Hex, toHex } from "../core/ids";
import type { ParsedItem } from "./parse";

// Bump when decoding, parsing, normalizing or sanitizing changes what a feed's bytes become, so
// sources whose bytes did not change are processed again once.
export const PIPELINE_VERSION = "2026-11-26.1";

/** The identity of a fetched body for this version of the pipeline. */
export async function hashBody(bytes: Uint8Array): Promise<string> {
  const salt = new TextEncoder().encode(`${PIPELINE_VERSION}\n`);
  const all = new Uint8Array(salt.byteLength + bytes.byteLength);
  all.set(salt);
  all.set(bytes, salt.byteLength);
  return toHex(await crypto.subtle.digest("SHA-256", all));
}

/** The identity of a parsed item for this version of the pipeline, with everything its
 *  normalized article depends on besides the item (the base URLs, the source's label, a tag,
 *  and zone, for dates): equal hashes mean normalizing it again would give the same article. */
export async function hashItem(
  item: ParsedItem,
  ctx: { readonly base: string; readonly xmlBase: string | null; readonly label: string; readonly timezone: string },
  version = PIPELINE_VERSION,
): Promise<string> {
  // Every field, named (a field added to ParsedItem must be added here), in a fixed order.
  const fields: { readonly [K in keyof Required<ParsedItem>]: ParsedItem[K] } = {
    guid: item.guid,
    link: item.link,
    title: item.title,
    content: item.content,
    contentIsText: item.contentIsText,
    summary: item.summary,
    published: item.published,
    updated: item.updated,
    authors: item.authors,
    categories: item.categories,
    image: item.image,
  };
  return sha256Hex(JSON.stringify([version, ctx.base, ctx.xmlBase, ctx.label, ctx.timezone, fields]));
}
