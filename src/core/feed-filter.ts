// RSSHub's filter parameters on our feeds (pure): which ones a request gives, in one canonical
// order, and whether an item passes them. Patterns run on core/linear-regex.ts, under a step
// budget per request, so no pattern can burn the Worker's CPU.
//
// The meaning follows RSSHub's documentation (docs.rsshub.app, "Parameters → Filtering"):
// - `filter`: title or description matches; while it is given, `filter_title`,
//   `filter_description`, `filter_author` and `filter_category` are ignored (as in RSSHub);
// - otherwise each given `filter_<field>` must match (AND); a category filter matches when any
//   of the item's categories does;
// - `filterout_title` (else `filterout`) drops titles that match, `filterout_description` (else
//   `filterout`) descriptions that match, `filterout_author` / `filterout_category` likewise;
// - `filter_case_sensitive=false` makes every pattern ignore case (default: case matters);
// - `filter_time=N`: only items published in the last N seconds.
// Deliberate differences: "description" is the item's summary (the text our feeds carry as RSS
// description, Atom summary, JSON Feed summary; the title when it has none), not the whole body,
// so a filtered feed reads no bodies it will not show; the author is the one our feeds write
// (the byline, else the paper's name); `filter` does not also test author and categories (RSSHub's
// code does, its documentation does not say so); values that are not what the documentation
// allows (`filter_case_sensitive=yes`, `filter_time=1h`) are a 400, not silently ignored.
import { BadRequestError } from "./errors";
import { type LinearRegex, PatternError, type StepBudget, compileLinearRegex, worstSteps } from "./linear-regex";

/** Every filter parameter, in the order a canonical feed URL writes them (sorted). */
export const FILTER_PARAMS = [
  "filter",
  "filter_author",
  "filter_case_sensitive",
  "filter_category",
  "filter_description",
  "filter_time",
  "filter_title",
  "filterout",
  "filterout_author",
  "filterout_category",
  "filterout_description",
  "filterout_title",
] as const;
type FilterParam = (typeof FILTER_PARAMS)[number];

/** What is matched of each field: its first FIELD_CHARS code points (a tag: TAG_CHARS, and the
 *  first MAX_TAGS tags). Titles and summaries are far shorter; the caps bound the cost. */
export const FIELD_CHARS = 256;
export const TAG_CHARS = 64;
export const MAX_TAGS = 16;
/** Steps (core/linear-regex.ts) one feed request may spend matching; past it the feed stops
 *  scanning and ends with what it found, with a next-page link to go on. 30–100 ns a step
 *  (npm run bench:filters): tens of milliseconds of CPU at worst. */
export const STEP_BUDGET = 500_000;
/** filter_time: whole seconds, at most about 100 years. */
const MAX_FILTER_SECONDS = 3_155_760_000;

/** The text of one item that filters look at. */
export interface FilterFields {
  readonly title: string;
  /** The summary, or the title when there is none. */
  readonly description: string;
  readonly author: string;
  readonly categories: readonly string[];
}

type Field = "title" | "description" | "author" | "category";
interface Rule {
  readonly re: LinearRegex;
  readonly fields: readonly Field[];
}

export interface FeedFilter {
  /** The parameters that take effect, canonical: sorted, empty and overridden ones left out. */
  readonly params: readonly (readonly [FilterParam, string])[];
  /** filter_time in seconds, or null. */
  readonly seconds: number | null;
  /** All must match (any field of a rule). */
  readonly include: readonly Rule[];
  /** None may match. */
  readonly exclude: readonly Rule[];
}

const fieldCost = (field: Field) => (field === "category" ? MAX_TAGS * (TAG_CHARS + 1) : FIELD_CHARS + 1);

/** The filter a feed request asks for; null when it asks for none. Throws BadRequestError for a
 *  pattern this site does not run, a bad `filter_case_sensitive` or `filter_time`, or a set of
 *  patterns whose worst case per item is over the budget. */
