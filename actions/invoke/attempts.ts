import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import {
  AwsCallError,
  FunctionNotFoundError,
  InvokeTimeoutError,
  RetriesExhaustedError,
} from "./errors.ts";
import type { Pacing } from "./readiness.ts";
import { encodePayload, type InvokeRequest } from "./request.ts";

/** The successful attempt's response and how it went. */
export interface InvokeAttempts {
  readonly response: InvokeCommandOutput;
  readonly attempts: number;
  /** Round trip of the attempt that got the answer. */
  readonly roundTripMs: number;
}

export interface AttemptPacing extends Pacing {
  /** In [0, 1): the jitter of the backoff. */
  readonly random: () => number;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 20_000;

/**
 * Invokes the function, retrying only failures that prove it did not run — throttling
 * (429 / TooManyRequestsException) and a refused connection (nothing was sent) — with full-jitter
 * exponential backoff until `deadline`. Anything else is final: a RequestResponse call that may
 * have reached the function is never sent twice. The client must have SDK retries off.
 *
 * @example
 * const { response, attempts } = await invokeWithRetry(client, request, Date.now() + 900_000, pacing);
 */
export async function invokeWithRetry(
  client: Pick<LambdaClient, "send">,
  request: InvokeRequest,
  deadline: number,
  pacing: AttemptPacing,
  progress: (message: string) => void = () => {},
): Promise<InvokeAttempts> {
  for (let attempt = 1; ; attempt += 1) {
    const started = pacing.now();
    try {
      const response = await sendInvoke(client, request, deadline - started, pacing.now);
      return { response, attempts: attempt, roundTripMs: pacing.now() - started };
    } catch (error) {
      if (!provesNotRun(error)) throw classify(error, request);
      const delay = backoffMs(error, attempt, pacing.random);
      if (pacing.now() + delay >= deadline) {
        throw new RetriesExhaustedError(request.functionName, attempt, error);
      }
      progress(
        `Attempt ${attempt} not accepted (${(error as Error).name}); the function did not run. Retrying in ${(delay / 1000).toFixed(1)} s`,
      );
      await pacing.sleep(delay);
    }
  }
}

async function sendInvoke(
  client: Pick<LambdaClient, "send">,
  request: InvokeRequest,
  remainingMs: number,
  now: () => number,
): Promise<InvokeCommandOutput> {
  const command = new InvokeCommand({
    FunctionName: request.functionName,
    InvocationType: request.invocationType,
    LogType: request.logTail && request.invocationType === "RequestResponse" ? "Tail" : "None",
    Payload: encodePayload(request, now),
    ...(request.qualifier ? { Qualifier: request.qualifier } : {}),
  });
  // Stop waiting at the deadline; the SDK rejects with an AbortError.
  return client.send(command, { abortSignal: AbortSignal.timeout(Math.max(remainingMs, 1)) });
}

/**
 * Whether an Invoke failure proves the function did not run: Lambda throttled the request, or the
 * connection was refused before anything was sent.
 *
 * @example
 * provesNotRun(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" })); // true
 */
export function provesNotRun(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === "TooManyRequestsException" || status === 429 || isConnectionRefused(error);
}

function isConnectionRefused(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (code === "ECONNREFUSED") return true;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.every((inner) => isConnectionRefused(inner, depth + 1));
  }
  return isConnectionRefused(cause, depth + 1);
}

function backoffMs(error: unknown, attempt: number, random: () => number): number {
  const jittered = random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  const retryAfter = Number((error as { retryAfterSeconds?: unknown }).retryAfterSeconds);
  return Number.isFinite(retryAfter) && retryAfter > 0
    ? Math.max(jittered, retryAfter * 1000)
    : jittered;
}

function classify(error: unknown, request: InvokeRequest): Error {
  const name = (error as Error).name;
  if (name === "ResourceNotFoundException") {
    return new FunctionNotFoundError(request.functionName, request.region, error);
  }
  if (name === "AbortError" || name === "TimeoutError") {
    return new InvokeTimeoutError(
      request.functionName,
      Math.round(request.timeoutMs / 1000),
      request.requestId,
      error,
    );
  }
  return new AwsCallError(`Invoke of '${request.functionName}'`, error);
}
