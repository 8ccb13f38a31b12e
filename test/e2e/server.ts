// Helpers for end-to-end tests: a throwaway local D1 and a real `wrangler dev` on a free port.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", CI: "true" };

export const execFileP = promisify(execFile);

export function freshPersistDir(): string {
  return mkdtempSync(join(tmpdir(), "edge-news-e2e-"));
}

export async function migrate(persistTo: string): Promise<void> {
  await execFileP(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
    cwd: ROOT,
    env: ENV,
  });
}

/** Run the import CLI exactly as a user would; resolves with its exit code and output. */
export async function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(TSX, ["scripts/import.ts", ...args], { cwd: ROOT, env: ENV });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface DevServer {
  readonly url: string;
  stop(): Promise<void>;
  /** What wrangler dev printed so far (the worker's own log lines included). */
  log(): string;
}

/** `wrangler dev` on a free port over the given local state; resolves once it answers. */
export async function startDev(persistTo: string, vars: Record<string, string> = {}): Promise<DevServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const varArgs = Object.entries({ BASE_URL: url, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child: ChildProcess = spawn(
    WRANGLER,
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      persistTo,
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      ...varArgs,
    ],
    { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid!, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.status === 200) return { url, stop, log: () => log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within 90 s:\n${log}`);
}
