/**
 * The runtime inside a function's process (spawned by execution-environment.ts with tsx loaded):
 * imports the handler module once (INIT), then runs one invocation per `invoke` message, like
 * Lambda's Node.js runtime. Arguments: the handler module path and the export name.
 *
 * Output is captured at the stream level and sent over IPC, on the same channel as the result, so
 * each invocation's logs are complete when its result arrives. `console.*` lines get the Lambda
 * prefix (`timestamp\trequestId\tLEVEL\tmessage`); Powertools writes its JSON lines unprefixed.
 */
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import type { FunctionErrorBody, InvokeMessage, RuntimeMessage } from "./protocol.ts";

type Handler = (event: unknown, context: unknown, callback?: unknown) => unknown;

let currentRequestId: string | undefined;

function send(message: RuntimeMessage): void {
  process.send?.(message);
}

function captureStream(stream: NodeJS.WriteStream): void {
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    send({ type: "log", text: typeof chunk === "string" ? chunk : Buffer.from(chunk).toString() });
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  }) as typeof stream.write;
}

function prefixConsole(): void {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG" };
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const stream = level === "ERROR" || level === "WARN" ? process.stderr : process.stdout;
      stream.write(
        `${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\t${level}\t${format(...args)}\n`,
      );
    };
  }
}

function errorBody(error: unknown, fallbackType?: string): FunctionErrorBody {
  if (error instanceof Error) {
    return {
      errorType: fallbackType ?? error.name,
      errorMessage: error.message,
      trace: (error.stack ?? "").split("\n"),
    };
  }
  return { errorType: fallbackType ?? typeof error, errorMessage: String(error), trace: [] };
}

function initErrorType(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ERR_MODULE_NOT_FOUND") return "Runtime.ImportModuleError";
  if (error instanceof SyntaxError) return "Runtime.UserCodeSyntaxError";
  return undefined;
}

async function loadHandler(file: string, exportName: string): Promise<Handler | undefined> {
  try {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const handler = module[exportName];
    if (typeof handler === "function") return handler as Handler;
    send({
      type: "init-error",
      error: {
        errorType: "Runtime.HandlerNotFound",
        errorMessage: `${file} does not export a function named '${exportName}'`,
        trace: [],
      },
    });
  } catch (error) {
    send({ type: "init-error", error: errorBody(error, initErrorType(error)) });
  }
  return undefined;
}

function lambdaContext(message: InvokeMessage) {
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? "",
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST",
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "",
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? "",
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? "",
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
  };
}

/** Promise handlers as they are; callback handlers (three parameters) settle through the callback. */
function callHandler(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  if (handler.length < 3) return Promise.resolve().then(() => handler(event, context));
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error: unknown, result: unknown) =>
      error ? reject(error) : resolve(result),
    );
    if (returned instanceof Promise) returned.then(resolve, reject);
  });
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  currentRequestId = message.requestId;
  const maxRssKb = () => process.resourceUsage().maxRSS;
  try {
    const result = await callHandler(handler, JSON.parse(message.event), lambdaContext(message));
    const payload = JSON.stringify(result) ?? "null";
    send({ type: "result", requestId: message.requestId, payload, maxRssKb: maxRssKb() });
  } catch (error) {
    const body = errorBody(error);
    process.stderr.write(
      `${new Date().toISOString()}\t${message.requestId}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: body.errorType, errorMessage: body.errorMessage, stack: body.trace })}\n`,
    );
    const requestId = message.requestId;
    send({ type: "error", requestId, error: body, fatal: false, maxRssKb: maxRssKb() });
  }
}

/** Like Lambda's runtime: an error escaping the handler's promise fails the invocation and exits. */
function exitOnStrayErrors(): void {
  const fail = (errorType: string) => (error: unknown) => {
    const body = { ...errorBody(error), errorType };
    process.stderr.write(`${new Date().toISOString()}\t${currentRequestId}\tERROR\t${errorType}\n`);
    const requestId = currentRequestId ?? "";
    const maxRssKb = process.resourceUsage().maxRSS;
    process.send?.({ type: "error", requestId, error: body, fatal: true, maxRssKb }, () =>
      process.exit(129),
    );
  };
  process.on("uncaughtException", fail("Runtime.UncaughtException"));
  process.on("unhandledRejection", fail("Runtime.UnhandledPromiseRejection"));
}

async function main(): Promise<void> {
  const [file, exportName] = process.argv.slice(2);
  captureStream(process.stdout);
  captureStream(process.stderr);
  prefixConsole();
  exitOnStrayErrors();
  // The endpoint went away without stopping this process (e.g. it was killed): do not linger.
  process.on("disconnect", () => process.exit(0));
  if (!file || !exportName) throw new Error("usage: bootstrap.ts <handler module> <export name>");
  const handler = await loadHandler(file, exportName);
  if (!handler) return;
  process.on("message", (message: InvokeMessage) => void invoke(handler, message));
  send({ type: "ready" });
}

await main();
