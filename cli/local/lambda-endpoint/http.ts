import type { IncomingMessage, ServerResponse } from "node:http";
import { LambdaApiError, requestTooLarge } from "./api-errors.ts";

/**
 * Reads a request body up to `limit` bytes. A larger body is still read to its end (so the client
 * gets the answer, not a broken pipe) and then refused with RequestEntityTooLargeException.
 *
 * @example
 * const body = await readBody(request, MAX_PAYLOAD_BYTES, "InvokeFunction");
 */
export async function readBody(
  request: IncomingMessage,
  limit: number,
  operation: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw requestTooLarge(operation);
  return Buffer.concat(chunks);
}

/** Sends a JSON (or already serialised) body with the headers AWS sends. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Sends an API error: its status, `X-Amzn-ErrorType` and the JSON body. */
export function sendApiError(
  response: ServerResponse,
  error: LambdaApiError,
  requestId: string,
): void {
  sendJson(response, error.status, error.body(), {
    "X-Amzn-ErrorType": error.type,
    "x-amzn-RequestId": requestId,
  });
}

/** Any other failure of the endpoint itself: a 500 ServiceException naming what went wrong. */
export function serviceError(error: unknown): LambdaApiError {
  const message = error instanceof Error ? error.message : String(error);
  return new LambdaApiError("ServiceException", 500, `Local Lambda endpoint failed: ${message}`);
}
