import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../src/ingest/dates";
import { toRfc3339, toRfc822 } from "../../src/core/time";

const at = (raw: string | null, tz = "Asia/Shanghai") => {
  const i = parseFeedDate(raw, tz);
  return i ? toRfc3339(i) : null;
};

describe("parseFeedDate", () => {
  it.each([
    ["Tue, 18 Nov 2025 10:27:50 +0800", "2025-11-18T10:27:50+08:00"],
    ["Tue, 18 Nov 2025 02:27:50 GMT", "2025-11-18T02:27:50+00:00"],
    ["18 Nov 25 10:27 +0800", "2025-11-18T10:27:00+08:00"],
    ["Tuesday, 18 November 2025 10:27:50 +0800", "2025-11-18T10:27:50+08:00"],
    ["Tue, 18 Nov 2025 09:30:00 CST", "2025-11-18T09:30:00+08:00"],
    ["Tue, 18 Nov 2025 10:27:50", "2025-11-18T10:27:50+08:00"],
    ["2025-11-18T10:27:50+08:00", "2025-11-18T10:27:50+08:00"],
    ["2025-11-18T02:27:50Z", "2025-11-18T02:27:50+00:00"],
    ["2025-11-18T10:27:50.123+08:00", "2025-11-18T10:27:50+08:00"],
    ["2025-11-18 10:27:50", "2025-11-18T10:27:50+08:00"],
    ["2025/11/18 10:27", "2025-11-18T10:27:00+08:00"],
    ["2025年11月18日 10:27", "2025-11-18T10:27:00+08:00"],
    ["2025年11月18日", "2025-11-18T00:00:00+08:00"],
    ["2025年11月18日 10时27分", "2025-11-18T10:27:00+08:00"],
  ])("%s → %s", (raw, expected) => {
    expect(at(raw)).toBe(expected);
  });

  it("reads CST as US Central for a source outside China", () => {
    expect(at("Tue, 18 Nov 2025 09:30:00 CST", "America/Chicago")).toBe("2025-11-18T09:30:00-06:00");
  });

  it("uses the source's own zone for zone-less dates", () => {
    expect(at("2025-07-01 12:00", "America/New_York")).toBe("2025-07-01T12:00:00-04:00");
  });

  it.each([
    "不是日期",
    "",
    "   ",
    "32 Nov 2025 10:00 +0800",
    "2025-02-30",
    "Tue, 18 Foo 2025 10:00 +0800",
    "2025-11-18T25:00:00Z",
  ])("refuses %j", (raw) => {
    expect(at(raw)).toBeNull();
  });
});

