import { readFile } from "node:fs/promises";
import os from "node:os";
import { InvokeError } from "../../actions/invoke/errors.ts";
import {
  awsInvokeDeps,
  describeFailure,
  type InvokeReport,
  invokeOpsFunction,
} from "../../actions/invoke/invoke.ts";
import { type InvokeRequest, requestIdFor } from "../../actions/invoke/request.ts";
import { ENVIRONMENTS, FUNCTION_TIMEOUTS } from "../../actions/kit/environments.ts";
import { type ResolvedFunction, resolveFunction } from "../../actions/kit/functions.ts";
import { InputError, objectFromText } from "../../actions/kit/inputs.ts";
import type { OpsResult } from "../../lambdas/kit/envelope.ts";
import { redactText } from "../../lambdas/kit/redact.ts";
import { parseCommandArgs } from "../args.ts";
import { opsHome } from "../local/paths.ts";
import { startLocalStack } from "../local/stack.ts";
import { readRunningStack } from "../local/stack-file.ts";
import { migrateRenderers } from "../migrate-renderers.ts";
import { type DataRenderer, dim, red, renderResult } from "../render.ts";
import { renderHealthChecks } from "../renderers.ts";
import { type CliIo, exitCodeOf } from "../run-operation.ts";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../usage.ts";

/** Where the invocation goes: real AWS (standard chain) or the local stack's endpoint. */
interface Target {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  release(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
/** Names of the action's inputs as the CLI spells them, for usage errors. */
const FLAGS: Readonly<Record<string, string>> = {
  "function-name": "FUNCTION",
  operation: "OPERATION",
  params: "--params",
  environment: "--env",
  "aws-region": "AWS_REGION",
};

/**
 * `ops invoke FUNCTION OPERATION [--params JSON|@file] [--env ENV] [--json]`: invokes an ops Lambda
 * through the same core as the invoke action. With `--env local` it uses the running
 * `ops local start`, or starts the local stack for the call.
 */
export async function invokeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    params: { type: "string" },
    env: { type: "string" },
    json: { type: "boolean", default: false },
  });
  const [name, operation, extra] = positionals;
  if (!name || !operation)
    throw new UsageError(
      "expected FUNCTION and OPERATION, e.g. 'ops invoke migration status --env local'",
    );
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const environment = values.env ?? io.env.OPS_ENV;
  const params = await readParams(values.params);
  const resolved = asUsage(() => resolveFunction(name, environment));
  const progress = values.json ? () => {} : (message: string) => io.stderr(dim(`  … ${message}`));
  const target = await openTarget(environment, resolved, io, progress);
  try {
    const request = buildRequest({ resolved, operation, params, environment, target, io });
    const report = await asUsageAsync(() =>
      invokeOpsFunction(request, awsInvokeDeps(target.region, { ...target, progress })),
    );
    io.stdout(values.json ? JSON.stringify(jsonDocument(report), null, 2) : renderReport(report));
    return exitCodeOfReport(report);
  } catch (error) {
    if (!(error instanceof InvokeError)) throw error;
    io.stderr(`ops invoke: ${redactText(error.message)}\n  Next: ${error.hint}`);
    return EXIT_FAILED;
  } finally {
    await target.release();
  }
}

function exitCodeOfReport(report: InvokeReport): number {
  if (report.result) return exitCodeOf(report.result);
  return report.outcome === "function-error" ? EXIT_FAILED : EXIT_OK;
}

async function readParams(value: string | undefined): Promise<Record<string, unknown>> {
  if (value === undefined) return {};
  if (!value.startsWith("@")) return asUsage(() => objectFromText("params", value));
  const file = value.slice(1);
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `--params must name a readable JSON or YAML file after '@', got '${file}' (${error.code})`,
    );
  });
  return asUsage(() => objectFromText("params", text));
}

function buildRequest(given: {
  resolved: ResolvedFunction;
  operation: string;
  params: Record<string, unknown>;
  environment: string | undefined;
  target: Target;
  io: CliIo;
}): InvokeRequest {
  const { resolved, operation, params, environment } = given;
  const identity = {
    functionName: resolved.functionName,
    environment,
    operation,
    params,
    dryRun: false,
  };
  const timeoutSeconds = (resolved.key ? FUNCTION_TIMEOUTS[resolved.key] : undefined) ?? 900;
  return {
    ...identity,
    region: given.target.region,
    invocationType: "RequestResponse",
    logTail: true,
    timeoutMs: (timeoutSeconds + 60) * 1000,
    // A fresh id per command: running `ops invoke` again means running the operation again.
    requestId: requestIdFor({}, identity),
    context: {
      actor: given.io.env.GITHUB_ACTOR ?? userName(),
      environment: environment ?? "unknown",
      source: "cli",
    },
    signingKey: given.io.env.OPS_SIGNING_KEY || undefined,
  };
}

async function openTarget(
  environment: string | undefined,
  resolved: ResolvedFunction,
  io: CliIo,
  progress: (message: string) => void,
): Promise<Target> {
  if (environment !== "local") {
    const region =
      io.env.AWS_REGION ??
      io.env.AWS_DEFAULT_REGION ??
      resolved.arnRegion ??
      (environment ? ENVIRONMENTS[environment]?.region : undefined);
    if (!region)
      throw new UsageError(
        "set AWS_REGION, or pass --env ENV or an ARN, to say which region to call",
      );
    return { region, release: async () => {} };
  }
  const running = readRunningStack(opsHome(io.env));
  if (running) {
    return {
      region: running.region,
      endpoint: running.endpointUrl,
      credentials: LOCAL_CREDENTIALS,
      release: async () => {},
    };
  }
  progress("No `ops local start` running: starting the local stack for this call");
  const stack = await startLocalStack({ env: io.env, progress });
  return {
    region: stack.region,
    endpoint: stack.endpointUrl,
    credentials: LOCAL_CREDENTIALS,
    release: () => stack.stop(),
  };
}

function renderReport(report: InvokeReport): string {
  if (report.result) return renderResult(report.result, dataRenderer(report.result));
  const lines = [
    describeFailure(report)
      ? `${red("✖")} ${describeFailure(report)}`
      : `status ${report.statusCode}`,
  ];
  if (report.payload !== undefined && !report.functionError)
    lines.push(JSON.stringify(report.payload, null, 2));
  if (report.logTail) lines.push(dim(report.logTail.trimEnd()));
  lines.push(dim(`  request ${report.request.requestId}`));
  return lines.join("\n");
}

/** The human renderer of a result's data, as `ops migrate` / `ops health` show it. */
function dataRenderer(result: OpsResult): DataRenderer | undefined {
  if (result.function === "migration") return migrateRenderers[result.operation];
  return result.function === "health-check" ? renderHealthChecks : undefined;
}

function jsonDocument(report: InvokeReport): unknown {
  if (report.result) return report.result;
  return {
    ok: report.outcome !== "function-error",
    functionError: report.functionError ?? null,
    error: report.error ?? null,
    payload: report.payload ?? null,
    requestId: report.request.requestId,
    logTail: report.logTail,
  };
}

function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toUsage(error);
  }
}

async function asUsageAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toUsage(error);
  }
}

function toUsage(error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  return new UsageError(
    error.message.replace(/Input '([\w-]+)'/g, (_, input: string) => FLAGS[input] ?? `'${input}'`),
  );
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "unknown";
  }
}
