import { performance } from "node:perf_hooks";
import { MAX_PAYLOAD_BYTES } from "./api-errors.ts";
import { FunctionConcurrency } from "./concurrency.ts";
import {
  ExecutionEnvironment,
  type InvokeOutcome,
  RuntimeInitError,
} from "./execution-environment.ts";
import type { LocalFunction } from "./functions.ts";
import type { InvocationHistory, InvocationRecord } from "./history.ts";
import { billedDuration, InvocationLog, reportLine } from "./invocation-log.ts";
import { lambdaVariables, type RuntimeSettings } from "./lambda-variables.ts";

export type InvocationType = "RequestResponse" | "Event";

export interface FunctionHostOptions extends RuntimeSettings {
  readonly arn: string;
  /** Concurrency when the function reserves none. */
  readonly unreservedConcurrency: number;
  readonly initTimeoutMs: number;
  readonly history: InvocationHistory;
  /** Receives every piece of every invocation's log, as it is written. */
  readonly onLog: (functionName: string, text: string) => void;
}

/** What an invocation returns to the caller. */
export interface InvocationResult {
  readonly requestId: string;
  /** The response payload: the handler's result, or the error body on a function error. */
  readonly payload: string;
  readonly functionError: "Unhandled" | undefined;
  readonly log: InvocationLog;
}

interface Measured {
  readonly requestId: string;
  readonly invocationType: InvocationType;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly initDurationMs: number | undefined;
  readonly maxMemoryUsedMb: number;
}

/**
 * One hosted function: its execution environments, concurrency, logs and history records.
 *
 * @example
 * const host = new FunctionHost(fn, options);
 * const result = await host.invoke('{"operation":"status"}', { requestId, invocationType: "RequestResponse" });
 */
export class FunctionHost {
  readonly concurrency: FunctionConcurrency<ExecutionEnvironment>;
  private readonly running = new Set<ExecutionEnvironment>();
  private stopped = false;

  constructor(
    readonly fn: LocalFunction,
    private readonly options: FunctionHostOptions,
  ) {
    const reserved = fn.reservedConcurrency !== undefined;
    this.concurrency = new FunctionConcurrency(
      fn.reservedConcurrency ?? options.unreservedConcurrency,
      reserved
        ? "ReservedFunctionConcurrentInvocationLimitExceeded"
        : "ConcurrentInvocationLimitExceeded",
    );
  }

  get arn(): string {
    return this.options.arn;
  }

  /**
   * Runs one invocation (starting an environment on a cold start) and records it. Throws
   * TooManyRequestsException when a synchronous invocation is over the concurrency limit.
   */
  async invoke(
    event: string,
    request: { requestId: string; invocationType: InvocationType },
  ): Promise<InvocationResult> {
    try {
      const slot = await this.concurrency.acquire({ wait: request.invocationType === "Event" });
      return await this.runInSlot(slot.warm, event, request);
    } catch (error) {
      if ((error as { type?: string }).type === "TooManyRequestsException")
        await this.recordThrottle(request);
      throw error;
    }
  }

  /** Kills every environment of the function, idle or busy. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.concurrency.close(), ...this.running];
    await Promise.all(all.map((environment) => environment.kill()));
  }

  private async runInSlot(
    warm: ExecutionEnvironment | undefined,
    event: string,
    request: { requestId: string; invocationType: InvocationType },
  ): Promise<InvocationResult> {
    const log = new InvocationLog((text) => this.options.onLog(this.fn.name, text));
    let environment = warm;
    try {
      let initDurationMs: number | undefined;
      if (!environment) {
        const cold = await this.coldStart(log, request);
        if ("payload" in cold) return cold;
        ({ environment, initDurationMs } = cold);
      }
      this.running.add(environment);
      if (this.stopped) await environment.kill(); // stopped during its cold start
      return await this.run(environment, event, { ...request, initDurationMs }, log);
    } finally {
      if (environment) this.running.delete(environment);
      this.concurrency.release(environment);
    }
  }

  /** INIT: a new environment, or the invocation's result when the handler module fails to load. */
  private async coldStart(
    log: InvocationLog,
    request: { requestId: string; invocationType: InvocationType },
  ): Promise<{ environment: ExecutionEnvironment; initDurationMs: number } | InvocationResult> {
    try {
      const started = await ExecutionEnvironment.start({
        fn: this.fn,
        env: lambdaVariables(this.fn, this.options),
        initTimeoutMs: this.options.initTimeoutMs,
        onStrayOutput: (text) => this.options.onLog(this.fn.name, text),
      });
      log.write(started.initOutput);
      return started;
    } catch (error) {
      if (!(error instanceof RuntimeInitError)) throw error;
      log.write(error.output);
      log.line(`START RequestId: ${request.requestId} Version: $LATEST`);
      const measured = { ...request, startedAt: new Date(), durationMs: 0, maxMemoryUsedMb: 0 };
      return this.complete(
        log,
        { ...measured, initDurationMs: error.initDurationMs },
        {
          payload: JSON.stringify(error.body),
          errorType: error.body.errorType,
          status: "error",
        },
      );
    }
  }

