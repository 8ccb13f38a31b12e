import { describe, expect, it } from "vitest";
import { readCapped } from "../../src/core/read-capped";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 251);
const same = (a: Uint8Array | null, b: Uint8Array) =>
  a !== null && a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);

describe("readCapped", () => {
  it.each([
    ["no length given", 0],
    ["the right length", 300_000],
    ["a length too small", 10],
    ["a length too large", 4_000_000],
  ])("reads a whole body under the cap, with %s", async (_name, expected) => {
    const body = bytes(300_000);
    expect(same(await readCapped(new Response(body).body, 300_000, expected), body)).toBe(true);
  });

  it.each([0, 1000, 300_000])("stops one byte past the cap (length hint %d)", async (expected) => {
    expect(await readCapped(new Response(bytes(300_001)).body, 300_000, expected)).toBeNull();
  });

  it("reads a stream that is not a byte stream chunk by chunk, within the cap", async () => {
    const stream = (chunks: number) =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < chunks; i++) c.enqueue(bytes(1000));
          c.close();
        },
      });
    expect((await readCapped(stream(5), 5000))?.byteLength).toBe(5000);
    // Every chunk's bytes, in order.
    const parts = [bytes(3), Uint8Array.of(200, 201), bytes(1000).subarray(500)];
    const whole = Uint8Array.from(parts.flatMap((p) => [...p]));
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(p);
        c.close();
      },
    });
    expect(same(await readCapped(chunked, 5000), whole)).toBe(true);
    expect(await readCapped(stream(6), 5000)).toBeNull();
    expect(await readCapped(null, 5000)).toEqual(new Uint8Array());
  });
});
