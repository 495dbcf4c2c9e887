import { buildAuditRecord } from "./audit.ts";
import type { OperationContext, OpsLogger, OpsMetrics } from "./context.ts";
import { type OpsEvent, type OpsResult, parseEvent } from "./envelope.ts";
import { OpsError } from "./errors.ts";
import { redactText, redactValue } from "./redact.ts";
import type { SignableEvent, SignatureVerifier } from "./signing.ts";

/** What an operation returns when it succeeds. Handled failures throw `OpsError` instead. */
export interface OperationOutcome {
  readonly summary: string;
  readonly data?: Record<string, unknown>;
  readonly warnings?: readonly string[];
}

export type Operation = (event: OpsEvent, ctx: OperationContext) => Promise<OperationOutcome>;

/** An ops function: its name and its operations. Built once per container (or CLI run). */
export interface OpsFunction {
  readonly name: string;
  readonly operations: Readonly<Record<string, Operation>>;
}

/** What the front door (Lambda handler, CLI, test) supplies to run an event. */
export interface OperationRuntime {
  readonly log: OpsLogger;
  readonly metrics: OpsMetrics;
  readonly coldStart?: boolean;
  /** Rejects unsigned or badly signed events when present. */
  readonly verifier?: SignatureVerifier | undefined;
  readonly remainingTimeMs?: () => number;
  readonly progress?: (message: string, attributes?: Record<string, unknown>) => void;
  /** Called once the event is valid, before the operation runs (e.g. to set log keys). */
  readonly onEvent?: (event: OpsEvent) => void;
  readonly now?: () => number;
}

/**
 * Runs one event through an ops function and returns the result envelope: validation, signature
 * check, the operation, then one log line, one audit record and the outcome metrics. Handled
 * failures (`OpsError`) become `ok: false`; anything else is a bug and is rethrown after logging.
 * Every string that leaves is redacted.
 *
 * @example
 * const result = await executeOperation(migrationFunction, { operation: "status" }, { log, metrics });
 */
export async function executeOperation(
  fn: OpsFunction,
  raw: unknown,
  runtime: OperationRuntime,
): Promise<OpsResult> {
  const now = runtime.now ?? Date.now;
  const started = now();
  const operationNames = Object.keys(fn.operations);
  let event: OpsEvent | undefined;
  let outcome: OperationOutcome | undefined;
  let failure: OpsError | undefined;
  try {
    event = parseEvent(raw, operationNames);
    runtime.verifier?.verify(raw as SignableEvent, event.auth);
    runtime.onEvent?.(event);
    const operation = fn.operations[event.operation] as Operation;
    outcome = await operation(event, buildContext(fn, event, runtime));
  } catch (error) {
    if (!(error instanceof OpsError)) {
      runtime.log.error("Unhandled error", {
        error: redactValue(error),
        requestId: event?.requestId,
      });
      runtime.metrics.add("Failure", "Count", 1);
      throw error;
    }
    failure = error;
  }
  const result = buildResult(fn, raw, event, started, now() - started, runtime, outcome, failure);
  record(result, event, runtime);
  return result;
}

function buildContext(
  fn: OpsFunction,
  event: OpsEvent,
  runtime: OperationRuntime,
): OperationContext {
  return {
    requestId: event.requestId,
    functionName: fn.name,
    operation: event.operation,
    environment: event.context.environment,
    actor: event.context.actor,
    source: event.context.source,
    dryRun: event.dryRun,
    log: runtime.log,
    metrics: runtime.metrics,
    remainingTimeMs: runtime.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY),
    progress: (message, attributes) => {
      runtime.log.info(message, attributes);
      runtime.progress?.(message, attributes);
    },
  };
}

function buildResult(
  fn: OpsFunction,
  raw: unknown,
  event: OpsEvent | undefined,
  started: number,
  durationMs: number,
  runtime: OperationRuntime,
  outcome: OperationOutcome | undefined,
  failure: OpsError | undefined,
): OpsResult {
  const base = {
    function: fn.name,
    operation: event?.operation ?? rawOperation(raw),
    requestId: event?.requestId ?? rawRequestId(raw),
    startedAt: new Date(started).toISOString(),
    durationMs: Math.round(durationMs),
    coldStart: runtime.coldStart ?? false,
  };
  if (failure) {
    return redactValue({
      ok: false,
      ...base,
      summary: failure.message,
      data: failure.data ?? {},
      warnings: [],
      error: {
        code: failure.code,
        message: failure.message,
        retryable: failure.retryable,
        details: failure.details,
        ...(failure.hint ? { hint: failure.hint } : {}),
      },
    });
  }
  const done = outcome as OperationOutcome;
  return redactValue({
    ok: true,
    ...base,
    summary: done.summary,
    data: done.data ?? {},
    warnings: [...(done.warnings ?? [])],
  });
}

function record(result: OpsResult, event: OpsEvent | undefined, runtime: OperationRuntime): void {
  const { log, metrics } = runtime;
  const line = {
    requestId: result.requestId,
    ok: result.ok,
    durationMs: result.durationMs,
    ...(result.error ? { code: result.error.code, error: result.error.message } : {}),
  };
  if (result.ok) log.info(redactText(result.summary), line);
  else log.warn(redactText(result.summary), line);
  log.info("audit", { ...buildAuditRecord(event, result) });
  metrics.add("Duration", "Milliseconds", result.durationMs);
  if (result.ok) metrics.add("Success", "Count", 1);
  else {
    metrics.add("Failure", "Count", 1);
    metrics.addWithDimensions("Failure", "Count", 1, {
      ErrorCode: result.error?.code ?? "UNKNOWN",
    });
  }
}

function rawOperation(raw: unknown): string {
  const value = (raw as { operation?: unknown } | null)?.operation;
  return typeof value === "string" ? value.slice(0, 64) : "unknown";
}

function rawRequestId(raw: unknown): string {
  const value = (raw as { requestId?: unknown } | null)?.requestId;
  return typeof value === "string" ? value.slice(0, 128) : "unknown";
}
