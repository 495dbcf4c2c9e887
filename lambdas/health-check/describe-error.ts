/**
 * One line describing a thrown error: its code and message, without repeating the code.
 * Node reports a refused dual-stack connect as an AggregateError with an empty message; its
 * first inner error is used then.
 *
 * @example
 * describeError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })); // "ECONNRESET: socket hang up"
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  const message =
    error.message || (error instanceof AggregateError ? describeError(error.errors[0]) : "");
  if (code && !message.includes(code)) return message ? `${code}: ${message}` : code;
  return message || error.name;
}

/**
 * The `code` of a Node or pg error (`ECONNREFUSED`, `28P01`, …), if it has one.
 *
 * @example
 * errorCode(Object.assign(new Error("x"), { code: "ETIMEDOUT" })); // "ETIMEDOUT"
 */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
