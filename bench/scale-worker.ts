// Bench-only worker for bench:scale: fills the search index of bulk-loaded articles through the
// app's own backfill (indexMissing, what the cron runs for articles stored before the index
// existed), merges its segments as the cron does (searchMergeTick), and reports what a database
// holds. Never timed.
import { searchMergeTick } from "../src/archive/search-merge";
import { indexMissing } from "../src/db/search";
import { d1Runner } from "../src/db/sql";

export default {
  async fetch(req: Request, env: { DB: D1Database }): Promise<Response> {
    const url = new URL(req.url);
    try {
      switch (url.searchParams.get("op")) {
        case "index": {
          const n = Number(url.searchParams.get("n") ?? "1000");
          return Response.json({ indexed: await indexMissing(d1Runner(env.DB), n) });
        }
        case "merge":
          return Response.json(await searchMergeTick({ db: d1Runner(env.DB), log: () => undefined }));
        case "counts": {
          const row = await env.DB.prepare(
            `SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM sources) AS sources,
                    (SELECT count(*) FROM articles WHERE search_rowid IS NULL) AS unindexed,
                    (SELECT coalesce(sum(json_array_length(tags)), 0) FROM articles) AS articleTags`,
          ).first();
          return Response.json(row);
        }
        default:
          return new Response("unknown op", { status: 400 });
      }
    } catch (e) {
      return new Response(String((e as Error).stack ?? e), { status: 500 });
    }
  },
};
