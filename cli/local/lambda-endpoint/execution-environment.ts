/**
 * One execution environment of a function — a Node.js process running runtime/bootstrap.ts — kept
 * warm between invocations like a Lambda container.
 *
 * Why a child process rather than a worker thread: a process has its own `process.env`,
 * `process.exit`, signal and uncaught-error handling, so a handler behaves as in Lambda and cannot
 * touch the endpoint; its peak RSS is exactly Lambda's "Max Memory Used"; `--max-old-space-size`
 * bounds its heap from memory_size; and SIGKILL stops it for certain on timeout, even in a busy loop
 * or inside native code, where a worker's terminate() would wait. The cost is a slower cold start
 * (a new Node.js process), which Lambda has too.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../paths.ts";
import { handlerExport, type LocalFunction } from "./functions.ts";
import type { FunctionErrorBody, InvokeMessage, RuntimeMessage } from "./runtime/protocol.ts";

// Resolved from the package root, not this module: the CLI may run from a bundle in build/cli/.
const BOOTSTRAP = path.join(PACKAGE_ROOT, "cli/local/lambda-endpoint/runtime/bootstrap.ts");
const TSX_LOADER = pathToFileURL(
  createRequire(path.join(PACKAGE_ROOT, "package.json")).resolve("tsx"),
).href;

export interface EnvironmentOptions {
  readonly fn: LocalFunction;
  /** The complete environment of the process (Lambda's reserved variables included). */
  readonly env: Readonly<Record<string, string>>;
  /** How long INIT (start the process, import the handler module) may take. */
  readonly initTimeoutMs: number;
  /** Output written while no invocation runs (e.g. a timer left behind by a handler). */
  readonly onStrayOutput: (text: string) => void;
}

/** How one invocation ended. */
export type InvokeOutcome =
  | { readonly kind: "result"; readonly payload: string; readonly maxMemoryUsedMb: number }
  | {
      readonly kind: "error";
      readonly error: FunctionErrorBody;
      readonly fatal: boolean;
      readonly maxMemoryUsedMb: number;
    }
  | { readonly kind: "timeout"; readonly maxMemoryUsedMb: number }
  | { readonly kind: "exit"; readonly error: FunctionErrorBody; readonly maxMemoryUsedMb: number };

/** INIT failed: the handler module did not load, or the process died or hung while loading it. */
export class RuntimeInitError extends Error {
  override readonly name = "RuntimeInitError";

  constructor(
    readonly body: FunctionErrorBody,
    readonly initDurationMs: number,
    /** What the process wrote while initialising. */
    readonly output: string,
  ) {
    super(`${body.errorType}: ${body.errorMessage}`);
  }
}

interface CurrentInvocation {
  readonly requestId: string;
  readonly onLog: (text: string) => void;
  readonly settle: (outcome: InvokeOutcome) => void;
}

