import { invalidRequest } from "../kit/errors.ts";
import { describeReceived, displayUrl } from "./redact.ts";
import { DEFAULT_THRESHOLDS, THRESHOLD_PAIRS, type Thresholds } from "./thresholds.ts";
import type { Endpoint, HealthCheckRequest, JsonAssertion } from "./types.ts";

/** Defaults of an endpoint's optional fields, and of `params.concurrency`. */
export const ENDPOINT_DEFAULTS = { expectStatus: 200, latencyBudgetMs: 1000, timeoutMs: 5000 };
export const DEFAULT_CONCURRENCY = 4;
const MAX_ENDPOINTS = 50;
const MAX_MS = 300_000;

const PARAM_KEYS = ["endpoints", "thresholds", "concurrency"];
const ENDPOINT_KEYS = [
  "name",
  "url",
  "expectStatus",
  "latencyBudgetMs",
  "json",
  "version",
  "timeoutMs",
];

type Fields = Record<string, unknown>;

/**
 * Validates the operation's params (and `HEALTH_ENDPOINTS` when params name no endpoints) and
 * applies defaults. Throws `INVALID_REQUEST` naming the first bad field.
 *
 * @example
 * parseHealthCheckParams({ endpoints: [{ url: "https://api.example.com/health", version: "1.4.0" }] }, {});
 * // → { endpoints: [{ name: "https://api.example.com/health", expectStatus: 200, … }], thresholds, concurrency: 4 }
 */
export function parseHealthCheckParams(
  params: unknown,
  env: Readonly<Record<string, string | undefined>>,
): HealthCheckRequest {
  const input = objectAt(params ?? {}, "params");
  rejectUnknownKeys(input, "params", PARAM_KEYS);
  const endpoints =
    input.endpoints === undefined
      ? endpointsFromEnv(env.HEALTH_ENDPOINTS)
      : parseEndpoints(input.endpoints, "params.endpoints");
  return {
    endpoints,
    thresholds: parseThresholds(input.thresholds),
    concurrency:
      numberAt(input.concurrency, "params.concurrency", 1, 20, true) ?? DEFAULT_CONCURRENCY,
  };
}

function endpointsFromEnv(raw: string | undefined): Endpoint[] {
  if (raw === undefined || raw.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw invalidRequest(
      "HEALTH_ENDPOINTS",
      `must be a JSON array of endpoints (${String(error)})`,
    );
  }
  return parseEndpoints(parsed, "HEALTH_ENDPOINTS");
}

function parseEndpoints(value: unknown, field: string): Endpoint[] {
  if (!Array.isArray(value)) {
    throw invalidRequest(field, `must be an array of endpoints, got ${describeReceived(value)}`);
  }
  if (value.length > MAX_ENDPOINTS) {
    throw invalidRequest(
      field,
      `must hold at most ${MAX_ENDPOINTS} endpoints, got ${value.length}`,
    );
  }
  const endpoints = value.map((item, i) => parseEndpoint(item, `${field}[${i}]`));
  rejectDuplicateNames(endpoints, field);
  return endpoints;
}

function parseEndpoint(value: unknown, field: string): Endpoint {
  const spec = objectAt(value, field);
  rejectUnknownKeys(spec, field, ENDPOINT_KEYS);
  const url = httpUrlAt(spec.url, `${field}.url`);
  const shown = displayUrl(url);
  return {
    name: nonEmptyStringAt(spec.name, `${field}.name`) ?? shown,
    url,
    displayUrl: shown,
    expectStatus:
      numberAt(spec.expectStatus, `${field}.expectStatus`, 100, 599, true) ??
      ENDPOINT_DEFAULTS.expectStatus,
    latencyBudgetMs:
      numberAt(spec.latencyBudgetMs, `${field}.latencyBudgetMs`, 1, MAX_MS) ??
      ENDPOINT_DEFAULTS.latencyBudgetMs,
    timeoutMs:
      numberAt(spec.timeoutMs, `${field}.timeoutMs`, 1, MAX_MS) ?? ENDPOINT_DEFAULTS.timeoutMs,
    assertions: parseAssertions(spec, field),
  };
}

function parseAssertions(spec: Fields, field: string): JsonAssertion[] {
  const assertions: JsonAssertion[] = [];
  if (spec.json !== undefined) {
    const json = objectAt(spec.json, `${field}.json`);
    rejectUnknownKeys(json, `${field}.json`, ["path", "equals"]);
    const path = nonEmptyStringAt(json.path, `${field}.json.path`);
    if (path === undefined || path.split(".").some((segment) => segment === "")) {
      throw invalidRequest(
        `${field}.json.path`,
        `must be a dot-separated field path like 'build.version', got ${describeReceived(json.path)}`,
      );
    }
    assertions.push("equals" in json ? { path, equals: json.equals } : { path });
  }
  const version = nonEmptyStringAt(spec.version, `${field}.version`);
  if (version !== undefined) assertions.push({ path: "version", equals: version });
  return assertions;
}

function parseThresholds(value: unknown): Thresholds {
  if (value === undefined) return DEFAULT_THRESHOLDS;
  const input = objectAt(value, "params.thresholds");
  rejectUnknownKeys(input, "params.thresholds", Object.keys(DEFAULT_THRESHOLDS));
  const merged: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  for (const [key, given] of Object.entries(input)) {
    merged[key] = numberAt(given, `params.thresholds.${key}`, 0, Number.POSITIVE_INFINITY) ?? 0;
  }
  const thresholds = merged as unknown as Thresholds;
  for (const [warn, fail, higherIsWorse] of THRESHOLD_PAIRS) {
    if (higherIsWorse ? thresholds[warn] > thresholds[fail] : thresholds[warn] < thresholds[fail]) {
      throw invalidRequest(
        `params.thresholds.${warn}`,
        `must not be ${higherIsWorse ? "above" : "below"} ${fail} (${thresholds[fail]}), got ${thresholds[warn]}`,
      );
    }
  }
  return thresholds;
}

function httpUrlAt(value: unknown, field: string): URL {
  const problem = `must be an http(s) URL, got ${describeReceived(value)}`;
  if (typeof value !== "string" || !URL.canParse(value)) throw invalidRequest(field, problem);
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalidRequest(field, problem);
  return url;
}

function objectAt(value: unknown, field: string): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidRequest(field, `must be an object, got ${describeReceived(value)}`);
  }
  return value as Fields;
}

function rejectUnknownKeys(value: Fields, field: string, known: readonly string[]): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw invalidRequest(`${field}.${unknown}`, `is not accepted; use one of ${known.join(", ")}`);
  }
}

function nonEmptyStringAt(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw invalidRequest(field, `must be a non-empty string, got ${describeReceived(value)}`);
  }
  return value;
}

function numberAt(
  value: unknown,
  field: string,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  if (value === undefined) return undefined;
  const valid =
    typeof value === "number" &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!valid) {
    const kind = integer ? "an integer" : "a number";
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `from ${min} to ${max}`;
    throw invalidRequest(field, `must be ${kind} ${range}, got ${describeReceived(value)}`);
  }
  return value;
}

function rejectDuplicateNames(endpoints: readonly Endpoint[], field: string): void {
  endpoints.forEach((endpoint, i) => {
    const first = endpoints.findIndex((other) => other.name === endpoint.name);
    if (first !== i) {
      throw invalidRequest(
        `${field}[${i}].name`,
        `must be unique; '${endpoint.name}' is also the name of ${field}[${first}] (give each a 'name')`,
      );
    }
  });
}
