import { MAX_PAYLOAD_BYTES } from "./api-errors.ts";
import type { InvokeOutcome } from "./execution-environment.ts";
import type { InvocationRecord } from "./history.ts";

/** How an invocation ends, as the caller, the log and the history see it. */
export interface InvocationEnding {
  /** The response payload: the result, or Lambda's error body. */
  readonly payload: string;
  /** Set on a function error (X-Amz-Function-Error: Unhandled). */
  readonly errorType?: string;
  /** The REPORT line's Status when the runtime did not complete the invocation. */
  readonly status?: "timeout" | "error";
  /** A line the platform logs before END (timeout, runtime exit). */
  readonly platformLine?: string;
}

/**
 * Lambda's answer for each way an invocation can end. A timeout reads
 * `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error: Task timed out after 3.00 seconds"}`.
 *
 * @example
 * endingOf({ kind: "timeout", maxMemoryUsedMb: 80 }, { requestId: "r1", timeoutSeconds: 3 });
 */
export function endingOf(
  outcome: InvokeOutcome,
  invocation: { requestId: string; timeoutSeconds: number },
): InvocationEnding {
  const { requestId } = invocation;
  switch (outcome.kind) {
    case "result":
      return Buffer.byteLength(outcome.payload) > MAX_PAYLOAD_BYTES
        ? tooLargeResponse(outcome.payload)
        : { payload: outcome.payload };
    case "error":
      return { payload: JSON.stringify(outcome.error), errorType: outcome.error.errorType };
    case "timeout": {
      const message = `Task timed out after ${invocation.timeoutSeconds.toFixed(2)} seconds`;
      const errorMessage = `RequestId: ${requestId} Error: ${message}`;
      return {
        payload: JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage }),
        errorType: "Sandbox.Timedout",
        status: "timeout",
        platformLine: `${new Date().toISOString()} ${requestId} ${message}`,
      };
    }
    case "exit": {
      const { errorType } = outcome.error;
      const errorMessage = `RequestId: ${requestId} Error: ${outcome.error.errorMessage}`;
      return {
        payload: JSON.stringify({ errorType, errorMessage }),
        errorType,
        status: "error",
        platformLine: `${errorMessage}\n${errorType}`,
      };
    }
  }
}

/** ok / errorCode of a history record: the function error, else the ops result envelope's verdict. */
export function recordedOutcome(
  ending: InvocationEnding,
): Pick<InvocationRecord, "ok" | "errorCode" | "functionError"> {
  if (ending.errorType)
    return { ok: false, errorCode: ending.errorType, functionError: "Unhandled" };
  const envelope = parseObject(ending.payload);
  if (envelope?.ok !== false) return { ok: true, errorCode: null, functionError: null };
  const code = (envelope.error as { code?: unknown } | undefined)?.code;
  return { ok: false, errorCode: typeof code === "string" ? code : "FAILED", functionError: null };
}

function tooLargeResponse(payload: string): InvocationEnding {
  const errorType = "Function.ResponseSizeTooLarge";
  const errorMessage = `Response payload size (${Buffer.byteLength(payload)} bytes) exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`;
  return { payload: JSON.stringify({ errorType, errorMessage }), errorType, status: "error" };
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
