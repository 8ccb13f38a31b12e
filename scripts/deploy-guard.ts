// npm run deploy / deploy:staging and the workflow run this first: it refuses to deploy an
// environment whose settings are still the repository's placeholders, naming each one, so a first
// deploy never publishes canonical links, feeds and WebSub topics on example.com or points at a
// database that does not exist. It reads wrangler.toml through wrangler itself (environments
// resolved as `wrangler deploy --env` resolves them) and never touches the network.
//
//   tsx scripts/deploy-guard.ts <environment> [--config wrangler.toml] [--skip-unconfigured]
//
// --skip-unconfigured (the workflow, for staging): an environment that is entirely placeholders is
// "not set up" — exit 0 and `deploy=false` in $GITHUB_OUTPUT; one half set up is still refused.
import { appendFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { unstable_readConfig } from "wrangler";

/** The origin the repository ships for production, to be replaced by the site's own. */
const PLACEHOLDER_ORIGIN = "https://news.example.com";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Problem {
  /** The setting, as it is written in wrangler.toml. */
  readonly setting: string;
  readonly message: string;
  /** Still exactly what the repository ships (as opposed to filled in wrongly). */
  readonly placeholder: boolean;
}

function baseUrlProblem(env: string, raw: unknown): Problem | null {
  const setting = `[env.${env}.vars] BASE_URL`;
  const value = typeof raw === "string" ? raw.trim() : "";
  const fix = "set it to the site's public origin, e.g. https://news.your-domain.cn (README: Deploy from zero)";
  if (value === "") return { setting, placeholder: true, message: `${setting} is empty: ${fix}` };
  if (value.replace(/\/+$/, "") === PLACEHOLDER_ORIGIN) {
    return { setting, placeholder: true, message: `${setting} is the placeholder ${PLACEHOLDER_ORIGIN}: ${fix}` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { setting, placeholder: false, message: `${setting} "${value}" is not an absolute URL: ${fix}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { setting, placeholder: false, message: `${setting} "${value}" is not an http(s) URL: ${fix}` };
  }
  // RFC 2606 names and loopback cannot be a public site.
  if (/(^|\.)example\.(com|org|net)$|^localhost$|^127\./.test(url.hostname)) {
    return { setting, placeholder: false, message: `${setting} "${value}" is not a public origin: ${fix}` };
  }
  return null;
}

/** The part of wrangler's resolved config the guard reads (its own type is not shipped with wrangler). */
interface DeployConfig {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly d1_databases: readonly { binding: string; database_name?: string; database_id?: string }[];
}
type Databases = DeployConfig["d1_databases"];

function databaseProblems(env: string, databases: Databases): Problem[] {
  const fix = (name: string) =>
    `run \`npx wrangler d1 create ${name}\` and put the database_id it prints here (README: Deploy from zero)`;
  const db = databases.find((d) => d.binding === "DB");
  if (!db) {
    return [
      {
        setting: `[[env.${env}.d1_databases]]`,
        placeholder: false,
        message: `[[env.${env}.d1_databases]] has no binding "DB"`,
      },
    ];
  }
  const setting = `[[env.${env}.d1_databases]] database_id`;
  const id = (db.database_id ?? "").trim();
  const name = db.database_name ?? "<name>";
  if (id === "" || /^[0-]+$/.test(id)) {
    return [{ setting, placeholder: true, message: `${setting} is the all-zero placeholder: ${fix(name)}` }];
  }
  if (!UUID.test(id))
    return [{ setting, placeholder: false, message: `${setting} "${id}" is not a D1 id: ${fix(name)}` }];
  return [];
}

export interface Verdict {
  /** 0: deploy; 1: refused (nothing may be deployed). */
  readonly code: 0 | 1;
  /** Deploy this environment now (false also when an unconfigured one is skipped). */
  readonly deploy: boolean;
  readonly lines: readonly string[];
}

/** Whether `env` in the config may be deployed; the config is read exactly as wrangler reads it. */
export function checkEnvironment(env: string, options: { config?: string; skipUnconfigured?: boolean } = {}): Verdict {
  let resolved: DeployConfig;
  try {
    resolved = unstable_readConfig({ config: options.config, env });
  } catch (e) {
    return { code: 1, deploy: false, lines: [`deploy refused: ${(e as Error).message.trim()}`] };
  }
  const problems = [
    baseUrlProblem(env, resolved.vars.BASE_URL),
    ...databaseProblems(env, resolved.d1_databases),
  ].filter((p): p is Problem => p !== null);
  if (problems.length === 0) {
    return {
      code: 0,
      deploy: true,
      lines: [`deploy guard: ${env} is configured (BASE_URL ${resolved.vars.BASE_URL})`],
    };
  }
  // Both guarded settings exactly as shipped: the environment was never set up (not a mistake in it).
  const untouched = problems.length === 2 && problems.every((p) => p.placeholder);
  if (options.skipUnconfigured && untouched) {
    const which = problems.map((p) => p.setting).join(", ");
    return {
      code: 0,
      deploy: false,
      lines: [`deploy guard: ${env} is not set up (${which} still placeholders); not deploying it`],
    };
  }
  return {
    code: 1,
    deploy: false,
    lines: [
      `deploy refused: ${env} is not ready to deploy; nothing was deployed.`,
      ...problems.map((p) => `  - ${p.message}`),
    ],
  };
}

function main(argv: readonly string[]): number {
  const configIndex = argv.indexOf("--config");
  const config = configIndex >= 0 ? argv[configIndex + 1] : undefined;
  const env = argv.find((a, i) => !a.startsWith("--") && (configIndex < 0 || i !== configIndex + 1));
  if (!env) {
    console.error("usage: tsx scripts/deploy-guard.ts <environment> [--config wrangler.toml] [--skip-unconfigured]");
    return 2;
  }
  const verdict = checkEnvironment(env, { config, skipUnconfigured: argv.includes("--skip-unconfigured") });
  for (const line of verdict.lines) (verdict.code === 0 ? console.log : console.error)(line);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `deploy=${verdict.deploy}\n`);
  return verdict.code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = main(process.argv.slice(2));
