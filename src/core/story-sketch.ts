// One story, many papers: a compact sketch of an article's text that tells a reprint (verbatim,
// re-headlined, cut, lightly edited) from a different story on the same topic (pure).
//
// Text → characters that carry meaning (Han, letters, digits; punctuation and spaces dropped) →
// overlapping 4-character shingles → one 32-bit hash each. The sketch is the SKETCH_SIZE smallest
// distinct hashes (a bottom-k MinHash): from two sketches and the two shingle counts, the share of
// the shorter text found in the longer (containment) is estimated, which stays high when a paper
// cuts a story and low for two stories that only share the topic's phrases. Bottom-k rather than
// k independent MinHashes: one hash per shingle instead of k, the same estimate.
//
// Candidates are found through two keys per article, each a single hash value, so one narrow
// index finds them: the smallest hash of the whole text, and the smallest hash of its lead (the
// first LEAD_CHARS characters: papers cut stories from the end, and keep the lead when they
// re-headline). A new article asks for its PROBES smallest hashes of the whole text and of a
// lead twice as long: an older article whose key is a shingle the new one shares is found.

/** Characters per shingle: Chinese words are mostly two characters, so 4 spans about two words. */
export const SHINGLE = 4;
/** Hashes kept per article. */
export const SKETCH_SIZE = 48;
/** Characters of meaning that make the lead. */
export const LEAD_CHARS = 100;
/** Smallest hashes of each part a new article looks up. */
export const PROBES = 8;
/** Below this many distinct shingles a text is too short to tell a reprint from a coincidence:
 *  no sketch (a photo caption or a one-line notice stands alone). */
export const MIN_SHINGLES = 40;
/** The containment at or above which two articles are the same story; chosen by measurement
 *  (npm run bench:dedupe, bench/README.md). */
export const SAME_STORY_THRESHOLD = 0.5;
/** How far back a new article looks for its story, by default (STORY_WINDOW_DAYS). */
export const DEFAULT_STORY_WINDOW_DAYS = 3;

export interface StorySketch {
  /** The SKETCH_SIZE smallest distinct shingle hashes, ascending (fewer for a short text). */
  readonly hashes: Uint32Array;
  /** Distinct shingles in the text. */
  readonly count: number;
  /** Smallest hash of the whole text (= hashes[0]). */
  readonly key: number;
  /** Smallest hash of the lead; null when it is the whole text's. */
  readonly leadKey: number | null;
  /** Hashes a new article looks up among the stored keys. */
  readonly probes: readonly number[];
}

/** Han ideographs (with extension A and compatibility), Latin letters, digits, full-width
 *  letters and digits: the characters that carry meaning. Code ranges, not a regex: this runs over
 *  every character of every new article. */
function isMeaning(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xff10 && c <= 0xff19) ||
    (c >= 0xff21 && c <= 0xff3a) ||
    (c >= 0xff41 && c <= 0xff5a)
  );
}

// Scratch buffers reused by every sketch (one article at a time; grown, never shrunk): the
// shingle hashes and the open-addressing set that counts the distinct ones. A sketch of a 5 KB
// article allocates only its result.
let shingles = new Uint32Array(0);
let hashSet = new Uint32Array(0);
const top = new Uint32Array(SKETCH_SIZE);

const MIX = 0x5bd1e995;

/** The hash of every shingle of `text`'s meaningful characters into `shingles`; returns how many.
 *  Each is murmur3's finalizer over the shingle's code units, a well-mixed 32-bit value; one pass
 *  over the text keeps the last SHINGLE − 1 characters in hand (ingest sketches every new
 *  article, so no array of characters first). */
function shingleHashes(text: string): number {
  if (shingles.length < text.length) shingles = new Uint32Array(text.length);
  const out = shingles;
  let n = 0;
  let held = 0;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < text.length; i++) {
    let d = text.charCodeAt(i);
    if (!isMeaning(d)) continue;
    // ASCII letters fold to lower case: "GDP" and "gdp" are one word.
    if (d >= 65 && d <= 90) d += 32;
    if (held === SHINGLE - 1) {
      let h = Math.imul(0x9747b28c ^ a, MIX);
      h = Math.imul(h ^ b, MIX);
      h = Math.imul(h ^ c, MIX);
      h = Math.imul(h ^ d, MIX);
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      out[n++] = h >>> 0;
    } else held++;
    a = b;
    b = c;
    c = d;
  }
  return n;
}

/** Offers `h` to `top[0, m)`, the at most `k` smallest distinct values so far, ascending;
 *  returns the new size. Few values get past the first test: the smallest k of n random
 *  hashes change about k·ln(n/k) times, so no sort of all n is needed. */
function offer(top: Uint32Array, m: number, k: number, h: number): number {
  if (m === k && h >= top[k - 1]!) return m;
  let i = m;
  while (i > 0 && top[i - 1]! > h) i--;
  if (i > 0 && top[i - 1] === h) return m;
  for (let j = m < k ? m : k - 1; j > i; j--) top[j] = top[j - 1]!;
  top[i] = h;
  return m < k ? m + 1 : m;
}

/** The `k` smallest distinct values of `values` (uniform 32-bit hashes, `distinct` of them
 *  distinct), ascending, into `top`; returns how many. Only values below a bound that about 2k
 *  distinct ones pass are offered: when k distinct ones pass, the k smallest are all among them;
 *  when fewer do (for 2k expected, under one text in a million), every value is. The lower the
 *  bound, the fewer insertions (about k·(1 + ln 2) here): a large part of a sketch's time. */
