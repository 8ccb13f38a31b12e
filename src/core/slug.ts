// A source's slug suggested from its name or its address (ASCII; the operator may change it).

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function asciiSlug(text: string): string {
  return (
    text
      .normalize("NFKD")
      // The accents NFKD splits off are dropped, not read as word breaks ("Ünïcode" → "unicode").
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      // Runs are one hyphen by now: one to drop at either end, and one the cut may expose.
      .replace(/^-|-$/g, "")
      .slice(0, 64)
      .replace(/-$/, "")
  );
}

/** ASCII from the name when it has some (≥ 3 characters), else from the host without "www."
 *  and its last label ("www.gxnews.com.cn" → "gxnews-com"), else (an IP address) from the last
 *  path segment ("/feed.xml" → "feed"), else "source". */
export function suggestSlug(name: string, address: string | null): string {
  const fromName = asciiSlug(name);
  if (fromName.length >= 3 && SLUG.test(fromName)) return fromName;
  let url: URL | null = null;
  try {
    url = address ? new URL(address) : null;
  } catch {
    // not an address: fall through
  }
  const host = url?.hostname ?? "";
  if (host && !/^[\d.]+$|^\[/.test(host)) {
    const labels = host.replace(/^www\./, "").split(".");
    const fromHost = asciiSlug((labels.length > 1 ? labels.slice(0, -1) : labels).join("-"));
    if (SLUG.test(fromHost)) return fromHost;
  }
  const fromPath = asciiSlug((url?.pathname.split("/").filter(Boolean).at(-1) ?? "").replace(/\.[a-z]+$/i, ""));
  return SLUG.test(fromPath) ? fromPath : "source";
}

/** `slug`, or `slug-2`, `slug-3`… the first that `taken` does not hold. */
export function freeSlug(slug: string, taken: ReadonlySet<string>): string {
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n++) {
    const candidate = `${slug.slice(0, 60)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
