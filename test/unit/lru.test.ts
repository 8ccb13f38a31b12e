import { describe, expect, it } from "vitest";
import { LruCache } from "../../src/core/lru";

const bySize = (_key: string, v: string) => v.length;

describe("LruCache", () => {
  it("evicts the least recently used entries past its byte budget", () => {
    const c = new LruCache<string>(400, bySize);
    for (const k of "abcd") c.set(k, k.repeat(100));
    c.get("a"); // a is now the most recent
    c.set("e", "e".repeat(100));
    expect(c.get("b")).toBeUndefined();
    for (const k of "acde") expect(c.get(k)).toBeDefined();
    expect(c.size).toBe(4);
  });

  it("refuses a single entry larger than its per-entry limit", () => {
    const c = new LruCache<string>(1000, bySize, 250);
    c.set("big", "x".repeat(300));
    expect(c.size).toBe(0);
    c.set("ok", "x".repeat(200));
    expect(c.get("ok")).toBe("x".repeat(200));
  });

  it("counts a replaced entry once and forgets everything on clear", () => {
    const c = new LruCache<string>(300, bySize);
    c.set("a", "x".repeat(200));
    c.set("a", "y".repeat(200));
    c.set("b", "z".repeat(100));
    expect(c.size).toBe(2);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get("a")).toBeUndefined();
  });
});
