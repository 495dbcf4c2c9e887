/** Stable codes of run-history failures. */
export type RunHistoryErrorCode = "HISTORY_NOT_FOUND" | "HISTORY_BAD_LINE";

/**
 * A run history that cannot be analysed. `line` is 1-based, as an editor shows it.
 *
 * @example
 * throw new RunHistoryError("HISTORY_BAD_LINE", "Line 3: 'ok' must be true or false", { line: 3 });
 */
export class RunHistoryError extends Error {
  override readonly name = "RunHistoryError";
  readonly code: RunHistoryErrorCode;
  readonly line: number | undefined;

  constructor(
    code: RunHistoryErrorCode,
    message: string,
    options: { line?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.line = options.line;
  }
}
