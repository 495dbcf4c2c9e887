import { describe, expect, it } from "vitest";
import { checkExpectations, parseExpectations } from "../../actions/invoke/expect.ts";
import type { InvokeReport } from "../../actions/invoke/invoke.ts";
import { invokeOutputs } from "../../actions/invoke/outputs.ts";
import { invokeSummary } from "../../actions/invoke/summary.ts";
import { MAX_SUMMARY_BYTES } from "../../actions/kit/summary.ts";
import type { OpsResult } from "../../lambdas/kit/envelope.ts";

const RESULT: OpsResult = {
  ok: true,
  function: "migration",
  operation: "migrate",
  requestId: "gh-42-1-ops-invoke-abc",
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 1234,
  coldStart: false,
  summary: "Applied 2 migrations in 1.2 s",
  data: { applied: ["20240101090000", "20240101090100"], pending: [], lockWaitMs: 3 },
  warnings: ["20240101090100_create_users.sql adds a NOT NULL column with a default"],
};

function report(overrides: Partial<InvokeReport> = {}): InvokeReport {
  return {
    request: {
      functionName: "ops-staging-migration",
      region: "eu-west-1",
      environment: "staging",
      operation: "migrate",
      params: {},
      dryRun: false,
      invocationType: "RequestResponse",
      logTail: true,
      timeoutMs: 900_000,
      requestId: RESULT.requestId,
      context: { actor: "octocat", environment: "staging", source: "github-actions" },
    },
    outcome: "succeeded",
    statusCode: 200,
    executedVersion: "7",
    awsRequestId: "aws-req-1",
    logTail: "START RequestId: aws-req-1\nEND RequestId: aws-req-1\n",
    payload: RESULT,
    result: RESULT,
    durationMs: 1234,
    attempts: 1,
    functionTimeoutSeconds: 900,
    ...overrides,
  };
}

describe("invokeSummary", () => {
  it("shows what ran where, the outcome, the key data and the warnings, with the log tail collapsed", () => {
    const markdown = invokeSummary(report(), []);

    for (const text of [
      "Invoke ops-staging-migration · migrate: ✅ succeeded",
      "Applied 2 migrations in 1.2 s",
      "| **Function** | ops-staging-migration |",
      "| **Qualifier** | $LATEST (unqualified) |",
      "| **Executed version** | 7 |",
      "| **Environment** | staging |",
      "| **Operation** | migrate |",
      "| **Outcome** | succeeded |",
      "| **Duration** | 1.2 s |",
      "| **Request id** | gh-42-1-ops-invoke-abc |",
      "- Applied: 20240101090000, 20240101090100",
      "- Pending: none",
      "### Warnings",
      "<details><summary>Log tail</summary>",
    ]) {
      expect(markdown).toContain(text);
    }
  });

  it("shows a failure's code, message and next step, and the failing health checks", () => {
    const failed: OpsResult = {
      ...RESULT,
      ok: false,
      function: "health-check",
      operation: "check",
      summary: "Health check failed: database.connections",
      data: {
        checks: [
          { name: "database", status: "ok", message: "reachable" },
          { name: "database.connections", status: "fail", message: "95% of max_connections used" },
        ],
      },
      warnings: [],
      error: {
        code: "HEALTH_CHECK_FAILED",
        message: "Health check failed: database.connections",
        retryable: true,
        details: {},
        hint: "Each failing check's message says what to do.",
      },
    };

    const markdown = invokeSummary(
      report({ outcome: "failed", result: failed, payload: failed }),
      [],
    );

    expect(markdown).toContain("❌ failed");
    expect(markdown).toContain("### Error HEALTH\\_CHECK\\_FAILED");
    expect(markdown).toContain("Next: Each failing check's message says what to do.");
    expect(markdown).toContain("- FAIL database.connections: 95% of max\\_connections used");
    expect(markdown).not.toContain("OK database:");
  });

  it("shows a function error and failed expectations", () => {
    const functionError = report({
      outcome: "function-error",
      functionError: "Unhandled",
      error: { type: "Sandbox.Timedout", message: "Task timed out after 2.00 seconds" },
      result: undefined,
    });
    const failures = checkExpectations(parseExpectations("ok == false"), RESULT);

    expect(invokeSummary(functionError, [])).toContain(
      "### Function error Sandbox.Timedout\n\nTask timed out after 2.00 seconds",
    );
    expect(invokeSummary(report(), failures)).toContain(
      "- Expectation 'ok == false' failed: actual value true",
    );
  });

  it("stays under the 1 MiB summary limit with a huge result", () => {
    const huge = { ...RESULT, data: { rows: "r".repeat(3 * 1024 * 1024) } };

    const markdown = invokeSummary(report({ payload: huge, result: huge }), []);

    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(markdown).toContain("| **Request id** | gh-42-1-ops-invoke-abc |");
  });
});

describe("invokeOutputs", () => {
  it("sets every output as a string", () => {
    expect(invokeOutputs(report(), [])).toEqual({
      ok: "true",
      result: JSON.stringify(RESULT),
      "status-code": "200",
      "function-error": "",
      "executed-version": "7",
      "duration-ms": "1234",
      "request-id": RESULT.requestId,
      "log-tail": "START RequestId: aws-req-1\nEND RequestId: aws-req-1\n",
    });
  });

  it.each([
    ["a failed result", { outcome: "failed" as const }, []],
    ["a function error", { outcome: "function-error" as const, functionError: "Unhandled" }, []],
    ["a failed expectation", {}, checkExpectations(parseExpectations("ok == false"), RESULT)],
  ])("sets ok to false for %s", (_, overrides, failures) => {
    expect(invokeOutputs(report(overrides), failures).ok).toBe("false");
  });

  it("keeps the result output valid JSON under GitHub's limits", () => {
    const huge = { ...RESULT, data: { rows: "r".repeat(3 * 1024 * 1024) } };

    const { result } = invokeOutputs(report({ payload: huge, result: huge }), []);

    expect(Buffer.byteLength(result)).toBeLessThanOrEqual(512 * 1024);
    expect(JSON.parse(result)).toMatchObject({ ok: true, truncated: true });
  });
});
