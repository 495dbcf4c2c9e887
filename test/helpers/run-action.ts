import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** What one run of an action bundle left behind. */
export interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

let step = 0;

/**
 * Runs a built action like the GitHub runner: `node dist/index.js` with inputs as
 * `INPUT_<NAME>` (hyphens kept), outputs and the job summary in the files named by
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (fresh ones in `dir` for each run).
 *
 * @example
 * const run = await runActionBundle(BUNDLE, { operation: "status" }, { dir, env: stack.env });
 */
export async function runActionBundle(
  bundle: string,
  inputs: Record<string, string>,
  options: { dir: string; env: Record<string, string> },
): Promise<ActionRun> {
  step += 1;
  const outputFile = path.join(options.dir, `output-${step}`);
  const summaryFile = path.join(options.dir, `summary-${step}.md`);
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: options.dir,
    GITHUB_WORKSPACE: options.dir,
    RUNNER_TEMP: options.dir,
    ...options.env,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [bundle], { env, timeout: 60_000 }, (error, out) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: out });
    });
  });
  return {
    code,
    stdout,
    outputs: parseOutputFile(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
  };
}

/** Parses `name<<delimiter\nvalue\ndelimiter` entries of a GITHUB_OUTPUT file. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1] as string] = match[3] as string;
  }
  return outputs;
}

/** The `::error` workflow-command lines of an action's output. */
export function errorLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line.startsWith("::error"));
}
