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
    // A Han run before digits ends there in the text too: its last character is indexed next.
    ["编号1083号", '"编号 号 1083 号" *'],
    ["第1083条", '"第 1083 条" *'],
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

describe("indexTokens, one pass", () => {
  // The definition it implements: Han runs and runs of other letters and digits, by regex.
  const RUNS = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
  const byRegex = (text: string) =>
    (text.normalize("NFKC").toLowerCase().match(RUNS) ?? [])
      .flatMap((run) => {
        if (!/\p{Script=Han}/u.test(run)) return [run];
        const chars = Array.from(run);
        return [...chars.slice(1).map((c, i) => chars[i]! + c), chars[chars.length - 1]!];
      })
      .join(" ");

  it("gives the regex's tokens for every BMP character, next to Han and to letters", () => {
    for (let from = 0; from < 0x10000; from += 1024) {
      let text = "";
      for (let cp = from; cp < from + 1024; cp++) {
        const c = String.fromCharCode(cp);
        text += `中${c}文a${c}b${c}。`;
      }
      // Lone surrogates are dropped before text is stored; here they are checked as well.
      for (let k = 0; k < text.length; k += 20_000)
        expect(indexTokens(text.slice(k, k + 20_000))).toBe(byRegex(text.slice(k, k + 20_000)));
    }
  });

  it("keeps astral Han characters whole and cuts the text at MAX_INDEXED_CHARS", () => {
    expect(indexTokens("𠀀𠀁中")).toBe("𠀀𠀁 𠀁中 中");
    expect(indexTokens("a𠀀\uD800b")).toBe("a 𠀀 b");
    const long = "桂林abc，".repeat(5_000);
    expect(indexTokens(long)).toBe(byRegex(long.slice(0, 20_000)));
  });
});
