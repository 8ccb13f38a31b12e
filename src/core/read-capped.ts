// A response body read up to a byte cap (pure over a stream): upstream feeds and pages, and the
// WebSub hub reading a subscriber's challenge echo, all read untrusted bodies this way.

/** Read a body up to `max` bytes; past it, cancel the stream (never buffer a huge body).
 *  `expected` (the Content-Length, when given) only sizes the first buffer: it is not trusted. */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  expected = 0,
): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream (a body built from a JS ReadableStream): chunk by chunk.
    return readChunksCapped(body.getReader(), max);
  }
  // Reading into one buffer takes a few reads where the default reader hands over dozens of
  // small chunks (~1 ms of CPU for a 285 KB feed in workerd). One byte more than the cap:
  // a body that fills it is too big. Without a length, 256 KiB: most feeds fit, or nearly.
  const limit = max + 1;
  let buffer = new ArrayBuffer(Math.min(limit, expected > 0 ? expected + 1 : 256 * 1024));
  let size = 0;
  for (;;) {
    if (size === buffer.byteLength) {
      if (size === limit) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      const grown = new Uint8Array(Math.min(limit, size * 2));
      grown.set(new Uint8Array(buffer, 0, size));
      buffer = grown.buffer;
    }
    // The read takes the buffer over and hands it back in `value`.
    const { done, value } = await reader.read(new Uint8Array(buffer, size, buffer.byteLength - size));
    if (value) buffer = value.buffer as ArrayBuffer;
    if (done) break;
    size += value.byteLength;
  }
  return new Uint8Array(buffer, 0, size);
}

async function readChunksCapped(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  max: number,
): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
