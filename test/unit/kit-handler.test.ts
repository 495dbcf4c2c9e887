import { describe, expect, it } from "vitest";
import { configFromUrl } from "../../lambdas/kit/database.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { createLambdaHandler } from "../../lambdas/kit/lambda-handler.ts";
import type { OpsFunction } from "../../lambdas/kit/operation.ts";
import { signEvent } from "../../lambdas/kit/signing.ts";
import { captureOutput, jsonLines } from "../helpers/capture-output.ts";

const PASSWORD = "s3cr3t-Pa55w0rd-planted";
const DATABASE_URL = `postgres://app:${PASSWORD}@127.0.0.1:5999/app`;

function demoFunction(calls: string[] = []): OpsFunction {
  return {
    name: "demo",
    operations: {
      greet: async (event, ctx) => {
        calls.push("greet");
        ctx.metrics.addWithDimensions("MigrationDuration", "Milliseconds", 5, {
          MigrationType: "ddl",
        });
        return { summary: `Hello ${String(event.params.name)}`, data: { name: event.params.name } };
      },
      refuse: async () => {
        throw new OpsError("NOT_TODAY", "Refused on purpose.", {
          retryable: true,
          hint: "Try tomorrow.",
        });
      },
      crash: async () => {
        throw new TypeError("a bug");
      },
      leak: async (event) => {
        const config = configFromUrl(DATABASE_URL, { applicationName: "test" });
        // A careless operation: logs and returns secrets in every way it can.
        throw new OpsError(
          "LEAKY",
          `Could not connect with ${DATABASE_URL} (password ${config.password})`,
          {
            details: { url: DATABASE_URL, params: event.params },
            data: { connection: config },
          },
        );
      },
    },
  };
}

const context = { awsRequestId: "aws-1", getRemainingTimeInMillis: () => 60_000 } as never;

describe("createLambdaHandler", () => {
  it("answers a warm-up ping at once without running any operation", async () => {
    const calls: string[] = [];
    const handler = createLambdaHandler(demoFunction(calls), { env: {} });
    const { result, lines } = await captureOutput(() => handler({ warmup: true }, context));
    expect(result).toEqual({ ok: true, warmup: true, function: "demo", coldStart: true });
    expect(calls).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("returns the result envelope and logs one line, one audit record and EMF metrics", async () => {
    const handler = createLambdaHandler(demoFunction(), {
      env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256" },
    });
    const event = {
      operation: "greet",
      params: { name: "Ada" },
      requestId: "req-1",
      context: { actor: "octocat", environment: "staging", source: "github-actions" },
    };
    const { result, lines } = await captureOutput(() => handler(event, context));
    expect(result).toMatchObject({
      ok: true,
      function: "demo",
      operation: "greet",
      requestId: "req-1",
      coldStart: true,
      summary: "Hello Ada",
      data: { name: "Ada" },
      warnings: [],
    });
    const records = jsonLines(lines);
    const logs = records.filter((r) => r.level);
    expect(logs.map((r) => r.message)).toEqual(["Hello Ada", "audit"]);
    for (const log of logs) {
      expect(log).toMatchObject({
        requestId: "req-1",
        environment: "staging",
        function: "demo",
        operation: "greet",
      });
    }
    expect(logs[1]).toMatchObject({
      kind: "audit",
      actor: "octocat",
      source: "github-actions",
      ok: true,
    });
    expect(logs[1]?.paramsDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const emf = records.filter((r) => r._aws);
    const names = emf.flatMap((r) =>
      (
        r._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }
      ).CloudWatchMetrics[0]?.Metrics.map((m) => m.Name),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "MigrationDuration",
        "Duration",
        "Success",
        "ColdStart",
        "InitDuration",
        "MaxMemoryUsed",
        "MemoryConfigured",
      ]),
    );
    const migration = emf.find((r) => "MigrationDuration" in r);
    expect(migration).toMatchObject({
      MigrationType: "ddl",
      function: "demo",
      operation: "greet",
      environment: "staging",
    });
  });

  it("reports a second invocation as warm", async () => {
    const handler = createLambdaHandler(demoFunction(), { env: {} });
    await captureOutput(() => handler({ operation: "greet" }, context));
    const { result } = await captureOutput(() => handler({ operation: "greet" }, context));
    expect(result).toMatchObject({ coldStart: false });
  });

  it("turns a handled failure into ok: false with its code, hint and a Failure metric by code", async () => {
    const handler = createLambdaHandler(demoFunction(), { env: {} });
    const { result, lines } = await captureOutput(() => handler({ operation: "refuse" }, context));
    expect(result).toMatchObject({
      ok: false,
      summary: "Refused on purpose.",
      error: { code: "NOT_TODAY", retryable: true, hint: "Try tomorrow." },
    });
    const failure = jsonLines(lines).find((r) => "Failure" in r && "ErrorCode" in r);
    expect(failure).toMatchObject({ ErrorCode: "NOT_TODAY" });
  });

  it("answers an invalid event with INVALID_REQUEST naming the field", async () => {
    const handler = createLambdaHandler(demoFunction(), { env: {} });
    const { result } = await captureOutput(() =>
      handler({ operation: "greet", params: "x" }, context),
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: "INVALID_REQUEST", details: { field: "params" } },
    });
  });

  it("rethrows a bug so that Lambda reports FunctionError Unhandled", async () => {
    const handler = createLambdaHandler(demoFunction(), { env: {} });
    await expect(captureOutput(() => handler({ operation: "crash" }, context))).rejects.toThrow(
      "a bug",
    );
  });

  it("never lets a password from DATABASE_URL or params reach a log line, result or error", async () => {
    const handler = createLambdaHandler(demoFunction(), { env: { DATABASE_URL } });
    const event = { operation: "leak", params: { password: PASSWORD, note: `use ${PASSWORD}` } };
    const { result, lines } = await captureOutput(() => handler(event, context));
    expect(result).toMatchObject({ ok: false, error: { code: "LEAKY" } });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect(lines.join("\n")).not.toContain(PASSWORD);
    expect(JSON.stringify(result)).toContain("postgres://app:[REDACTED]@127.0.0.1:5999/app");
  });

  describe("with OPS_SIGNING_KEY set", () => {
    const key = "handler-signing-key-123456";

    it("runs a signed event", async () => {
      const handler = createLambdaHandler(demoFunction(), { env: { OPS_SIGNING_KEY: key } });
      const { result } = await captureOutput(() =>
        handler(signEvent({ operation: "greet" }, key), context),
      );
      expect(result).toMatchObject({ ok: true });
    });

    it("rejects unsigned, tampered and replayed events with UNAUTHORIZED and runs nothing", async () => {
      const calls: string[] = [];
      const handler = createLambdaHandler(demoFunction(calls), { env: { OPS_SIGNING_KEY: key } });
      const good = signEvent({ operation: "greet", params: { name: "a" } }, key);
      const tampered = { ...good, params: { name: "b" } };
      for (const event of [{ operation: "greet" }, tampered]) {
        const { result } = await captureOutput(() => handler(event, context));
        expect(result).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
      }
      expect(calls).toEqual([]);
      await captureOutput(() => handler(good, context));
      const { result } = await captureOutput(() => handler(good, context));
      expect(result).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
      expect(calls).toEqual(["greet"]);
    });

    it("loads the key from Secrets Manager when only OPS_SIGNING_SECRET_ARN is set", async () => {
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops-signing";
      const handler = createLambdaHandler(demoFunction(), {
        env: { OPS_SIGNING_SECRET_ARN: arn },
        loadSecret: async (requested) => (requested === arn ? key : "wrong"),
      });
      const { result } = await captureOutput(() =>
        handler(signEvent({ operation: "greet" }, key), context),
      );
      expect(result).toMatchObject({ ok: true });
    });
  });
});

