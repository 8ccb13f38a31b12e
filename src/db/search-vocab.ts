// A search word that is one Han character alone ("桂"), expanded into the index's terms that start with
// it (migrations/0021_search_vocab.sql, core/search-tokens.ts searchMatch). Module state: the
// terms of each character read, per isolate, for EXPANSION_TTL_MS (an LruCache of
// EXPANSION_CACHE_BYTES; src/state.ts forgets it).
import { LruCache } from "../core/lru";
import { type SearchQuery, buildSearchQuery, loneCharOf, searchMatch } from "../core/search-tokens";
import { type SqlRunner, sql } from "./sql";

/** How long a character's terms are used before they are read again. A term the index first
 *  holds after they were read (a two-character sequence no article had held) is missing from a
 *  one-character search for at most this long; every other new article is found at once. */
export const EXPANSION_TTL_MS = 60_000;

/** Past this many terms a character stays FTS5's prefix query: an OR costs a seek per term in
 *  each index segment before the first row, and its expression grows by ~15 bytes a term. */
export const MAX_EXPANSION_TERMS = 4000;

const EXPANSION_CACHE_BYTES = 2 * 1024 * 1024;

interface Expansion {
  /** The terms starting with the character; null: more than MAX_EXPANSION_TERMS. */
  readonly terms: readonly string[] | null;
  readonly readAt: number;
}

const expansions = new LruCache<Expansion>(
  EXPANSION_CACHE_BYTES,
  (char, e) => 64 + 2 * char.length + (e.terms ?? []).reduce((n, t) => n + 16 + 2 * t.length, 0),
);

/** Forget every character's terms (tests, benchmarks; src/state.ts). */
export function resetSearchExpansions(): void {
  expansions.clear();
}

/** The first code point after `char`'s: every term that starts with `char` sorts below it (the
 *  vocabulary compares UTF-8 bytes, which keep code point order). */
function after(char: string): string {
  return String.fromCodePoint(char.codePointAt(0)! + 1);
}

/** The MATCH expression for a query: its words of one character alone expanded (searchMatch). */
export async function expandedMatch(db: SqlRunner, query: SearchQuery, now = Date.now()): Promise<string> {
  const chars = [...new Set(query.phrases.map(loneCharOf).filter((c): c is string => c !== null))];
  if (chars.length === 0) return query.match;
  const map = new Map<string, readonly string[] | null>();
  for (const c of chars) {
    const e = expansions.get(c);
    if (e !== undefined && now - e.readAt < EXPANSION_TTL_MS) map.set(c, e.terms);
  }
  const stale = chars.filter((c) => !map.has(c));
  if (stale.length > 0) {
    const read = await db.allMany(
      stale.map((c) =>
        sql(
          "SELECT term FROM search_vocab WHERE term >= ?1 AND term < ?2 LIMIT ?3",
          c,
          after(c),
          MAX_EXPANSION_TERMS + 1,
        ),
      ),
    );
    stale.forEach((c, i) => {
      // Labels start with a private-use character, never a Han one, so none is in the range; the
      // filter keeps a visitor's search off every label whatever the vocabulary holds.
      const terms = (read[i] as { term: string }[]).map((r) => r.term).filter((t) => !/\p{Co}/u.test(t));
      const e = { terms: terms.length > MAX_EXPANSION_TERMS ? null : terms, readAt: now };
      expansions.set(c, e);
      map.set(c, e.terms);
    });
  }
  // At most MAX_EXPANSION_TERMS alternatives in all (a query may hold several lone characters);
  // the characters past that keep the prefix query.
  const usable = new Map<string, readonly string[]>();
  let total = 0;
  for (const [c, terms] of map) {
    if (terms === null || total + terms.length > MAX_EXPANSION_TERMS) continue;
    usable.set(c, terms);
    total += terms.length;
  }
  return searchMatch(query.phrases, usable);
}

/** A search scope's MATCH expression, expanded: the scope's words built again (its `match` is
 *  what buildSearchQuery made of them; anything else is left as it is). */
export async function searchScopeMatch(
  db: SqlRunner,
  scope: { readonly query: string; readonly match: string },
): Promise<string> {
  const query = buildSearchQuery(scope.query);
  if (query === null || query.match !== scope.match) return scope.match;
  return expandedMatch(db, query);
}
