// core/: the URL map, identities and cursors, instants in their own offset, fan-out, errors.
import { describe, expect, it } from "vitest";
import { forEachLimited, sendInBatches } from "../../src/core/concurrency";
import {
  AppError,
  BadRequestError,
  ConfigError,
  ConflictError,
  NotConfiguredError,
  NotFoundError,
  TooManyRequestsError,
} from "../../src/core/errors";
import { LIST_LIMIT, readListLimit } from "../../src/core/list-limit";
import { articleId, decodeCursor, encodeCursor, isArticleId, sha256Hex, toHex } from "../../src/core/ids";
import {
  formatDisplay,
  formatOffset,
  formatPathDate,
  instantInZone,
  isTimeZone,
  toRfc3339,
  toRfc822,
  zoneOffset,
} from "../../src/core/time";
import {
  DIRECTORY_PATH,
  articlePath,
  categoryPath,
  feedPaths,
  homePath,
  tagPath,
  withQuery,
} from "../../src/core/urls";

describe("the URL map", () => {
  it("names every page as the original site did", () => {
    expect(homePath()).toBe("/");
    expect(DIRECTORY_PATH).toBe("/category/");
    expect(categoryPath("guilinwanbao")).toBe("/category/guilinwanbao.html");
    expect(tagPath("C++ & 就业")).toBe("/tag/C%2B%2B%20%26%20%E5%B0%B1%E4%B8%9A");
    expect(articlePath({ id: "0123456789abcdef", pathDate: "2022/02/21", source: { slug: "gl" } })).toBe(
      "/gl/2022/02/21/0123456789abcdef.html",
    );
  });

  it("appends a query parameter with ? or &, encoded", () => {
    expect(withQuery("/", "before", "a b&c")).toBe("/?before=a%20b%26c");
    expect(withQuery("/search?q=x", "before", "1")).toBe("/search?q=x&before=1");
  });

  it("gives each listing its three feeds under its own prefix", () => {
    expect(feedPaths({ kind: "all" })).toEqual({ atom: "/feed.xml", rss: "/rss.xml", json: "/feed.json" });
    expect(feedPaths({ kind: "source", slug: "gl" })).toEqual({
      atom: "/category/gl/feed.xml",
      rss: "/category/gl/rss.xml",
      json: "/category/gl/feed.json",
    });
    expect(feedPaths({ kind: "tag", tag: "就业" }).rss).toBe("/tag/%E5%B0%B1%E4%B8%9A/rss.xml");
  });
});

describe("identities", () => {
  it("writes bytes as two lowercase hex digits each", () => {
    expect(toHex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe("00010f10abff");
    expect(toHex(new Uint8Array([10, 11]).buffer)).toBe("0a0b");
  });

  it("hashes UTF-8 text with SHA-256", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex("就业")).toHaveLength(64);
  });

  it("hashes many texts at once, long and short, each to its own digest", async () => {
    // sha256Hex writes each text's UTF-8 into one reused buffer: a later call must not change
    // what an earlier, still pending, one hashes.
    const texts = ["abc", "桂林".repeat(3000), "", "abc", "就业".repeat(700) + "x"];
    const together = await Promise.all(texts.map((t) => sha256Hex(t)));
    const one = async (t: string) => toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(t)));
    for (const [i, t] of texts.entries()) expect(together[i]).toBe(await one(t));
    expect(together[0]).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(together[3]).toBe(together[0]);
  });

  it("derives a 16-hex article id from the source and the upstream identity only", async () => {
    const id = await articleId("gl", "guid-1");
    expect(id).toBe((await sha256Hex("gl\nguid-1")).slice(0, 16));
    expect(isArticleId(id)).toBe(true);
    expect(await articleId("gl", "guid-2")).not.toBe(id);
    expect(await articleId("lz", "guid-1")).not.toBe(id);
  });

  it.each(["0123456789abcdef"])("accepts %s as an article id", (v) => expect(isArticleId(v)).toBe(true));
  it.each(["0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0", "x0123456789abcdef", "0123456789abcdeg"])(
    "refuses %s as an article id",
    (v) => expect(isArticleId(v)).toBe(false),
  );

  it("round-trips a cursor through its readable token", () => {
    const c = { ms: 1645410470000, id: "0123456789abcdef" };
    expect(encodeCursor(c)).toBe(`${(1645410470000).toString(36)}-0123456789abcdef`);
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(encodeCursor({ ms: -5, id: c.id }))).toEqual({ ms: -5, id: c.id });
  });

  it.each([
    "",
    "garbage",
    "zz-0123456789ABCDEF",
    "zz-0123456789abcde",
    "x zz-0123456789abcdef",
    "zz-0123456789abcdef ",
    "1234567890123-0123456789abcdef", // 13 digits
    "zzzzzzzzzzzz-0123456789abcdef", // past the safe integers
  ])("decodes %j as no cursor", (token) => {
    expect(decodeCursor(token)).toBeNull();
  });
});

