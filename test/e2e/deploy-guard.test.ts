// What "Deploy from zero" relies on and this machine can check without a Cloudflare account: every
// environment builds (`wrangler deploy --dry-run`), and the deploy guard refuses an environment
// whose BASE_URL or database_id is still a placeholder, naming the setting, before anything runs.
// Nothing here may reach the network: dry runs stay local, and every child gets a dead proxy.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkEnvironment } from "../../scripts/deploy-guard";
import { ROOT, execFileP } from "./server";

const SHIPPED = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
const ZERO_ID = '"00000000-0000-0000-0000-000000000000"';
const OFFLINE = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_API_TOKEN: "",
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
};

/** A temporary copy of wrangler.toml with the given edits applied, one occurrence each. */
function configWith(edits: [from: string, to: string][]): string {
  let text = SHIPPED;
  for (const [from, to] of edits) {
    expect(text, `wrangler.toml contains ${from}`).toContain(from);
    text = text.replace(from, to);
  }
  const file = join(mkdtempSync(join(tmpdir(), "guard-")), "wrangler.toml");
  writeFileSync(file, text);
  return file;
}

// The deployed environments' ids, in file order (staging, then production); the top-level (local)
// one carries a comment after it, so it never matches.
const ID_LINE = `database_id = ${ZERO_ID}\n`;
const STAGING_ID: [string, string] = [ID_LINE, 'database_id = "1b6f0c2e-7d4a-4c1e-9a3f-2e8d5b7c9a01"\n'];
const PRODUCTION_ID: [string, string] = [ID_LINE, 'database_id = "3f2a7c1e-9b4d-4e6a-8c21-5d7f0a9b1e33"\n'];
// The top-level (local) BASE_URL is empty too; staging's follows its comment.
const STAGING_URL: [string, string] = [
  'refuse it empty.\nBASE_URL = ""\n',
  'refuse it empty.\nBASE_URL = "https://staging.news.test.cn"\n',
];
const PRODUCTION_URL = (value: string): [string, string] => [
  'BASE_URL = "https://news.example.com"',
  `BASE_URL = ${JSON.stringify(value)}`,
];

describe.each([
  { env: "staging", db: "edge-news-staging", queues: ["edge-news-refresh-staging", "edge-news-websub-staging"] },
  { env: "production", db: "edge-news", queues: ["edge-news-refresh", "edge-news-websub"] },
])("wrangler deploy --dry-run --env $env", ({ env, db, queues }) => {
  it("builds the Worker with its own database, queues and a source map", async () => {
    const out = mkdtempSync(join(tmpdir(), `dry-run-${env}-`));
    const { stdout } = await execFileP(
      join(ROOT, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--env", env, "--outdir", out],
      { cwd: ROOT, env: OFFLINE },
    );
    expect(stdout).toContain("--dry-run: exiting now.");
    expect(stdout).toMatch(new RegExp(`env\\.DB \\(${db}\\)\\s+D1 Database`));
    for (const q of queues) expect(stdout).toContain(`(${q})`);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(["index.js", "index.js.map"]));
  });
});

