import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaApiError } from "./api-errors.ts";
import { listFunctionsPage } from "./configuration.ts";
import { FunctionRegistry } from "./function-registry.ts";
import type { LocalFunction } from "./functions.ts";
import { openInvocationHistory } from "./history.ts";
import { sendApiError, sendJson, serviceError } from "./http.ts";
import { handleInvoke } from "./invoke-route.ts";

export interface LambdaEndpointOptions {
  readonly functions: readonly LocalFunction[];
  readonly region: string;
  /** Account id in ARNs (default 123456789012). */
  readonly accountId?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** JSON-lines invocation history. */
  readonly historyFile: string;
  /** Variables every function gets besides its own (credentials, endpoints). */
  readonly awsVariables?: Readonly<Record<string, string>>;
  /** Concurrency of a function without reserved_concurrency (default 10). */
  readonly unreservedConcurrency?: number;
  /** Limit of a cold start's INIT phase (default 30 s: tsx compiles the sources on first load). */
  readonly initTimeoutMs?: number;
  /** Receives every function's log output (START/END/REPORT included) as it is written. */
  readonly onLog?: (functionName: string, text: string) => void;
}

/** A running local Lambda endpoint. */
export interface LambdaEndpoint {
  /** e.g. `http://127.0.0.1:49152` — the SDK's `endpoint` or AWS_ENDPOINT_URL_LAMBDA. */
  readonly url: string;
  readonly port: number;
  readonly functionNames: readonly string[];
  readonly historyFile: string;
  /** Makes the next `count` synchronous invocations of a function fail with TooManyRequestsException. */
  throttle(functionName: string, count: number): void;
  /** Stops accepting requests, kills every execution environment, waits for background work. */
  close(): Promise<void>;
}

export const LOCAL_ACCOUNT_ID = "123456789012";

/**
 * Starts the local Lambda endpoint (DESIGN.md §3.4) on 127.0.0.1: Invoke, GetFunctionConfiguration
 * and ListFunctions for the given functions, with the AWS SDK's wire format.
 *
 * @example
 * const endpoint = await startLambdaEndpoint({ functions, region: "eu-west-1", historyFile: ".ops/invocations.jsonl" });
 * const client = new LambdaClient({ endpoint: endpoint.url, region: "eu-west-1" });
 */
export async function startLambdaEndpoint(options: LambdaEndpointOptions): Promise<LambdaEndpoint> {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const registry = new FunctionRegistry(options.region, accountId, options.onLog ?? (() => {}));
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    routeRequest(registry, { request, response, requestId }).catch((error: unknown) => {
      const apiError = error instanceof LambdaApiError ? error : serviceError(error);
      if (!response.headersSent) sendApiError(response, apiError, requestId);
      else response.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  const history = openInvocationHistory(options.historyFile);
  for (const fn of options.functions) {
    registry.add(fn, {
      region: options.region,
      awsVariables: { AWS_ENDPOINT_URL_LAMBDA: url, ...options.awsVariables },
      unreservedConcurrency: options.unreservedConcurrency ?? 10,
      initTimeoutMs: options.initTimeoutMs ?? 30_000,
      history,
    });
  }
  return {
    url,
    port,
    functionNames: registry.names,
    historyFile: options.historyFile,
    throttle: (functionName, count) => registry.throttle(functionName, count),
    async close() {
      server.closeAllConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.stop();
      await closed;
    },
  };
}

const ROUTE = /^\/2015-03-31\/functions(?:\/([^/]+)(?:\/(invocations|configuration))?)?\/?$/;

/** Invoke, GetFunctionConfiguration and ListFunctions; anything else is an unknown operation. */
async function routeRequest(
  registry: FunctionRegistry,
  call: { request: IncomingMessage; response: ServerResponse; requestId: string },
): Promise<void> {
  const { request, response, requestId } = call;
  const url = new URL(request.url ?? "/", "http://localhost");
  const [, name, action] = ROUTE.exec(url.pathname) ?? [];
  const headers = { "x-amzn-RequestId": requestId };
  const resolve = () =>
    registry.resolve(decodeURIComponent(name ?? ""), url.searchParams.get("Qualifier"));
  if (request.method === "POST" && name && action === "invocations") {
    const background = (work: () => Promise<unknown>) => registry.runInBackground(work);
    return handleInvoke({ ...call, resolve, background });
  }
  if (request.method === "GET" && name && action === "configuration") {
    return sendJson(response, 200, registry.configuration(resolve()), headers);
  }
  if (request.method === "GET" && !name) {
    const query = {
      marker: url.searchParams.get("Marker"),
      maxItems: url.searchParams.get("MaxItems"),
    };
    return sendJson(response, 200, listFunctionsPage(registry.configurations(), query), headers);
  }
  throw new LambdaApiError(
    "UnknownOperationException",
    404,
    `The local Lambda endpoint serves Invoke, GetFunctionConfiguration and ListFunctions, not ${request.method} ${url.pathname}`,
  );
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
