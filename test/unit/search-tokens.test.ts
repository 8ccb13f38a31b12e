import { describe, expect, it } from "vitest";
import { buildSearchQuery, indexTokens } from "../../src/core/search-tokens";

describe("indexTokens", () => {
  it("writes Han runs as bigrams plus the last character, other words lowercased", () => {
    expect(indexTokens("桂林市就业")).toBe("桂林 林市 市就 就业 业");
    expect(indexTokens("桂")).toBe("桂");
    expect(indexTokens("Hono框架，5G网络！")).toBe("hono 框架 架 5g 网络 络");
    expect(indexTokens("ＡＢＣ１２３")).toBe("abc123");
  });
});

describe("buildSearchQuery", () => {
  it.each([
    ["就业", '"就业"'],
    ["桂林市", '"桂林 林市"'],
    ["充分就业", '"充分 分就 就业"'],
    ["Hono", '"hono"'],
    ["5G网络", '"5g 网络"'],
    ["社区 就业", '"社区" AND "就业"'],
    ["桂", '"桂" *'],
    ["A桂", '"a 桂" *'],
  ])("%s → %s", (q, match) => {
    expect(buildSearchQuery(q)?.match).toBe(match);
  });

  it("treats FTS syntax as text", () => {
    expect(buildSearchQuery('"就业" OR *')?.match).toBe('"就业" AND "or"');
    expect(buildSearchQuery("NEAR(社区 就业)")?.match).toBe('"near 社区" AND "就业"');
    expect(buildSearchQuery("(*)")).toBeNull();
    expect(buildSearchQuery("   ")).toBeNull();
  });
});
