import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  AccountMismatchError,
  AwsCallError,
  FunctionNotFoundError,
  FunctionNotReadyError,
  InvokeTimeoutError,
  RetriesExhaustedError,
} from "../../actions/invoke/errors.ts";
import {
  describeFailure,
  type InvokeDeps,
  invokeOpsFunction,
} from "../../actions/invoke/invoke.ts";
import type { InvokeRequest } from "../../actions/invoke/request.ts";
import { InputError } from "../../actions/kit/inputs.ts";
import { parseEvent } from "../../lambdas/kit/envelope.ts";
import { SignatureVerifier } from "../../lambdas/kit/signing.ts";

const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
afterEach(() => {
  lambda.reset();
  sts.reset();
});

const REQUEST: InvokeRequest = {
  functionName: "ops-staging-migration",
  region: "eu-west-1",
  environment: "staging",
  operation: "migrate",
  params: { to: "20240101090100" },
  dryRun: false,
  invocationType: "RequestResponse",
  logTail: true,
  timeoutMs: 900_000,
  requestId: "gh-1-1-migrate-invoke-abc",
  context: { actor: "octocat", environment: "staging", source: "github-actions" },
};

const ACTIVE = { State: "Active", LastUpdateStatus: "Successful", Timeout: 900 } as const;

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    ok: true,
    function: "migration",
    operation: "migrate",
    requestId: REQUEST.requestId,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 1234,
    coldStart: false,
    summary: "Applied 2 migrations in 1.2 s",
    data: { applied: ["20240101090000", "20240101090100"], pending: [] },
    warnings: [],
    ...overrides,
  };
}

function invokeOutput(payload: unknown, extra: Record<string, unknown> = {}) {
  return {
    StatusCode: 200,
    ExecutedVersion: "$LATEST",
    LogResult: Buffer.from("START RequestId: r-1\nEND RequestId: r-1\n").toString("base64"),
    Payload: Buffer.from(JSON.stringify(payload)) as unknown as never,
    ...extra,
  };
}

/** Deps on the mocked clients with a clock that advances only when the core sleeps. */
function deps(overrides: Partial<InvokeDeps> = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const socketTimeouts: number[] = [];
  const client = new LambdaClient({ region: "eu-west-1" });
  const result: InvokeDeps = {
    control: client,
    invokeClient: (socketTimeoutMs) => {
      socketTimeouts.push(socketTimeoutMs);
      return client;
    },
    sts: () => new STSClient({ region: "eu-west-1" }),
    pacing: {
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      random: () => 0.5,
    },
    ...overrides,
  };
  return { deps: result, sleeps, socketTimeouts };
}

const throttled = () =>
  new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 429 } });
const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });

