import { redactText } from "../kit/redact.ts";
import type { SectionError } from "./execute.ts";
import type { Migration } from "./types.ts";

/** Where and why a section failed, for `OpsError.details`. */
export interface StatementFailureDetails extends Record<string, unknown> {
  readonly version: string;
  readonly name: string;
  readonly file: string;
  /** Line where the failing statement starts; null when the COMMIT or bookkeeping failed. */
  readonly line: number | null;
  /** 1-based character position of the error within the statement, when PostgreSQL gives one. */
  readonly position: number | null;
  /** Line of `position` in the file (equals `line` when there is no position). */
  readonly errorLine: number | null;
  readonly statement: string | null;
  readonly sqlState: string | null;
  readonly error: string;
  readonly pgDetail: string | null;
  readonly pgHint: string | null;
}

/**
 * The details of a failed section: file, line (and position), statement, SQLSTATE.
 *
 * @example
 * describeStatementFailure(migration, error).errorLine; // 12
 */
export function describeStatementFailure(
  migration: Migration,
  error: SectionError,
): StatementFailureDetails {
  const cause = (error.cause ?? {}) as { position?: string; detail?: string; hint?: string };
  const statement = error.statement;
  const position = cause.position === undefined ? null : Number(cause.position);
  const errorLine =
    statement === null
      ? null
      : statement.line + (position === null ? 0 : newlinesBefore(statement.sql, position - 1));
  return {
    version: migration.version,
    name: migration.name,
    file: error.section.file,
    line: statement?.line ?? null,
    position,
    errorLine,
    statement: statement === null ? null : truncate(statement.sql, 1_000),
    sqlState: error.sqlState,
    error: redactText(error.message),
    pgDetail: cause.detail ?? null,
    pgHint: cause.hint ?? null,
  };
}

/**
 * "create_users.sql:12" or "create_users.sql (at COMMIT)".
 *
 * @example
 * describeLocation(details); // "20240101_users.sql:12 (statement at line 10, position 57)"
 */
export function describeLocation(details: StatementFailureDetails): string {
  if (details.line === null) return `${details.file} (at COMMIT)`;
  const position =
    details.position === null
      ? ""
      : ` (statement at line ${details.line}, position ${details.position})`;
  return `${details.file}:${details.errorLine ?? details.line}${position}`;
}

function newlinesBefore(text: string, index: number): number {
  let count = 0;
  for (let i = 0; i < Math.min(index, text.length); i++) if (text[i] === "\n") count++;
  return count;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
