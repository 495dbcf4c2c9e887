import { performance } from "node:perf_hooks";
import type { Context } from "aws-lambda";
import type { OpsResult } from "./envelope.ts";
import { isWarmupEvent } from "./envelope.ts";
import { executeOperation, type OpsFunction } from "./operation.ts";
import { registerSecret } from "./redact.ts";
import { SignatureVerifier } from "./signing.ts";
import { createLogger, createMetrics, toOpsLogger, toOpsMetrics } from "./telemetry.ts";

/**
 * An ops function whose code is loaded on its first real invocation, so that a cold start — and a
 * warm-up ping — does not pay for the database driver and the engine.
 */
export interface DeferredOpsFunction {
  readonly name: string;
  load(): Promise<OpsFunction>;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load();
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** The reply to a warm-up ping. */
export interface WarmupResult {
  readonly ok: true;
  readonly warmup: true;
  readonly function: string;
  readonly coldStart: boolean;
}

export interface LambdaHandlerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Loads the signing key from Secrets Manager when OPS_SIGNING_SECRET_ARN is set. */
  readonly loadSecret?: (arn: string) => Promise<string>;
}

/**
 * Wraps an ops function as an AWS Lambda handler: warm-up pings answered at once (no connection),
 * Powertools JSON logs with requestId / environment / function / operation, EMF metrics (duration,
 * success/failure, cold start and init duration, memory used vs configured), signature checks when
 * OPS_SIGNING_KEY or OPS_SIGNING_SECRET_ARN is set (except for the unsigned operations listed in
 * OPS_SIGNING_EXEMPT_OPERATIONS, comma-separated).
 *
 * @example
 * export const handler = createLambdaHandler({
 *   name: "migration",
 *   load: async () => (await import("./function.ts")).createMigrationFunction(deps),
 * });
 */
export function createLambdaHandler(
  fnOrDeferred: OpsFunction | DeferredOpsFunction,
  options: LambdaHandlerOptions = {},
) {
  const fn = { name: fnOrDeferred.name };
  const load = "load" in fnOrDeferred ? once(fnOrDeferred.load) : async () => fnOrDeferred;
  const env = options.env ?? process.env;
  const logger = createLogger(fn.name);
  const metrics = createMetrics(fn.name);
  const log = toOpsLogger(logger);
  const opsMetrics = toOpsMetrics(metrics);
  let coldStart = true;
  let verifier: Promise<SignatureVerifier | undefined> | undefined;

  return async function handler(
    event: unknown,
    context?: Context,
  ): Promise<OpsResult | WarmupResult> {
    const initDurationMs = coldStart ? performance.now() : undefined;
    const isCold = coldStart;
    coldStart = false;
    if (isWarmupEvent(event))
      return { ok: true, warmup: true, function: fn.name, coldStart: isCold };

    verifier ??= createVerifier(env, options.loadSecret);
    logger.resetKeys();
    logger.appendKeys({
      function: fn.name,
      ...(context ? { awsRequestId: context.awsRequestId } : {}),
    });
    try {
      const result = await executeOperation(await load(), event, {
        log,
        metrics: opsMetrics,
        coldStart: isCold,
        verifier: await verifier,
        remainingTimeMs: () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
        onEvent: (valid) => {
          logger.appendKeys({
            requestId: valid.requestId,
            environment: valid.context.environment,
            operation: valid.operation,
          });
          metrics.setDefaultDimensions({
            function: fn.name,
            operation: valid.operation,
            environment: valid.context.environment,
          });
        },
      });
      return result;
    } finally {
      if (initDurationMs !== undefined) {
        metrics.addMetric("ColdStart", "Count", 1);
        metrics.addMetric("InitDuration", "Milliseconds", Math.round(initDurationMs));
      }
      recordMemory(metrics, env);
      metrics.publishStoredMetrics();
    }
  };
}

function recordMemory(metrics: ReturnType<typeof createMetrics>, env: NodeJS.ProcessEnv): void {
  const usedMb = Math.round(process.resourceUsage().maxRSS / 1024);
  metrics.addMetric("MaxMemoryUsed", "Megabytes", usedMb);
  const configured = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (configured > 0) metrics.addMetric("MemoryConfigured", "Megabytes", configured);
}

async function createVerifier(
  env: NodeJS.ProcessEnv,
  loadSecret: ((arn: string) => Promise<string>) | undefined,
): Promise<SignatureVerifier | undefined> {
  let key = env.OPS_SIGNING_KEY;
  if (!key && env.OPS_SIGNING_SECRET_ARN) {
    const load = loadSecret ?? (await import("./secrets.ts")).getSecretString;
    key = await load(env.OPS_SIGNING_SECRET_ARN);
  }
  if (!key) return undefined;
  registerSecret(key);
  // Operations callers that cannot sign (EventBridge Scheduler, Step Functions) may invoke.
  const unsigned = (env.OPS_SIGNING_EXEMPT_OPERATIONS ?? "")
    .split(",")
    .map((operation) => operation.trim())
    .filter(Boolean);
  return new SignatureVerifier(key, Date.now, unsigned);
}
