// Chinese-aware tokens for the search index, and the FTS5 query for a user's words (pure).
// Han runs become overlapping bigrams plus their last character (as Lucene's CJK analyzer does,
// with the final unigram so that a single-character query finds every occurrence by prefix);
// other letters and digits become lowercase words. Queries are built from the same tokens and
// always quoted, so FTS5 syntax in user input ("*", NEAR, parentheses, quotes) is only text.

const HAN = /\p{Script=Han}/u;
const RUNS = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;

/** Max characters of an article's text that go into the index. */
export const MAX_INDEXED_CHARS = 20_000;

function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Index tokens of a text, space-separated (what unicode61 then splits again). */
export function indexTokens(text: string): string {
  const out: string[] = [];
  for (const run of normalize(text.slice(0, MAX_INDEXED_CHARS)).match(RUNS) ?? []) {
    if (!HAN.test(run)) {
      out.push(run);
      continue;
    }
    const chars = Array.from(run);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    out.push(chars[chars.length - 1]!);
  }
  return out.join(" ");
}

export interface SearchQuery {
  /** The FTS5 MATCH expression. */
  readonly match: string;
  /** The words as the user meant them, for highlighting. */
  readonly terms: readonly string[];
}

export const MAX_QUERY_CHARS = 100;
const MAX_TERMS = 8;

/** The FTS5 query for free text: every whitespace-separated word must occur; null when the
 *  text has nothing searchable (only punctuation or spaces). */
export function buildSearchQuery(q: string): SearchQuery | null {
  const phrases: string[] = [];
  const terms: string[] = [];
  for (const word of normalize(q).split(/[\s\u3000]+/).filter(Boolean).slice(0, MAX_TERMS)) {
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
    });
    phrases.push(`"${tokens.join(" ")}"${prefixLast ? " *" : ""}`);
    terms.push(runs.join(""));
  }
  if (phrases.length === 0) return null;
  return { match: phrases.join(" AND "), terms };
}