describe("createLambdaHandler with a deferred function", () => {
  it("answers warm-up pings without loading the function, then loads it once", async () => {
    let loads = 0;
    const handler = createLambdaHandler(
      {
        name: "demo",
        load: async () => {
          loads += 1;
          return demoFunction();
        },
      },
      { env: {} },
    );
    const ping = await captureOutput(() => handler({ warmup: true }, context));
    expect(ping.result).toMatchObject({ ok: true, warmup: true, function: "demo" });
    expect(loads).toBe(0);
    for (const name of ["a", "b"]) {
      const { result } = await captureOutput(() =>
        handler({ operation: "greet", params: { name } }, context),
      );
      expect(result).toMatchObject({ ok: true, summary: `Hello ${name}` });
    }
    expect(loads).toBe(1);
  });

  it("tries loading again on the next invocation after a failed load", async () => {
    let attempts = 0;
    const handler = createLambdaHandler(
      {
        name: "demo",
        load: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error("chunk missing");
          return demoFunction();
        },
      },
      { env: {} },
    );
    await expect(captureOutput(() => handler({ operation: "greet" }, context))).rejects.toThrow(
      "chunk missing",
    );
    const { result } = await captureOutput(() => handler({ operation: "greet" }, context));
    expect(result).toMatchObject({ ok: true });
  });
});

describe("OPS_SIGNING_EXEMPT_OPERATIONS", () => {
  it("lets the listed operations run unsigned while others still need a signature", async () => {
    const handler = createLambdaHandler(demoFunction(), {
      env: {
        OPS_SIGNING_KEY: "handler-signing-key-123456",
        OPS_SIGNING_EXEMPT_OPERATIONS: "greet, other",
      },
    });
    expect(
      (await captureOutput(() => handler({ operation: "greet" }, context))).result,
    ).toMatchObject({ ok: true });
    expect(
      (await captureOutput(() => handler({ operation: "refuse" }, context))).result,
    ).toMatchObject({
      ok: false,
      error: { code: "UNAUTHORIZED" },
    });
  });
});
