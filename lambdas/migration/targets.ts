import { invalidRequest } from "../kit/errors.ts";

/**
 * Checks a version given as a target (`to`): digits only.
 *
 * @example
 * assertVersion("to", "20240101120000");
 */
export function assertVersion(field: string, value: string | undefined): void {
  if (value !== undefined && !/^\d+$/.test(value)) {
    throw invalidRequest(field, `must be a migration version (digits only), got '${value}'`);
  }
}

/**
 * Checks a step count: a positive integer.
 *
 * @example
 * assertSteps(2);
 */
export function assertSteps(value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw invalidRequest("steps", `must be a positive integer, got ${String(value)}`);
  }
}
