import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `ops` (bin/ops.js) as a child process, the way a user does, and collects its output.
 *
 * @example
 * const run = await runOps(["migrate", "status", "--json"], { DATABASE_URL: url });
 */
export function runOps(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "bin/ops.js"), ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env }, cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Path of a migration fixture folder. */
export function fixture(name: string): string {
  return path.join(ROOT, "test/fixtures/migrations", name);
}

export const EXAMPLE_MIGRATIONS = path.join(ROOT, "lambdas/migration/migrations");
