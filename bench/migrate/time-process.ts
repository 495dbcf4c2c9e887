import { spawn } from "node:child_process";

/** A command line to run as its own process. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** How a timed process ended. */
export interface TimedRun {
  /** Wall time from spawn to exit, in seconds. */
  readonly seconds: number;
  readonly exitCode: number | null;
  /** stdout and stderr interleaved, kept to explain a failure. */
  readonly output: string;
}

/**
 * Runs `line` as a child process and measures its wall time with `process.hrtime`.
 *
 * @example
 * const run = await timeProcess({ command: "node", args: ["-e", "0"] }, process.cwd());
 */
export function timeProcess(line: CommandLine, cwd: string): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const started = process.hrtime.bigint();
    const child = spawn(line.command, [...line.args], {
      cwd,
      env: { ...withoutDatabaseUrl(process.env), ...line.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, exitCode, output: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

// Each tool is told its database explicitly; an inherited DATABASE_URL must not point elsewhere.
function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...rest } = env;
  return rest;
}
