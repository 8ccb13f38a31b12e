// A small deterministic PRNG (mulberry32) for the synthetic bench data: bodies differ per item
// but never per run. Kept apart from lib.ts, which is Node-only, because the data generators are
// also bundled into the bench workers.
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
