import type { IncomingMessage, ServerResponse } from "node:http";
import { invalidParameter, invalidRequestContent, MAX_PAYLOAD_BYTES } from "./api-errors.ts";
import type { FunctionHost } from "./function-host.ts";
import { readBody, sendJson } from "./http.ts";

const INVOCATION_TYPES = ["RequestResponse", "Event", "DryRun"] as const;
type InvocationTypeHeader = (typeof INVOCATION_TYPES)[number];

export interface InvokeRequest {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  /** Finds the function (throws ResourceNotFoundException). */
  readonly resolve: () => FunctionHost;
  /** Runs an Event invocation after the 202 has been sent. */
  readonly background: (run: () => Promise<unknown>) => void;
}

/**
 * `POST /2015-03-31/functions/{name}/invocations`: RequestResponse answers with the payload
 * (X-Amz-Function-Error on a function error, X-Amz-Log-Result with `X-Amz-Log-Type: Tail`),
 * Event answers 202 and runs in the background, DryRun only checks and answers 204.
 *
 * @example
 * await handleInvoke({ request, response, requestId, resolve: () => host, background });
 */
export async function handleInvoke(call: InvokeRequest): Promise<void> {
  const { request, response, requestId } = call;
  const body = await readBody(request, MAX_PAYLOAD_BYTES, "InvokeFunction");
  const invocationType = invocationTypeOf(request);
  const host = call.resolve();
  const event = eventText(body);
  const headers = { "x-amzn-RequestId": requestId };
  if (invocationType === "DryRun") {
    response.writeHead(204, headers).end();
    return;
  }
  if (invocationType === "Event") {
    call.background(() => host.invoke(event, { requestId, invocationType }));
    response.writeHead(202, { ...headers, "Content-Length": "0" }).end();
    return;
  }
  const result = await host.invoke(event, { requestId, invocationType });
  sendJson(response, 200, result.payload, {
    ...headers,
    "X-Amz-Executed-Version": "$LATEST",
    ...(result.functionError ? { "X-Amz-Function-Error": result.functionError } : {}),
    ...(request.headers["x-amz-log-type"] === "Tail"
      ? { "X-Amz-Log-Result": result.log.tailBase64() }
      : {}),
  });
}

function invocationTypeOf(request: IncomingMessage): InvocationTypeHeader {
  const value = request.headers["x-amz-invocation-type"] ?? "RequestResponse";
  if (INVOCATION_TYPES.includes(value as InvocationTypeHeader))
    return value as InvocationTypeHeader;
  throw invalidParameter("X-Amz-Invocation-Type", String(value), INVOCATION_TYPES.join(" | "));
}

/** The event as JSON text; an empty body is `{}`, as when the AWS CLI sends no payload. */
function eventText(body: Buffer): string {
  const text = body.toString("utf8");
  if (text.trim() === "") return "{}";
  try {
    JSON.parse(text);
  } catch (error) {
    throw invalidRequestContent((error as Error).message);
  }
  return text;
}
