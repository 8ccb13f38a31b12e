// Writes test/mutation-survivors.md from the last Stryker report (reports/mutation/mutation.json):
// every surviving mutant, one row each, keeping the reason already written for the same mutant
// (file, mutator and change, at the same line or a moved one) and marking new ones "to review". Run after
// `npm run test:mutation`: node test/mutation/survivors.mjs. After a run scoped with --mutate, only
// the sections of the files it mutated are rewritten; the others stay as listed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");
const REPORT = join(ROOT, "reports/mutation/mutation.json");
const LIST = join(ROOT, "test/mutation-survivors.md");
const TO_REVIEW = "to review";

const cell = (s) => s.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
const key = (file, line, mutator, change) => `${file}\t${line}\t${mutator}\t${change}`;

// Reasons already given: rows "| line | mutator | `change` | reason |" under "## <file>".
const reasons = new Map();
// The same mutant after lines moved above it: file, mutator and change without the line.
const moved = new Map();
// Each file's section as listed, kept as it is when the report does not cover that file (a run
// scoped with --mutate rewrites only the sections of the files it mutated).
const sections = new Map();
if (existsSync(LIST)) {
  let file = "";
  for (const row of readFileSync(LIST, "utf8").split("\n")) {
    const heading = /^## (\S+)/.exec(row);
    if (heading) {
      file = heading[1];
      sections.set(file, []);
    }
    if (file && row.trim() !== "") sections.get(file).push(row);
    // Tolerant of the padding a formatter adds to the table.
    const m = /^\|\s*(\d+)\s*\|\s*(\w+)\s*\|\s*`(.*)`\s*\|\s*(.*?)\s*\|$/.exec(row);
    if (m && m[4] !== TO_REVIEW) {
      reasons.set(key(file, m[1], m[2], m[3]), m[4]);
      moved.set(key(file, "", m[2], m[3]), m[4]);
    }
  }
}

const report = JSON.parse(readFileSync(REPORT, "utf8"));
for (const file of Object.keys(report.files)) sections.delete(file);
const out = [];
let total = 0;
let open = 0;
// Sections of files this report did not mutate, as they were, counted like the new ones.
const kept = [...sections.entries()].map(([file, rows]) => {
  for (const row of rows) {
    const m = /^\|\s*\d+\s*\|.*\|\s*(.*?)\s*\|$/.exec(row);
    if (!m) continue;
    total++;
    if (m[1] === TO_REVIEW) open++;
  }
  return [file, [...rows.slice(0, 1), "", ...rows.slice(1), ""]];
});
const written = [];
for (const [file, { source, mutants }] of Object.entries(report.files).sort()) {
  const rows = [];
  written.push([file, rows]);
  const lines = source.split("\n");
  const survived = mutants
    .filter((m) => m.status === "Survived")
    .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  if (survived.length === 0) continue;
  rows.push(`## ${file}`, "", "| line | mutator | change | reason |", "| --- | --- | --- | --- |");
  for (const m of survived) {
    const { line, column } = m.location.start;
    const original = lines[line - 1] ?? "";
    const end = m.location.end.line === line ? m.location.end.column : original.length + 1;
    const change = cell(`${original.slice(column - 1, end - 1)} → ${m.replacement ?? ""}`)
      .replace(/`/g, "'")
      .slice(0, 160);
    const reason =
      reasons.get(key(file, String(line), m.mutatorName, change)) ??
      moved.get(key(file, "", m.mutatorName, change)) ??
      TO_REVIEW;
    if (reason === TO_REVIEW) open++;
    total++;
    rows.push(`| ${line} | ${m.mutatorName} | \`${change}\` | ${reason} |`);
  }
  rows.push("");
}

const head = `# Surviving mutants

Every mutant the unit tests let live in the last \`npm run test:mutation\` over its file, with why it may
stay (docs/mutation-testing.md says how to read one). Regenerate after a run with
\`node test/mutation/survivors.mjs\`: reasons are kept for the same mutant, new ones say "${TO_REVIEW}".

Reasons: **equivalent** (the program behaves the same: fast paths, caches, sizes, inputs already
trimmed), **defensive** (guards against shapes a library never returns), **Node run only** (an
artefact of running in Node instead of workerd), **gap** (behaviour no unit test pins yet; each
says what, so a test can be written; several are covered by the worker or e2e tests instead),
**killed by hand** (a test written after the last run fails on it, checked by planting the change;
the next run over that file drops the row).

${total} survivors, ${open} to review.

`;
for (const [, rows] of [...kept, ...written].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out.push(...rows);
writeFileSync(LIST, head + out.join("\n"));
console.log(`${total} survivors (${open} to review) → ${LIST}`);
