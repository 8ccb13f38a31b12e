import { describe, expect, it } from "vitest";
import { MemoryCache } from "../../src/web/memory-cache";

const entry = (body: string, expiresAt = 1000) => ({ body, headers: [["etag", '"x"']] as const, expiresAt });

describe("MemoryCache", () => {
  it("serves an entry until it expires, then never again", () => {
    const c = new MemoryCache(1_000_000);
    c.set("a", entry("hello", 1000));
    expect(c.get("a", 999)?.body).toBe("hello");
    expect(c.get("a", 1000)).toBeUndefined();
    expect(c.get("a", 0)).toBeUndefined();
  });

  it("evicts the least recently used entries past its byte budget", () => {
    const c = new MemoryCache(4 * (2 * 100 + 256));
    for (const k of "abcd") c.set(k, entry(k.repeat(100)));
    c.get("a", 0); // a is now the most recent
    c.set("e", entry("e".repeat(100)));
    expect(c.get("b", 0)).toBeUndefined();
    for (const k of "acde") expect(c.get(k, 0)).toBeDefined();
    expect(c.size).toBe(4);
  });

  it("refuses a single entry larger than a quarter of the budget", () => {
    const c = new MemoryCache(1000);
    c.set("big", entry("x".repeat(200)));
    expect(c.size).toBe(0);
  });
});