export function readFeedFilter(query: URLSearchParams): FeedFilter | null {
  const raw = (name: FilterParam) => {
    const v = query.get(name);
    return v === null || v === "" ? null : v;
  };
  const cs = raw("filter_case_sensitive");
  if (cs !== null && cs !== "true" && cs !== "false")
    throw new BadRequestError(
      `filter_case_sensitive 只能是 true 或 false (must be true or false), got ${JSON.stringify(cs)}`,
    );
  const caseSensitive = cs !== "false";
  const time = raw("filter_time");
  let seconds: number | null = null;
  if (time !== null) {
    seconds = /^\d{1,10}$/.test(time) ? Number(time) : 0;
    if (seconds < 1 || seconds > MAX_FILTER_SECONDS)
      throw new BadRequestError(
        `filter_time 应为正整数秒数 (must be a whole number of seconds from 1 to ${MAX_FILTER_SECONDS}), got ${JSON.stringify(time)}`,
      );
  }

  const params: [FilterParam, string][] = [];
  const compiled = new Map<FilterParam, LinearRegex>();
  const use = (name: FilterParam): LinearRegex | null => {
    const v = raw(name);
    if (v === null) return null;
    let re = compiled.get(name);
    if (!re) {
      try {
        re = compileLinearRegex(v, caseSensitive);
      } catch (e) {
        if (e instanceof PatternError)
          throw new BadRequestError(
            `${name} 不是本站支持的正则表达式 (not a supported regular expression): ${e.message}`,
          );
        throw e;
      }
      compiled.set(name, re);
      params.push([name, v]);
    }
    return re;
  };
  const include: Rule[] = [];
  const exclude: Rule[] = [];
  const filter = use("filter");
  if (filter) include.push({ re: filter, fields: ["title", "description"] });
  else
    for (const field of ["title", "description", "author", "category"] as const) {
      const re = use(`filter_${field}`);
      if (re) include.push({ re, fields: [field] });
    }
  for (const field of ["title", "description", "author", "category"] as const) {
    // A field's own filterout_<field> wins over filterout (title and description only).
    const re = use(`filterout_${field}`) ?? (field === "title" || field === "description" ? use("filterout") : null);
    if (re) exclude.push({ re, fields: [field] });
  }
  if (params.length > 0 && !caseSensitive) params.push(["filter_case_sensitive", "false"]);
  if (seconds !== null) params.push(["filter_time", String(seconds)]);
  if (params.length === 0) return null;
  params.sort(([a], [b]) => FILTER_PARAMS.indexOf(a) - FILTER_PARAMS.indexOf(b));

  // Every item must be decidable within the budget, whatever its text: the worst case of all the
  // patterns over the longest fields they may see.
  const worst = [...include, ...exclude].reduce(
    (sum, r) => sum + r.fields.reduce((s, f) => s + worstSteps(r.re, fieldCost(f) - 1), 0),
    0,
  );
  if (worst > STEP_BUDGET)
    throw new BadRequestError(
      `过滤条件过于复杂，请缩短或简化正则表达式 (the filters are too complex: up to ${worst} steps per item, limit ${STEP_BUDGET})`,
    );
  return { params, seconds, include, exclude };
}

/** The first `max` code points of `s`. */
function head(s: string, max: number): string {
  if (s.length <= max) return s;
  return Array.from(s.slice(0, 2 * max))
    .slice(0, max)
    .join("");
}

function ruleMatches(rule: Rule, item: FilterFields, budget: StepBudget): boolean {
  return rule.fields.some((f) =>
    f === "category"
      ? item.categories.slice(0, MAX_TAGS).some((c) => rule.re.test(head(c, TAG_CHARS), budget))
      : rule.re.test(head(item[f], FIELD_CHARS), budget),
  );
}

/** Whether an item passes the filter's patterns (filter_time is applied by the query). Throws
 *  BudgetExhausted (core/linear-regex.ts) when the request's budget runs out. */
export function passesFilter(filter: FeedFilter, item: FilterFields, budget: StepBudget): boolean {
  return (
    filter.include.every((r) => ruleMatches(r, item, budget)) &&
    !filter.exclude.some((r) => ruleMatches(r, item, budget))
  );
}
