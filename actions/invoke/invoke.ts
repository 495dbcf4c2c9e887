/**
 * The invoke core, shared by the `invoke` action and `ops invoke`: check the account, wait until
 * the function is ready, invoke it under the retry policy, decode the answer. Front doors parse
 * their input into an `InvokeRequest` and render the `InvokeReport`.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { type AwsCredentials, createLambdaClient, createStsClient } from "../kit/aws.ts";
import { type AttemptPacing, invokeWithRetry } from "./attempts.ts";
import { type DecodedResponse, decodeResponse } from "./decode.ts";
import { AccountMismatchError, AwsCallError } from "./errors.ts";
import { waitUntilReady } from "./readiness.ts";
import { assertPayloadSize, type InvokeRequest } from "./request.ts";

/** The clients and the clock the core runs with; tests pass mocks and a clock that does not wait. */
export interface InvokeDeps {
  /** For GetFunctionConfiguration (SDK retries on). */
  readonly control: Pick<LambdaClient, "send">;
  /** For Invoke, SDK retries off, with a socket timeout longer than the function's timeout. */
  readonly invokeClient: (socketTimeoutMs: number) => Pick<LambdaClient, "send">;
  /** For GetCallerIdentity, when an expected account id is given. */
  readonly sts?: () => Pick<STSClient, "send">;
  readonly pacing?: Partial<AttemptPacing>;
  readonly progress?: (message: string) => void;
}

/** How one invocation ended, for outputs, summaries and exit codes. */
export type InvokeOutcome = "succeeded" | "failed" | "function-error" | "accepted" | "dry-run";

export interface InvokeReport extends DecodedResponse {
  readonly request: InvokeRequest;
  readonly outcome: InvokeOutcome;
  /** The operation's duration from the result envelope, else the invocation's round trip. */
  readonly durationMs: number;
  readonly attempts: number;
  /** The function's configured timeout in seconds. */
  readonly functionTimeoutSeconds: number;
}

/** Extra time the socket waits beyond the function's timeout, so Lambda's answer always arrives. */
const SOCKET_MARGIN_MS = 30_000;
/** The longest the core waits for a deployment in progress. */
const MAX_READINESS_WAIT_MS = 300_000;

/**
 * Invokes an ops function once (retrying only what proves it did not run) and reports the outcome.
 * Throws `InputError` for a payload over Lambda's limit (before any AWS call) and `InvokeError`s
 * when the function could not be reached or did not answer in time; failures of the function
 * itself are in the report.
 *
 * @example
 * const report = await invokeOpsFunction(request, {
 *   control: createLambdaClient({ region, retries: true }),
 *   invokeClient: (socketTimeoutMs) => createLambdaClient({ region, retries: false, socketTimeoutMs }),
 * });
 * report.outcome; // "succeeded" | "failed" | "function-error" | "accepted" | "dry-run"
 */
export async function invokeOpsFunction(
  request: InvokeRequest,
  deps: InvokeDeps,
): Promise<InvokeReport> {
  assertPayloadSize(request);
  const pacing = pacingOf(deps.pacing);
  const progress = deps.progress ?? (() => {});
  const deadline = pacing.now() + request.timeoutMs;
  if (request.expectedAccountId && deps.sts) {
    await assertAccount(deps.sts(), request.expectedAccountId);
  }
  const config = await waitUntilReady(
    deps.control,
    { ...request, deadline: Math.min(deadline, pacing.now() + MAX_READINESS_WAIT_MS) },
    pacing,
    progress,
  );
  const functionTimeoutSeconds = config.Timeout ?? 900;
  if (pacing.now() + functionTimeoutSeconds * 1000 > deadline) {
    progress(
      `timeout ${Math.round(request.timeoutMs / 1000)} s is shorter than the function's ${functionTimeoutSeconds} s: the wait may end before the function does`,
    );
  }
  const client = deps.invokeClient(functionTimeoutSeconds * 1000 + SOCKET_MARGIN_MS);
  const { response, attempts, roundTripMs } = await invokeWithRetry(
    client,
    request,
    deadline,
    pacing,
    progress,
  );
  const decoded = decodeResponse(response);
  return {
    ...decoded,
    request,
    outcome: outcomeOf(request, decoded),
    durationMs: decoded.result?.durationMs ?? roundTripMs,
    attempts,
    functionTimeoutSeconds,
  };
}

function outcomeOf(request: InvokeRequest, decoded: DecodedResponse): InvokeOutcome {
  if (decoded.functionError) return "function-error";
  if (request.invocationType === "Event") return "accepted";
  if (request.invocationType === "DryRun") return "dry-run";
  if (decoded.result) return decoded.result.ok ? "succeeded" : "failed";
  return "succeeded";
}

/**
 * Fails fast when the credentials belong to another account (STS GetCallerIdentity).
 *
 * @example
 * await assertAccount(new STSClient({}), "123456789012");
 */
export async function assertAccount(
  sts: Pick<STSClient, "send">,
  expectedAccountId: string,
): Promise<void> {
  let identity: { Account?: string | undefined; Arn?: string | undefined };
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throw new AwsCallError("STS GetCallerIdentity", error);
  }
  if (identity.Account !== expectedAccountId) {
    throw new AccountMismatchError(
      expectedAccountId,
      identity.Account ?? "unknown",
      identity.Arn ?? "unknown",
    );
  }
}

/**
 * One line saying why the invocation failed, with the next step; undefined when it did not.
 *
 * @example
 * describeFailure(report); // "MIGRATION_FAILED: … Next: Fix the statement at … and run migrate again."
 */
export function describeFailure(report: InvokeReport): string | undefined {
  const name = report.request.functionName;
  if (report.outcome === "function-error") {
    const { type, message } = report.error ?? { type: "Unhandled", message: "" };
    return `${name} failed with ${type}${message ? `: ${message}` : ""}`;
  }
  if (report.outcome === "failed" && report.result) {
    const error = report.result.error;
    if (!error) return `${name} ${report.request.operation} failed: ${report.result.summary}`;
    return `${error.code}: ${error.message}${error.hint ? ` Next: ${error.hint}` : ""}`;
  }
  return undefined;
}

function pacingOf(given: Partial<AttemptPacing> | undefined): AttemptPacing {
  return {
    now: given?.now ?? Date.now,
    sleep: given?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: given?.random ?? Math.random,
  };
}

/**
 * The real AWS clients for a request: GetFunctionConfiguration and STS with SDK retries, Invoke
 * without (the core's retry policy decides), all on the standard credential chain and endpoints.
 *
 * @example
 * const report = await invokeOpsFunction(request, awsInvokeDeps(request.region, { progress: console.log }));
 */
export function awsInvokeDeps(
  region: string,
  options: {
    endpoint?: string | undefined;
    credentials?: AwsCredentials | undefined;
    progress?: (message: string) => void;
  } = {},
): InvokeDeps {
  const { endpoint, credentials } = options;
  return {
    control: createLambdaClient({ region, retries: true, endpoint, credentials }),
    invokeClient: (socketTimeoutMs) =>
      createLambdaClient({ region, retries: false, socketTimeoutMs, endpoint, credentials }),
    sts: () => createStsClient({ region }),
    ...(options.progress ? { progress: options.progress } : {}),
  };
}
