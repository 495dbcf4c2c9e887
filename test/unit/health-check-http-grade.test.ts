import { describe, expect, it } from "vitest";
import { checkEndpoint, gradeResponse } from "../../lambdas/health-check/checks/http.ts";
import { HttpTimeoutError } from "../../lambdas/health-check/checks/http-request.ts";
import { parseHealthCheckParams } from "../../lambdas/health-check/params.ts";
import { DEFAULT_THRESHOLDS } from "../../lambdas/health-check/thresholds.ts";
import type { EndpointSpec, HttpResponseSample } from "../../lambdas/health-check/types.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const DAY = 86_400_000;

function endpoint(spec: Partial<EndpointSpec> = {}) {
  const request = parseHealthCheckParams(
    { endpoints: [{ url: "https://api.example.com/health", ...spec }] },
    {},
  );
  const [parsed] = request.endpoints;
  if (!parsed) throw new Error("no endpoint");
  return parsed;
}

function response(overrides: Partial<HttpResponseSample> = {}): HttpResponseSample {
  return {
    status: 200,
    contentType: "application/json",
    body: JSON.stringify({ status: "ok", version: "1.4.0", build: { sha: "abc" } }),
    certificate: { validTo: new Date(NOW + 90 * DAY).toUTCString(), subject: "api.example.com" },
    ...overrides,
  };
}

function grade(
  spec: Partial<EndpointSpec>,
  overrides: Partial<HttpResponseSample> = {},
  latencyMs = 40,
) {
  return gradeResponse(
    endpoint(spec),
    { response: response(overrides), latencyMs, at: NOW },
    DEFAULT_THRESHOLDS,
  );
}

describe("gradeResponse", () => {
  it("passes a fast, expected answer and reports what it measured", () => {
    const check = grade({ name: "api", version: "1.4.0" });

    expect(check).toMatchObject({ name: "api", status: "ok" });
    expect(check.measured).toMatchObject({
      httpStatus: 200,
      latencyMs: 40,
      "json.version": "1.4.0",
      certDaysToExpiry: 90,
      certSubject: "api.example.com",
    });
    expect(check.thresholds).toMatchObject({
      expectStatus: 200,
      latencyBudgetMs: 1000,
      latencyFailMs: 2000,
      "json.version": "1.4.0",
      certWarnDays: 30,
      certFailDays: 7,
    });
    expect(check.message).toBe("HTTP 200 in 40 ms; certificate valid for 90 more days.");
  });

  it.each([
    [1000, "ok"],
    [1500, "warn"],
    [2001, "fail"],
  ])("grades a %i ms answer against a 1000 ms budget as %s", (latencyMs, status) => {
    expect(grade({}, {}, latencyMs).status).toBe(status);
  });

  it("fails a status mismatch naming both statuses, without judging the body", () => {
    const check = grade({ version: "1.4.0" }, { status: 503, body: "<h1>down</h1>" });

    expect(check.status).toBe("fail");
    expect(check.message).toContain("Returned HTTP 503, expected 200");
    expect(check.message).not.toContain("JSON");
  });

  it("fails a version mismatch naming the expected and the actual version", () => {
    const check = grade({ version: "1.5.0" });

    expect(check.status).toBe("fail");
    expect(check.message).toContain(`JSON field 'version' is "1.4.0", expected "1.5.0"`);
    expect(check.measured["json.version"]).toBe("1.4.0");
  });

  it("compares JSON fields deeply and fails a missing one", () => {
    expect(grade({ json: { path: "build", equals: { sha: "abc" } } }).status).toBe("ok");
    const missing = grade({ json: { path: "build.tag", equals: "v1" } });
    expect(missing.message).toContain(`JSON field 'build.tag' is missing (expected "v1")`);
    expect(missing.measured["json.build.tag"]).toBeNull();
  });

  it("fails a body that is not JSON when a field is expected", () => {
    const check = grade({ version: "1.4.0" }, { body: "<html/>", contentType: "text/html" });

    expect(check.status).toBe("fail");
    expect(check.message).toContain("not JSON (text/html)");
  });

  it.each([
    [40, "ok"],
    [20, "warn"],
    [3, "fail"],
    [-2, "fail"],
  ])("grades a certificate with %i days left as %s", (days, status) => {
    const check = grade(
      {},
      { certificate: { validTo: new Date(NOW + days * DAY).toUTCString(), subject: undefined } },
    );

    expect(check.status).toBe(status);
    expect(check.measured.certDaysToExpiry).toBe(days);
    if (days < 0) expect(check.message).toContain("expired on");
    if (status !== "ok") expect(check.message).toContain("renew it");
  });

  it("uses overridden certificate thresholds", () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, certWarnDays: 10, certFailDays: 2 };
    const certificate = { validTo: new Date(NOW + 20 * DAY).toUTCString(), subject: undefined };

    const check = gradeResponse(
      endpoint(),
      { response: response({ certificate }), latencyMs: 5, at: NOW },
      thresholds,
    );

    expect(check.status).toBe("ok");
  });

  it("lists every problem of one endpoint in its message", () => {
    const check = grade({ version: "2.0.0" }, {}, 1500);

    expect(check.status).toBe("fail");
    expect(check.message).toContain("over its 1000 ms budget");
    expect(check.message).toContain('expected "2.0.0"');
  });
});

describe("checkEndpoint", () => {
  const options = { thresholds: DEFAULT_THRESHOLDS, now: () => NOW, maxTimeoutMs: 60_000 };

  it("turns a timeout into a failed check", async () => {
    const check = await checkEndpoint(endpoint({ timeoutMs: 300 }), {
      ...options,
      request: async () => {
        throw new HttpTimeoutError(300);
      },
    });

    expect(check.status).toBe("fail");
    expect(check.measured).toMatchObject({ httpStatus: null, error: "ETIMEDOUT" });
    expect(check.message).toContain("No complete response within 300 ms");
  });

  it("caps the request timeout at the time the invocation has left", async () => {
    let timeoutMs = 0;
    await checkEndpoint(endpoint({ timeoutMs: 5000 }), {
      ...options,
      maxTimeoutMs: 1200,
      request: async (_url, requestOptions) => {
        timeoutMs = requestOptions.timeoutMs;
        return response();
      },
    });

    expect(timeoutMs).toBe(1200);
  });

  it("never shows the URL's password in a request error", async () => {
    const check = await checkEndpoint(endpoint({ url: "https://bot:hunter2@api.example.com/h" }), {
      ...options,
      request: async () => {
        throw Object.assign(new Error("socket hang up for bot:hunter2"), { code: "ECONNRESET" });
      },
    });

    expect(JSON.stringify(check)).not.toContain("hunter2");
    expect(check.message).toContain("Request failed (ECONNRESET");
  });
});
