// Stable identities: article ids, content hashes, and the opaque pagination cursor.
// SHA-256 goes through node:crypto's createHash (nodejs_compat; native in workerd and Node): it
// hashes a string in one synchronous call, where Web Crypto needs the string encoded, a promise
// and the digest turned into hex — a refresh of 50 new items hashes ~150 strings of up to a few
// KB (raw item, content, id), and that overhead was most of their cost.
import { createHash } from "node:crypto";
import type { Cursor } from "./model";

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Bytes (a digest, a MAC) as lowercase hex. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  let out = "";
  for (const b of new Uint8Array(bytes)) out += HEX[b];
  return out;
}

/** Hex SHA-256 of a string (UTF-8), synchronously. */
export function sha256HexSync(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Hex SHA-256 of a string (UTF-8). */
export async function sha256Hex(text: string): Promise<string> {
  return sha256HexSync(text);
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
