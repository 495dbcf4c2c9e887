import { createHash, randomUUID } from "node:crypto";
import type { EventContext } from "../../lambdas/kit/envelope.ts";
import { canonicalJson, signEvent } from "../../lambdas/kit/signing.ts";
import { InputError } from "../kit/inputs.ts";

export const INVOCATION_TYPES = ["RequestResponse", "Event", "DryRun"] as const;
export type InvocationType = (typeof INVOCATION_TYPES)[number];

/** Everything one invocation needs, validated. Built by the action's inputs or the CLI's arguments. */
export interface InvokeRequest {
  /** Full name, `name:qualifier` or ARN. */
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly region: string;
  /** The environment the function belongs to (for the summary and the event context). */
  readonly environment?: string | undefined;
  readonly operation: string;
  readonly params: Record<string, unknown>;
  /** The envelope's `dryRun`: the operation reports what it would do and changes nothing. */
  readonly dryRun: boolean;
  readonly invocationType: InvocationType;
  readonly logTail: boolean;
  /** Budget for waiting, retrying and the answer. */
  readonly timeoutMs: number;
  /** The envelope's requestId: the idempotency key. */
  readonly requestId: string;
  readonly context: EventContext;
  readonly signingKey?: string | undefined;
  readonly expectedAccountId?: string | undefined;
  /** Which input the params came from, to name it when the payload is too large. */
  readonly paramsInput?: string;
}

/** Lambda's payload limits: 6 MB for synchronous invocations, 1 MB for asynchronous (Event). */
export const PAYLOAD_LIMITS: Readonly<Record<InvocationType, number>> = {
  RequestResponse: 6 * 1024 * 1024,
  DryRun: 6 * 1024 * 1024,
  Event: 1024 * 1024,
};

/**
 * The command envelope of a request (DESIGN.md §3.1), unsigned.
 *
 * @example
 * buildEvent(request); // { operation, params, dryRun, requestId, context }
 */
export function buildEvent(request: InvokeRequest) {
  return {
    operation: request.operation,
    params: request.params,
    dryRun: request.dryRun,
    requestId: request.requestId,
    context: request.context,
  };
}

/**
 * The payload of one attempt: the envelope, signed with a fresh timestamp and nonce when a signing
 * key is given (a signature is valid for five minutes, so each attempt signs anew).
 *
 * @example
 * const payload = encodePayload(request); // Uint8Array of the JSON envelope
 */
export function encodePayload(request: InvokeRequest, now: () => number = Date.now): Uint8Array {
  const event = buildEvent(request);
  const body = request.signingKey ? signEvent(event, request.signingKey, { now }) : event;
  return Buffer.from(JSON.stringify(body));
}

/**
 * Checks the payload against Lambda's limit for the invocation type, before any AWS call.
 *
 * @example
 * assertPayloadSize(request); // throws InputError naming 'params' when over 6 MB (1 MB for Event)
 */
export function assertPayloadSize(request: InvokeRequest): void {
  const bytes = encodePayload(request).byteLength;
  const limit = PAYLOAD_LIMITS[request.invocationType];
  if (bytes <= limit) return;
  const input = request.paramsInput ?? "params";
  throw new InputError(
    input,
    `Input '${input}' makes a ${formatBytes(bytes)} payload, over Lambda's ${formatBytes(limit)} limit for ${request.invocationType} invocations`,
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

/** What identifies one invocation within a workflow step. */
export interface InvocationIdentity {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly environment?: string | undefined;
  readonly operation: string;
  readonly params: Record<string, unknown>;
  readonly dryRun: boolean;
}

/**
 * The envelope's requestId, the idempotency key. In a workflow it is derived from the run, its
 * attempt, the job and the step, plus a digest of what is invoked (matrix legs share a job id):
 * running the same step of the same attempt again gives the same id, so a repeated `migrate`
 * returns the recorded outcome instead of running twice. Outside a workflow it is random.
 *
 * @example
 * requestIdFor(process.env, { functionName: "ops-staging-migration", operation: "migrate", params: {}, dryRun: false });
 * // "gh-123456789-1-migrate-invoke-3f2a9c1e0b7d"
 */
export function requestIdFor(env: NodeJS.ProcessEnv, identity: InvocationIdentity): string {
  if (!env.GITHUB_RUN_ID) return `ops-${randomUUID()}`;
  const digest = createHash("sha256")
    .update(canonicalJson({ ...identity }))
    .digest("hex")
    .slice(0, 12);
  const part = (value: string | undefined, max: number) =>
    (value ?? "").replace(/[^\w.:-]/g, "-").slice(0, max) || "-";
  return [
    "gh",
    part(env.GITHUB_RUN_ID, 20),
    part(env.GITHUB_RUN_ATTEMPT ?? "1", 6),
    part(env.GITHUB_JOB, 32),
    part(env.GITHUB_ACTION, 32),
    digest,
  ].join("-");
}

/**
 * The event context of a workflow run: actor, environment and a link to the run.
 *
 * @example
 * workflowContext(process.env, "staging"); // { actor: "octocat", environment: "staging", source: "github-actions", runUrl: "…" }
 */
export function workflowContext(
  env: NodeJS.ProcessEnv,
  environment: string | undefined,
): EventContext {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = env;
  const runUrl =
    server && repo && runId
      ? `${server}/${repo}/actions/runs/${runId}/attempts/${env.GITHUB_RUN_ATTEMPT ?? "1"}`
      : undefined;
  return {
    actor: env.GITHUB_ACTOR ?? "unknown",
    environment: environment ?? "unknown",
    source: "github-actions",
    ...(runUrl ? { runUrl } : {}),
  };
}
