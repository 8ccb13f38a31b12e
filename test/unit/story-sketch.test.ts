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
