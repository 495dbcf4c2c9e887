import { RunHistoryError } from "./errors.ts";
import { resolveFunctionName } from "./functionNames.ts";
import type { DeployMarker, HistoryEntry, RunRecord } from "./types.ts";

type Json = Record<string, unknown>;

/**
 * Parses one JSON line of a run history into a run or a deploy marker. Accepts:
 * - result envelopes (DESIGN.md §3.1): `function`, `operation`, `ok`, `durationMs`, `startedAt`,
 *   `error.code`, and `environment` at top level or as `context.environment`;
 * - local Lambda endpoint records (`.ops/invocations.jsonl`): full function names such as
 *   `ops-local-migration`, `errorCode`, `billedDurationMs`, `memorySizeMb` (and the short
 *   aliases `start`, `billedMs`, `memorySize`);
 * - deploy markers: `{"kind":"deploy","function","environment","at","version"}`.
 *
 * Throws `RunHistoryError` `HISTORY_BAD_LINE` naming the line and the field.
 *
 * @example
 * parseHistoryLine('{"function":"migration","operation":"migrate","ok":true,"durationMs":12,"startedAt":"2026-01-05T10:00:00Z"}', 1);
 */
export function parseHistoryLine(
  text: string,
  line: number,
  knownFunctions: readonly string[] = [],
): HistoryEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bad(line, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad(line, "must be a JSON object (a result envelope or a deploy marker)");
  }
  const record = value as Json;
  return record.kind === "deploy"
    ? parseDeploy(record, line, knownFunctions)
    : parseRun(record, line, knownFunctions);
}

function parseRun(record: Json, line: number, knownFunctions: readonly string[]): RunRecord {
  const name = requiredString(record, "function", line);
  const resolved = resolveFunctionName(name, knownFunctions);
  const ok = record.ok;
  if (typeof ok !== "boolean") throw bad(line, "'ok' must be true or false");
  const durationMs = requiredDuration(record, ["durationMs", "duration"], line);
  const billed = optionalNumber(record, ["billedDurationMs", "billedMs"], line);
  const context =
    typeof record.context === "object" && record.context !== null ? record.context : {};
  const environment =
    optionalString(record, "environment", line) ??
    optionalString(context as Json, "environment", line) ??
    resolved.environment ??
    "unknown";
  const error = typeof record.error === "object" && record.error !== null ? record.error : {};
  const errorCode = ok
    ? null
    : (optionalString(error as Json, "code", line) ??
      optionalString(record, "errorCode", line) ??
      "UNKNOWN");
  return {
    kind: "run",
    function: resolved.key,
    operation: optionalString(record, "operation", line) ?? "unknown",
    environment,
    ok,
    errorCode,
    durationMs,
    billedDurationMs: billed ?? durationMs,
    memorySizeMb: optionalNumber(record, ["memorySizeMb", "memorySize"], line),
    startedAt: requiredTime(record, ["startedAt", "start"], line),
  };
}

function parseDeploy(record: Json, line: number, knownFunctions: readonly string[]): DeployMarker {
  const resolved = resolveFunctionName(requiredString(record, "function", line), knownFunctions);
  return {
    kind: "deploy",
    function: resolved.key,
    environment: optionalString(record, "environment", line) ?? resolved.environment ?? "unknown",
    at: requiredTime(record, ["at"], line),
    version: requiredString(record, "version", line),
  };
}

function requiredString(record: Json, field: string, line: number): string {
  const value = record[field];
  if (typeof value !== "string" || value === "")
    throw bad(line, `'${field}' is required (a non-empty string)`);
  return value;
}

function optionalString(record: Json, field: string, line: number): string | undefined {
  const value = record[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw bad(line, `'${field}' must be a string`);
  return value;
}

function optionalNumber(record: Json, fields: string[], line: number): number | undefined {
  for (const field of fields) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw bad(line, `'${field}' must be a number ≥ 0, got ${JSON.stringify(value)}`);
    return value;
  }
  return undefined;
}

function requiredDuration(record: Json, fields: string[], line: number): number {
  const value = optionalNumber(record, fields, line);
  if (value === undefined) throw bad(line, `'${fields[0]}' is required (milliseconds)`);
  return value;
}

function requiredTime(record: Json, fields: string[], line: number): number {
  for (const field of fields) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    const time = typeof value === "number" ? value : Date.parse(String(value));
    if (!Number.isFinite(time))
      throw bad(line, `'${field}' must be an ISO-8601 time, got ${JSON.stringify(value)}`);
    return time;
  }
  throw bad(line, `'${fields[0]}' is required (an ISO-8601 time)`);
}

function bad(line: number, reason: string): RunHistoryError {
  return new RunHistoryError("HISTORY_BAD_LINE", `Line ${line}: ${reason}`, { line });
}
