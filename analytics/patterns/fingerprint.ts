import { createHash } from "node:crypto";
import type { FindingKind, FindingScope } from "./types.ts";

const SCOPE_FIELDS = [
  "environment",
  "function",
  "operation",
  "errorCode",
  "version",
  "period",
] as const;

/**
 * A finding's stable id: the first 12 hex digits of SHA-256 over its kind and scope (in a fixed
 * field order), never its numbers, so the same issue keeps its id from one analysis to the next.
 *
 * @example
 * findingFingerprint("burst", { function: "health-check", operation: "check", environment: "production" });
 */
export function findingFingerprint(kind: FindingKind, scope: FindingScope): string {
  const canonical = [kind, ...SCOPE_FIELDS.map((field) => `${field}=${scope[field] ?? ""}`)];
  return createHash("sha256").update(canonical.join("\n")).digest("hex").slice(0, 12);
}
