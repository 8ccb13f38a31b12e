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
