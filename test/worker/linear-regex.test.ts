// The feed filters' regular-expression engine (src/core/linear-regex.ts), in the Workers runtime.
import { describe, expect, it } from "vitest";
import { FIELD_CHARS, STEP_BUDGET, passesFilter, readFeedFilter } from "../../src/core/feed-filter";
import { BudgetExhausted, PatternError, compileLinearRegex, worstSteps } from "../../src/core/linear-regex";

// Patterns both engines read alike: our answer must be the platform's, text by text.
const AGREED: [string, string[]][] = [
  ["桂林|阳朔", ["今日阳朔新闻", "桂林", "南宁", ""]],
  ["^漓江.*通航$", ["漓江水位回落游船恢复通航", "漓江通航了", "新漓江通航"]],
  ["a{2,3}b", ["aab", "ab", "aaaab", "a{2,3}b"]],
  ["colou?r", ["color", "colour", "colouur"]],
  ["\\bcat\\b", ["a cat.", "concat", "cat"]],
  ["\\Bat", ["cat", "at"]],
  ["[^a-c]x", ["bx", "dx", "x"]],
  ["\\d+年\\d{1,2}月", ["2026年12月", "二〇二六年十二月", "2026年月"]],
  ["(?:ab)+c", ["ababc", "ac", "abac"]],
  ["(?<word>ab)c", ["abc", "ab"]],
  ["a.c", ["abc", "a\nc", "ac"]],
  ["\\s\\S", [" x", "x ", "\u3000x"]],
  ["[\\w.-]+@", ["a.b-c@", "@"]],
  ["x*", ["", "yyy"]],
  ["\\u4e2d\\x41", ["中A", "中a"]],
  ["a{,2}", ["a{,2}", "aa"]],
  ["\\.|\\+|\\?", ["a.b", "1+1", "ab"]],
  ["(a|ab)(c|bcd)(d*)$", ["abcd", "abcdd", "abce"]],
];

describe("linear-time patterns", () => {
  it.each(AGREED)("%s answers as the platform's RegExp does", (pattern, texts) => {
    const ours = compileLinearRegex(pattern);
    for (const text of texts) expect([text, ours.test(text)]).toEqual([text, new RegExp(pattern).test(text)]);
  });

  it("writes scripts as RE2 does (\\p{Han}) and ignores case when asked", () => {
    expect(compileLinearRegex("^\\p{Han}+$").test("桂林山水")).toBe(true);
    expect(compileLinearRegex("^\\p{Han}+$").test("桂林 2026")).toBe(false);
    expect(compileLinearRegex("\\P{Han}").test("桂林")).toBe(false);
    expect(compileLinearRegex("MaraThon").test("marathon")).toBe(false);
    expect(compileLinearRegex("MaraThon", false).test("MARATHON 报名")).toBe(true);
    expect(compileLinearRegex("[A-Z]{3}", false).test("abc")).toBe(true);
  });

  it.each([
    ["(a)\\1", "反向引用"],
    ["\\k<n>", "反向引用"],
    ["(?=a)b", "环视"],
    ["(?!a)b", "环视"],
    ["(?<=a)b", "环视"],
    ["(?<!a)b", "环视"],
    ["(?i)abc", "filter_case_sensitive"],
    ["a**", "连用"],
    ["*a", "没有可重复"],
    ["(a", "缺少 )"],
    ["a)", "多余的 )"],
    ["[a", "缺少 ]"],
    ["a{3,2}", "上限小于下限"],
    ["\\q", "不支持的转义"],
    ["\\p{NoSuchScript}", "Unicode 属性"],
    ["a".repeat(257), "过长"],
    ["(a{1000}){1000}", "过大"],
  ])("refuses %s with a reason (%s)", (pattern, reason) => {
    let error: unknown;
    try {
      compileLinearRegex(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PatternError);
    expect((error as Error).message).toContain(reason);
  });

  it("gives catastrophic-backtracking patterns their answer in steps linear in the text", () => {
    const text = `${"a".repeat(FIELD_CHARS - 1)}!`;
    for (const pattern of ["(a+)+$", "(a|aa)+$", "(a*)*b", "(.*a){20}$"]) {
      const re = compileLinearRegex(pattern);
      const budget = { left: Number.MAX_SAFE_INTEGER };
      expect(re.test(text, budget)).toBe(false);
      const spent = Number.MAX_SAFE_INTEGER - budget.left;
      // At most each state visited and tested once per position: never exponential.
      expect(spent).toBeLessThanOrEqual(worstSteps(re, text.length));
      expect(spent).toBeLessThan(10 * re.size * text.length);
    }
  });

  it("stops when the request's budget is spent, undecided rather than slow", () => {
    const re = compileLinearRegex("(x|y){0,100}z");
    const budget = { left: 1000 };
    expect(() => re.test("x".repeat(200), budget)).toThrow(BudgetExhausted);
  });
});

describe("feed filter parameters", () => {
  const read = (query: string) => readFeedFilter(new URLSearchParams(query));
  const item = { title: "Guilin Marathon 报名", description: "赛事于十二月举行", author: "张三", categories: ["体育"] };
  const passes = (query: string) => passesFilter(read(query)!, item, { left: STEP_BUDGET });

  it("keeps only the parameters that take effect, sorted", () => {
    expect(read("utm_source=x&limit=5")).toBeNull();
    expect(read("filter=&filterout=")).toBeNull();
    expect(read("filter_case_sensitive=false")).toBeNull(); // no pattern to apply it to
    expect(read("filterout_title=b&filter=a&filter_title=ignored&filter_case_sensitive=false")!.params).toEqual([
      ["filter", "a"],
      ["filter_case_sensitive", "false"],
      ["filterout_title", "b"],
    ]);
    // filterout is overridden on both of its fields: it has no effect left.
    expect(read("filterout=a&filterout_title=b&filterout_description=c")!.params.map(([k]) => k)).toEqual([
      "filterout_description",
      "filterout_title",
    ]);
    expect(read("filter_time=007200")!.params).toEqual([["filter_time", "7200"]]);
  });

  it("matches as RSSHub documents it", () => {
    expect(passes("filter=十二月")).toBe(true); // description
    expect(passes("filter=张三")).toBe(false); // filter reads title and description only
    expect(passes("filter_author=张三&filter_category=^体育$")).toBe(true);
    expect(passes("filter_author=张三&filter_category=^财经$")).toBe(false); // every given one must match
    expect(passes("filter=Guilin&filter_title=nothing")).toBe(true); // filter_title is ignored
    expect(passes("filterout=十二月")).toBe(false);
    expect(passes("filterout=十二月&filterout_description=无关")).toBe(true); // overridden for descriptions
    expect(passes("filterout_category=体育")).toBe(false);
    expect(passes("filter=marathon")).toBe(false);
    expect(passes("filter=marathon&filter_case_sensitive=false")).toBe(true);
  });

  it.each([
    ["filter_case_sensitive=yes&filter=a", "filter_case_sensitive"],
    ["filter_time=1h", "filter_time"],
    ["filter_time=0", "filter_time"],
    ["filter_title=(a)\\1", "filter_title"],
    // Each pattern alone is accepted; together their worst case per item is over the budget.
    [`filter=${"(x|y){0,60}".repeat(4)}&filterout=${"(x|y){0,60}".repeat(4)}`, "过于复杂"],
  ])("answers %s with a 400 naming %s", (query, name) => {
    expect(() => read(query)).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining(name) }));
  });
});
