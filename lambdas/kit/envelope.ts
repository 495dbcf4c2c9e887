import { randomUUID } from "node:crypto";
import { invalidRequest } from "./errors.ts";

export const EVENT_SOURCES = ["github-actions", "cli", "schedule", "step-functions"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Who asked for an operation and from where (DESIGN.md §3.1). */
export interface EventContext {
  readonly actor: string;
  readonly environment: string;
  readonly source: EventSource;
  readonly runUrl?: string;
}

/** Signature block of a signed event: HMAC-SHA256 over the canonical envelope. */
export interface EventAuth {
  readonly ts: number;
  readonly nonce: string;
  readonly sig: string;
}

/** The command envelope every ops Lambda accepts, after validation. */
export interface OpsEvent {
  readonly operation: string;
  readonly params: Record<string, unknown>;
  readonly dryRun: boolean;
  readonly requestId: string;
  readonly context: EventContext;
  readonly auth?: EventAuth;
}

export interface ResultError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  readonly hint?: string;
}

/** The result envelope every ops Lambda returns (DESIGN.md §3.1). */
export interface OpsResult {
  readonly ok: boolean;
  readonly function: string;
  readonly operation: string;
  readonly requestId: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly coldStart: boolean;
  readonly summary: string;
  readonly data: Record<string, unknown>;
  readonly warnings: readonly string[];
  readonly error?: ResultError;
}

/** A warm-up ping: answered at once, opens no connection. */
export function isWarmupEvent(raw: unknown): boolean {
  return isRecord(raw) && raw.warmup === true;
}

/**
 * Validates an untrusted event into an `OpsEvent`, generating `requestId` when absent.
 * Throws `OpsError` `INVALID_REQUEST` naming the first offending field.
 *
 * @example
 * const event = parseEvent({ operation: "migrate", params: { to: "20240101120000" } }, ["migrate"]);
 */
export function parseEvent(raw: unknown, operations: readonly string[]): OpsEvent {
  if (!isRecord(raw)) throw invalidRequest("event", "must be a JSON object");
  const operation = raw.operation;
  if (typeof operation !== "string" || operation === "") {
    throw invalidRequest("operation", `is required: one of ${operations.join(" | ")}`);
  }
  if (!operations.includes(operation)) {
    throw invalidRequest(
      "operation",
      `must be one of ${operations.join(" | ")}, got '${operation.slice(0, 64)}'`,
    );
  }
  const params = raw.params ?? {};
  if (!isRecord(params)) throw invalidRequest("params", "must be a JSON object");
  const dryRun = raw.dryRun ?? false;
  if (typeof dryRun !== "boolean") throw invalidRequest("dryRun", "must be true or false");
  const requestId = raw.requestId ?? randomUUID();
  if (typeof requestId !== "string" || !/^[\w.:/-]{1,128}$/.test(requestId)) {
    throw invalidRequest("requestId", "must be 1–128 characters of letters, digits and . _ : / -");
  }
  return {
    operation,
    params,
    dryRun,
    requestId,
    context: parseContext(raw.context),
    ...(raw.auth === undefined ? {} : { auth: parseAuth(raw.auth) }),
  };
}

function parseContext(raw: unknown): EventContext {
  if (raw === undefined) return { actor: "unknown", environment: "unknown", source: "cli" };
  if (!isRecord(raw)) throw invalidRequest("context", "must be a JSON object");
  const source = raw.source ?? "cli";
  if (typeof source !== "string" || !(EVENT_SOURCES as readonly string[]).includes(source)) {
    throw invalidRequest("context.source", `must be one of ${EVENT_SOURCES.join(" | ")}`);
  }
  const context: EventContext = {
    actor: optionalString(raw.actor, "context.actor") ?? "unknown",
    environment: optionalString(raw.environment, "context.environment") ?? "unknown",
    source: source as EventSource,
  };
  const runUrl = optionalString(raw.runUrl, "context.runUrl");
  return runUrl === undefined ? context : { ...context, runUrl };
}

function parseAuth(raw: unknown): EventAuth {
  if (!isRecord(raw)) throw invalidRequest("auth", "must be a JSON object");
  const { ts, nonce, sig } = raw;
  if (typeof ts !== "number" || !Number.isInteger(ts)) {
    throw invalidRequest("auth.ts", "must be a Unix time in seconds");
  }
  if (typeof nonce !== "string" || nonce.length < 8 || nonce.length > 128) {
    throw invalidRequest("auth.nonce", "must be a string of 8–128 characters");
  }
  if (typeof sig !== "string" || !/^[0-9a-f]{64}$/.test(sig)) {
    throw invalidRequest("auth.sig", "must be a hex HMAC-SHA256 (64 characters)");
  }
  return { ts, nonce, sig };
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidRequest(field, "must be a string");
  return value.slice(0, 512);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