describe("the deploy guard on wrangler.toml as shipped", () => {
  it("refuses production, naming BASE_URL and database_id", () => {
    const v = checkEnvironment("production", { config: join(ROOT, "wrangler.toml") });
    expect(v.code).toBe(1);
    const text = v.lines.join("\n");
    expect(text).toContain("[env.production.vars] BASE_URL is the placeholder https://news.example.com");
    expect(text).toContain("[[env.production.d1_databases]] database_id is the all-zero placeholder");
    expect(text).toContain("run `npx wrangler d1 create edge-news` and put the database_id it prints here");
  });

  it("refuses staging too, unless told to skip an environment that was never set up", () => {
    const config = join(ROOT, "wrangler.toml");
    expect(checkEnvironment("staging", { config })).toMatchObject({ code: 1, deploy: false });
    expect(checkEnvironment("staging", { config, skipUnconfigured: true })).toMatchObject({ code: 0, deploy: false });
  });

  it("npm run deploy stops at the guard: exit 1, the reason, and wrangler never starts", async () => {
    const run = execFileP("npm", ["run", "--silent", "deploy"], { cwd: ROOT, env: OFFLINE });
    const err = (await run.then(
      () => ({ code: 0, stdout: "", stderr: "" }),
      (e: unknown) => e,
    )) as { code: number; stdout: string; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain("deploy refused: production is not ready to deploy; nothing was deployed.");
    expect(err.stderr).toContain("BASE_URL");
    expect(`${err.stdout}${err.stderr}`).not.toMatch(/wrangler \d|Migrations|Uploaded/);
  });
});

describe("the deploy guard on a filled-in copy", () => {
  it("lets production through once BASE_URL and database_id are real", () => {
    const config = configWith([STAGING_ID, PRODUCTION_ID, PRODUCTION_URL("https://news.mysite.cn")]);
    expect(checkEnvironment("production", { config })).toMatchObject({ code: 0, deploy: true });
  });

  it.each([
    ["empty", "", /BASE_URL is empty/],
    ["the placeholder with a slash", "https://news.example.com/", /BASE_URL is the placeholder/],
    ["not absolute", "news.mysite.cn", /BASE_URL "news\.mysite\.cn" is not an absolute URL/],
    ["another reserved name", "https://www.example.org", /is not a public origin/],
    ["loopback", "http://localhost:8787", /is not a public origin/],
  ])("refuses a BASE_URL that is %s", (_name, value, message) => {
    const config = configWith([STAGING_ID, PRODUCTION_ID, PRODUCTION_URL(value)]);
    const v = checkEnvironment("production", { config });
    expect(v.code).toBe(1);
    expect(v.lines.join("\n")).toMatch(message);
    expect(v.lines.join("\n")).not.toContain("database_id");
  });

  it("refuses a database_id that is not a D1 id", () => {
    const config = configWith([
      STAGING_ID,
      [ID_LINE, 'database_id = "edge-news"\n'],
      PRODUCTION_URL("https://news.mysite.cn"),
    ]);
    const v = checkEnvironment("production", { config });
    expect(v.code).toBe(1);
    expect(v.lines.join("\n")).toContain('[[env.production.d1_databases]] database_id "edge-news" is not a D1 id');
  });

  it("never skips a half set-up staging: it names what is missing", () => {
    const config = configWith([STAGING_ID]);
    const v = checkEnvironment("staging", { config, skipUnconfigured: true });
    expect(v.code).toBe(1);
    expect(v.lines.join("\n")).toContain("[env.staging.vars] BASE_URL is empty");
  });

  it("deploys a set-up staging, and tells the workflow so through GITHUB_OUTPUT", async () => {
    const config = configWith([STAGING_ID, STAGING_URL]);
    const output = join(mkdtempSync(join(tmpdir(), "gh-output-")), "out");
    writeFileSync(output, "");
    const { stdout } = await execFileP(
      join(ROOT, "node_modules/.bin/tsx"),
      ["scripts/deploy-guard.ts", "staging", "--config", config, "--skip-unconfigured"],
      { cwd: ROOT, env: { ...OFFLINE, GITHUB_OUTPUT: output } },
    );
    expect(stdout).toContain("staging is configured (BASE_URL https://staging.news.test.cn)");
    expect(readFileSync(output, "utf8")).toBe("deploy=true\n");
  });
});

describe(".github/workflows/deploy.yml", () => {
  interface Step {
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, string>;
  }
  const workflow = parse(readFileSync(join(ROOT, ".github/workflows/deploy.yml"), "utf8")) as {
    jobs: Record<string, { needs?: string | string[]; steps: Step[] }>;
  };
  const text = readFileSync(join(ROOT, ".github/workflows/deploy.yml"), "utf8");

  it("pins every action by commit SHA with its release in a comment, and takes Node from .nvmrc", () => {
    const uses = [...text.matchAll(/uses: (\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, comment] of uses) {
      expect(ref).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
    for (const job of Object.values(workflow.jobs)) {
      const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect(node?.with?.["node-version-file"]).toBe(".nvmrc");
    }
  });

  it("deploys only through the guarded npm scripts; staging may skip itself, production follows it", () => {
    const runs = (job: string) => workflow.jobs[job]!.steps.map((s) => s.run ?? "");
    expect(runs("staging")).toContain("npx tsx scripts/deploy-guard.ts staging --skip-unconfigured");
    expect(runs("staging")).toContain("npm run deploy:staging");
    expect(runs("production")).toContain("npm run deploy");
    expect(workflow.jobs.production!.needs).toEqual(["test", "staging"]);
    // No step deploys around the guard.
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) expect(step.run ?? "").not.toMatch(/wrangler (deploy|d1 migrations apply)/);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.deploy).toMatch(/^tsx scripts\/deploy-guard\.ts production && /);
    expect(pkg.scripts["deploy:staging"]).toMatch(/^tsx scripts\/deploy-guard\.ts staging && /);
  });
});
