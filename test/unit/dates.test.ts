import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../src/ingest/dates";
import { toRfc3339 } from "../../src/core/time";

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
