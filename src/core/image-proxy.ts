// The image proxy's addresses: /img/<signature>/<image URL>/<referer>, both URLs base64url
// (UTF-8), the signature an HMAC-SHA256 (Web Crypto) over the image URL and the referer,
// truncated to 128 bits. Only this site can make such an address, so the proxy fetches nothing
// but the images our own pages and feeds point at, with the referer they were signed with.
//
// The referer is signed with the URL (not looked up from the article when an image is asked
// for): the proxy then needs no D1 read, an address keeps working for as long as it is in a
// reader's feed, and nobody can ask for an image with a referer of their choosing.

/** Shown to the operator (status page, console) when sources opt in but the key is missing. */
export const IMAGE_PROXY_KEY_NOT_SET =
  "图片代理未启用：未设置 IMAGE_PROXY_KEY 密钥（至少 32 个字符），开启了图片代理的来源仍直接引用原网站的图片。请运行 wrangler secret put IMAGE_PROXY_KEY 设置。";

/** The shortest key accepted: 32 characters (a random one from `openssl rand -base64 32` has 44). */
export const IMAGE_PROXY_KEY_MIN_LENGTH = 32;

export const IMAGE_PATH_PREFIX = "/img/";

/** 128 bits of the MAC: forging one takes 2^128 guesses, and addresses stay short. */
const MAC_BYTES = 16;

/** Makes and checks the proxy's signatures. The secret stays in a closure (never a property of
 *  the Config it travels in), and the imported key cannot be exported. */
export interface ImageSigner {
  mac(payload: string): Promise<Uint8Array>;
}

export function imageSigner(secret: string): ImageSigner {
  let key: Promise<CryptoKey> | undefined;
  return {
    async mac(payload) {
      key ??= crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const full = await crypto.subtle.sign("HMAC", await key, new TextEncoder().encode(payload));
      return new Uint8Array(full, 0, MAC_BYTES);
    },
  };
}

/** IMAGE_PROXY_KEY → a signer; null (the proxy is off) when it is unset or too short. */
export function imageSignerFor(secret: string | undefined): ImageSigner | null {
  const s = secret?.trim() ?? "";
  return s.length >= IMAGE_PROXY_KEY_MIN_LENGTH ? imageSigner(s) : null;
}

export function base64urlEncode(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Strict base64url (no padding, no other characters) → bytes; null when it is not. */
export function base64urlDecode(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  // Only the canonical spelling of these bytes: one image has one address (and one cache entry).
  return base64urlEncode(out) === text ? out : null;
}

const encodeText = (s: string) => base64urlEncode(new TextEncoder().encode(s));
function decodeText(s: string): string | null {
  const bytes = base64urlDecode(s);
  if (!bytes) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

// A URL's serialization never contains a line feed (the parser strips it), so the pair is
// unambiguous.
const payloadOf = (url: string, referer: string) => `${url}\n${referer}`;

/** Same length, compared without an early exit: the time taken says nothing about where the
 *  first wrong byte is. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The proxy path of an image (`origin` before it: "" for pages, the site's base URL in feeds). */
export async function imageProxyUrl(signer: ImageSigner, url: string, referer: string, origin = ""): Promise<string> {
  const mac = base64urlEncode(await signer.mac(payloadOf(url, referer)));
  return `${origin}${IMAGE_PATH_PREFIX}${mac}/${encodeText(url)}/${encodeText(referer)}`;
}

/** The image URL and referer of a proxy path's three segments, when its signature is ours;
 *  null otherwise (nothing is fetched for it). */
export async function openImageProxyPath(
  signer: ImageSigner,
  signature: string,
  encodedUrl: string,
  encodedReferer: string,
): Promise<{ url: string; referer: string } | null> {
  const given = base64urlDecode(signature);
  const url = decodeText(encodedUrl);
  const referer = decodeText(encodedReferer);
  if (!given || given.length !== MAC_BYTES || url === null || referer === null) return null;
  return equalBytes(given, await signer.mac(payloadOf(url, referer))) ? { url, referer } : null;
}
