import { describe, expect, it } from "vitest";
import { parseHealthCheckParams } from "../../lambdas/health-check/params.ts";
import { DEFAULT_THRESHOLDS } from "../../lambdas/health-check/thresholds.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";

function invalidField(params: unknown, env: Record<string, string> = {}): OpsError {
  try {
    parseHealthCheckParams(params, env);
  } catch (error) {
    expect(error).toBeInstanceOf(OpsError);
    expect((error as OpsError).code).toBe("INVALID_REQUEST");
    return error as OpsError;
  }
  throw new Error("expected INVALID_REQUEST");
}

describe("parseHealthCheckParams", () => {
  it("applies the documented defaults to an endpoint", () => {
    const request = parseHealthCheckParams(
      { endpoints: [{ url: "https://api.example.com/health" }] },
      {},
    );

    expect(request.endpoints[0]).toMatchObject({
      name: "https://api.example.com/health",
      displayUrl: "https://api.example.com/health",
      expectStatus: 200,
      latencyBudgetMs: 1000,
      timeoutMs: 5000,
      assertions: [],
    });
    expect(request.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(request.concurrency).toBe(4);
  });

  it("turns json and version into assertions", () => {
    const request = parseHealthCheckParams(
      {
        endpoints: [
          { url: "http://x/h", json: { path: "build.sha", equals: "abc" }, version: "1.2.0" },
          { url: "http://x/i", json: { path: "ready" } },
        ],
      },
      {},
    );

    expect(request.endpoints[0]?.assertions).toEqual([
      { path: "build.sha", equals: "abc" },
      { path: "version", equals: "1.2.0" },
    ]);
    expect(request.endpoints[1]?.assertions).toEqual([{ path: "ready" }]);
  });

  it("names an endpoint after its URL without credentials or query values", () => {
    const request = parseHealthCheckParams(
      { endpoints: [{ url: "https://bot:hunter2@api.example.com/health?token=t0p" }] },
      {},
    );

    expect(request.endpoints[0]?.name).toBe("https://api.example.com/health?token=…");
    expect(JSON.stringify(request.endpoints[0]?.name)).not.toContain("hunter2");
  });

  it("reads HEALTH_ENDPOINTS when params name no endpoints, and params win over it", () => {
    const env = { HEALTH_ENDPOINTS: JSON.stringify([{ name: "from-env", url: "http://env/h" }]) };

    expect(parseHealthCheckParams({}, env).endpoints.map((e) => e.name)).toEqual(["from-env"]);
    const fromParams = parseHealthCheckParams(
      { endpoints: [{ name: "p", url: "http://p/h" }] },
      env,
    );
    expect(fromParams.endpoints.map((e) => e.name)).toEqual(["p"]);
  });

  it("merges threshold overrides over the defaults", () => {
    const request = parseHealthCheckParams({ thresholds: { certWarnDays: 45 } }, {});

    expect(request.thresholds).toEqual({ ...DEFAULT_THRESHOLDS, certWarnDays: 45 });
  });

  it.each([
    ["params", [1], "must be an object"],
    ["params.endpoint", { endpoint: [] }, "is not accepted"],
    ["params.endpoints", { endpoints: "http://x" }, "must be an array"],
    [
      "params.endpoints[1].url",
      { endpoints: [{ url: "http://ok" }, { url: "ftp://h/x" }] },
      "must be an http(s) URL, got 'ftp://h/x'",
    ],
    ["params.endpoints[0].url", { endpoints: [{ url: "not a url" }] }, "must be an http(s) URL"],
    [
      "params.endpoints[0].url",
      { endpoints: [{ name: "a" }] },
      "must be an http(s) URL, got nothing",
    ],
    [
      "params.endpoints[0].expectStatus",
      { endpoints: [{ url: "http://x", expectStatus: 2000 }] },
      "integer from 100 to 599",
    ],
    [
      "params.endpoints[0].latencyBudgetMs",
      { endpoints: [{ url: "http://x", latencyBudgetMs: -5 }] },
      "got -5",
    ],
    [
      "params.endpoints[0].timeoutMs",
      { endpoints: [{ url: "http://x", timeoutMs: "5s" }] },
      "must be a number",
    ],
    [
      "params.endpoints[0].json.path",
      { endpoints: [{ url: "http://x", json: { path: "a..b" } }] },
      "dot-separated",
    ],
    [
      "params.endpoints[0].json.equal",
      { endpoints: [{ url: "http://x", json: { path: "a", equal: 1 } }] },
      "is not accepted",
    ],
    [
      "params.endpoints[0].version",
      { endpoints: [{ url: "http://x", version: 2 }] },
      "non-empty string",
    ],
    [
      "params.endpoints[0].expectedStatus",
      { endpoints: [{ url: "http://x", expectedStatus: 200 }] },
      "expectStatus",
    ],
    [
      "params.endpoints[1].name",
      { endpoints: [{ url: "http://x" }, { url: "http://x" }] },
      "must be unique",
    ],
    ["params.thresholds.certWarnDay", { thresholds: { certWarnDay: 3 } }, "is not accepted"],
    [
      "params.thresholds.longestQueryWarnSeconds",
      { thresholds: { longestQueryWarnSeconds: "1" } },
      "must be a number >= 0",
    ],
    [
      "params.thresholds.connectionsWarnPercent",
      { thresholds: { connectionsWarnPercent: 99 } },
      "must not be above connectionsFailPercent (95)",
    ],
    [
      "params.thresholds.certWarnDays",
      { thresholds: { certFailDays: 40 } },
      "must not be below certFailDays (40)",
    ],
    ["params.concurrency", { concurrency: 0 }, "integer from 1 to 20"],
  ])("rejects a bad %s with INVALID_REQUEST naming it", (field, params, problem) => {
    const error = invalidField(params);

    expect(error.details.field).toBe(field);
    expect(error.message).toContain(`'${field}'`);
    expect(error.message).toContain(problem);
  });

  it("masks credentials of a rejected URL in the message", () => {
    const error = invalidField({ endpoints: [{ url: "ftp://bot:hunter2@h/x" }] });

    expect(error.message).not.toContain("hunter2");
    expect(error.message).toContain("ftp://***@h/x");
  });

  it.each([
    ["not json", "must be a JSON array of endpoints"],
    ['{"url":"http://x"}', "must be an array of endpoints"],
  ])("rejects HEALTH_ENDPOINTS=%s naming the variable", (value, problem) => {
    const error = invalidField({}, { HEALTH_ENDPOINTS: value });

    expect(error.details.field).toBe("HEALTH_ENDPOINTS");
    expect(error.message).toContain(problem);
  });

  it("names the bad entry inside HEALTH_ENDPOINTS", () => {
    const error = invalidField(
      {},
      { HEALTH_ENDPOINTS: '[{"url":"http://x"},{"url":"mailto:a@b"}]' },
    );

    expect(error.details.field).toBe("HEALTH_ENDPOINTS[1].url");
  });
});
