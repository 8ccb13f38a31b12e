// A real browser (Debian's chromium via playwright-core) walks the site like a reader:
// home → category → article → back. Any console error — including a CSP violation — fails it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { imageSettled, launchChromium } from "./chromium";

const base = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  // A request cut short because the test navigated on (net::ERR_ABORTED) is not a fault.
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return { page, problems };
}

describe("reading the site in a browser", () => {
  it("goes home → category → article → back with working links and no console errors", async () => {
    const { page, problems } = await openPage();
    const home = await page.goto(`${base}/`);
    expect(home!.status()).toBe(200);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.title()).toBe("本地新闻聚合");
    expect(await page.locator("main article.summary").count()).toBe(20);

    await page.click('nav[aria-label="新闻来源"] >> text=漓江日报');
    await page.waitForURL(`${base}/category/lijiangribao.html`);
    expect(await page.textContent("h1")).toBe("漓江日报新闻");

    const first = page.locator("main article.summary h2 a").first();
    const title = await first.textContent();
    await first.click();
    await page.waitForURL(/\/lijiangribao\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\.html$/);
    expect(await page.textContent("h1")).toBe(title);
    expect(await page.locator("time").first().textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(\+08:00\)$/);
    expect(await page.locator(".post-body p").count()).toBeGreaterThan(2);

    expect(problems).toEqual([]);
    await page.goBack();
    await page.waitForURL(`${base}/category/lijiangribao.html`);
    await page.click(".site-title a");
    await page.waitForURL(`${base}/`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows article images under the strict CSP, and the stylesheet applies", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/`);
    // Find an article with a picture by following the listing until one has an <img>.
    const links = await page
      .locator("main article.summary h2 a")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    let found = false;
    for (const href of links) {
      await page.goto(`${base}${href}`);
      const img = page.locator(".post-body img").first();
      if ((await img.count()) === 0) continue;
      await img.scrollIntoViewIfNeeded();
      await imageSettled(page, ".post-body img");
      expect(await img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      found = true;
      break;
    }
    expect(found).toBe(true);
    // Our stylesheet loaded: the header carries its accent border.
    const border = await page
      .locator(".site-header")
      .evaluate(
        (h) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { borderBottomStyle: string } }).getComputedStyle(h)
            .borderBottomStyle,
      );
    expect(border).toBe("solid");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a Chinese 404 page for an unknown address", async () => {
    const { page } = await openPage();
    const res = await page.goto(`${base}/category/no-such-paper.html`);
    expect(res!.status()).toBe(404);
    expect(await page.textContent("h1")).toBe("页面不存在");
    await page.close();
  });

  it("opens a feed as a readable page, with XSLT switched off as Chrome does from version 158", async () => {
    const noXslt = await launchChromium(["--disable-blink-features=XSLT"]);
    try {
      const page = await noXslt.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      for (const file of ["feed.xml", "rss.xml", "feed.json"]) {
        const url = `${base}/category/guilinwanbao/${file}`;
        const res = await page.goto(url);
        expect(res!.status()).toBe(200);
        expect(res!.headers()["content-type"]).toBe("text/html; charset=UTF-8");
        expect(await page.textContent("h1")).toBe("桂林晚报新闻 - 本地新闻聚合");
        expect(await page.textContent(".feed-notice")).toContain("给新闻阅读器读取的网址");
        expect(await page.inputValue("#feed-url")).toBe(url);
        const readers = await page.locator(".feeds a").allTextContents();
        expect(readers).toEqual(["Feedly", "Inoreader", "NewsBlur", "The Old Reader"]);
        expect(await page.locator("article.summary h2 a").count()).toBeGreaterThan(5);
      }
      // An item link leads to its article.
      const first = page.locator("article.summary h2 a").first();
      const title = await first.textContent();
      await first.click();
      await page.waitForURL(/\/guilinwanbao\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\.html$/);
      expect(await page.textContent("h1")).toBe(title);
      expect(problems).toEqual([]);
    } finally {
      await noXslt.close();
    }
  });

  it("searches from the header box and highlights the words, with no console errors", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/`);
    await page.fill('.site-search input[name="q"]', "社区");
    await page.press('.site-search input[name="q"]', "Enter");
    await page.waitForURL(`${base}/search?q=${encodeURIComponent("社区")}`);
    expect(await page.textContent("h1")).toBe("搜索：社区");
    expect(await page.locator("article.summary").count()).toBeGreaterThan(0);
    expect(await page.locator("article.summary mark").first().textContent()).toBe("社区");
    expect(problems).toEqual([]);
    await page.close();
  });
});
