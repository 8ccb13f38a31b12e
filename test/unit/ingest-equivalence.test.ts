// What ingest stores must not change when how it is computed does: the story sketch, the search
// index's tokens and the sanitized HTML of the code before their faster forms, compared with
// today's on varied input (the bench's Chinese feeds, reprints, hostile fixtures, generated tag
// soup, mixed scripts, astral and lone surrogate characters). A difference here is a stored
// byte that changed: stories no longer found, searches that miss, articles rewritten.
import { describe, expect, inject, it } from "vitest";
import { encodeSketch, storySketch } from "../../src/core/story-sketch";
import { indexTokens } from "../../src/core/search-tokens";
import { sanitizeHtml } from "../../src/ingest/sanitize";
import { htmlToText } from "../../src/core/text";
import { random } from "../../bench/random";
import { generateCorpus, longStory, textOf } from "../../bench/dedupe-data";
import { generateFeed } from "../../bench/ingest-data";
import { referenceStorySketch } from "./reference/story-sketch-2026-12-06";
import { referenceIndexTokens } from "./reference/index-tokens-2026-12-06";
import { tagSoup } from "./reference/tag-soup";
import soupExpected from "../fixtures/sanitize-soup.expected.json";
import { decodeFeedBytes } from "../../src/ingest/decode";
import { parseFeedText } from "../../src/ingest/parse";

// Characters from every class the two walk differently: Han (BMP, extension A, astral extension
// B), full-width letters and digits, ASCII in both cases, Greek (final sigma), Turkish İ, Arabic
// digits, kana, hangul, punctuation and spaces of both widths, emoji with joiners, and lone
// surrogates of both halves.
const POOL = [
  ..."漓江两岸的公交线路自下周起把发车间隔由三十分钟缩短到二十分钟桂林晚报讯记者",
  ..."㐀㐁䶵",
  "𠀀",
  "𠀁",
  "𪚥",
  ..."ＡＢｃｄ０１２９",
  ..."abcXYZ0189",
  ..."ΣΑσς",
  "İ",
  ..."١٢٣",
  ..."カタかな한국",
  ..."，。！？；：、“”（）《》 \u3000\t\n-_.'/",
  "😀",
  "👩‍💻",
  "\uD800",
  "\uDC00",
  "\uFFFD",
];

function mixedTexts(seed: number, count: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const length = [0, 1, 2, 3, 4, 30, 43, 44, 47, 60, 200, 1500][i % 12]!;
    let s = "";
    for (let j = 0; j < length; j++) s += POOL[Math.floor(next() * POOL.length)];
    return s;
  });
}

const corpus = generateCorpus({ seed: 11, days: 1, perDay: 60, sources: 6 });
const feedBodies = [
  ...generateFeed({ items: 20, bodyBytes: 5000, guidPrefix: "eq" }).matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g),
].map((m) => m[1]!);
// The hostile fixture feed's bodies (scripts, event handlers, javascript: URLs, entities, CDATA).
const hostileFeed = Uint8Array.from(atob(inject("feedFixtures")["hostile.xml"]!), (c) => c.charCodeAt(0));
const hostile = parseFeedText(decodeFeedBytes(hostileFeed, null).text).items.flatMap((i) =>
  [i.content, i.summary, i.title].filter((x): x is string => x !== null),
);
const texts = [
  ...corpus.map(textOf),
  ...[0, 3, 7].map((t) => longStory(5, t, 4000).paragraphs.join("")),
  ...feedBodies.map(htmlToText),
  ...hostile,
  ...hostile.map(htmlToText),
  ...mixedTexts(20261207, 240),
  // Long runs of one character and repeats: many equal shingles, few distinct.
  "桂".repeat(500),
  "桂林漓江".repeat(300),
  "ab".repeat(400),
];

const sketchOf = (s: ReturnType<typeof storySketch>) =>
  s && { stored: encodeSketch(s), key: s.key, leadKey: s.leadKey, probes: s.probes };

describe("ingest computes what it stored before", () => {
  it("gives every text the story sketch, keys and probes of the code before", () => {
    let sketched = 0;
    for (const text of texts) {
      const want = sketchOf(referenceStorySketch(text));
      expect(sketchOf(storySketch(text)), text.slice(0, 40)).toEqual(want);
      if (want) sketched++;
    }
    expect(sketched).toBeGreaterThan(100); // most inputs are long enough to be sketched
  });

  it("gives every text the search index tokens of the code before", () => {
    for (const text of texts) expect(indexTokens(text), text.slice(0, 40)).toBe(referenceIndexTokens(text));
  });

  it("sanitizes generated tag soup and the hostile fixtures to the bytes the code before wrote", () => {
    // test/fixtures/sanitize-soup.expected.json: sanitizeHtml's outputs for these inputs (the soup,
    // the bench feed's bodies, the hostile fixtures), written
    // by the sanitizer before its cheaper hooks; regenerate it only for an intended change of output.
    const inputs = [...tagSoup(20261207, 400, 40), ...feedBodies, ...hostile];
    const got = inputs.map((html, i) =>
      sanitizeHtml(
        html,
        i % 3 === 0 ? null : i % 3 === 1 ? "https://up.example.com/news/a.html" : "http://user:pw@up.example.com/",
      ),
    );
    expect(got.length).toBe(soupExpected.length);
    for (const [i, out] of got.entries()) expect(out, inputs[i]).toBe(soupExpected[i]);
  });
});