describe("invokeOpsFunction — response handling", () => {
  it("reports a successful result with its version, decoded log tail and the operation's duration", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).resolves(invokeOutput(envelope()));

    const report = await invokeOpsFunction(REQUEST, deps().deps);

    expect(report.outcome).toBe("succeeded");
    expect(report.result?.summary).toBe("Applied 2 migrations in 1.2 s");
    expect(report.executedVersion).toBe("$LATEST");
    expect(report.logTail).toContain("START RequestId: r-1");
    expect(report.durationMs).toBe(1234);
    expect(describeFailure(report)).toBeUndefined();
  });

  it("reports ok: false as a failure with the error code, message and next step", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    const error = {
      code: "MIGRATION_FAILED",
      message: "20240101090100_create_users.sql line 3: relation already exists",
      retryable: false,
      details: {},
      hint: "Fix the statement and run migrate again.",
    };
    lambda.on(InvokeCommand).resolves(invokeOutput(envelope({ ok: false, error })));

    const report = await invokeOpsFunction(REQUEST, deps().deps);

    expect(report.outcome).toBe("failed");
    expect(describeFailure(report)).toBe(
      "MIGRATION_FAILED: 20240101090100_create_users.sql line 3: relation already exists Next: Fix the statement and run migrate again.",
    );
  });

  it.each([
    ["an unhandled error", { errorType: "TypeError", errorMessage: "x is undefined" }, "TypeError"],
    [
      "a timeout",
      { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" },
      "Sandbox.Timedout",
    ],
  ])("reports %s (FunctionError) with errorType and errorMessage", async (_, payload, type) => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).resolves(invokeOutput(payload, { FunctionError: "Unhandled" }));

    const report = await invokeOpsFunction(REQUEST, deps().deps);

    expect(report.outcome).toBe("function-error");
    expect(report.functionError).toBe("Unhandled");
    expect(report.error).toEqual({ type, message: payload.errorMessage });
    expect(describeFailure(report)).toBe(
      `ops-staging-migration failed with ${type}: ${payload.errorMessage}`,
    );
  });

  it.each([
    ["Event", 202, "accepted"],
    ["DryRun", 204, "dry-run"],
  ] as const)("reports a %s invocation as %s", async (invocationType, StatusCode, outcome) => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).resolves({ StatusCode });

    const report = await invokeOpsFunction({ ...REQUEST, invocationType }, deps().deps);

    expect(report.outcome).toBe(outcome);
    expect(report.statusCode).toBe(StatusCode);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.LogType).toBe("None");
  });

  it("sends the envelope with the qualifier and asks for the log tail", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).resolves(invokeOutput(envelope()));

    await invokeOpsFunction({ ...REQUEST, qualifier: "live" }, deps().deps);

    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FunctionName: "ops-staging-migration",
      Qualifier: "live",
      InvocationType: "RequestResponse",
      LogType: "Tail",
    });
    const sent = JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString("utf8"));
    expect(sent).toEqual({
      operation: "migrate",
      params: { to: "20240101090100" },
      dryRun: false,
      requestId: REQUEST.requestId,
      context: REQUEST.context,
    });
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: "ops-staging-migration",
      Qualifier: "live",
    });
  });

  it("gives the invoke client a socket timeout longer than the function's timeout", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ ...ACTIVE, Timeout: 60 });
    lambda.on(InvokeCommand).resolves(invokeOutput(envelope()));
    const { deps: d, socketTimeouts } = deps();

    await invokeOpsFunction(REQUEST, d);

    expect(socketTimeouts).toEqual([90_000]);
  });

  it("redacts secrets in the payload and the log tail", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    const leaky = envelope({ summary: "connected to postgres://app:hunter2@db/app" });
    const log = Buffer.from("password=hunter2 in a log line\n").toString("base64");
    lambda.on(InvokeCommand).resolves(invokeOutput(leaky, { LogResult: log }));

    const report = await invokeOpsFunction(REQUEST, deps().deps);

    expect(JSON.stringify(report.payload)).not.toContain("hunter2");
    expect(report.logTail).not.toContain("hunter2");
  });
});

