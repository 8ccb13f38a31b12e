import { describe, expect, it } from "vitest";
import {
  SAME_STORY_THRESHOLD,
  chooseStory,
  containment,
  decodeSketch,
  encodeSketch,
  storySketch,
} from "../../src/core/story-sketch";
import { parseConfig } from "../../src/config";
import { parseFeedDedupe } from "../../src/feeds/listings";
import { generateCorpus, textOf } from "../../bench/dedupe-data";

const corpus = generateCorpus({ seed: 7, days: 2, perDay: 30, sources: 10 });
const byId = new Map(corpus.map((a) => [a.id, a]));
const sketchOf = (id: string) => storySketch(textOf(byId.get(id)!))!;

describe("story sketches", () => {
  it("gives no sketch to a text too short to judge", () => {
    expect(storySketch("桂林今日晴。")).toBeNull();
    expect(storySketch("")).toBeNull();
  });

  it("ignores punctuation, spaces and letter case", () => {
    const a = storySketch(`${textOf(corpus[0]!)} GDP`)!;
    const b = storySketch(`${textOf(corpus[0]!).replace(/[，。]/g, " ")} gdp`)!;
    expect([...a.hashes]).toEqual([...b.hashes]);
    expect(a.count).toBe(b.count);
  });

  it("scores every planted reprint kind against its original, and a different story low", () => {
    const reprints = corpus.filter((a) => a.kind !== "original");
    expect(new Set(reprints.map((a) => a.kind)).size).toBeGreaterThanOrEqual(4);
    const verbatim = reprints.find((a) => a.kind === "verbatim")!;
    expect(containment(sketchOf(verbatim.id), sketchOf(`s${verbatim.story}-0`))).toBe(1);
    const truncated = reprints.find((a) => a.kind === "truncated")!;
    expect(containment(sketchOf(truncated.id), sketchOf(`s${truncated.story}-0`))).toBeGreaterThan(
      SAME_STORY_THRESHOLD,
    );
    // Two originals of different stories: low.
    const [x, y] = corpus.filter((a) => a.kind === "original");
    expect(containment(sketchOf(x!.id), sketchOf(y!.id))).toBeLessThan(SAME_STORY_THRESHOLD);
  });

  it("joins the best candidate at or above the threshold, else none", () => {
    const original = corpus.find((a) => a.kind === "original")!;
    const s = sketchOf(original.id);
    const same = { id: "x", storyId: "story-x", publishedMs: 1, hashes: s.hashes, count: s.count };
    const other = corpus.find((a) => a.kind === "original" && a.story !== original.story)!;
    const o = sketchOf(other.id);
    const different = { id: "y", storyId: "story-y", publishedMs: 0, hashes: o.hashes, count: o.count };
    expect(chooseStory(s, [different, same])?.storyId).toBe("story-x");
    expect(chooseStory(s, [different])).toBeNull();
    expect(chooseStory(s, [])).toBeNull();
  });

  it("gives every text the sketch it was stored with before (stored keys and sketches stay valid)", () => {
    // Pinned values: a change of the shingles, the hash or the selection would silently stop new
    // articles from finding the stories stored before it.
    const pinned: [string, { stored: string; key: number; leadKey: number | null; probes: number[] }][] = [
      [
        textOf(corpus[0]!),
        {
          stored:
            "194:AQa3RAIjcr4CaqxpBCB8vgRcNw0E2VmnBXfxeQizeNwKZFRuCwfwmgxkzKkOqLvkErFZShdDNUQXmRVoF6cWah1CisAduHY7HoefPR8B9x8fpAEAIBZAJyAgMx8gZxI1IfXSziN1zGYkzFX9JPJQ4CfPi2Ao8IclKQewMSmesF8su2igLdVfmy3V31sugnigL/ulBjEOtQUxn1zyMkRVyzOU0O4zpyTpNhY0BzZ3mnk3P7SoN0V6Ojijsok5zF46",
          key: 17217348,
          leadKey: 40545385,
          probes: [17217348, 35877566, 40545385, 69237950, 73152269, 81353127, 91746681, 145979612, 174347374],
        },
      ],
      [
        "桂林漓江水位上涨，市防汛指挥部启动四级应急响应，沿江低洼地带群众有序转移，各地巡堤查险力量全部到位，气象部门预计降雨还将持续两天。".repeat(
          12,
        ),
        {
          stored:
            "60:AZeblQRIhEYE6A59B2v+fAu+wGMPgDRdEDjWABGu+3MSRxBSEmWoghSRuQ0Xh39aGECf6x0fqRAeoBNSIADkgCZRvcg7a2hXPli+vkKUvO9DQQ0iSV4vJlFBPdhRf2Q/WLjpcFmTnA9cmi+gXi122GD58mhoq62Uc2skGHPNkP91qRccdn9a7XqnZ559Sv8LkDcZ6pBnW9Ka9uAlnxApEqADTKWioG8ros7JlaQxmYysVrl+ttSkKrixug3C5fjA",
          key: 26712981,
          leadKey: null,
          probes: [26712981, 71861318, 82316925, 124518012, 197050467, 260060253, 272160256, 296680307],
        },
      ],
      [
        "GDP 增长 5.2% 桂林 Guilin 2026 年 ".repeat(6) + "全市经济运行总体平稳，消费市场持续回暖，工业生产稳中有升。",
        {
          stored:
            "46:B5jEMwxpvfoN6+OqDf4i0BW3ti8V8OxSHjqKJCEnHMklhgtuJ3/PWC6idqM6tFBWP71G90Eh31pDmDN5RDBHIkaWt1tI3uiCS58aZFdC9MVY5j1LXQrsyV837Q1fQPlmYpX5DmQ2qPxsIhpxcfa18XRV9wR1sCryemPbyICRjsuF7ADKnT8vX6h+2x2poDShvUuQucOFXenLzjnJ0XcaL9JTiIHWbx1b4NGIQedISfD6eTQ7/eRK7w==",
          key: 127452211,
          leadKey: null,
          probes: [127452211, 208256506, 233563050, 234758864, 364361263, 368110674, 507152932, 556211401],
        },
      ],
    ];
    for (const [text, want] of pinned) {
      const s = storySketch(text)!;
      expect({ stored: encodeSketch(s), key: s.key, leadKey: s.leadKey, probes: s.probes }).toEqual(want);
    }
  });

  it("stores a sketch as short text and reads it back; a damaged value is ignored", () => {
    const s = sketchOf(corpus[0]!.id);
    const text = encodeSketch(s);
    expect(text.length).toBeLessThan(300);
    const back = decodeSketch(text)!;
    expect([...back.hashes]).toEqual([...s.hashes]);
    expect(back.count).toBe(s.count);
    expect(decodeSketch("not a sketch")).toBeNull();
    expect(decodeSketch("12:abc")).toBeNull();
    expect(decodeSketch("12:!!!!")).toBeNull();
  });
});

describe("story settings", () => {
  it("STORY_GROUPING is on by default and turns off; STORY_WINDOW_DAYS is bounded", () => {
    expect(parseConfig({}, "https://x.test").storyGrouping).toBe(true);
    expect(parseConfig({ STORY_GROUPING: "off" }, "https://x.test").storyGrouping).toBe(false);
    expect(() => parseConfig({ STORY_GROUPING: "maybe" }, "https://x.test")).toThrow(/STORY_GROUPING/);
    expect(parseConfig({}, "https://x.test").storyWindowDays).toBe(3);
    expect(() => parseConfig({ STORY_WINDOW_DAYS: "0" }, "https://x.test")).toThrow(/STORY_WINDOW_DAYS/);
  });

  it("?dedupe= takes 1 or 0 and refuses anything else", () => {
    expect(parseFeedDedupe(null)).toBe(false);
    expect(parseFeedDedupe("0")).toBe(false);
    expect(parseFeedDedupe("1")).toBe(true);
    expect(() => parseFeedDedupe("true")).toThrow(/dedupe/);
  });
});
