// A local stand-in for upstream newspapers: serves the files of a folder over HTTP with ETag and
// Last-Modified, answering conditional requests with 304, as a well-behaved feed server does.
// `npm start` runs it on 127.0.0.1:8790 over samples/upstream; the e2e tests run their own.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, normalize } from "node:path";

const TYPES = {
  ".xml": "application/xml; charset=utf-8",
  ".json": "application/feed+json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

/** Start serving `dir` on `port` (0 = any free port); resolves with the server's base URL. */
export function startUpstream(dir, port = 0, host = "127.0.0.1") {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dir, path);
    let body;
    let mtime;
    try {
      body = readFileSync(file);
      mtime = statSync(file).mtime;
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
    const lastModified = new Date(Math.floor(mtime.getTime() / 1000) * 1000).toUTCString();
    const headers = { etag, "last-modified": lastModified, "cache-control": "max-age=60" };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const ext = file.slice(file.lastIndexOf("."));
    res.writeHead(200, { ...headers, "content-type": TYPES[ext] ?? "application/octet-stream" }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ url: `http://${host}:${address.port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? "samples/upstream";
  const port = Number(process.argv[3] ?? 8790);
  const { url } = await startUpstream(dir, port);
  console.log(`sample upstream: serving ${dir} at ${url}`);
}
