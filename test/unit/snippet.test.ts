import { describe, expect, it } from "vitest";
import { snippet } from "../../src/core/snippet";

describe("snippet", () => {
  it("cuts around the first match and marks every match", () => {
    const text = `${"前".repeat(100)}社区就业服务，社区很好${"后".repeat(100)}`;
    const pieces = snippet(text, ["社区"], 10);
    expect(pieces[0]).toEqual({ text: `…${"前".repeat(10)}`, hit: false });
    expect(pieces.filter((p) => p.hit).map((p) => p.text)).toEqual(["社区", "社区"]);
    expect(pieces.at(-1)!.text.endsWith("…")).toBe(true);
  });

  it("matches case- and width-insensitively, keeping the text as written", () => {
    expect(snippet("用 Ｈｏｎｏ 写的", ["hono"])).toEqual([
      { text: "用 ", hit: false },
      { text: "Ｈｏｎｏ", hit: true },
      { text: " 写的", hit: false },
    ]);
  });

  it("returns the start of the text when nothing matches", () => {
    expect(snippet("没有匹配", ["火星"])).toEqual([{ text: "没有匹配", hit: false }]);
  });
});

describe("snippet, edges", () => {
  it("ignores empty terms instead of matching everywhere", () => {
    expect(snippet("桂林山水", ["", "山水"])).toEqual([
      { text: "桂林", hit: false },
      { text: "山水", hit: true },
    ]);
    expect(snippet("桂林山水", [""])).toEqual([{ text: "桂林山水", hit: false }]);
  });

  it("marks a match at the very start, with no empty piece and no ellipsis before it", () => {
    expect(snippet("社区服务", ["社区"], 10)).toEqual([
      { text: "社区", hit: true },
      { text: "服务", hit: false },
    ]);
  });

  it("cuts around the first match even when it is the first character", () => {
    expect(snippet("社区一二三社区", ["社区"], 1)).toEqual([
      { text: "社区", hit: true },
      { text: "…", hit: false },
    ]);
  });

  it("marks a match at the very end and two matches side by side", () => {
    expect(snippet("服务社区", ["社区"])).toEqual([
      { text: "服务", hit: false },
      { text: "社区", hit: true },
    ]);
    expect(snippet("社区社区", ["社区"])).toEqual([
      { text: "社区", hit: true },
      { text: "社区", hit: true },
    ]);
  });

  it("starts the excerpt exactly `radius` characters before the first match", () => {
    const pieces = snippet(`${"一".repeat(5)}社区${"二".repeat(50)}`, ["社区"], 3);
    expect(pieces[0]).toEqual({ text: "…一一一", hit: false });
    expect(pieces.map((p) => p.text).join("")).toBe(`…一一一社区${"二".repeat(4)}…`);
  });

  it("folds letters whose capitals are longer (ß) without shifting the highlight", () => {
    expect(snippet("Die Straße am Fluss", ["STRASSE", "straße"])).toEqual([
      { text: "Die ", hit: false },
      { text: "Straße", hit: true },
      { text: " am Fluss", hit: false },
    ]);
  });
});
