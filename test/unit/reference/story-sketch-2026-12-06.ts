// The story sketch exactly as it was computed before its one-pass rewrite (the code of
// 2026-12-06, unchanged), kept as the oracle for test/unit/ingest-equivalence.test.ts: the
// sketches and keys stored with articles must not change.
import {
  LEAD_CHARS,
  MIN_SHINGLES,
  PROBES,
  SHINGLE,
  SKETCH_SIZE,
  type StorySketch,
} from "../../../src/core/story-sketch";

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
// meaningful characters, their shingle hashes, and the open-addressing set that counts the
// distinct ones. A sketch of a 5 KB article allocates only its result.
let codes = new Uint16Array(0);
let shingles = new Uint32Array(0);
let hashSet = new Uint32Array(0);
const top = new Uint32Array(SKETCH_SIZE);

/** The meaningful characters of `text` into `codes`; returns how many. */
function meaningful(text: string): number {
  if (codes.length < text.length) codes = new Uint16Array(text.length);
  const out = codes;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII letters fold to lower case: "GDP" and "gdp" are one word.
    if (isMeaning(c)) out[n++] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  return n;
}

/** murmur3's finalizer over the shingle's code units: a well-mixed 32-bit value. */
function shingleHash(c: Uint16Array, at: number): number {
  let h = 0x9747b28c;
  for (let j = 0; j < SHINGLE; j++) h = Math.imul(h ^ c[at + j]!, 0x5bd1e995);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
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
 *  distinct), ascending, into `top`; returns how many. Only values below a bound that about 4k
 *  distinct ones pass are offered: when k distinct ones pass, the k smallest are all among them;
 *  when fewer do, every value is. */
function smallest(values: Uint32Array, k: number, top: Uint32Array, distinct = values.length): number {
  let m = 0;
  const bound = distinct > 8 * k ? Math.floor((0x100000000 * 4 * k) / distinct) : 0x100000000;
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
export function referenceStorySketch(text: string): StorySketch | null {
  const chars = meaningful(text);
  const n = chars - SHINGLE + 1;
  if (n < MIN_SHINGLES) return null;
  if (shingles.length < n) shingles = new Uint32Array(n);
  const all = shingles.subarray(0, n);
  const c = codes;
  for (let i = 0; i < n; i++) all[i] = shingleHash(c, i);
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
