import { env } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { importPosts } from "../../src/ingest/import-posts";
import { d1Runner } from "../../src/db/sql";
import { getArticle } from "../../src/db/articles";
import { articleId } from "../../src/core/ids";
import { NEEDS_SEED } from "../needs-shared";

// The real seed post from ../shared (null without it: its round trip is then skipped, saying so)
// and a post shipped with the repository, for what any well-formed post shows.
const seedPost = inject("seedPost");
const sample = inject("samplePosts")[0]!;
const db = d1Runner(env.DB);
const opts = { timeZone: "Asia/Shanghai", now: Date.UTC(2026, 0, 1) };
const SEED_URL = "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202212282859530";

async function count(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

describe("importing posts into D1", () => {
  // Each test starts from an empty database, whichever of them ran before it.
  beforeEach(async () => {
    await env.DB.batch([
      env.DB.prepare("DELETE FROM search_index"),
      env.DB.prepare("DELETE FROM articles"),
      env.DB.prepare("DELETE FROM sources"),
    ]);
  });

  it.skipIf(!seedPost)(
    `stores the seed post, then a re-import changes nothing, then an edit updates in place (${NEEDS_SEED})`,
    async () => {
      const seed = seedPost!;
      const first = await importPosts(db, [seed], opts);
      expect(first).toEqual({ imported: 1, updated: 0, unchanged: 0, rejected: [] });

      const id = await articleId("guilinwanbao", SEED_URL);
      const stored = await getArticle(db, id);
      expect(stored).not.toBeNull();
      expect(stored!.title).toBe("居民“家门口”实现充分就业");
      expect(stored!.published).toEqual({ ms: Date.UTC(2022, 1, 21, 2, 27, 50), offset: 480 });
      expect(stored!.pathDate).toBe("2022/02/21");
      expect(stored!.source).toEqual({ slug: "guilinwanbao", name: "桂林晚报", label: "桂林晚报新闻" });
      expect(stored!.tags).toEqual(["桂林晚报新闻"]);
      expect(stored!.originalUrl).toBe(SEED_URL);
      expect(stored!.contentHtml).not.toContain("返回首页");

      const before = await env.DB.prepare("SELECT * FROM articles").all();
      const again = await importPosts(db, [seed], { ...opts, now: opts.now + 86_400_000 });
      expect(again).toEqual({ imported: 0, updated: 0, unchanged: 1, rejected: [] });
      expect((await env.DB.prepare("SELECT * FROM articles").all()).results).toEqual(before.results);

      const edited = {
        name: seed.name,
        text: seed.text
          .replace("居民“家门口”实现充分就业", "居民在家门口实现充分就业（更新）")
          .replace("tags: 桂林晚报新闻", "tags: [桂林晚报新闻, 就业]"),
      };
      const third = await importPosts(db, [edited], opts);
      expect(third).toEqual({ imported: 0, updated: 1, unchanged: 0, rejected: [] });
      expect(await count("articles")).toBe(1);
      const updated = await getArticle(db, id);
      expect(updated!.title).toBe("居民在家门口实现充分就业（更新）");
      expect(updated!.tags).toEqual(["桂林晚报新闻", "就业"]);
      expect(updated!.pathDate).toBe("2022/02/21");
    },
  );

  it("rejects malformed posts by name and still imports the rest", async () => {
    const bad = { name: "broken.txt", text: "---\ntitle: [\n---\n<p>x</p>" };
    const noTitle = {
      name: "untitled.txt",
      text: "---\ndate: 2022-02-21 10:00:00 +0800\ncategories: guilinwanbao\n---\n<p>x</p>",
    };
    const summary = await importPosts(db, [bad, sample, noTitle], opts);
    expect(summary.imported + summary.unchanged + summary.updated).toBe(1);
    expect(summary.rejected.map((r) => r.file)).toEqual(["broken.txt", "untitled.txt"]);
    expect(summary.rejected[0]!.reason).toMatch(/YAML/);
    expect(summary.rejected[1]!.reason).toMatch(/title/);
  });

  it("treats two files with the same original URL as one article", async () => {
    const copy = { name: "copy.txt", text: sample.text };
    await importPosts(db, [sample, copy], opts);
    expect(await count("articles")).toBe(1);
  });
});
