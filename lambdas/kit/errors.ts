/** Stable codes of handled failures, shared by every ops Lambda. Operations may add their own. */
export type KitErrorCode =
  | "INVALID_REQUEST"
  | "UNAUTHORIZED"
  | "UNKNOWN_OPERATION"
  | "TIMEOUT_GUARD";

export interface OpsErrorOptions {
  /** Whether running the same request again may succeed (e.g. lock busy, connection lost). */
  retryable?: boolean;
  /** Data a caller needs to act: the file, the lock holder, the pending versions, … */
  details?: Record<string, unknown>;
  /** The next step to take, in one sentence. */
  hint?: string;
  /** Operation-specific data to return alongside the error (e.g. what was rolled back). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A handled failure: becomes `ok: false` with `error.code` in the result envelope instead of a
 * Lambda `FunctionError`. Throw it from an operation; anything else thrown is a bug.
 *
 * @example
 * throw new OpsError("CHECKSUM_MISMATCH", "Migration 2024…_users.sql was edited after it was applied", {
 *   details: { file: "2024…_users.sql" }, hint: "Restore the file, or run `ops migrate repair`.",
 * });
 */
export class OpsError extends Error {
  override readonly name = "OpsError";
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  readonly hint: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: KitErrorCode | (string & {}), message: string, options: OpsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
    this.hint = options.hint;
    this.data = options.data;
  }
}

/** `INVALID_REQUEST` naming the offending field. */
export function invalidRequest(field: string, problem: string): OpsError {
  return new OpsError("INVALID_REQUEST", `Invalid request: '${field}' ${problem}`, {
    details: { field },
    hint: `Fix '${field}' in the event and invoke again.`,
  });
}
