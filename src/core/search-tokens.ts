// Chinese-aware tokens for the search index, and the FTS5 query for a user's words (pure).
// Han runs become overlapping bigrams plus their last character (as Lucene's CJK analyzer does,
// with the final unigram so that a single-character query finds every occurrence by prefix);
// other letters and digits become lowercase words. Queries are built from the same tokens and
// always quoted, so FTS5 syntax in user input ("*", NEAR, parentheses, quotes) is only text.
//
// Module state: a class per BMP code point (64 KiB) and one reused token buffer (at most
// 4 × MAX_INDEXED_CHARS code units): pure memo tables, never stale, never reset (src/state.ts).

const HAN = /\p{Script=Han}/u;
const RUNS = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;

/** Max characters of an article's text that go into the index. */
export const MAX_INDEXED_CHARS = 20_000;

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

// ASCII is classed up front; other BMP code points on first sight (0: not yet).
for (let cp = 0; cp < 0x80; cp++)
  bmpKinds[cp] =
    (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) ? WORD_CHAR : OTHER_CHAR;

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
export function indexTokens(text: string): string {
  const s = normalize(text.slice(0, MAX_INDEXED_CHARS));
  // At most 4 code units out per code unit in (a bigram of two astral characters and a space).
  if (buffer.length < 4 * s.length + 4) buffer = new Uint16Array(4 * s.length + 4);
  const out = buffer;
  const kinds = bmpKinds;
  const len = s.length;
  let n = 0;
  // A Han run in progress: where its previous code point starts (-1: none).
  let hanPrev = -1;
  // A word run in progress: where it starts (-1: none). At most one of the two is open.
  let wordStart = -1;
  for (let i = 0; i < len; ) {
    const u = s.charCodeAt(i);
    let kind = kinds[u]!;
    let width = 1;
    if (kind === 0 || (u >= 0xd800 && u <= 0xdbff)) {
      const next = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (u >= 0xd800 && u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        width = 2;
        kind = classify(s.slice(i, i + 2));
      } else kind = kinds[u] || (kinds[u] = classify(s[i]!));
    }
    if (kind === HAN_CHAR) {
      if (wordStart >= 0) {
        n = put(out, n, s, wordStart, i);
        wordStart = -1;
      }
      // Every two neighbours in the run are a bigram; most are two BMP characters side by side.
      if (hanPrev >= 0 && hanPrev === i - 1 && width === 1) {
        if (n > 0) out[n++] = 0x20;
        out[n++] = s.charCodeAt(hanPrev);
        out[n++] = u;
      } else if (hanPrev >= 0) n = put(out, n, s, hanPrev, i + width);
      hanPrev = i;
    } else {
      // The Han run ended: its last character on its own.
      if (hanPrev >= 0) {
        n = put(out, n, s, hanPrev, i);
        hanPrev = -1;
      }
      if (kind === WORD_CHAR) {
        if (wordStart < 0) wordStart = i;
      } else if (wordStart >= 0) {
        n = put(out, n, s, wordStart, i);
        wordStart = -1;
      }
    }
    i += width;
  }
  if (wordStart >= 0) n = put(out, n, s, wordStart, len);
  if (hanPrev >= 0) n = put(out, n, s, hanPrev, len);
  return utf16.decode(out.subarray(0, n));
}

/** One word of a query: its index tokens, in order. `prefix`: the last token is a lone Han
 *  character that may sit inside a longer run in the text, so it stands for every token that
 *  starts with it (see indexTokens). */
export interface SearchPhrase {
  readonly tokens: readonly string[];
  readonly prefix: boolean;
}

export interface SearchQuery {
  /** The FTS5 MATCH expression, prefixes as FTS5 prefix queries (searchMatch with no expansion). */
  readonly match: string;
  /** The words as the user meant them, for highlighting. */
  readonly terms: readonly string[];
  /** The words as tokens, for searchMatch. */
  readonly phrases: readonly SearchPhrase[];
}

export const MAX_QUERY_CHARS = 100;

/** The one rule for a visitor's search words (pages, feeds, the API): at most MAX_QUERY_CHARS
 *  characters, with something searchable. The query, or what is wrong with it. */
export function checkSearchQuery(q: string): SearchQuery | "too-long" | "no-words" {
  if (q.length > MAX_QUERY_CHARS) return "too-long";
  return buildSearchQuery(q) ?? "no-words";
}
const MAX_TERMS = 8;

/** The FTS5 query for free text: every whitespace-separated word must occur; null when the
 *  text has nothing searchable (only punctuation or spaces). */
export function buildSearchQuery(q: string): SearchQuery | null {
  const phrases: SearchPhrase[] = [];
  const terms: string[] = [];
  for (const word of normalize(q)
    .split(/[\s\u3000]+/)
    .filter(Boolean)
    .slice(0, MAX_TERMS)) {
    const runs = word.match(RUNS);
    if (!runs) continue;
    const tokens: string[] = [];
    let prefixLast = false;
    runs.forEach((run, i) => {
      if (!HAN.test(run)) {
        tokens.push(run);
        return;
      }
      const chars = Array.from(run);
      if (chars.length === 1) {
        tokens.push(chars[0]!);
        // A lone character at the end may sit inside a longer run in the text: match it as a
        // prefix (every character starts some token, see indexTokens).
        prefixLast = i === runs.length - 1;
        return;
      }
      for (let j = 0; j + 1 < chars.length; j++) tokens.push(chars[j]! + chars[j + 1]!);
      // A run that ends where letters or digits begin ends there in the text too, and the index
      // holds its last character next: the phrase must hold it as well ("编号1083号").
      if (i < runs.length - 1) tokens.push(chars.at(-1)!);
    });
    phrases.push({ tokens, prefix: prefixLast });
    terms.push(runs.join(""));
  }
  if (phrases.length === 0) return null;
  return { match: searchMatch(phrases, new Map()), terms, phrases };
}