function smallest(values: Uint32Array, k: number, top: Uint32Array, distinct = values.length): number {
  let m = 0;
  const bound = distinct > 8 * k ? Math.floor((0x100000000 * 2 * k) / distinct) : 0x100000000;
  for (let i = 0; i < values.length; i++) if (values[i]! < bound) m = offer(top, m, k, values[i]!);
  if (m < k && bound <= 0xffffffff) for (let i = 0; i < values.length; i++) m = offer(top, m, k, values[i]!);
  return m;
}

/** Distinct values of `values` (hashes: already well mixed, so their low bits index the set). */
function distinctCount(values: Uint32Array): number {
  let size = 64;
  while (size < 2 * values.length) size *= 2;
  if (hashSet.length < size) hashSet = new Uint32Array(size);
  const table = hashSet.subarray(0, size).fill(0);
  const mask = size - 1;
  let zero = 0;
  let distinct = 0;
  for (let i = 0; i < values.length; i++) {
    const h = values[i]!;
    if (h === 0) {
      zero = 1;
      continue;
    }
    let at = h & mask;
    while (table[at] !== 0 && table[at] !== h) at = (at + 1) & mask;
    if (table[at] === 0) {
      table[at] = h;
      distinct++;
    }
  }
  return distinct + zero;
}

/** The sketch of an article's visible text; null when it is too short to judge. */
export function storySketch(text: string): StorySketch | null {
  const n = shingleHashes(text);
  if (n < MIN_SHINGLES) return null;
  const all = shingles.subarray(0, n);
  const count = distinctCount(all);
  if (count < MIN_SHINGLES) return null;
  const hashes = top.slice(0, smallest(all, SKETCH_SIZE, top, count));
  let lead = all[0]!;
  for (let i = 1; i < Math.min(n, LEAD_CHARS); i++) if (all[i]! < lead) lead = all[i]!;
  const probes = new Set<number>(hashes.subarray(0, PROBES));
  const leadProbes = smallest(all.subarray(0, Math.min(n, 2 * LEAD_CHARS)), PROBES, top);
  for (let i = 0; i < leadProbes; i++) probes.add(top[i]!);
  return { hashes, count, key: hashes[0]!, leadKey: lead === hashes[0] ? null : lead, probes: [...probes] };
}

/** Estimated share of the shorter text's shingles that the longer one has (0–1). */
export function containment(
  a: Pick<StorySketch, "hashes" | "count">,
  b: Pick<StorySketch, "hashes" | "count">,
): number {
  // The bottom-k of the union is the bottom-k of the two sketches' union; the share of it in both
  // estimates the Jaccard index J, and |A ∩ B| = J (|A| + |B|) / (1 + J).
  const k = Math.min(SKETCH_SIZE, a.count + b.count);
  let i = 0,
    j = 0,
    seen = 0,
    both = 0;
  while (seen < k && (i < a.hashes.length || j < b.hashes.length)) {
    const x = i < a.hashes.length ? a.hashes[i]! : Number.POSITIVE_INFINITY;
    const y = j < b.hashes.length ? b.hashes[j]! : Number.POSITIVE_INFINITY;
    if (x === y) {
      both++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
    seen++;
  }
  if (seen === 0) return 0;
  const jaccard = both / seen;
  const shared = (jaccard * (a.count + b.count)) / (1 + jaccard);
  return Math.min(1, shared / Math.min(a.count, b.count));
}

/** A stored article that a new one may belong with. */
export interface StoryCandidate {
  readonly id: string;
  readonly storyId: string;
  readonly publishedMs: number;
  readonly hashes: Uint32Array;
  readonly count: number;
}

/** The story a new article joins: the story of the candidate it resembles most, if any reaches
 *  the threshold (ties: the earlier candidate); null for a story of its own. */
export function chooseStory(
  sketch: Pick<StorySketch, "hashes" | "count">,
  candidates: readonly StoryCandidate[],
  threshold = SAME_STORY_THRESHOLD,
): { storyId: string; score: number } | null {
  let best: { storyId: string; score: number; at: number } | null = null;
  for (const c of candidates) {
    const score = containment(sketch, c);
    if (score < threshold) continue;
    if (!best || score > best.score || (score === best.score && c.publishedMs < best.at))
      best = { storyId: c.storyId, score, at: c.publishedMs };
  }
  return best && { storyId: best.storyId, score: best.score };
}

// --- storage: the sketch as one short text column -----------------------------------------------

/** "count:base64 of the hashes (big-endian)": 4 bytes a hash, ~270 characters for a full sketch. */
export function encodeSketch(s: Pick<StorySketch, "hashes" | "count">): string {
  // At most 4 × SKETCH_SIZE bytes: one call, no string built byte by byte.
  const bytes: number[] = [];
  for (const h of s.hashes) bytes.push(h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255);
  return `${s.count}:${btoa(String.fromCharCode(...bytes))}`;
}

/** The stored form back; null when it is not one (a damaged or foreign value is ignored). */
export function decodeSketch(text: string): Pick<StorySketch, "hashes" | "count"> | null {
  const m = /^(\d{1,9}):([A-Za-z0-9+/]*={0,2})$/.exec(text);
  if (!m) return null;
  let bin: string;
  try {
    bin = atob(m[2]!);
  } catch {
    return null;
  }
  if (bin.length % 4 !== 0) return null;
  const hashes = new Uint32Array(bin.length / 4);
  for (let i = 0; i < hashes.length; i++)
    hashes[i] =
      ((bin.charCodeAt(4 * i) << 24) |
        (bin.charCodeAt(4 * i + 1) << 16) |
        (bin.charCodeAt(4 * i + 2) << 8) |
        bin.charCodeAt(4 * i + 3)) >>>
      0;
  return { hashes, count: Number(m[1]) };
}
