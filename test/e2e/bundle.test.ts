// The production build as `wrangler deploy --dry-run` makes it, and its size budget.
import { describe, expect, it } from "vitest";
import { ROOT, execFileP } from "./server";

describe("npm run check:bundle", () => {
  it("builds the production Worker and reports it under the 200 KiB gzip budget", async () => {
    const { stdout } = await execFileP("npm", ["run", "--silent", "check:bundle"], { cwd: ROOT });
    const m = /worker bundle: ([\d.]+) KiB, gzipped ([\d.]+) KiB \(budget (\d+) KiB\)/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    expect(Number(m![3])).toBe(200);
    expect(Number(m![2])).toBeLessThan(200);
    expect(Number(m![2])).toBeGreaterThan(10);
  });

  it("fails when the bundle is over its budget", async () => {
    const run = execFileP("npm", ["run", "--silent", "check:bundle"], {
      cwd: ROOT,
      env: { ...process.env, BUNDLE_BUDGET_KIB: "1" },
    });
    await expect(run).rejects.toMatchObject({ code: 1 });
  });
});
