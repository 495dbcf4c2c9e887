import { readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** What `<OPS_HOME>/local-stack.json` says about a running local stack. */
export interface RunningStack {
  readonly endpointUrl: string;
  readonly databaseUrl: string;
  readonly region: string;
  readonly functions: readonly string[];
  readonly historyFile: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** The file a running stack announces itself in, so other commands can find it. */
export function stackFile(home: string): string {
  return path.join(home, "local-stack.json");
}

/**
 * Writes the announcement of a running stack.
 *
 * @example
 * await writeStackFile(".ops", { endpointUrl, databaseUrl, region, functions, historyFile, pid: process.pid, startedAt });
 */
export async function writeStackFile(home: string, stack: RunningStack): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeFile(stackFile(home), `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the announcement, unless another stack has replaced it since. */
export async function removeStackFile(home: string, endpointUrl: string): Promise<void> {
  try {
    const current = JSON.parse(await readFile(stackFile(home), "utf8")) as Partial<RunningStack>;
    if (current.endpointUrl !== endpointUrl) return;
  } catch {
    return;
  }
  await rm(stackFile(home), { force: true });
}

/**
 * The local stack running for this OPS_HOME, or undefined when none is (no file, unreadable file,
 * or its process is gone).
 *
 * @example
 * const stack = readRunningStack(opsHome());
 * if (stack) env.AWS_ENDPOINT_URL_LAMBDA = stack.endpointUrl;
 */
export function readRunningStack(home: string): RunningStack | undefined {
  let stack: RunningStack;
  try {
    stack = JSON.parse(readFileSync(stackFile(home), "utf8")) as RunningStack;
  } catch {
    return undefined;
  }
  return typeof stack.endpointUrl === "string" && isRunning(stack.pid) ? stack : undefined;
}

function isRunning(pid: unknown): boolean {
  if (!Number.isInteger(pid)) return false;
  try {
    process.kill(pid as number, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
