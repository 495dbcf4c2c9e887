import { performance } from "node:perf_hooks";
import { FunctionConcurrency } from "./concurrency.ts";
import { ExecutionEnvironment, RuntimeInitError } from "./execution-environment.ts";
import type { LocalFunction } from "./functions.ts";
import type { InvocationHistory, InvocationRecord } from "./history.ts";
import { endingOf, type InvocationEnding, recordedOutcome } from "./invocation-ending.ts";
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
    const ending = endingOf(outcome, {
      requestId: request.requestId,
      timeoutSeconds: this.fn.timeout,
    });
    if (ending.platformLine) log.line(ending.platformLine);
    return this.complete(log, measured, ending);
  }

  private async complete(
    log: InvocationLog,
    measured: Measured,
    ending: InvocationEnding,
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
      ...recordedOutcome(ending),
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
