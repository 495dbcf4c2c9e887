import { isDeepStrictEqual } from "node:util";
import { type Finding, type Graded, NOTHING_FOUND } from "../grade.ts";
import type { HttpResponseSample, JsonAssertion, Measurement } from "../types.ts";

/**
 * Checks the JSON fields an endpoint's body must hold; measures each field's actual value.
 *
 * @example
 * jsonFindings([{ path: "version", equals: "1.5.0" }], response);
 * // → { findings: [{ status: "fail", text: "JSON field 'version' is \"1.4.0\", expected \"1.5.0\": …" }], measured: { "json.version": "1.4.0" } }
 */
export function jsonFindings(
  assertions: readonly JsonAssertion[],
  response: HttpResponseSample,
): Graded {
  if (assertions.length === 0) return NOTHING_FOUND;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    const type = response.contentType ?? "no content type";
    const text = `Response is not JSON (${type}), so ${assertions.map((a) => `'${a.path}'`).join(", ")} cannot be checked: point the check at the service's JSON health endpoint.`;
    return { findings: [{ status: "fail", text }], measured: {} };
  }
  const findings: Finding[] = [];
  const measured: Record<string, Measurement> = {};
  for (const assertion of assertions) {
    const actual = valueAt(body, assertion.path);
    measured[`json.${assertion.path}`] = actual.found ? asMeasurement(actual.value) : null;
    const finding = assertionFinding(assertion, actual);
    if (finding) findings.push(finding);
  }
  return { findings, measured };
}

function assertionFinding(
  assertion: JsonAssertion,
  actual: { found: boolean; value?: unknown },
): Finding | undefined {
  const expected = "equals" in assertion ? ` (expected ${show(assertion.equals)})` : "";
  if (!actual.found) {
    return {
      status: "fail",
      text: `JSON field '${assertion.path}' is missing${expected}: check that the deployed build exposes it.`,
    };
  }
  if (!("equals" in assertion) || isDeepStrictEqual(actual.value, assertion.equals))
    return undefined;
  const versionHint =
    assertion.path === "version"
      ? "the expected version is not what serves traffic: check that the deploy finished and the load balancer points at it."
      : "check the service's configuration and latest deploy.";
  return {
    status: "fail",
    text: `JSON field '${assertion.path}' is ${show(actual.value)}, expected ${show(assertion.equals)}: ${versionHint}`,
  };
}

function valueAt(body: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = body;
  for (const segment of path.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, segment)) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/**
 * A JSON value as a measurement: scalars as they are, anything else (or a long string) as short JSON.
 *
 * @example
 * asMeasurement({ sha: "abc" }); // '{"sha":"abc"}'
 */
export function asMeasurement(value: unknown): Measurement {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  return typeof value === "string" && value.length <= 200 ? value : show(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
