import { createHash } from "node:crypto";
import type { OpsEvent, OpsResult } from "./envelope.ts";
import { canonicalJson } from "./signing.ts";

/** One record per invocation: who did what, with which params (as a digest), and how it ended. */
export interface AuditRecord {
  readonly kind: "audit";
  readonly requestId: string;
  readonly function: string;
  readonly operation: string;
  readonly environment: string;
  readonly actor: string;
  readonly source: string;
  readonly runUrl?: string;
  readonly dryRun: boolean;
  /** sha256 of the canonical params: proves what was asked without logging values. */
  readonly paramsDigest: string;
  readonly ok: boolean;
  readonly code?: string;
  readonly durationMs: number;
}

/**
 * Builds the audit record of an invocation.
 *
 * @example
 * logger.info("audit", { ...buildAuditRecord(event, result) });
 */
export function buildAuditRecord(event: OpsEvent | undefined, result: OpsResult): AuditRecord {
  const record: AuditRecord = {
    kind: "audit",
    requestId: result.requestId,
    function: result.function,
    operation: result.operation,
    environment: event?.context.environment ?? "unknown",
    actor: event?.context.actor ?? "unknown",
    source: event?.context.source ?? "unknown",
    dryRun: event?.dryRun ?? false,
    paramsDigest: digestParams(event?.params ?? {}),
    ok: result.ok,
    durationMs: result.durationMs,
    ...(event?.context.runUrl ? { runUrl: event.context.runUrl } : {}),
  };
  return result.error ? { ...record, code: result.error.code } : record;
}

export function digestParams(params: Record<string, unknown>): string {
  return `sha256:${createHash("sha256").update(canonicalJson(params)).digest("hex")}`;
}