describe("instants in their own offset", () => {
  const at = { ms: Date.UTC(2022, 1, 21, 2, 27, 50), offset: 480 }; // 2022-02-21 10:27:50 +08:00

  it("formats offsets for RFC 3339 and RFC 822, east and west", () => {
    expect(formatOffset(480)).toBe("+08:00");
    expect(formatOffset(480, false)).toBe("+0800");
    expect(formatOffset(0)).toBe("+00:00");
    expect(formatOffset(-150)).toBe("-02:30");
    expect(formatOffset(345, false)).toBe("+0545");
  });

  it("writes the wall clock of the source's offset", () => {
    expect(toRfc3339(at)).toBe("2022-02-21T10:27:50+08:00");
    expect(toRfc822(at)).toBe("Mon, 21 Feb 2022 10:27:50 +0800");
    expect(formatDisplay(at)).toBe("2022-02-21 10:27 (+08:00)");
    expect(formatPathDate(at)).toBe("2022/02/21");
    // The day changes with the offset: 23:30 UTC on 31 Dec is New Year's Day in Guilin.
    const late = { ms: Date.UTC(2024, 11, 31, 23, 30, 5), offset: 480 };
    expect(toRfc3339(late)).toBe("2025-01-01T07:30:05+08:00");
    expect(toRfc822(late)).toBe("Wed, 01 Jan 2025 07:30:05 +0800");
    expect(formatPathDate(late)).toBe("2025/01/01");
    expect(toRfc822({ ms: Date.UTC(2025, 6, 6, 3, 4, 5), offset: -300 })).toBe("Sat, 05 Jul 2025 22:04:05 -0500");
    expect(formatDisplay({ ms: Date.UTC(2025, 8, 9, 1, 2, 3), offset: 0 })).toBe("2025-09-09 01:02 (+00:00)");
  });

  it("reads a zone's offset at an instant, DST included", () => {
    expect(zoneOffset("Asia/Shanghai", at.ms)).toBe(480);
    expect(zoneOffset("UTC", at.ms)).toBe(0);
    expect(zoneOffset("Asia/Kolkata", at.ms)).toBe(330);
    expect(zoneOffset("America/New_York", Date.UTC(2025, 0, 15))).toBe(-300);
    expect(zoneOffset("America/New_York", Date.UTC(2025, 6, 15))).toBe(-240);
    expect(zoneOffset("Mars/Olympus", at.ms)).toBeNull();
    expect(zoneOffset("Mars/Olympus", at.ms)).toBeNull(); // the miss is remembered, still null
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("CST+8")).toBe(false);
  });

  it("finds the instant of a wall-clock time in a zone, across a DST change", () => {
    const f = { year: 2022, month: 2, day: 21, hour: 10, minute: 27, second: 50 };
    expect(instantInZone(f, "Asia/Shanghai")).toEqual(at);
    // 01:30 on the first Sunday of November is after New York's clocks went back: -05:00.
    expect(instantInZone({ year: 2025, month: 11, day: 2, hour: 3, minute: 0, second: 0 }, "America/New_York")).toEqual(
      { ms: Date.UTC(2025, 10, 2, 8, 0, 0), offset: -300 },
    );
    // The morning after the spring change: -04:00, though the naive time is read at -05:00 first.
    expect(instantInZone({ year: 2025, month: 3, day: 9, hour: 12, minute: 0, second: 0 }, "America/New_York")).toEqual(
      { ms: Date.UTC(2025, 2, 9, 16, 0, 0), offset: -240 },
    );
    expect(instantInZone(f, "Nowhere/Land")).toBeNull();
  });
});

