/**
 * A failure around an action's AWS calls (not a failure *of* an ops function, which is data):
 * a stable `code` and the next step to take. Each action subclasses it per failure.
 *
 * @example
 * throw new ActionError("METRICS_CALL_FAILED", "GetMetricData failed: …", { hint: "Check 'aws-region'." });
 */
export class ActionError extends Error {
  override readonly name: string = "ActionError";
  readonly code: string;
  readonly hint: string;

  constructor(code: string, message: string, options: { hint: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * "Name: message" of an SDK or network error, one line (a Node.js error's `code` stands in for a
 * bare "Error" name).
 *
 * @example
 * describeCause(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
 * // "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1"
 */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const name = cause.name === "Error" && typeof code === "string" ? code : cause.name;
  const message = cause.message.split("\n")[0] || (typeof code === "string" ? code : "");
  return message && message !== name ? `${name}: ${message}` : name;
}
