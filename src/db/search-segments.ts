// The search index's segments: how many there are, and the statement that merges them
// (migrations/0022_search_merge.sql says why the cron merges them).
//
// FTS5 records its segments in one row of its own table, the structure record (row 10 of
// search_index_data). No SQL function reads it in a release build and no library decodes it, so
// it is decoded here: a 4-byte cookie, the 4 bytes FF 00 00 01 in the layout a
// contentless_delete table writes (0019), then SQLite varints: levels, segments, a write
// counter, and for each level its merge state and its segments, each an id, its first and last
// page, and five more varints in that layout. The layout is FTS5's on-disk format, which every
// later SQLite reads.
import { type SqlRunner, type Stmt, sql } from "./sql";

/** What the structure record says about the index's segments. */
export interface SearchSegments {
  /** Segments in the index: a query seeks each of its terms in every one. */
  readonly segments: number;
  /** Leaf pages in all of them. */
  readonly pages: number;
  /** A 'merge' with a positive page count has work: a level holds two segments or more (the
   *  index's usermerge, set in 0022), or a merge of one level is under way. */
  readonly mergeable: boolean;
  /** The record itself (hex): a merge that leaves it unchanged did nothing. */
  readonly record: string;
}

/** The record as hex text, which every D1 client returns alike (a BLOB comes back as an
 *  ArrayBuffer or an array of numbers, depending on the client). */
const STRUCTURE = sql("SELECT hex(block) AS record FROM search_index_data WHERE id = 10");

/** The second layout's marker after the cookie (fts5_index.c, FTS5_STRUCTURE_V2). */
const V2 = "FF000001";

/** Segments a level holds before a positive 'merge' joins them (0022 sets usermerge to this). */
const USERMERGE = 2;

/** Decodes a structure record given as hex; throws on one that does not parse. */
export function decodeSearchSegments(record: string): SearchSegments {
  if (!/^(?:[0-9A-F]{2})+$/.test(record) || record.length < 8) throw new Error("搜索索引的结构记录无法解析");
  const bytes = new Uint8Array(record.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(record.slice(2 * i, 2 * i + 2), 16);
  const v2 = record.slice(8, 16) === V2;
  let at = v2 ? 8 : 4;
  const varint = (): number => {
    let value = 0;
    for (let k = 0; k < 9; k++) {
      if (at >= bytes.length) throw new Error("搜索索引的结构记录无法解析（截断）");
      const b = bytes[at++]!;
      if (k === 8) return value * 256 + b;
      value = value * 128 + (b & 0x7f);
      if (b < 0x80) return value;
    }
    return value;
  };
  const levels = varint();
  const segments = varint();
  varint(); // the write counter
  let pages = 0;
  let counted = 0;
  let mergeable = false;
  for (let level = 0; level < levels; level++) {
    const merging = varint();
    const held = varint();
    if (merging > 0 || held >= USERMERGE) mergeable = true;
    for (let s = 0; s < held; s++) {
      varint(); // segment id
      const first = varint();
      const last = varint();
      if (v2) for (let k = 0; k < 5; k++) varint(); // origins, tombstone pages and entries, entries
      pages += last - first + 1;
      counted++;
    }
  }
  if (counted !== segments) throw new Error(`搜索索引的结构记录不一致（记录 ${segments} 段，读到 ${counted} 段）`);
  return { segments, pages, mergeable, record };
}

/** The index's segments now; null while the index has never been written. */
export async function readSearchSegments(db: SqlRunner): Promise<SearchSegments | null> {
  const [row] = await db.all<{ record: string }>(STRUCTURE);
  return row?.record ? decodeSearchSegments(row.record) : null;
}

/** FTS5's incremental merge: up to about `pages` leaf pages written, joining the segments of a
 *  level that holds `usermerge` or more (or going on with a merge under way); a no-op otherwise. */
function mergeStatement(pages: number): Stmt {
  return sql("INSERT INTO search_index(search_index, rank) VALUES('merge', CAST(?1 AS INTEGER))", pages);
}

/** One merge of up to `pages` pages, and the segments after it, in one round trip. */
export async function mergeSearchSegments(db: SqlRunner, pages: number): Promise<SearchSegments | null> {
  const [, rows] = await db.allMany([mergeStatement(pages), STRUCTURE]);
  const record = (rows as { record: string }[])[0]?.record;
  return record ? decodeSearchSegments(record) : null;
}
