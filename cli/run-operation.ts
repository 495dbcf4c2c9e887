import os from "node:os";
import { noMetrics, silentLogger } from "../lambdas/kit/context.ts";
import type { OpsResult } from "../lambdas/kit/envelope.ts";
import { executeOperation, type OpsFunction } from "../lambdas/kit/operation.ts";
import { type DataRenderer, dim, renderResult } from "./render.ts";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./usage.ts";

/** Where a command writes. Tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
};

/** Result codes that mean the input was bad (exit 2) rather than the operation failing (exit 1). */
const INPUT_ERRORS = new Set(["INVALID_REQUEST", "INVALID_MIGRATIONS"]);

/**
 * Runs one operation in-process exactly as the Lambda would (same envelope, same core), printing
 * progress and a human report, or one JSON document with `--json`. Returns the exit code.
 *
 * @example
 * return runOperationCommand(migrationFunction, { operation: "status" }, { json: false, io });
 */
export async function runOperationCommand(
  fn: OpsFunction,
  event: { operation: string; params?: Record<string, unknown>; dryRun?: boolean },
  options: { json: boolean; io: CliIo; render?: DataRenderer },
): Promise<number> {
  const { io, json } = options;
  const result: OpsResult = await executeOperation(
    fn,
    { ...event, context: cliContext(io.env) },
    {
      log: silentLogger,
      metrics: noMetrics,
      ...(json ? {} : { progress: (message: string) => io.stdout(dim(`  … ${message}`)) }),
    },
  );
  io.stdout(json ? JSON.stringify(result, null, 2) : renderResult(result, options.render));
  return exitCodeOf(result);
}

export function exitCodeOf(result: OpsResult): number {
  if (result.ok) return EXIT_OK;
  return INPUT_ERRORS.has(result.error?.code ?? "") ? EXIT_USAGE : EXIT_FAILED;
}

function cliContext(env: NodeJS.ProcessEnv) {
  return {
    actor: env.GITHUB_ACTOR ?? safeUser(),
    environment: env.OPS_ENV ?? "local",
    source: "cli" as const,
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "unknown";
  }
}
