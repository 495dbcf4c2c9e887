import { describeError, errorCode } from "../describe-error.ts";
import { type Finding, gradeAbove, NOTHING_FOUND, worstStatus } from "../grade.ts";
import { redactSecret } from "../redact.ts";
import type { Thresholds } from "../thresholds.ts";
import type { Check, Endpoint, HttpRequest, Measurement } from "../types.ts";
import { certificateFindings, type TimedResponse } from "./certificate.ts";
import { HttpTimeoutError } from "./http-request.ts";
import { asMeasurement, jsonFindings } from "./json-fields.ts";

export interface EndpointCheckOptions {
  readonly thresholds: Thresholds;
  readonly request: HttpRequest;
  /** Wall clock in epoch ms. */
  readonly now: () => number;
  readonly trustedCa?: readonly string[];
  /** Upper bound on any endpoint's timeout, e.g. the time left in the invocation. */
  readonly maxTimeoutMs: number;
}

/**
 * Requests one endpoint and grades the answer: status, latency against its budget, JSON fields,
 * and for https the certificate's days to expiry. Never throws: a failed request is a failed check.
 *
 * @example
 * const check = await checkEndpoint(endpoint, { thresholds, request: requestOnce, now: Date.now, maxTimeoutMs: 10_000 });
 * check.status; // "ok" | "warn" | "fail"
 */
export async function checkEndpoint(
  endpoint: Endpoint,
  options: EndpointCheckOptions,
): Promise<Check> {
  const timeoutMs = Math.max(1, Math.min(endpoint.timeoutMs, options.maxTimeoutMs));
  const started = options.now();
  try {
    const response = await options.request(endpoint.url, {
      timeoutMs,
      ...(options.trustedCa ? { trustedCa: options.trustedCa } : {}),
    });
    const at = options.now();
    return gradeResponse(endpoint, { response, latencyMs: at - started, at }, options.thresholds);
  } catch (error) {
    return requestFailed(endpoint, error, { latencyMs: options.now() - started, timeoutMs });
  }
}

/**
 * Grades a received response. Pure: the same response and clock give the same check.
 *
 * @example
 * gradeResponse(endpoint, { response: { status: 503, contentType: undefined, body: "" }, latencyMs: 20, at: Date.now() }, DEFAULT_THRESHOLDS);
 * // → { status: "fail", message: "Returned HTTP 503, expected 200: check the service's logs …", … }
 */
export function gradeResponse(
  endpoint: Endpoint,
  timed: TimedResponse,
  thresholds: Thresholds,
): Check {
  const { response, latencyMs } = timed;
  const statusMatches = response.status === endpoint.expectStatus;
  const certificate = certificateFindings(endpoint.url.hostname, timed, thresholds);
  const json = statusMatches ? jsonFindings(endpoint.assertions, response) : NOTHING_FOUND;
  const findings = [
    ...(statusMatches ? [] : [statusMismatch(endpoint, response.status)]),
    ...latencyFindings(endpoint, latencyMs),
    ...json.findings,
    ...certificate.findings,
  ];
  const status = worstStatus(findings.map((f) => f.status));
  return {
    name: endpoint.name,
    status,
    measured: {
      url: endpoint.displayUrl,
      httpStatus: response.status,
      latencyMs: Math.round(latencyMs),
      ...json.measured,
      ...certificate.measured,
    },
    thresholds: endpointThresholds(endpoint, thresholds),
    message:
      status === "ok"
        ? okMessage(response.status, latencyMs, certificate.measured.certDaysToExpiry)
        : findings
            .filter((f) => f.status !== "ok")
            .map((f) => f.text)
            .join(" "),
  };
}

function okMessage(
  httpStatus: number,
  latencyMs: number,
  certDays: Measurement | undefined,
): string {
  const cert =
    typeof certDays === "number" ? `; certificate valid for ${Math.floor(certDays)} more days` : "";
  return `HTTP ${httpStatus} in ${Math.round(latencyMs)} ms${cert}.`;
}

function statusMismatch(endpoint: Endpoint, status: number): Finding {
  return {
    status: "fail",
    text: `Returned HTTP ${status}, expected ${endpoint.expectStatus}: check the service's logs and its latest deploy.`,
  };
}

function latencyFindings(endpoint: Endpoint, latencyMs: number): Finding[] {
  const budget = endpoint.latencyBudgetMs;
  const status = gradeAbove(latencyMs, budget, 2 * budget);
  if (status === "ok") return [];
  const over =
    status === "fail" ? `more than twice its ${budget} ms budget` : `over its ${budget} ms budget`;
  return [
    {
      status,
      text: `Answered in ${Math.round(latencyMs)} ms, ${over}: check the service's load and the dependencies it calls (database, downstream APIs).`,
    },
  ];
}

function requestFailed(
  endpoint: Endpoint,
  error: unknown,
  { latencyMs, timeoutMs }: { latencyMs: number; timeoutMs: number },
): Check {
  const code = errorCode(error);
  return {
    name: endpoint.name,
    status: "fail",
    measured: {
      url: endpoint.displayUrl,
      httpStatus: null,
      latencyMs: Math.round(latencyMs),
      error: code ?? "ERROR",
    },
    thresholds: { ...endpointThresholds(endpoint), timeoutMs },
    message: failureMessage(endpoint, error, code),
  };
}

function failureMessage(endpoint: Endpoint, error: unknown, code: string | undefined): string {
  if (error instanceof HttpTimeoutError) {
    return `No complete response within ${error.timeoutMs} ms: check that the service is up and reachable from this network (DNS, security groups), and its load.`;
  }
  const reason = redactSecret(describeError(error), endpoint.url.password);
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code)) {
    return `TLS verification of ${endpoint.url.hostname} failed (${reason}): serve a certificate for this host name, valid now and signed by a trusted CA.`;
  }
  return `Request failed (${reason}): check that the service is up and reachable from this network (DNS, security groups).`;
}

function endpointThresholds(
  endpoint: Endpoint,
  thresholds?: Thresholds,
): Record<string, Measurement> {
  const result: Record<string, Measurement> = {
    expectStatus: endpoint.expectStatus,
    latencyBudgetMs: endpoint.latencyBudgetMs,
    latencyFailMs: 2 * endpoint.latencyBudgetMs,
    timeoutMs: endpoint.timeoutMs,
  };
  for (const assertion of endpoint.assertions) {
    if ("equals" in assertion) result[`json.${assertion.path}`] = asMeasurement(assertion.equals);
  }
  if (thresholds && endpoint.url.protocol === "https:") {
    result.certWarnDays = thresholds.certWarnDays;
    result.certFailDays = thresholds.certFailDays;
  }
  return result;
}
