// Stable identities: article ids, content hashes, and the opaque pagination cursor.
import type { Cursor } from "./model";

const encoder = new TextEncoder();

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Bytes (a digest, a MAC) as lowercase hex. A table and a loop: ingest calls this a few hundred
 *  times a refresh. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (let i = 0; i < view.length; i++) out += HEX[view[i]!];
  return out;
}

// The UTF-8 of the text being hashed, written into one reused buffer (at most 3 bytes a UTF-16
// code unit): ingest hashes a few hundred texts a refresh, and digest() copies its input when
// called, so the buffer is free again as soon as it returns. Texts longer than it (a whole feed's
// validator parts) are encoded on their own, so the isolate never keeps a buffer that size.
const REUSED_UNITS = 16_384;
const utf8 = new Uint8Array(3 * REUSED_UNITS);

/** Hex SHA-256 of a string (Web Crypto: the same in workerd and Node). */
export async function sha256Hex(text: string): Promise<string> {
  const bytes =
    text.length <= REUSED_UNITS ? utf8.subarray(0, encoder.encodeInto(text, utf8).written) : encoder.encode(text);
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

/** A strong validator (HTTP ETag, WebSub topic version) from the parts that determine a
 *  representation's bytes. */
export async function strongEtag(parts: readonly unknown[]): Promise<string> {
  return `"${(await sha256Hex(JSON.stringify(parts))).slice(0, 32)}"`;
}

/** The public id of an article: a function of its source and upstream identity only, so the
 *  permalink never changes when the item is edited upstream. */
export async function articleId(sourceSlug: string, guid: string): Promise<string> {
  return (await sha256Hex(`${sourceSlug}\n${guid}`)).slice(0, 16);
}

const ID_PATTERN = /^[0-9a-f]{16}$/;

export function isArticleId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Cursor → URL-safe token "<ms>-<id>". Readable on purpose: it is not a secret. */
export function encodeCursor(cursor: Cursor): string {
  return `${cursor.ms.toString(36)}-${cursor.id}`;
}

/** Token → cursor, or null when the token is malformed. A cursor is a position in the listing's
 *  order, not a credential: a well-formed one we never issued names the articles older than it
 *  (possibly none), so it answers 200, and only a malformed token is a 400. */
export function decodeCursor(token: string): Cursor | null {
  const match = /^(-?[0-9a-z]{1,12})-([0-9a-f]{16})$/.exec(token);
  if (!match) return null;
  const ms = parseInt(match[1]!, 36);
  if (!Number.isSafeInteger(ms)) return null;
  return { ms, id: match[2]! };
}