describe("fan-out", () => {
  it("runs every item, never more than the limit at once, in order of start", async () => {
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, n % 3));
      active--;
    });
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it("runs nothing for no items, and one at a time at concurrency 1", async () => {
    const seen: number[] = [];
    await forEachLimited([], 4, async () => void seen.push(0));
    expect(seen).toEqual([]);
    let active = 0;
    await forEachLimited([1, 2], 1, async (n) => {
      expect(active).toBe(0);
      active++;
      await Promise.resolve();
      seen.push(n);
      active--;
    });
    expect(seen).toEqual([1, 2]);
  });

  it("sends messages in batches of at most 100, as JSON, in order", async () => {
    const batches: { body: number; contentType: string }[][] = [];
    const queue = { sendBatch: async (b: { body: number; contentType: string }[]) => void batches.push(b) };
    await sendInBatches(
      queue as unknown as Queue<number>,
      Array.from({ length: 250 }, (_, i) => i),
    );
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches[0]![0]).toEqual({ body: 0, contentType: "json" });
    expect(batches[2]!.at(-1)!.body).toBe(249);
    batches.length = 0;
    await sendInBatches(queue as unknown as Queue<number>, []);
    expect(batches).toEqual([]);
  });
});

describe("errors", () => {
  it("carry a code and the HTTP status they are answered with", () => {
    const nf = new NotFoundError();
    expect(nf).toBeInstanceOf(AppError);
    expect(nf).toMatchObject({ code: "not_found", status: 404, message: "页面不存在", name: "AppError" });
    expect(new NotFoundError("没有这篇文章。").message).toBe("没有这篇文章。");
    expect(new BadRequestError("坏")).toMatchObject({ code: "bad_request", status: 400, message: "坏" });
    expect(new ConfigError("x")).toMatchObject({ code: "bad_config", status: 500, message: "x" });
  });
});

describe("list limits and the remaining errors", () => {
  it.each([
    ["1", 1],
    ["20", 20],
    ["100", 100],
    ["0", null],
    ["101", null],
    ["007", 7],
    ["1000", null],
    ["-1", null],
    ["1.5", null],
    ["1e2", null],
    [" 5", null],
    ["", null],
  ])("reads the limit %j as %j", (raw, n) => {
    expect(readListLimit(raw)).toBe(n);
  });

  it("has the documented bounds", () => {
    expect(LIST_LIMIT).toEqual({ min: 1, max: 100, default: 20 });
  });

  it("each error carries its code and status", () => {
    expect(new ConflictError("已存在")).toMatchObject({ code: "conflict", status: 409, message: "已存在" });
    expect(new TooManyRequestsError("太快")).toMatchObject({ code: "too_many_requests", status: 429 });
    expect(new NotConfiguredError("缺少 ADMIN_TOKEN")).toMatchObject({ code: "not_configured", status: 503 });
    const bad = new BadRequestError("坏", [{ field: "limit", reason: "must be 1–100" }]);
    expect(bad.errors).toEqual([{ field: "limit", reason: "must be 1–100" }]);
  });
});
