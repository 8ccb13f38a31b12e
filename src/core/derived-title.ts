// A title for an item the upstream sent without one (photo posts, microblogs, podcasts) (pure).
// The first sentence of its text, cut on a character boundary (code points, never half a
// surrogate pair) at about 40 characters of Chinese — or 80 of other scripts, cut at a word —
// else the source's name and the local date and time in the source's zone.
import type { Instant } from "./model";
import { formatWallClock, instantIn } from "./time";

const CJK_MAX = 40;
const OTHER_MAX = 80;
// A sentence ends at full-width punctuation, or at Western punctuation followed by a space.
const SENTENCE = /^[\s\S]*?(?:[。！？!?；;…]|[.](?=\s|$))/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function cut(text: string): string {
  const chars = Array.from(text);
  const cjk = CJK.test(text);
  const max = cjk ? CJK_MAX : OTHER_MAX;
  if (chars.length <= max) return text;
  let head = chars.slice(0, max - 1).join("");
  if (!cjk) {
    const space = head.lastIndexOf(" ");
    if (space > max / 2) head = head.slice(0, space);
  }
  return `${head.trimEnd()}…`;
}

/** The first sentence of `text`, at most about 40 Chinese characters; "" when it has none. */
export function titleFromText(text: string): string {
  const trimmed = text.replace(/\s+/g, " ").trim();
  if (!trimmed) return "";
  const sentence = SENTENCE.exec(trimmed)?.[0] ?? trimmed;
  return cut(sentence.trim());
}

/** "桂林晚报 2025-11-18 10:27": the source's name and the wall-clock time in its zone. */
export function titleFromSourceAndTime(sourceName: string, at: Instant, timeZone: string): string {
  return `${sourceName} ${formatWallClock(instantIn(timeZone, at.ms))}`;
}
