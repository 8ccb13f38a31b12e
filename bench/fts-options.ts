// npm run bench:fts-options — bytes per article of the search index's layout options, measured
// apart from the app: the same tokens (core/search-tokens.ts indexTokens over the search bench's
// generated articles, bench/search-data.ts) inserted into FTS5 tables built with each option set,
// in one SQLite file per option through the sqlite3 CLI, sized exactly with dbstat. Contentless
// without contentless_delete (the CLI's SQLite predates it; the delete flag adds no bytes until
// rows are deleted). Method and results: bench/README.md, Search.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { indexTokens } from "../src/core/search-tokens";
import { searchTextOf } from "../src/db/search";
import { ROOT } from "./lib";
import { generateArticle } from "./search-data";

const N = Number(process.argv[process.argv.indexOf("--articles") + 1] || 0) || 10_000;
const DIR = join(ROOT, ".tmp/bench/fts-options");

interface Variant {
  readonly name: string;
  readonly options: string;
  /** The rowid of the i-th article, from its publication time. */
  readonly rowid: (ms: number, i: number) => bigint;
  readonly tokens: (text: string) => string;
}

const fine = (ms: number, i: number) => BigInt(ms) * 1024n + BigInt(i % 1024);
const coarse = (ms: number, i: number) => BigInt(Math.floor(ms / 1000)) * 16n + BigInt(i % 16);
const bigrams = (text: string) => indexTokens(text);
const VARIANTS: Variant[] = [
  {
    name: "today: bigrams, prefix='1', detail=full, rowid ms×1024",
    options: "prefix='1'",
    rowid: fine,
    tokens: bigrams,
  },
  { name: "no prefix index", options: "", rowid: fine, tokens: bigrams },
  { name: "rowid s×16 (coarser)", options: "prefix='1'", rowid: coarse, tokens: bigrams },
  { name: "no prefix index + rowid s×16", options: "", rowid: coarse, tokens: bigrams },
  {
    name: "no prefix index + rowid s×16 + each Han character once (marked)",
    options: "",
    rowid: coarse,
    tokens: (text) => `${indexTokens(text)} ${hanCharTokens(text)}`,
  },
  {
    name: "the same, columnsize=0",
    options: "columnsize=0",
    rowid: coarse,
    tokens: (text) => `${indexTokens(text)} ${hanCharTokens(text)}`,
  },
  {
    name: "detail=column (no positions: phrases unchecked)",
    options: "prefix='1', detail=column",
    rowid: fine,
    tokens: bigrams,
  },
  { name: "detail=none (no positions, no columns)", options: "prefix='1', detail=none", rowid: fine, tokens: bigrams },
  {
    name: "trigram tokenizer on the plain text (no 2-char words)",
    options: "tokenize='trigram'",
    rowid: fine,
    tokens: (text) => text,
  },
];

/** Each Han character of a text once, marked with a private-use character like a label: what a
 *  one-character query could read as one posting list instead of a prefix scan. */
function hanCharTokens(text: string): string {
  const seen = new Set<string>();
  for (const ch of text.normalize("NFKC").slice(0, 20_000)) if (/\p{Script=Han}/u.test(ch)) seen.add(ch);
  return [...seen].map((ch) => `\uE005${ch}`).join(" ");
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

function main() {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const docs = Array.from({ length: N }, (_, i) => {
    const { input } = generateArticle(i, N);
    return { ms: input.published.ms, text: searchTextOf(input) };
  });
  const textBytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  const rows: Record<string, string | number>[] = [];
  let base = 0;
  for (const v of VARIANTS) {
    const file = join(DIR, `${rows.length}.sqlite`);
    const tokenize = v.options.includes("tokenize") ? "" : ", tokenize='unicode61 remove_diacritics 0'";
    const opts = v.options ? `, ${v.options}` : "";
    let script = `PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;\nCREATE VIRTUAL TABLE f USING fts5(tokens, content=''${opts}${tokenize});\n`;
    docs.forEach((d, i) => {
      script += `INSERT INTO f (rowid, tokens) VALUES (${v.rowid(d.ms, i)}, ${quote(v.tokens(d.text))});\n`;
    });
    script += "COMMIT;\nINSERT INTO f (f) VALUES ('optimize');\nVACUUM;\n";
    writeFileSync(`${file}.sql`, script);
    execFileSync("sqlite3", [file], { input: script, maxBuffer: 1 << 30 });
    const bytes = Number(
      execFileSync("sqlite3", [file, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'f_%'"], { encoding: "utf8" }),
    );
    if (rows.length === 0) base = bytes;
    rows.push({
      option: v.name,
      "bytes per article": Math.round(bytes / N),
      "× today": (bytes / base).toFixed(2),
      "× indexed text": (bytes / textBytes).toFixed(2),
    });
    rmSync(`${file}.sql`);
  }
  console.log(
    `FTS5 index bytes per article (dbstat, after 'optimize'), ${N} generated articles, ~${Math.round(textBytes / N)} B of indexed text each\n`,
  );
  console.table(rows);
}

main();
