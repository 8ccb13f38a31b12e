// The one way e2e tests start a browser: Debian's chromium (CI elsewhere may point CHROMIUM_PATH at
// another build), headless, and kept off the network apart from the pages a test opens (no
// background requests, no component updates: tests send traffic to loopback only).
import { type Browser, chromium } from "playwright-core";

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