/** An FTS5 string: always quoted, a quote inside doubled, so nothing in it is syntax. */
const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** The character of a phrase that is one character alone (a prefix query of nothing else): the
 *  phrases searchMatch expands. */
export function loneCharOf(phrase: SearchPhrase): string | null {
  return phrase.prefix && phrase.tokens.length === 1 ? phrase.tokens[0]! : null;
}

/** The FTS5 MATCH expression for the phrases (every one must occur). A phrase that is one
 *  character alone, with an entry in `expansions` (the index's terms starting with it), becomes an
 *  OR of those terms: FTS5 reads an OR lazily, newest first, up to the page's end, where it
 *  answers a prefix query without a prefix index by merging the whole posting list of every such
 *  term first (migrations/0021_search_vocab.sql). An empty entry: no term starts with the
 *  character, so no text holds it; the phrase is the character itself, a term the index does not
 *  hold. Without an entry, or after other tokens ("2026年"), FTS5's own prefix query: an OR of
 *  phrases would check each alternative phrase against the index before the first row. */
export function searchMatch(
  phrases: readonly SearchPhrase[],
  expansions: ReadonlyMap<string, readonly string[]>,
): string {
  return phrases
    .map((phrase) => {
      const char = loneCharOf(phrase);
      const terms = char === null ? undefined : expansions.get(char);
      if (char === null || terms === undefined) return `${quoted(phrase.tokens.join(" "))}${phrase.prefix ? " *" : ""}`;
      const alternatives = (terms.length > 0 ? terms : [char]).map(quoted);
      return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(" OR ")})`;
    })
    .join(" AND ");
}

// Labels: what an article is filed under (the site, its source, its tags, its permalink month, its
// source's month), as tokens after the article's own in its search index row (migrations/
// 0019_one_search_row.sql), so a tag or month listing is one posting list read newest first, and
// filing an article writes one row whatever its number of tags. Each label is one token: a
// private-use character (unicode61 keeps it in the token; RUNS never matches one, so no token
// buildSearchQuery writes starts with one, and no visitor's word, phrase or prefix can match a
// label) and ASCII letters and digits. The same
// labels are built in SQL from the stored row (db/search.ts labelsSql); both spell a tag as the
// lowercase hex of its UTF-8 bytes (unicode61 folds SQL hex()'s uppercase).
const LABEL_ALL = "\uE000";
const LABEL_SOURCE = "\uE002";
const LABEL_TAG = "\uE001";
const LABEL_MONTH = "\uE003";
const LABEL_SOURCE_MONTH = "\uE004";
const utf8 = new TextEncoder();

function hexUtf8(text: string): string {
  let out = "";
  for (const b of utf8.encode(text)) out += b.toString(16).padStart(2, "0");
  return out;
}

/** The FTS5 MATCH expression for every article (each carries this label). */
export const ALL_LABEL_MATCH = `"${LABEL_ALL}all"`;

/** The label of one story key (a 32-bit hash, core/story-sketch.ts) on the head of a story. */
const LABEL_STORY_KEY = "\uE006";

// The label of an article that joined another paper's story, "\uE007" and its head's id (16 hex
// digits), is written and matched in SQL only (db/search.ts labelsSql and storyMemberMatchSql):
// its members are found from the head's id as a row holds it, never from a visitor's text.

/** The FTS5 MATCH expression for the articles holding any of the story keys `keys` (integers we
 *  computed, never a visitor's text); null when there is none. */
export function storyKeysMatch(keys: readonly number[]): string | null {
  const valid = [...new Set(keys)].filter((k) => Number.isInteger(k) && k >= 0 && k <= 0xffffffff);
  return valid.length === 0 ? null : valid.map((k) => `"${LABEL_STORY_KEY}${k}"`).join(" OR ");
}

/** The token of a row that holds an article's labels but not yet its words (the search index's
 *  rebuild, src/archive/search-rebuild.ts, finds those rows by it), and its MATCH expression. */
export const WORDS_PENDING_TOKEN = "\uE005";
export const WORDS_PENDING_MATCH = `"${WORDS_PENDING_TOKEN}"`;

/** The FTS5 MATCH expression for the articles of one source (by id). */
export function sourceLabelMatch(sourceId: number): string {
  return `"${LABEL_SOURCE}${sourceId}"`;
}

/** The FTS5 MATCH expression for the articles carrying tag `name`. */
export function tagLabelMatch(name: string): string {
  return `"${LABEL_TAG}${hexUtf8(name)}"`;
}

/** The FTS5 MATCH expression for the articles whose permalink month is `month` ("yyyy/mm"), of
 *  one source (by id) or of all. */
export function monthLabelMatch(month: string, sourceId: number | null): string {
  const yyyymm = month.replace("/", "");
  return sourceId === null ? `"${LABEL_MONTH}${yyyymm}"` : `"${LABEL_SOURCE_MONTH}${sourceId}m${yyyymm}"`;
}
