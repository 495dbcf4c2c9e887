import { invalidRequest } from "./errors.ts";

type Params = Record<string, unknown>;

/**
 * Rejects params the operation does not know, naming the first one (a typo like `step` for
 * `steps` must not silently do the default).
 *
 * @example
 * rejectUnknownParams(event.params, ["to", "steps"]);
 */
export function rejectUnknownParams(params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      throw invalidRequest(
        `params.${key}`,
        `is not a parameter of this operation (accepted: ${allowed.join(", ") || "none"})`,
      );
    }
  }
}

/** An optional string param. */
export function optionalString(
  params: Params,
  key: string,
  pattern?: RegExp,
  expected?: string,
): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || (pattern && !pattern.test(value))) {
    throw invalidRequest(
      `params.${key}`,
      `must be ${expected ?? "a string"}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** An optional boolean param. */
export function optionalBoolean(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw invalidRequest(`params.${key}`, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** An optional integer param within [min, max]. */
export function optionalInteger(
  params: Params,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidRequest(
      `params.${key}`,
      `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
