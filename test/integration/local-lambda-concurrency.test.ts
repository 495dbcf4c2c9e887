import { rm } from "node:fs/promises";
import { InvokeCommand, type LambdaClient, TooManyRequestsException } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../cli/local/stack.ts";
import {
  eventually,
  fixtureFunction,
  localLambdaClient,
  payloadJson,
  payloadText,
  readHistory,
  temporaryHome,
} from "../fixtures/lambdas/harness.ts";
import { createTestDatabase } from "../helpers/database.ts";

// Cold starts (a Node.js process + tsx) take seconds on a loaded machine.
describe("local Lambda endpoint: concurrency and throttling", { timeout: 120_000 }, () => {
  let home: string;
  let stack: LocalStack;
  let lambda: LambdaClient;
  let logs = "";

  beforeAll(async () => {
    home = await temporaryHome();
    stack = await startLocalStack({
      home,
      databaseUrl: await createTestDatabase(),
      functions: [
        fixtureFunction("echo", { timeout: 60 }),
        fixtureFunction("echo", { name: "single", timeout: 60, reservedConcurrency: 1 }),
        fixtureFunction("echo", { name: "flaky", timeout: 60 }),
      ],
      throttle: { flaky: 1 },
      onLog: (_, text) => {
        logs += text;
      },
    });
    lambda = localLambdaClient(stack.endpointUrl, stack.region);
  });

  afterAll(async () => {
    lambda?.destroy();
    await stack?.stop();
    await rm(home, { recursive: true, force: true });
  });

  /**
   * Starts a slow invocation and resolves once its handler runs (it logs the marker first), with
   * the invocation still in flight (wrapped: an async function returning a promise would wait for it).
   */
  async function startSlow(functionName: string, marker: string) {
    const invocation = lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: payloadText({ marker, sleepMs: 3000 }),
      }),
    );
    await eventually(() => (logs.includes(marker) ? true : undefined));
    return { invocation };
  }

  it("runs a concurrent invocation in another environment, like Lambda scaling out", async () => {
    const { invocation: slow } = await startSlow("echo", "scale-out-1");

    const other = await lambda.send(new InvokeCommand({ FunctionName: "echo" }));

    const first = payloadJson((await slow).Payload);
    expect(payloadJson(other.Payload).pid).not.toBe(first.pid);
  });

  it("throttles an invocation over the reserved concurrency with 429 TooManyRequestsException", async () => {
    const { invocation: slow } = await startSlow("single", "reserved-1");

    const throttled = lambda.send(new InvokeCommand({ FunctionName: "single" }));

    await expect(throttled).rejects.toBeInstanceOf(TooManyRequestsException);
    await expect(throttled).rejects.toMatchObject({
      $metadata: { httpStatusCode: 429 },
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
    });
    expect((await slow).StatusCode).toBe(200);
    const after = await lambda.send(new InvokeCommand({ FunctionName: "single" }));
    expect(after.StatusCode).toBe(200);
  });

  it("throttles the next N invocations on request: twice throttled, then success", async () => {
    stack.throttle("echo", 2);

    const attempts: string[] = [];
    for (let i = 0; i < 3; i++) {
      try {
        const out = await lambda.send(new InvokeCommand({ FunctionName: "echo" }));
        attempts.push(String(out.StatusCode));
      } catch (error) {
        attempts.push((error as Error).name);
      }
    }

    expect(attempts).toEqual(["TooManyRequestsException", "TooManyRequestsException", "200"]);
  });

  it("applies a throttle given at start-up and records throttles in the history", async () => {
    const throttled = lambda.send(new InvokeCommand({ FunctionName: "flaky" }));
    await expect(throttled).rejects.toBeInstanceOf(TooManyRequestsException);
    const requestId = await throttled.catch((error) => error.$metadata.requestId);

    const out = await lambda.send(new InvokeCommand({ FunctionName: "flaky" }));

    expect(out.StatusCode).toBe(200);
    expect(readHistory(stack.historyFile).find((r) => r.requestId === requestId)).toMatchObject({
      function: "flaky",
      ok: false,
      errorCode: "TooManyRequestsException",
      durationMs: 0,
      billedDurationMs: 0,
    });
  });

  it("queues an Event invocation over the limit instead of throttling it", async () => {
    const { invocation: slow } = await startSlow("single", "reserved-event");

    const queued = await lambda.send(
      new InvokeCommand({ FunctionName: "single", InvocationType: "Event" }),
    );

    expect(queued.StatusCode).toBe(202);
    await slow;
    const record = await eventually(() =>
      readHistory(stack.historyFile).find((r) => r.requestId === queued.$metadata.requestId),
    );
    expect(record.ok).toBe(true);
  });
});