describe("parseFeedDate, every zone name and boundary", () => {
  it.each([
    ["Tue, 18 Nov 2025 09:30:00 UT", "2025-11-18T09:30:00+00:00"],
    ["Tue, 18 Nov 2025 09:30:00 utc", "2025-11-18T09:30:00+00:00"],
    ["Tue, 18 Nov 2025 09:30:00 Z", "2025-11-18T09:30:00+00:00"],
    ["Tue, 18 Nov 2025 09:30:00 EST", "2025-11-18T09:30:00-05:00"],
    ["Tue, 18 Nov 2025 09:30:00 EDT", "2025-11-18T09:30:00-04:00"],
    ["Tue, 18 Nov 2025 09:30:00 CDT", "2025-11-18T09:30:00-05:00"],
    ["Tue, 18 Nov 2025 09:30:00 MST", "2025-11-18T09:30:00-07:00"],
    ["Tue, 18 Nov 2025 09:30:00 MDT", "2025-11-18T09:30:00-06:00"],
    ["Tue, 18 Nov 2025 09:30:00 PST", "2025-11-18T09:30:00-08:00"],
    ["Tue, 18 Nov 2025 09:30:00 PDT", "2025-11-18T09:30:00-07:00"],
    ["Tue, 18 Nov 2025 09:30:00 BJT", "2025-11-18T09:30:00+08:00"],
    ["Tue, 18 Nov 2025 09:30:00 HKT", "2025-11-18T09:30:00+08:00"],
    ["Tue, 18 Nov 2025 09:30:00 SGT", "2025-11-18T09:30:00+08:00"],
    ["Tue, 18 Nov 2025 09:30:00 JST", "2025-11-18T09:30:00+09:00"],
    ["Tue, 18 Nov 2025 09:30:00 KST", "2025-11-18T09:30:00+09:00"],
    ["Tue, 18 Nov 2025 09:30:00 -0330", "2025-11-18T09:30:00-03:30"],
    ["Tue, 18 Nov 2025 09:30:00 +05:45", "2025-11-18T09:30:00+05:45"],
    ["Tue 18 Nov 2025 9:05 +0800", "2025-11-18T09:05:00+08:00"],
    ["18 Nov. 2025 09:30:00 +0800", "2025-11-18T09:30:00+08:00"],
    ["18 nov 2025 09:30 +0800", "2025-11-18T09:30:00+08:00"],
    ["  Tue,   18 Nov 2025\n09:30:00 +0800 ", "2025-11-18T09:30:00+08:00"],
    ["18 Nov 49 09:30 +0000", "2049-11-18T09:30:00+00:00"],
    ["18 Nov 50 09:30 +0000", "1950-11-18T09:30:00+00:00"],
    ["18 Nov 99 09:30 +0000", "1999-11-18T09:30:00+00:00"],
    ["2025-11-18T10:27:50-0330", "2025-11-18T10:27:50-03:30"],
    ["2025-11-18t10:27:50z", "2025-11-18T10:27:50+00:00"],
    ["2025-1-8 9:05", "2025-01-08T09:05:00+08:00"],
    ["2025-11-18T23:59:59+23:59", "2025-11-18T23:59:59+23:59"],
    ["2024-02-29", "2024-02-29T00:00:00+08:00"],
    ["2025.11.18 10:27", "2025-11-18T10:27:00+08:00"],
    ["2025/1/8", "2025-01-08T00:00:00+08:00"],
    ["2025 年 11 月 8 日 9：05", "2025-11-08T09:05:00+08:00"],
    ["2025年11月18日 10:27:50", "2025-11-18T10:27:50+08:00"],
    ["2025年11月18日10时27分50秒", "2025-11-18T10:27:50+08:00"],
    ["2016-12-31T23:59:60Z", "2017-01-01T00:00:00+00:00"], // a leap second, as the next instant
  ])("%s → %s", (raw, expected) => {
    expect(at(raw)).toBe(expected);
  });

  it.each([
    "Tue, 18 Nov 2025 09:30:00 XYZ",
    "Tue, 18 Nov 2025 09:30:00 +2400",
    "Tue, 18 Nov 2025 09:30:00 +0860",
    "2025-11-18T10:00:00+24:00",
    "2025-11-18T10:00:00+08:60",
    "2025-11-18T10:00:00+0800x",
    "x2025-11-18",
    "2025-11-18 x",
    "2025-00-10",
    "2025-13-10",
    "2025-11-00",
    "2025-11-31",
    "2023-02-29",
    "2025-11-18T24:00:00Z",
    "2025-11-18T10:60:00Z",
    "2025-11-18T10:00:61Z",
    "2025-11-18T10:00+",
    "Tue, 18 Nov 2025 24:00:00 +0800",
    "Tue, 31 Nov 2025 10:00:00 +0800",
    "published Tue, 18 Nov 2025 09:30:00 +0800",
    "Tue, 18 Nov 2025 09:30:00 +0800 extra",
    "2025年13月18日",
    "2025年11月31日",
    "约2025年11月18日",
    "2025年11月18日 25:00",
    "see 2025/11/18",
    "note 2025.11.18 10:27",
  ])("refuses %j", (raw) => {
    expect(at(raw)).toBeNull();
  });

  it("refuses nothing-but-whitespace and a missing value", () => {
    expect(parseFeedDate(null, "Asia/Shanghai")).toBeNull();
    expect(parseFeedDate(undefined, "Asia/Shanghai")).toBeNull();
    expect(parseFeedDate(" \t\n ", "Asia/Shanghai")).toBeNull();
  });

  it.each([
    "Asia/Shanghai",
    "Asia/Chongqing",
    "Asia/Chungking",
    "Asia/Harbin",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "PRC",
  ])("reads CST as China Standard Time for a source in %s", (tz) => {
    expect(parseFeedDate("Tue, 18 Nov 2025 09:30:00 CST", tz)).toEqual({
      ms: Date.UTC(2025, 10, 18, 1, 30),
      offset: 480,
    });
  });

  it.each(["Asia/Shanghai2", "Europe/Asia/Shanghai", "Asia/Tokyo", "PRC/x", "xPRC"])(
    "reads CST as US Central for a source in %s",
    (tz) => {
      expect(parseFeedDate("Tue, 18 Nov 2025 09:30:00 CST", tz)?.offset).toBe(-360);
    },
  );
});

describe("RFC 822 month and day names", () => {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  it.each(months.map((m, i) => [m, i + 1] as const))("reads %s as month %i, and writes it back", (name, month) => {
    const instant = parseFeedDate(`01 ${name} 2025 12:00:00 +0800`, "Asia/Shanghai")!;
    expect(toRfc3339(instant)).toBe(`2025-${String(month).padStart(2, "0")}-01T12:00:00+08:00`);
    expect(toRfc822(instant)).toMatch(new RegExp(`^\\w{3}, 01 ${name} 2025 12:00:00 \\+0800$`));
  });

  it("writes every day of the week", () => {
    const days = Array.from({ length: 7 }, (_, i) =>
      toRfc822({ ms: Date.UTC(2025, 10, 16 + i, 4), offset: 480 }).slice(0, 3),
    );
    expect(days).toEqual(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]);
  });
});
