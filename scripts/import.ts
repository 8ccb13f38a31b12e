// npm run import -- <file|dir>... [--remote] [--persist-to DIR] [--env NAME] [--timezone ZONE]
// Loads posts in the original site's Jekyll format into D1 (local by default).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { importPosts, type PostFile } from "../src/ingest/import-posts";
import { isTimeZone } from "../src/core/time";
import { wranglerRunner } from "./wrangler-runner";

const POST_FILE = /\.(txt|md|markdown|html)$/i;

/** Post files under `path`; a file named on the command line is always taken, while a folder's
 *  README is about the posts, not one of them. */
function collect(path: string, out: string[], named = true): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (!name.startsWith(".")) collect(join(path, name), out, false);
    }
  } else if (named || (POST_FILE.test(path) && !/(^|[\\/])README\.[a-z]+$/i.test(path))) {
    out.push(path);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      remote: { type: "boolean", default: false },
      "persist-to": { type: "string" },
      env: { type: "string" },
      timezone: { type: "string", default: "Asia/Shanghai" },
      database: { type: "string", default: "DB" },
      quiet: { type: "boolean", default: false },
    },
  });
  if (positionals.length === 0) {
    console.error(
      "usage: npm run import -- <file|dir>... [--remote] [--persist-to DIR] [--env NAME] [--timezone ZONE]",
    );
    return 2;
  }
  if (!isTimeZone(values.timezone)) {
    console.error(`--timezone: unknown zone ${values.timezone}`);
    return 2;
  }
  const paths: string[] = [];
  for (const p of positionals) {
    try {
      collect(p, paths);
    } catch (e) {
      console.error(`cannot read ${p}: ${(e as Error).message}`);
      return 2;
    }
  }
  const files: PostFile[] = paths.map((name) => ({ name, text: readFileSync(name, "utf8") }));
  const db = wranglerRunner({
    database: values.database,
    remote: values.remote,
    persistTo: values["persist-to"],
    env: values.env,
  });
  const where = values.remote ? "remote D1" : "local D1";
  if (!values.quiet) console.error(`importing ${files.length} files into ${where}…`);
  let lastShown = 0;
  const summary = await importPosts(db, files, {
    timeZone: values.timezone,
    now: Date.now(),
    onProgress(done, total) {
      if (!values.quiet && (done - lastShown >= 500 || done === total)) {
        console.error(`  parsed and planned ${done}/${total}`);
        lastShown = done;
      }
    },
  });
  const statements = await db.flush();
  for (const r of summary.rejected) console.error(`rejected ${r.file}: ${r.reason}`);
  console.log(
    `imported ${summary.imported}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected.length}` +
      ` (${statements} statements written to ${where})`,
  );
  return summary.rejected.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`import failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
