import { OpsError } from "../kit/errors.ts";

/** Where in the migrations directory the problem is: a file (or the directory) and a line in it. */
export interface MigrationProblemLocation {
  /** File name relative to the migrations directory, or the directory itself. */
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** Every file involved, when the problem is between files (duplicate versions). */
  readonly files?: readonly string[];
}

/**
 * The `INVALID_MIGRATIONS` error: the migration set cannot be used as written. The message names
 * the file (and line); `details` carries them for callers that render their own output.
 *
 * @example
 * throw invalidMigrations("20240101120000_users.sql has no '-- migrate:up' marker", {
 *   file: "20240101120000_users.sql",
 * }, { hint: "Add a '-- migrate:up' line above the SQL that applies the migration." });
 */
export function invalidMigrations(
  message: string,
  location: MigrationProblemLocation,
  options: { hint?: string; cause?: unknown } = {},
): OpsError {
  return new OpsError("INVALID_MIGRATIONS", message, {
    details: { ...location },
    hint: options.hint,
    cause: options.cause,
  });
}

/**
 * `file:line` (or just `file`) for messages.
 *
 * @example
 * describeLocation("20240101120000_users.sql", 12); // "20240101120000_users.sql:12"
 */
export function describeLocation(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}
