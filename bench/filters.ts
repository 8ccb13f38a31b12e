// npm run bench:filters — CPU cost of the feed filters' regular-expression engine
// (src/core/linear-regex.ts) in Node 22's V8, the engine workerd embeds (inside workerd a request
// cannot time its own CPU: its clock stands still until I/O). Per pattern class: steps and time
// per item, ns per step, and the time one request takes to spend its whole step budget
// (STEP_BUDGET), beside the platform's backtracking RegExp on the same hostile pattern.
import { FIELD_CHARS, STEP_BUDGET } from "../src/core/feed-filter";
import { BudgetExhausted, compileLinearRegex } from "../src/core/linear-regex";
import { table } from "./lib";

const ROUNDS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const TITLE = "秀峰区一社区开办“家门口”招聘会 百余岗位供居民挑选";
const SUMMARY =
  "9月1日上午，秀峰区丽君街道榕湖社区服务中心门前热闹非凡。一场面向辖区居民的“家门口”招聘会在这里举行，22家企业带来保洁、收银、仓储、网约配送、养老护理等126个岗位。";
const CASES: { name: string; pattern: string; caseSensitive: boolean; texts: string[] }[] = [
  { name: "keywords 桂林|阳朔|漓江", pattern: "桂林|阳朔|漓江", caseSensitive: true, texts: [TITLE, SUMMARY] },
  { name: "keywords, ignoring case", pattern: "marathon|招聘会$", caseSensitive: false, texts: [TITLE, SUMMARY] },
  {
    name: "(a+)+$ on 255 a's and !",
    pattern: "(a+)+$",
    caseSensitive: true,
    texts: [`${"a".repeat(FIELD_CHARS - 1)}!`],
  },
  {
    name: "[^z]{0,250}q on 256 chars (worst allowed)",
    pattern: "[^z]{0,250}q",
    caseSensitive: true,
    texts: ["漓".repeat(FIELD_CHARS)],
  },
];

const rows: Record<string, string | number>[] = [];
for (const c of CASES) {
  const re = compileLinearRegex(c.pattern, c.caseSensitive);
  const reps = 200;
  const times: number[] = [];
  let steps = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const budget = { left: Number.MAX_SAFE_INTEGER };
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) for (const t of c.texts) re.test(t, budget);
    times.push((performance.now() - t0) / reps);
    steps = (Number.MAX_SAFE_INTEGER - budget.left) / reps;
  }
  const ms = median(times);
  const nsPerStep = (ms * 1e6) / steps;
  // One whole budget spent on this pattern, as a request that scans until it runs out.
  const spend: number[] = [];
  for (let r = 0; r < 5; r++) {
    const budget = { left: STEP_BUDGET };
    const t0 = performance.now();
    try {
      for (;;) for (const t of c.texts) re.test(t, budget);
    } catch (e) {
      if (!(e instanceof BudgetExhausted)) throw e;
    }
    spend.push(performance.now() - t0);
  }
  rows.push({
    pattern: c.name,
    "program size": re.size,
    "steps / item": Math.round(steps),
    "µs / item": (ms * 1000).toFixed(1),
    "ns / step": nsPerStep.toFixed(1),
    "ms to spend a request's budget": median(spend).toFixed(1),
  });
}
console.log(
  `feed filter engine, Node ${process.versions.node} (V8 ${process.versions.v8}), budget ${STEP_BUDGET} steps`,
);
table(rows);

// The same hostile pattern on the platform's backtracking engine: time doubles with each "a".
const native: Record<string, string | number>[] = [];
for (const n of [18, 20, 22, 24]) {
  const t0 = performance.now();
  /(a+)+$/.test(`${"a".repeat(n)}!`);
  native.push({ "n a's": n, ms: (performance.now() - t0).toFixed(1) });
}
console.log("RegExp /(a+)+$/ (backtracking) on n a's and !:");
table(native);
