// A short excerpt around the first match of the search terms, split into plain and matched
// pieces for highlighting (pure). Matching is case-insensitive and width-insensitive (NFKC).

export interface Piece {
  readonly text: string;
  readonly hit: boolean;
}

const fold = (s: string) => s.normalize("NFKC").toLowerCase();

/** Up to ~2 × `radius` characters of `text` around the first term found, every term marked. */
export function snippet(text: string, terms: readonly string[], radius = 40): Piece[] {
  const chars = Array.from(text);
  // Folding can change lengths; map folded code points back by folding character by character.
  const folded = chars.map(fold);
  const wanted = terms.map((t) => Array.from(fold(t))).filter((t) => t.length > 0);
  const matchAt = (i: number): number => {
    for (const t of wanted) {
      if (t.every((c, k) => folded[i + k] === c)) return t.length;
    }
    return 0;
  };
  let first = -1;
  for (let i = 0; i < chars.length && first < 0; i++) if (matchAt(i) > 0) first = i;
  const start = first < 0 ? 0 : Math.max(0, first - radius);
  const end = Math.min(chars.length, Math.max(first, 0) + radius * 2);
  const pieces: Piece[] = [];
  let plain = start > 0 ? "…" : "";
  for (let i = start; i < end; ) {
    const n = matchAt(i);
    if (n > 0) {
      if (plain) pieces.push({ text: plain, hit: false });
      plain = "";
      pieces.push({ text: chars.slice(i, i + n).join(""), hit: true });
      i += n;
    } else {
      plain += chars[i];
      i++;
    }
  }
  if (end < chars.length) plain += "…";
  if (plain) pieces.push({ text: plain, hit: false });
  return pieces;
}
