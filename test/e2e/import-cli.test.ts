// The import CLI as a user runs it: real files, real local D1 through wrangler.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NEEDS_SEED, SEED_FILE, hasSeed } from "../shared-material";
import { ROOT, execFileP, freshPersistDir, migrate, runImport } from "./server";

// A post shipped with the repository (the same paper as the seed post).
const SAMPLE = join(ROOT, "samples/posts/001_b11998a70d4d8ed8.txt");

async function query(persistTo: string, sql: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await execFileP(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", sql],
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  return (JSON.parse(stdout.slice(stdout.indexOf("["))) as { results: Record<string, unknown>[] }[])[0]!.results;
}

describe("npm run import", () => {
  it("imports, re-imports as unchanged, updates an edit in place, and rejects bad posts by name", async () => {
    const persistTo = freshPersistDir();
    await migrate(persistTo);
    const dir = mkdtempSync(join(tmpdir(), "posts-"));
    writeFileSync(join(dir, "post.txt"), readFileSync(SAMPLE, "utf8"));
    writeFileSync(join(dir, "broken.md"), "---\ntitle: 没有日期\ncategories: guilinwanbao\n---\n<p>x</p>\n");
    writeFileSync(join(dir, "README.md"), "# 这些是导出的文章\n"); // about the posts, not one: skipped

    const first = await runImport([dir, "--persist-to", persistTo]);
    expect(first.stdout).toContain("imported 1, updated 0, unchanged 0, rejected 1");
    expect(first.stderr).toMatch(/rejected .*broken\.md: no date/);
    expect(first.code).toBe(1);

    const rows = await query(
      persistTo,
      "SELECT a.title, a.published_at, a.published_offset, s.slug, s.name, s.label FROM articles a JOIN sources s ON s.id = a.source_id",
    );
    expect(rows).toEqual([
      {
        title: "秀峰区一社区开办“家门口”招聘会 百余岗位供居民挑选",
        published_at: Date.UTC(2025, 8, 2, 0, 35, 12),
        published_offset: 480,
        slug: "guilinwanbao",
        name: "桂林晚报",
        label: "桂林晚报新闻",
      },
    ]);

    const again = await runImport([join(dir, "post.txt"), "--persist-to", persistTo]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("imported 0, updated 0, unchanged 1, rejected 0 (0 statements");

    const text = readFileSync(SAMPLE, "utf8");
    expect(text).toContain("<p>记者 莫凌云 通讯员 韦晓琳</p>");
    writeFileSync(
      join(dir, "post.txt"),
      text.replace("<p>记者 莫凌云 通讯员 韦晓琳</p>", "<p>记者 莫凌云（更正）</p>"),
    );
    const edited = await runImport([join(dir, "post.txt"), "--persist-to", persistTo]);
    expect(edited.stdout).toContain("imported 0, updated 1, unchanged 0");
    const after = await query(persistTo, "SELECT id, content_html FROM articles");
    expect(after).toHaveLength(1);
    expect(String(after[0]!.content_html)).toContain("记者 莫凌云（更正）");
  });

  it.skipIf(!hasSeed)(`imports the real seed post with its date, offset and source (${NEEDS_SEED})`, async () => {
    const persistTo = freshPersistDir();
    await migrate(persistTo);
    const r = await runImport([SEED_FILE, "--persist-to", persistTo]);
    expect(r.stdout).toContain("imported 1, updated 0, unchanged 0, rejected 0");
    expect(r.code).toBe(0);
    expect(
      await query(
        persistTo,
        "SELECT a.title, a.published_at, a.published_offset, s.slug, s.name, s.label FROM articles a JOIN sources s ON s.id = a.source_id",
      ),
    ).toEqual([
      {
        title: "居民“家门口”实现充分就业",
        published_at: Date.UTC(2022, 1, 21, 2, 27, 50),
        published_offset: 480,
        slug: "guilinwanbao",
        name: "桂林晚报",
        label: "桂林晚报新闻",
      },
    ]);
  });

  it("explains its usage instead of failing silently", async () => {
    const r = await runImport([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run import");
  });
});
