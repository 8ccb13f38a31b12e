// npm run lighthouse — Lighthouse 12 (the last major that runs on Node 20) with Debian's chromium on
// the home, a category, an article, the sources directory, the API reference and the operator's
// console (signed in) of a local site (fresh D1, the sample posts, `wrangler
// dev`), printing performance, accessibility, best practices and SEO per page. Exit code 1 when any
// score is under the target. Options: --form-factor mobile|desktop (default mobile, Lighthouse's
// default: a mid-range phone on slow 4G, simulated), --keep (write each page's HTML report to
// .tmp/lighthouse/). CHROMIUM_PATH overrides /usr/bin/chromium.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig } from "lighthouse";
import { ROOT, freshPersistDir, migrate, runImport, startDev } from "../test/e2e/server";

const TARGET = 95;
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

const { values } = parseArgs({
  options: { "form-factor": { type: "string", default: "mobile" }, keep: { type: "boolean", default: false } },
});
const formFactor = values["form-factor"];
if (formFactor !== "mobile" && formFactor !== "desktop") throw new Error("--form-factor wants mobile or desktop");

const persistTo = freshPersistDir();
await migrate(persistTo);
const imported = await runImport(["samples/posts", "--persist-to", persistTo, "--quiet"]);
if (imported.code !== 0) throw new Error(`sample import failed:\n${imported.stdout}\n${imported.stderr}`);
// A token so the operator's console can be measured signed in.
const TOKEN = "lighthouse-console-token-0123456789";
const server = await startDev(persistTo, { ADMIN_TOKEN: TOKEN });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
let failed = false;
try {
  // An article address from the home page's first summary, as a reader would find it.
  const home = await (await fetch(`${server.url}/`)).text();
  const article = /<article class="summary">[\s\S]*?<a href="([^"]+)"/.exec(home)?.[1];
  if (!article) throw new Error("no article link on the home page");
  const pages: Record<string, string> = {
    home: "/",
    category: "/category/guilinwanbao.html",
    article,
    directory: "/category/",
    "api-docs": "/api/v1/docs",
    "console-sign-in": "/admin/sign-in",
    console: "/admin",
    "console-source": "/admin/sources/guilinwanbao",
    "console-new": "/admin/new",
    "console-opml": "/admin/opml",
  };
  // The console's pages are measured signed in: the session cookie from the sign-in form.
  const signIn = await fetch(`${server.url}/admin/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
    body: new URLSearchParams({ token: TOKEN }),
  });
  const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);
  const rows: Record<string, string | number>[] = [];
  for (const [name, path] of Object.entries(pages)) {
    const url = `${server.url}${path}`;
    // One unmeasured load first, so wrangler dev's first-request compile is not in the score.
    const isConsole = path.startsWith("/admin/") || path === "/admin";
    const extraHeaders = isConsole ? { cookie } : undefined;
    // The console is noindex on purpose: SEO ("is-crawlable") does not apply to it.
    const categories = isConsole ? CATEGORIES.filter((c) => c !== "seo") : [...CATEGORIES];
    await fetch(url, { headers: extraHeaders }).then((r) => r.arrayBuffer());
    const result = await lighthouse(
      url,
      { port: chrome.port, output: "html", logLevel: "error", onlyCategories: categories, extraHeaders },
      formFactor === "desktop" ? desktopConfig : undefined,
    );
    if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const row: Record<string, string | number> = { page: name, path };
    for (const c of CATEGORIES) {
      if (!categories.includes(c)) {
        row[c] = "—";
        continue;
      }
      const score = Math.round((lhr.categories[c]?.score ?? 0) * 100);
      row[c] = score;
      if (score < TARGET) {
        failed = true;
        // Every audit that cost points in this category, so a miss says why.
        const misses = lhr.categories[c]!.auditRefs.filter(
          (ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1,
        ).map((ref) => {
          const a = lhr.audits[ref.id]!;
          return `${ref.id} (${[a.displayValue ?? `score ${a.score}`, a.explanation].filter(Boolean).join(": ")})`;
        });
        console.log(`${name} ${c} ${score}: ${misses.join(", ")}`);
      }
    }
    const m = (id: string) => lhr.audits[id]?.displayValue ?? "";
    row.FCP = m("first-contentful-paint");
    row.LCP = m("largest-contentful-paint");
    row.TBT = m("total-blocking-time");
    row.CLS = m("cumulative-layout-shift");
    rows.push(row);
    if (values.keep) {
      const dir = join(ROOT, ".tmp/lighthouse");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}-${formFactor}.html`), result.report as string);
    }
  }
  console.log(
    `\nLighthouse ${(await import("lighthouse/package.json", { with: { type: "json" } })).default.version} (${formFactor}), chromium ${await chromeVersion(chrome.port)}; target ≥ ${TARGET} in each\n`,
  );
  const cols = Object.keys(rows[0]!);
  console.log(`| ${cols.join(" | ")} |\n|${cols.map(() => " --- ").join("|")}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(" | ")} |`);
} finally {
  await chrome.kill();
  await server.stop();
}
process.exit(failed ? 1 : 0);

async function chromeVersion(port: number): Promise<string> {
  const v = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as { Browser: string };
  return v.Browser.replace(/^.*\//, "");
}
