// The operator's console in a real browser against `wrangler dev` and a local upstream, by
// keyboard where a form allows it: sign in, add a source with a preview, refresh it, read its
// articles on the public site, import an OPML of 20 feeds, pause one, delete one, sign out.
// Any console error — a CSP violation included — fails it.
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "../../scripts/sample-upstream.mjs";
import { ROOT, type DevServer, freshPersistDir, migrate, startDev } from "./server";

const TOKEN = "e2e-console-token-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "console-upstream-"));
let upstream: { url: string; close(): Promise<void> };
let site: DevServer;
let browser: Browser;

beforeAll(async () => {
  for (let i = 1; i <= 20; i++) copyFileSync(join(ROOT, "samples/upstream/lingchuan.xml"), join(dir, `feed-${i}.xml`));
  // Seven items, so the preview's "first five" is seen to cut.
  const items = Array.from(
    { length: 7 },
    (_, i) =>
      `<item><title>灵川新闻第${i + 1}条</title><link>https://lingchuan.example.com/${i + 1}.html</link><pubDate>Thu, 20 Nov 2025 0${i}:10:00 +0800</pubDate><description>第${i + 1}条的正文。</description></item>`,
  ).join("");
  // The paper's site: a page that advertises two feeds (the first is chosen).
  writeFileSync(
    join(dir, "site.html"),
    `<!DOCTYPE html><html><head><title>灵川日报</title><link rel="alternate" type="application/rss+xml" href="/feed-0.xml"><link rel="alternate" type="application/rss+xml" href="/feed-1.xml"></head><body>首页</body></html>`,
  );
  writeFileSync(
    join(dir, "feed-0.xml"),
    `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>灵川日报</title><link>https://lingchuan.example.com/</link><description>d</description>${items}</channel></rss>`,
  );
  upstream = await startUpstream(dir, 0);
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN, MEMORY_CACHE_MB: "0" });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await upstream?.close();
});

/** Focus a control and press a key, as a keyboard user would after tabbing to it. */
async function press(page: Page, selector: string, key = "Enter") {
  await page.focus(selector);
  await page.keyboard.press(key);
}

describe("the operator's console in a browser", () => {
  it("walks sign-in → add → preview → save → refresh → OPML → pause → delete → sign-out", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));

    await page.goto(`${site.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
    await page.focus("#token");
    await page.keyboard.type("not-the-token-at-all");
    await page.keyboard.press("Enter");
    await page.waitForLoadState();
    expect(await page.textContent("[role=alert]")).toContain("令牌不正确");
    await page.focus("#token");
    await page.keyboard.type(TOKEN);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${site.url}/admin`);
    expect(await page.textContent("h1")).toBe("来源管理");

    // Add a source: the address, then Enter submits the form's first button (预览).
    await press(page, 'a[href="/admin/new"] >> nth=0');
    await page.waitForURL(`${site.url}/admin/new`);
    await page.focus("#n-address");
    await page.keyboard.type(`${upstream.url}/site.html`);
    await page.keyboard.press("Tab");
    await page.keyboard.type("灵川日报");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#preview");
    expect(await page.locator("section ol li").count()).toBe(5);
    expect(await page.locator("section ol li .date").first().textContent()).toBe("2025-11-20 00:10（+08:00）");
    expect(await page.textContent("#preview + p code")).toBe(`${upstream.url}/feed-0.xml`);
    expect(await page.textContent("main")).toContain("已选用它提供的订阅源；它还提供了 1 个");
    expect(await page.textContent("#preview ~ dl")).toBe("标题灵川日报编码UTF-8（HTTP 响应头 Content-Type）");
    expect(await page.inputValue("#n-slug")).toBe("site");
    await page.fill("#n-slug", "lingchuan");
    await press(page, 'button[value="save"]');
    await page.waitForURL(`${site.url}/admin/sources/lingchuan`);

    // Refresh now: the outcome is on the page, the fetch in the log, the articles on the site.
    await press(page, 'form[action$="/refresh"] button');
    await page.waitForSelector("[role=status]");
    expect(await page.textContent("[role=status]")).toMatch(/抓取完成：新增 [1-9]\d* 篇/);
    expect(await page.locator("#fetches + .table-wrap tbody tr").count()).toBe(1);
    const firstTitle = (await page.locator("section[aria-labelledby=articles] li a").first().textContent()) ?? "";
    await page.goto(`${site.url}/category/lingchuan.html`);
    expect(await page.textContent("main")).toContain(firstTitle);

    // The same address again: the slug is said to be taken.
    await page.goto(`${site.url}/admin/new`);
    await page.fill("#n-address", `${upstream.url}/feed-0.xml`);
    await page.fill("#n-slug", "lingchuan");
    await press(page, "#n-address");
    await page.waitForSelector("#preview");
    await press(page, 'button[value="save"]');
    await page.waitForLoadState();
    expect(await page.textContent("[role=alert]")).toContain("已被其他来源使用");

    // OPML of 20 feeds, pasted.
    const outlines = Array.from(
      { length: 20 },
      (_, i) => `<outline text="Paper ${i + 1}" type="rss" xmlUrl="${upstream.url}/feed-${i + 1}.xml"/>`,
    ).join("");
    await page.goto(`${site.url}/admin/opml`);
    await page.fill("#o-text", `<?xml version="1.0"?><opml version="2.0"><head/><body>${outlines}</body></opml>`);
    await press(page, ".console-form button[type=submit]");
    await page.waitForSelector("table caption");
    expect(await page.locator("tbody tr", { hasText: "已添加" }).count()).toBe(20);

    // Pause one, delete another (behind a confirmation).
    await page.goto(`${site.url}/admin/sources/paper-1`);
    await press(page, 'form[action$="/pause"] button');
    await page.waitForSelector("[role=status]");
    expect(await page.textContent("[role=status]")).toContain("已暂停抓取");
    await page.goto(`${site.url}/admin?state=paused`);
    expect(await page.locator("tbody tr").count()).toBe(1);
    await page.goto(`${site.url}/admin/sources/paper-2`);
    await press(page, 'a[href$="/delete"]');
    await page.waitForURL(/\/delete$/);
    expect(await page.textContent("main")).toContain("0 篇文章");
    await press(page, 'form[action$="/delete"] button');
    await page.waitForURL(/\/admin\?deleted=paper-2$/);
    await page.goto(`${site.url}/admin`);
    expect(await page.locator("tbody tr").count()).toBe(20);

    // Sign out: the console is closed again.
    await press(page, 'form[action="/admin/sign-out"] button');
    await page.waitForURL(`${site.url}/admin/sign-in`);
    await page.goto(`${site.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
    // The wrong token (401) and the taken slug (409) are answered with those statuses on purpose.
    expect(problems.filter((p) => !/responded with a status of (401|409)\b/.test(p))).toEqual([]);
  }, 120_000);
});