  private async run(
    environment: ExecutionEnvironment,
    event: string,
    request: {
      requestId: string;
      invocationType: InvocationType;
      initDurationMs: number | undefined;
    },
    log: InvocationLog,
  ): Promise<InvocationResult> {
    const startedAt = new Date();
    const started = performance.now();
    log.line(`START RequestId: ${request.requestId} Version: $LATEST`);
    const outcome = await environment.invoke(
      {
        requestId: request.requestId,
        event,
        deadlineMs: Date.now() + this.fn.timeout * 1000,
        invokedFunctionArn: this.arn,
      },
      log.write,
    );
    const durationMs = performance.now() - started;
    // A timed-out or crashed environment is never reused; make sure it is gone before answering.
    if (outcome.kind !== "result" && !(outcome.kind === "error" && !outcome.fatal))
      await environment.kill();
    const measured = {
      ...request,
      startedAt,
      durationMs,
      maxMemoryUsedMb: outcome.maxMemoryUsedMb,
    };
    return this.complete(log, measured, this.describe(outcome, request.requestId, log));
  }

  private describe(
    outcome: InvokeOutcome,
    requestId: string,
    log: InvocationLog,
  ): { payload: string; errorType?: string; status?: "timeout" | "error" } {
    switch (outcome.kind) {
      case "result":
        return Buffer.byteLength(outcome.payload) > MAX_PAYLOAD_BYTES
          ? tooLargeResponse(outcome.payload)
          : { payload: outcome.payload };
      case "error":
        return { payload: JSON.stringify(outcome.error), errorType: outcome.error.errorType };
      case "timeout": {
        const message = `Task timed out after ${this.fn.timeout.toFixed(2)} seconds`;
        log.line(`${new Date().toISOString()} ${requestId} ${message}`);
        const errorMessage = `RequestId: ${requestId} Error: ${message}`;
        const payload = JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage });
        return { payload, errorType: "Sandbox.Timedout", status: "timeout" };
      }
      case "exit": {
        const errorMessage = `RequestId: ${requestId} Error: ${outcome.error.errorMessage}`;
        log.line(`${errorMessage}\n${outcome.error.errorType}`);
        const payload = JSON.stringify({ errorType: outcome.error.errorType, errorMessage });
        return { payload, errorType: outcome.error.errorType, status: "error" };
      }
    }
  }

  private async complete(
    log: InvocationLog,
    measured: Measured,
    ending: { payload: string; errorType?: string; status?: "timeout" | "error" },
  ): Promise<InvocationResult> {
    const billedDurationMs = billedDuration(measured.durationMs, measured.initDurationMs);
    log.line(`END RequestId: ${measured.requestId}`);
    log.line(
      reportLine({
        requestId: measured.requestId,
        durationMs: measured.durationMs,
        billedDurationMs,
        memorySizeMb: this.fn.memorySize,
        maxMemoryUsedMb: measured.maxMemoryUsedMb,
        initDurationMs: measured.initDurationMs,
        status: ending.status,
        errorType: ending.status === "error" ? ending.errorType : undefined,
      }),
    );
    const functionError = ending.errorType ? "Unhandled" : undefined;
    await this.options.history.append({
      ...this.recordOf(measured, billedDurationMs),
      ...outcomeOf(ending.payload, ending.errorType),
    });
    return { requestId: measured.requestId, payload: ending.payload, functionError, log };
  }

  private recordOf(
    measured: Measured,
    billedDurationMs: number,
  ): Omit<InvocationRecord, "ok" | "errorCode" | "functionError"> {
    return {
      function: this.fn.name,
      requestId: measured.requestId,
      invocationType: measured.invocationType,
      startedAt: measured.startedAt.toISOString(),
      durationMs: Math.round(measured.durationMs * 100) / 100,
      billedDurationMs,
      memorySizeMb: this.fn.memorySize,
      maxMemoryUsedMb: measured.maxMemoryUsedMb,
      initDurationMs:
        measured.initDurationMs === undefined
          ? null
          : Math.round(measured.initDurationMs * 100) / 100,
      coldStart: measured.initDurationMs !== undefined,
    };
  }

  private recordThrottle(request: { requestId: string; invocationType: InvocationType }) {
    const measured = { ...request, startedAt: new Date(), durationMs: 0, maxMemoryUsedMb: 0 };
    return this.options.history.append({
      ...this.recordOf({ ...measured, initDurationMs: undefined }, 0),
      ok: false,
      errorCode: "TooManyRequestsException",
      functionError: null,
    });
  }
}

function tooLargeResponse(payload: string) {
  const errorMessage = `Response payload size (${Buffer.byteLength(payload)} bytes) exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`;
  const errorType = "Function.ResponseSizeTooLarge";
  return {
    payload: JSON.stringify({ errorType, errorMessage }),
    errorType,
    status: "error" as const,
  };
}

/** ok / errorCode of a record: the function error, else the ops result envelope's own verdict. */
function outcomeOf(
  payload: string,
  errorType: string | undefined,
): Pick<InvocationRecord, "ok" | "errorCode" | "functionError"> {
  if (errorType) return { ok: false, errorCode: errorType, functionError: "Unhandled" };
  const envelope = parseObject(payload);
  if (envelope?.ok === false) {
    const code = (envelope.error as { code?: unknown } | undefined)?.code;
    return {
      ok: false,
      errorCode: typeof code === "string" ? code : "FAILED",
      functionError: null,
    };
  }
  return { ok: true, errorCode: null, functionError: null };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
