import { rm } from "node:fs/promises";
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../cli/local/stack.ts";
import {
  decodeLog,
  eventually,
  fixtureFunction,
  localLambdaClient,
  payloadJson,
  payloadText,
  readHistory,
  temporaryHome,
} from "../fixtures/lambdas/harness.ts";
import { createTestDatabase } from "../helpers/database.ts";

const ARN_PREFIX = "arn:aws:lambda:eu-west-1:123456789012:function:";
const REPORT =
  /^REPORT RequestId: (\S+)\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d\d ms\t)?$/m;

// Cold starts (a Node.js process + tsx) take seconds on a loaded machine.
describe("local Lambda endpoint: invoking functions with the real SDK", {
  timeout: 120_000,
}, () => {
  let home: string;
  let databaseUrl: string;
  let stack: LocalStack;
  let lambda: LambdaClient;

  beforeAll(async () => {
    home = await temporaryHome();
    databaseUrl = await createTestDatabase();
    stack = await startLocalStack({
      home,
      databaseUrl,
      functions: [
        fixtureFunction("echo", { timeout: 30, environment: { FIXTURE_SETTING: "from-config" } }),
        fixtureFunction("throws"),
        fixtureFunction("chatty", { timeout: 60 }),
        fixtureFunction("exits"),
      ],
    });
    lambda = localLambdaClient(stack.endpointUrl, stack.region);
  });

  afterAll(async () => {
    lambda?.destroy();
    await stack?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("answers RequestResponse with the handler's result, its environment and a counting-down clock", async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "echo",
        Payload: payloadText({ hello: "world", sleepMs: 300 }),
      }),
    );

    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe("$LATEST");
    const result = payloadJson(out.Payload);
    expect(result).toMatchObject({
      event: { hello: "world", sleepMs: 300 },
      functionName: "echo",
      memoryLimitInMB: "128",
      requestId: out.$metadata.requestId,
      env: {
        AWS_LAMBDA_FUNCTION_NAME: "echo",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
        AWS_REGION: "eu-west-1",
        DATABASE_URL: databaseUrl,
        FIXTURE_SETTING: "from-config",
      },
    });
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(30_000 - 300);
  });

  it("keeps the environment warm: the next invocation reuses the process and reports no Init Duration", async () => {
    const first = await lambda.send(new InvokeCommand({ FunctionName: "echo", LogType: "Tail" }));
    const second = await lambda.send(new InvokeCommand({ FunctionName: "echo", LogType: "Tail" }));

    expect(payloadJson(second.Payload).pid).toBe(payloadJson(first.Payload).pid);
    expect(decodeLog(second.LogResult)).not.toContain("Init Duration");
  });

  it("returns the log tail with START, the function's output, END and a Lambda REPORT line", async () => {
    const cold = await lambda.send(
      new InvokeCommand({
        FunctionName: "chatty",
        LogType: "Tail",
        Payload: payloadText({ lines: 1 }),
      }),
    );
    const warmEcho = await lambda.send(
      new InvokeCommand({ FunctionName: "echo", LogType: "Tail", Payload: payloadText({ n: 7 }) }),
    );

    const coldLog = decodeLog(cold.LogResult);
    expect(coldLog).toMatch(/Init Duration: \d+\.\d\d ms/);
    const log = decodeLog(warmEcho.LogResult);
    const id = warmEcho.$metadata.requestId;
    expect(log).toContain(`START RequestId: ${id} Version: $LATEST\n`);
    expect(log).toMatch(new RegExp(`\\t${id}\\tINFO\\techo received \\{"n":7\\}\\n`));
    expect(log).toContain(`END RequestId: ${id}\n`);
    expect(REPORT.exec(log)?.[1]).toBe(id);
  });

  it("reports a thrown error as FunctionError Unhandled with errorType, errorMessage and trace", async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: "throws", LogType: "Tail" }));

    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    const error = payloadJson(out.Payload);
    expect(error).toMatchObject({
      errorType: "LedgerCorruptedError",
      errorMessage: "ledger row 42 has no owner",
    });
    expect((error.trace as string[]).some((frame) => frame.includes("throws.ts"))).toBe(true);
    expect(decodeLog(out.LogResult)).toContain("ERROR\tInvoke Error");
  });

  it("reports a runtime that exits mid-invocation as Runtime.ExitError and starts a fresh one next time", async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: "exits" }));
    const next = await lambda.send(new InvokeCommand({ FunctionName: "exits", LogType: "Tail" }));

    expect(out.FunctionError).toBe("Unhandled");
    expect(payloadJson(out.Payload)).toMatchObject({
      errorType: "Runtime.ExitError",
      errorMessage: expect.stringContaining("Runtime exited with error: exit status 3"),
    });
    expect(decodeLog(next.LogResult)).toMatch(/Init Duration/);
  });

  it("keeps only the last 4 KB of a long log, ending with the REPORT line", async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: "chatty", LogType: "Tail", Payload: payloadText({}) }),
    );

    expect(payloadJson(out.Payload)).toEqual({ printed: 20_000 });
    const tail = Buffer.from(out.LogResult ?? "", "base64");
    expect(tail.length).toBe(4096);
    const text = tail.toString("utf8");
    expect(text).toContain("line 20000 ");
    expect(text).toContain("chatty done");
    expect(text).not.toContain("line 1 ");
    expect(text).toMatch(/REPORT RequestId: .*\t\n$/);
  });

  it("accepts Event: answers 202 at once and runs the invocation in the background", async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "echo",
        InvocationType: "Event",
        Payload: payloadText({ sleepMs: 1500 }),
      }),
    );

    expect(out.StatusCode).toBe(202);
    expect(out.Payload?.length ?? 0).toBe(0);
    const requestId = out.$metadata.requestId;
    expect(readHistory(stack.historyFile).find((r) => r.requestId === requestId)).toBeUndefined();
    const record = await eventually(() =>
      readHistory(stack.historyFile).find((r) => r.requestId === requestId),
    );
    expect(record).toMatchObject({ function: "echo", invocationType: "Event", ok: true });
    expect(record.durationMs).toBeGreaterThanOrEqual(1500);
  });

  it("answers DryRun with 204 and runs nothing", async () => {
    const before = readHistory(stack.historyFile).length;
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: "echo", InvocationType: "DryRun" }),
    );

    expect(out.StatusCode).toBe(204);
    expect(readHistory(stack.historyFile)).toHaveLength(before);
  });

  it.each([
    ["an ARN", { FunctionName: `${ARN_PREFIX}echo` }],
    ["an ARN with $LATEST", { FunctionName: `${ARN_PREFIX}echo:$LATEST` }],
    ["Qualifier $LATEST", { FunctionName: "echo", Qualifier: "$LATEST" }],
  ])("accepts the function by %s", async (_, input) => {
    const out = await lambda.send(new InvokeCommand(input));

    expect(out.StatusCode).toBe(200);
    expect(payloadJson(out.Payload).functionName).toBe("echo");
  });

  it.each([
    ["an unknown name", { FunctionName: "nope" }, "function:nope"],
    ["an unknown ARN", { FunctionName: `${ARN_PREFIX}nope` }, "function:nope"],
    ["a version qualifier", { FunctionName: "echo", Qualifier: "1" }, "function:echo:1"],
    ["an alias in the name", { FunctionName: "echo:prod" }, "function:echo:prod"],
  ])("rejects %s with ResourceNotFoundException", async (_, input, named) => {
    const invoking = lambda.send(new InvokeCommand(input));

    await expect(invoking).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(invoking).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
      message: expect.stringContaining(named),
    });
    await expect(lambda.send(new GetFunctionConfigurationCommand(input))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("rejects a payload over 6 MB with RequestEntityTooLargeException", async () => {
    const big = payloadText({ blob: "x".repeat(6 * 1024 * 1024) });

    const invoking = lambda.send(new InvokeCommand({ FunctionName: "echo", Payload: big }));

    // As from AWS: the SDK models no such shape, so it throws a service exception by that name.
    await expect(invoking).rejects.toMatchObject({
      name: "RequestEntityTooLargeException",
      $metadata: { httpStatusCode: 413 },
      message: expect.stringContaining("6291456 bytes"),
    });
  });

  it("records every invocation in the history: duration, billing, memory, init, outcome", async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: "throws" }));

    const record = readHistory(stack.historyFile).find(
      (r) => r.requestId === out.$metadata.requestId,
    );
    expect(record).toMatchObject({
      function: "throws",
      invocationType: "RequestResponse",
      memorySizeMb: 128,
      coldStart: false,
      initDurationMs: null,
      ok: false,
      errorCode: "LedgerCorruptedError",
      functionError: "Unhandled",
    });
    expect(Date.parse(record?.startedAt ?? "")).not.toBeNaN();
    expect(record?.billedDurationMs).toBeGreaterThanOrEqual(Math.floor(record?.durationMs ?? 0));
    expect(record?.maxMemoryUsedMb).toBeGreaterThan(0);
    const cold = readHistory(stack.historyFile).find((r) => r.function === "throws" && r.coldStart);
    expect(cold?.initDurationMs).toBeGreaterThan(0);
    expect(cold?.billedDurationMs).toBeGreaterThanOrEqual(
      Math.floor((cold?.durationMs ?? 0) + (cold?.initDurationMs ?? 0)),
    );
  });
});
