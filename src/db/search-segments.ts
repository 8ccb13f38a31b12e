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
  /** A 'merge' with a positive page count has work: a level holds `usermerge` segments or more
   *  (2, set in 0022), or a merge of one level is under way. (FTS5 also merges a lone segment
   *  whose deleted rows pass its `deletemerge` share; its automerge does that in the writes.) */
  readonly mergeable: boolean;
  /** The record itself (hex): a merge that leaves it unchanged did nothing. */
  readonly record: string;
}

/** The record as hex text, which every D1 client returns alike (a BLOB comes back as an
 *  ArrayBuffer or an array of numbers, depending on the client), and the index's usermerge (FTS5's
 *  default, 4, where none is set). */
const STRUCTURE = sql(
  `SELECT hex(block) AS record, coalesce((SELECT v FROM search_index_config WHERE k = 'usermerge'), 4) AS usermerge
   FROM search_index_data WHERE id = 10`,
);
interface StructureRow {
  readonly record: string;
  readonly usermerge: number;
}

/** The second layout's marker after the cookie (fts5_index.c, FTS5_STRUCTURE_V2). */
const V2 = "FF000001";

/** Decodes a structure record given as hex, for an index whose usermerge is `usermerge`; throws
 *  on one that does not parse. */
export function decodeSearchSegments(record: string, usermerge: number): SearchSegments {
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
    if (merging > 0 || held >= usermerge) mergeable = true;
    for (let s = 0; s < held; s++) {
      varint(); // segment id
      const first = varint();
      const last = varint();
      if (v2) for (let k = 0; k < 5; k++) varint(); // origins, tombstone pages and entries, entries
      // A segment a merge under way has emptied keeps its place with pages 0 to 0.
      if (first > 0) pages += last - first + 1;
      counted++;
    }
  }
  if (counted !== segments) throw new Error(`搜索索引的结构记录不一致（记录 ${segments} 段，读到 ${counted} 段）`);
  return { segments, pages, mergeable, record };
}

const decoded = (row: StructureRow | undefined) =>
  row?.record ? decodeSearchSegments(row.record, row.usermerge) : null;

/** The index's segments; null while the index has never been written. */
export async function readSearchSegments(db: SqlRunner): Promise<SearchSegments | null> {
  return decoded((await db.all<StructureRow>(STRUCTURE))[0]);
}

/** FTS5's incremental merge: about `pages` leaf pages written (it stops at the first term
 *  boundary past them), joining the segments of a level that holds `usermerge` or more (or going
 *  on with a merge under way); a no-op otherwise. */
function mergeStatement(pages: number): Stmt {
  return sql("INSERT INTO search_index(search_index, rank) VALUES('merge', CAST(?1 AS INTEGER))", pages);
}

/** One merge of up to `pages` pages, and the segments after it, in one round trip. */
export async function mergeSearchSegments(db: SqlRunner, pages: number): Promise<SearchSegments | null> {
  const [, rows] = await db.allMany([mergeStatement(pages), STRUCTURE]);
  return decoded((rows as StructureRow[])[0]);
}