describe("invokeOpsFunction — readiness", () => {
  it("waits until the function is Active with LastUpdateStatus Successful before invoking", async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ State: "Pending", LastUpdateStatus: "InProgress" })
      .resolvesOnce({ State: "Active", LastUpdateStatus: "InProgress" })
      .resolves(ACTIVE);
    lambda.on(InvokeCommand).resolves(invokeOutput(envelope()));
    const { deps: d, sleeps } = deps();

    const report = await invokeOpsFunction(REQUEST, d);

    expect(report.outcome).toBe("succeeded");
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it("fails without invoking when the last update failed, with the reason", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      State: "Active",
      LastUpdateStatus: "Failed",
      LastUpdateStatusReason: "Image not found",
    });

    const failure = invokeOpsFunction(REQUEST, deps().deps);

    await expect(failure).rejects.toThrow(FunctionNotReadyError);
    await expect(failure).rejects.toThrow(/LastUpdateStatus Failed \(Image not found\)/);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("gives up waiting at the deadline", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      State: "Pending",
      LastUpdateStatus: "InProgress",
    });

    await expect(invokeOpsFunction({ ...REQUEST, timeoutMs: 5_000 }, deps().deps)).rejects.toThrow(
      FunctionNotReadyError,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("reports an unknown function without invoking", async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(new ResourceNotFoundException({ message: "Function not found", $metadata: {} }));

    await expect(invokeOpsFunction(REQUEST, deps().deps)).rejects.toThrow(
      new FunctionNotFoundError("ops-staging-migration", "eu-west-1", undefined).message,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe("invokeOpsFunction — retry policy", () => {
  it.each([
    ["throttling (TooManyRequestsException)", throttled],
    ["a refused connection", refused],
  ])("retries %s with jittered backoff: the function did not run", async (_, failure) => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda
      .on(InvokeCommand)
      .rejectsOnce(failure())
      .rejectsOnce(failure())
      .resolves(invokeOutput(envelope()));
    const { deps: d, sleeps } = deps();

    const report = await invokeOpsFunction(REQUEST, d);

    expect(report.outcome).toBe("succeeded");
    expect(report.attempts).toBe(3);
    // Full jitter (random 0.5) of 1 s, then 2 s.
    expect(sleeps).toEqual([500, 1000]);
  });

  it("never retries a failure that may have come after the function ran", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda
      .on(InvokeCommand)
      .rejects(
        new ServiceException({ message: "Internal error", $metadata: { httpStatusCode: 500 } }),
      );

    await expect(invokeOpsFunction(REQUEST, deps().deps)).rejects.toThrow(AwsCallError);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it("stops waiting at timeout-seconds and says the function may still be running", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).rejects(Object.assign(new Error("aborted"), { name: "AbortError" }));

    const failure = invokeOpsFunction(REQUEST, deps().deps);

    await expect(failure).rejects.toThrow(InvokeTimeoutError);
    await expect(failure).rejects.toThrow(
      "No answer from 'ops-staging-migration' within 900 s (request gh-1-1-migrate-invoke-abc); it may still be running.",
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it("stops retrying when the next attempt would pass the deadline", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).rejects(throttled());

    const failure = invokeOpsFunction({ ...REQUEST, timeoutMs: 10_000 }, deps().deps);

    await expect(failure).rejects.toThrow(RetriesExhaustedError);
    await expect(failure).rejects.toThrow(/did not accept the invocation after \d+ attempts/);
  });

  it("signs each attempt anew with a signature the function verifies", async () => {
    const key = "a-signing-key-of-32-characters!!";
    lambda.on(GetFunctionConfigurationCommand).resolves(ACTIVE);
    lambda.on(InvokeCommand).rejectsOnce(throttled()).resolves(invokeOutput(envelope()));

    await invokeOpsFunction({ ...REQUEST, signingKey: key }, deps().deps);

    const events = lambda
      .commandCalls(InvokeCommand)
      .map((call) => JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString()));
    expect(events).toHaveLength(2);
    expect(events[0].auth.nonce).not.toBe(events[1].auth.nonce);
    const verifier = new SignatureVerifier(key, () => events[1].auth.ts * 1000);
    expect(() => verifier.verify(events[1], parseEvent(events[1], ["migrate"]).auth)).not.toThrow();
    expect(JSON.stringify(events)).not.toContain(key);
  });
});

describe("invokeOpsFunction — before any call", () => {
  it("fails fast when the credentials belong to another account", async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: "111111111111",
      Arn: "arn:aws:sts::111111111111:assumed-role/ci/gh",
    });

    const failure = invokeOpsFunction(
      { ...REQUEST, expectedAccountId: "222222222222" },
      deps().deps,
    );

    await expect(failure).rejects.toThrow(AccountMismatchError);
    await expect(failure).rejects.toThrow(
      "The AWS credentials belong to account 111111111111 (arn:aws:sts::111111111111:assumed-role/ci/gh), not the expected 222222222222.",
    );
    expect(lambda.calls()).toHaveLength(0);
  });

  it.each([
    ["RequestResponse", 6 * 1024 * 1024, "6.0 MB"],
    ["Event", 1024 * 1024, "1.0 MB"],
  ] as const)(
    "rejects a %s payload over Lambda's limit without calling AWS",
    async (invocationType, limit, text) => {
      const params = { blob: "x".repeat(limit) };

      const failure = invokeOpsFunction({ ...REQUEST, invocationType, params }, deps().deps);

      await expect(failure).rejects.toThrow(InputError);
      await expect(failure).rejects.toThrow(`over Lambda's ${text} limit for ${invocationType}`);
      expect(lambda.calls()).toHaveLength(0);
    },
  );
});
