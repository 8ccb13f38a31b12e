// A source's new articles per day as a small inline SVG line (drawn on the server; styled by
// the stylesheet, no inline style).

const W = 90;
const H = 20;

export function Sparkline({ perDay }: { perDay: readonly number[] }) {
  const total = perDay.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...perDay);
  const step = perDay.length > 1 ? W / (perDay.length - 1) : W;
  const points = perDay.map((n, i) => `${(i * step).toFixed(1)},${(H - 1 - (n / max) * (H - 2)).toFixed(1)}`).join(" ");
  return (
    <svg
      class="spark"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={`近 ${perDay.length} 天新文章共 ${total} 篇`}
    >
      <polyline points={points} />
    </svg>
  );
}
