// Real-world feed classes end to end: `wrangler dev`, a real local HTTP upstream serving our
// fixtures, sources added through the admin API (one by a site's address), refreshed, and our
// feeds read by real clients — feedparser for RSS and Atom, jing against the Atom schema.
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "../../scripts/sample-upstream.mjs";
import { type DevServer, ROOT, execFileP, freshPersistDir, migrate, startDev } from "./server";
import { ATOM_SCHEMA, NEEDS_ATOM_SCHEMA, hasAtomSchema } from "../shared-material";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const FIXTURES = join(ROOT, "test/fixtures/feeds");
// Without the shared Atom schema the jing step is left out, and the test's name says so.
const JING = hasAtomSchema ? "" : ` (jing skipped: ${NEEDS_ATOM_SCHEMA})`;
const dir = mkdtempSync(join(tmpdir(), "real-feeds-"));
let upstream: { url: string; close(): Promise<void> };
let site: DevServer;

beforeAll(async () => {
  for (const f of ["podcast.xml", "untitled.xml"]) copyFileSync(join(FIXTURES, f), join(dir, f));
  // A home page that only advertises its feed, by a relative href.
  writeFileSync(
    join(dir, "home.html"),
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>桂林之声</title><link rel="alternate" type="application/rss+xml" href="podcast.xml"></head><body><h1>桂林之声</h1></body></html>',
  );
  upstream = await startUpstream(dir, 0);
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN, MEMORY_CACHE_MB: "0" });
});
afterAll(async () => {
  await site?.stop();
  await upstream?.close();
});

const admin = async (method: string, path: string, body?: unknown) =>
  fetch(`${site.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

interface Entry {
  title: string | null;
  link: string;
  summary: string | null;
  enclosures: { href: string; type: string; length: string }[];
}

async function feedparser(url: string): Promise<{ bozo: boolean; bozo_exception: string; entries: Entry[] }> {
  const { stdout } = await execFileP("/usr/bin/python3", [join(ROOT, "test/e2e/feedcheck.py"), url]);
  return JSON.parse(stdout)[0];
}

describe("podcasts added by a site's address", () => {
  it(`finds the advertised feed, stores its media, and every client sees the enclosures${JING}`, async () => {
    const created = await admin("POST", "/api/v1/sources", {
      slug: "guilinzhisheng",
      name: "桂林之声",
      feed_url: `${upstream.url}/home.html`,
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      feed_url: `${upstream.url}/podcast.xml`,
      discovery: { requested_url: `${upstream.url}/home.html`, feed_url: `${upstream.url}/podcast.xml` },
    });
    const outcome = await (await admin("POST", "/api/v1/sources/guilinzhisheng/refresh")).json();
    expect(outcome).toMatchObject({ status: "200", new: 3 });

    const rss = await feedparser(`${site.url}/category/guilinzhisheng/rss.xml`);
    expect(rss.bozo_exception).toBe("");
    const ep = rss.entries.find((e) => e.title === "第 12 期：漓江冬季枯水期怎么游")!;
    expect(ep.enclosures).toEqual([
      { href: "https://media.example.com/ep12.mp3", type: "audio/mpeg", length: "24576000" },
    ]);

    const atomUrl = `${site.url}/category/guilinzhisheng/feed.xml`;
    const file = join(dir, "out-atom.xml");
    writeFileSync(file, Buffer.from(await (await fetch(atomUrl)).arrayBuffer()));
    if (hasAtomSchema) await execFileP("jing", ["-c", ATOM_SCHEMA, file]);
    const atom = await feedparser(atomUrl);
    expect(atom.bozo_exception).toBe("");
    const video = atom.entries.find((e) => e.title === "视频：象鼻山夜景")!;
    expect(video.enclosures).toEqual([
      { href: "https://media.example.com/v3.mp4", type: "video/mp4", length: "52428800" },
    ]);

    const html = await (await fetch(`${site.url}${new URL(ep.link).pathname}`)).text();
    expect(html).toContain('<audio controls="" preload="none" src="https://media.example.com/ep12.mp3">');
  });
});

describe("untitled items", () => {
  it(`RSS leaves out titles the upstream did not send; Atom carries derived ones and stays valid${JING}`, async () => {
    expect(
      (
        await admin("POST", "/api/v1/sources", {
          slug: "yangshuo",
          name: "阳朔随手拍",
          feed_url: `${upstream.url}/untitled.xml`,
        })
      ).status,
    ).toBe(201);
    expect(await (await admin("POST", "/api/v1/sources/yangshuo/refresh")).json()).toMatchObject({ new: 6, empty: 1 });

    const rss = await feedparser(`${site.url}/category/yangshuo/rss.xml`);
    expect(rss.bozo_exception).toBe("");
    expect(rss.entries).toHaveLength(6);
    const note = rss.entries.find((e) => (e.summary ?? "").includes("今天早上漓江上起了大雾"))!;
    expect(note.title ?? "").toBe("");
    for (const e of rss.entries) expect(e.title || e.summary).toBeTruthy();

    const atomUrl = `${site.url}/category/yangshuo/feed.xml`;
    const file = join(dir, "out-untitled.xml");
    writeFileSync(file, Buffer.from(await (await fetch(atomUrl)).arrayBuffer()));
    if (hasAtomSchema) await execFileP("jing", ["-c", ATOM_SCHEMA, file]);
    const atom = await feedparser(atomUrl);
    expect(atom.entries.map((e) => e.title)).toContain("阳朔随手拍 2025-11-18 09:30");
  });
});
