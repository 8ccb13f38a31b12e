// The search index's tokens exactly as they were computed before the direct bigram writes (the
// code of 2026-12-06, unchanged), kept as the oracle for test/unit/ingest-equivalence.test.ts:
// the stored index rows must not change.

const HAN = /\p{Script=Han}/u;

const MAX_INDEXED_CHARS = 20_000;

function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

// What each code point is to the tokenizer, as RUNS would class it: read once per BMP character
// from the regexes and kept (indexTokens walks ~20,000 characters per article, so no regex per
// character and no array of characters per run).
const HAN_CHAR = 1;
const WORD_CHAR = 2;
const OTHER_CHAR = 3;
const WORD = /[\p{L}\p{N}]/u;
const bmpKinds = new Uint8Array(0x10000);

function classify(char: string): number {
  return HAN.test(char) ? HAN_CHAR : WORD.test(char) ? WORD_CHAR : OTHER_CHAR;
}

function kindAt(text: string, i: number, cp: number): number {
  if (cp < 0x80)
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a)
      ? WORD_CHAR
      : OTHER_CHAR;
  if (cp > 0xffff) return classify(text.slice(i, i + 2));
  return bmpKinds[cp] || (bmpKinds[cp] = classify(text[i]!));
}

// The tokens are written as UTF-16 code units into one reused buffer and decoded once: a
// 20,000-character text has ~20,000 tokens, and a string per token was most of the cost.
let buffer = new Uint16Array(0);
const utf16 = new TextDecoder("utf-16le", { fatal: false, ignoreBOM: true });

/** Writes s[from, to) as the next token at `n` of `out`; returns the new end. */
function put(out: Uint16Array, n: number, s: string, from: number, to: number): number {
  if (n > 0) out[n++] = 0x20;
  for (let k = from; k < to; k++) out[n++] = s.charCodeAt(k);
  return n;
}

/** Index tokens of a text, space-separated (what unicode61 then splits again). The same tokens
 *  as matching RUNS and splitting each Han run into code points, in one pass over the text. */
export function referenceIndexTokens(text: string): string {
  const s = normalize(text.slice(0, MAX_INDEXED_CHARS));
  // At most 4 code units out per code unit in (a bigram of two astral characters and a space).
  if (buffer.length < 4 * s.length + 4) buffer = new Uint16Array(4 * s.length + 4);
  const out = buffer;
  let n = 0;
  // A Han run in progress: where its previous code point starts (-1: none).
  let hanPrev = -1;
  // A word run in progress: where it starts (-1: none).
  let wordStart = -1;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const kind = kindAt(s, i, cp);
    if (kind !== WORD_CHAR && wordStart >= 0) {
      n = put(out, n, s, wordStart, i);
      wordStart = -1;
    }
    if (kind === HAN_CHAR) {
      // Every two neighbours in the run are a bigram.
      if (hanPrev >= 0) n = put(out, n, s, hanPrev, i + width);
      hanPrev = i;
    } else {
      // The run ended: its last character on its own.
      if (hanPrev >= 0) n = put(out, n, s, hanPrev, i);
      hanPrev = -1;
      if (kind === WORD_CHAR && wordStart < 0) wordStart = i;
    }
    i += width;
  }
  if (wordStart >= 0) n = put(out, n, s, wordStart, s.length);
  if (hanPrev >= 0) n = put(out, n, s, hanPrev, s.length);
  return utf16.decode(out.subarray(0, n));
}
