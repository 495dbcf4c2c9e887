import type { InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { isRecord, type OpsResult } from "../../lambdas/kit/envelope.ts";
import { redactText, redactValue } from "../../lambdas/kit/redact.ts";

/** What came back from one invocation, decoded and with secrets redacted. */
export interface DecodedResponse {
  readonly statusCode: number;
  /** `Unhandled` (or `Handled`) when the function threw; undefined otherwise. */
  readonly functionError?: string | undefined;
  readonly executedVersion?: string | undefined;
  /** Lambda's request id (x-amzn-RequestId), for CloudWatch. */
  readonly awsRequestId?: string | undefined;
  /** The last 4 KB of the function's log, decoded from base64; "" when not requested. */
  readonly logTail: string;
  /** The response payload as JSON (or its text when it is not JSON); undefined when empty. */
  readonly payload: unknown;
  /** The payload when it is a result envelope. */
  readonly result?: OpsResult | undefined;
  /** errorType / errorMessage of a function error. */
  readonly error?: { readonly type: string; readonly message: string } | undefined;
}

/**
 * Decodes an Invoke response: status, function error, executed version, the log tail and the
 * payload (a result envelope, a function error, or anything else the function returned).
 *
 * @example
 * const decoded = decodeResponse(await client.send(new InvokeCommand({ … })));
 * if (decoded.functionError) console.log(decoded.error?.type, decoded.error?.message);
 */
export function decodeResponse(response: InvokeCommandOutput): DecodedResponse {
  const payload = parsePayload(response.Payload);
  return {
    statusCode: response.StatusCode ?? 0,
    functionError: response.FunctionError,
    executedVersion: response.ExecutedVersion,
    awsRequestId: response.$metadata?.requestId,
    logTail: decodeLogTail(response.LogResult),
    payload,
    result: response.FunctionError ? undefined : asResult(payload),
    error: response.FunctionError ? functionErrorOf(payload, response.FunctionError) : undefined,
  };
}

/**
 * The text of `X-Amz-Log-Result`: base64 of the last 4 KB of the invocation's log.
 *
 * @example
 * decodeLogTail(Buffer.from("START RequestId: …").toString("base64")); // "START RequestId: …"
 */
export function decodeLogTail(base64: string | undefined): string {
  if (!base64) return "";
  return redactText(Buffer.from(base64, "base64").toString("utf8"));
}

function parsePayload(bytes: Uint8Array | undefined): unknown {
  if (!bytes || bytes.byteLength === 0) return undefined;
  const text = Buffer.from(bytes).toString("utf8");
  try {
    return redactValue(JSON.parse(text) as unknown);
  } catch {
    return redactText(text);
  }
}

function asResult(payload: unknown): OpsResult | undefined {
  if (!isRecord(payload)) return undefined;
  return typeof payload.ok === "boolean" && typeof payload.requestId === "string"
    ? (payload as unknown as OpsResult)
    : undefined;
}

function functionErrorOf(payload: unknown, kind: string) {
  if (isRecord(payload)) {
    return {
      type: typeof payload.errorType === "string" ? payload.errorType : kind,
      message: typeof payload.errorMessage === "string" ? payload.errorMessage : "",
    };
  }
  return { type: kind, message: typeof payload === "string" ? payload : "" };
}
