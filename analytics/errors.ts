/** Stable codes of the analytics failures a caller can handle. */
export type SeriesErrorCode = "CSV_BAD_HEADER" | "CSV_BAD_ROW" | "UNKNOWN_DETECTOR";

/**
 * A series CSV (or an option) that cannot be scored. `line` is 1-based and counts the header,
 * so it matches what an editor shows.
 *
 * @example
 * throw new SeriesInputError("CSV_BAD_ROW", "Line 12: value 'abc' is not a number", { line: 12 });
 */
export class SeriesInputError extends Error {
  override readonly name = "SeriesInputError";
  readonly code: SeriesErrorCode;
  readonly line: number | undefined;

  constructor(
    code: SeriesErrorCode,
    message: string,
    options: { line?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.line = options.line;
  }
}