export class ExecutionEnvironment {
  private current: CurrentInvocation | undefined;
  private lastMaxRssKb = 0;
  private exitStatus: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: EnvironmentOptions,
    exited: Promise<void>,
  ) {
    this.exited = exited;
  }

  /**
   * Starts a process and loads the handler (a cold start). Resolves when it is ready, with the
   * INIT duration and what INIT printed; rejects with `RuntimeInitError` otherwise.
   *
   * @example
   * const { environment, initDurationMs } = await ExecutionEnvironment.start({ fn, env, initTimeoutMs: 30_000, onStrayOutput });
   */
  static start(
    options: EnvironmentOptions,
  ): Promise<{ environment: ExecutionEnvironment; initDurationMs: number; initOutput: string }> {
    const started = performance.now();
    const { fn } = options;
    const heapMb = Math.max(32, Math.floor(fn.memorySize * 0.9)); // about what Lambda's runtime sets
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${heapMb}`,
        "--import",
        TSX_LOADER,
        BOOTSTRAP,
        fn.codeFile,
        handlerExport(fn.handler),
      ],
      {
        cwd: path.dirname(fn.codeFile),
        env: options.env,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      },
    );
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const environment = new ExecutionEnvironment(child, options, exited);
    return environment.initialise(started);
  }

  /** Whether the process still runs (a killed or crashed one is never reused). */
  get alive(): boolean {
    return this.exitStatus === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Runs one invocation; on the deadline the process is killed (SIGKILL) and the outcome is
   * `timeout`. Output goes to `onLog` as it arrives.
   *
   * @example
   * const outcome = await environment.invoke({ requestId, event: "{}", deadlineMs: Date.now() + 3000, invokedFunctionArn }, log.write);
   */
  invoke(
    request: Omit<InvokeMessage, "type">,
    onLog: (text: string) => void,
  ): Promise<InvokeOutcome> {
    if (!this.alive || this.current) throw new Error("The execution environment is not available");
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const maxMemoryUsedMb = this.peakMemoryMb();
        this.current = undefined;
        resolve({ kind: "timeout", maxMemoryUsedMb });
        this.child.kill("SIGKILL");
      }, request.deadlineMs - Date.now());
      this.current = {
        requestId: request.requestId,
        onLog,
        settle: (outcome) => {
          clearTimeout(timer);
          this.current = undefined;
          resolve(outcome);
        },
      };
      this.child.send({ type: "invoke", ...request } satisfies InvokeMessage);
    });
  }

  /** Stops the process at once (SIGKILL) and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill("SIGKILL");
    await this.exited;
  }

  private initialise(
    started: number,
  ): Promise<{ environment: ExecutionEnvironment; initDurationMs: number; initOutput: string }> {
    let output = "";
    const collect = (text: string) => {
      output += text;
    };
    this.current = { requestId: "", onLog: collect, settle: () => {} };
    return new Promise((resolve, reject) => {
      const fail = (body: FunctionErrorBody) => {
        clearTimeout(timer);
        this.current = undefined;
        reject(new RuntimeInitError(body, performance.now() - started, output));
        this.child.kill("SIGKILL");
      };
      const timer = setTimeout(
        () =>
          fail({
            errorType: "Sandbox.Timedout",
            errorMessage: `INIT timed out after ${(this.options.initTimeoutMs / 1000).toFixed(2)} seconds`,
            trace: [],
          }),
        this.options.initTimeoutMs,
      );
      this.listen({
        onReady: () => {
          clearTimeout(timer);
          this.current = undefined;
          resolve({
            environment: this,
            initDurationMs: performance.now() - started,
            initOutput: output,
          });
        },
        onInitError: fail,
        onExitDuringInit: fail,
      });
    });
  }

  private listen(init: {
    onReady: () => void;
    onInitError: (body: FunctionErrorBody) => void;
    onExitDuringInit: (body: FunctionErrorBody) => void;
  }): void {
    let ready = false;
    this.child.on("message", (message: RuntimeMessage) => {
      if (message.type === "ready") {
        ready = true;
        init.onReady();
      } else if (message.type === "init-error") init.onInitError(message.error);
      else if (message.type === "log") this.output(message.text);
      else this.finish(message);
    });
    this.child.stdout?.on("data", (chunk: Buffer) => this.output(chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => this.output(chunk.toString()));
    const onGone = (status: string) => {
      this.exitStatus ??= status;
      const error = exitError(this.exitStatus);
      if (!ready) init.onExitDuringInit(error);
      else this.current?.settle({ kind: "exit", error, maxMemoryUsedMb: this.peakMemoryMb() });
    };
    this.child.once("error", (error) => onGone(error.message));
    this.child.once("close", (code, signal) =>
      onGone(signal ? `signal: ${signalName(signal)}` : `exit status ${code}`),
    );
  }

  private output(text: string): void {
    if (this.current) this.current.onLog(text);
    else this.options.onStrayOutput(text);
  }

  private finish(message: Extract<RuntimeMessage, { type: "result" | "error" }>): void {
    const current = this.current;
    if (!current || current.requestId !== message.requestId) return;
    this.lastMaxRssKb = Math.max(this.lastMaxRssKb, message.maxRssKb);
    const maxMemoryUsedMb = Math.round(this.lastMaxRssKb / 1024);
    current.settle(
      message.type === "result"
        ? { kind: "result", payload: message.payload, maxMemoryUsedMb }
        : { kind: "error", error: message.error, fatal: message.fatal, maxMemoryUsedMb },
    );
  }

  /** Peak RSS of the process (Linux /proc), else the last the runtime reported. */
  private peakMemoryMb(): number {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
      const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
      if (kb > 0) this.lastMaxRssKb = Math.max(this.lastMaxRssKb, kb);
    } catch {
      // Not Linux, or the process is gone: keep the last reported value.
    }
    return Math.round(this.lastMaxRssKb / 1024);
  }
}

function exitError(status: string): FunctionErrorBody {
  return {
    errorType: "Runtime.ExitError",
    errorMessage: `Runtime exited with error: ${status}`,
    trace: [],
  };
}

function signalName(signal: NodeJS.Signals): string {
  return signal === "SIGKILL" ? "killed" : signal === "SIGABRT" ? "aborted" : signal;
}
