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

function meaningful(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII letters fold to lower case: "GDP" and "gdp" are one word.
    if (isMeaning(c)) out.push(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return out;
}

/** murmur3's finalizer over the shingle's code units: a well-mixed 32-bit value. */
function shingleHash(c: readonly number[], at: number): number {
  let h = 0x9747b28c;
  for (let j = 0; j < SHINGLE; j++) h = Math.imul(h ^ c[at + j]!, 0x5bd1e995);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The `k` smallest distinct values, ascending. */
function smallest(values: Uint32Array, k: number): Uint32Array {
  const sorted = values.slice().sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length && out.length < k; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]!);
  return Uint32Array.from(out);
}

/** The sketch of an article's visible text; null when it is too short to judge. */
export function storySketch(text: string): StorySketch | null {
  const c = meaningful(text);
  const n = c.length - SHINGLE + 1;
  if (n < MIN_SHINGLES) return null;
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = shingleHash(c, i);
  // One sort gives both the distinct count and the smallest hashes.
  const sorted = all.slice().sort();
  let distinct = 0;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    distinct++;
    if (kept.length < SKETCH_SIZE) kept.push(sorted[i]!);
  }
  if (distinct < MIN_SHINGLES) return null;
  const hashes = Uint32Array.from(kept);
  const lead = smallest(all.subarray(0, Math.min(n, LEAD_CHARS)), 1)[0]!;
  const probeLead = smallest(all.subarray(0, Math.min(n, 2 * LEAD_CHARS)), PROBES);
  const probes = new Set<number>([...hashes.subarray(0, PROBES), ...probeLead]);
  return { hashes, count: distinct, key: hashes[0]!, leadKey: lead === hashes[0] ? null : lead, probes: [...probes] };
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
  const bytes = new Uint8Array(s.hashes.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < s.hashes.length; i++) view.setUint32(i * 4, s.hashes[i]!);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `${s.count}:${btoa(bin)}`;
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
