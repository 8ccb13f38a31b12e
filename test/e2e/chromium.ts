// The one way e2e tests start a browser: Debian's chromium (CI elsewhere may point CHROMIUM_PATH at
// another build), headless, and kept off the network apart from the pages a test opens (no
// background requests, no component updates: tests send traffic to loopback only).
import { type Browser, type Page, chromium } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
] as const;

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** Wait until the first image `selector` matches has loaded or failed (its `complete`), polled
 *  from the test: page.waitForFunction evaluates its predicate with eval inside the page, which
 *  the site's CSP (no 'unsafe-eval') refuses whenever the first check is not already true. */
export async function imageSettled(page: Page, selector: string): Promise<void> {
  await expect
    .poll(() => page.$eval(selector, (img) => (img as unknown as { complete: boolean }).complete), {
      timeout: 10_000,
    })
    .toBe(true);
}
