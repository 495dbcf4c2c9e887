import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../cli/local/stack.ts";
import {
  decodeLog,
  fixtureFunction,
  localLambdaClient,
  payloadJson,
  payloadText,
  readHistory,
  temporaryHome,
} from "../fixtures/lambdas/harness.ts";
import { createTestDatabase } from "../helpers/database.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function progress(file: string): { pid: number; ticks: number } {
  return JSON.parse(readFileSync(file, "utf8"));
}

// Cold starts (a Node.js process + tsx) take seconds on a loaded machine.
describe("local Lambda endpoint: timeouts", { timeout: 120_000 }, () => {
  let home: string;
  let stack: LocalStack;
  let lambda: LambdaClient;

  beforeAll(async () => {
    home = await temporaryHome();
    stack = await startLocalStack({
      home,
      databaseUrl: await createTestDatabase(),
      functions: [fixtureFunction("hangs", { timeout: 1 })],
    });
    lambda = localLambdaClient(stack.endpointUrl, stack.region);
  });

  afterAll(async () => {
    lambda?.destroy();
    await stack?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it.each([
    ["a never-resolving promise with a timer", false],
    ["a busy loop", true],
  ])(
    "stops %s at the timeout: Sandbox.Timedout, and the handler no longer runs",
    async (_, busy) => {
      const file = path.join(home, `progress-${busy ? "busy" : "timer"}.json`);

      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: "hangs",
          LogType: "Tail",
          Payload: payloadText({ file, busy }),
        }),
      );

      expect(out.StatusCode).toBe(200);
      expect(out.FunctionError).toBe("Unhandled");
      const requestId = out.$metadata.requestId;
      expect(payloadJson(out.Payload)).toEqual({
        errorType: "Sandbox.Timedout",
        errorMessage: `RequestId: ${requestId} Error: Task timed out after 1.00 seconds`,
      });
      const log = decodeLog(out.LogResult);
      expect(log).toMatch(new RegExp(`Z ${requestId} Task timed out after 1\\.00 seconds\\n`));
      expect(log).toMatch(/\tStatus: timeout\t\n$/);

      const atResponse = progress(file);
      expect(atResponse.ticks).toBeGreaterThan(0);
      expect(isAlive(atResponse.pid)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(progress(file)).toEqual(atResponse);

      const record = readHistory(stack.historyFile).find((r) => r.requestId === requestId);
      expect(record).toMatchObject({
        ok: false,
        errorCode: "Sandbox.Timedout",
        functionError: "Unhandled",
      });
      expect(record?.durationMs).toBeGreaterThanOrEqual(1000);
    },
  );

  it("starts a fresh environment (a cold start) after a timeout", async () => {
    const file = path.join(home, "progress-after.json");
    await lambda.send(new InvokeCommand({ FunctionName: "hangs", Payload: payloadText({ file }) }));
    const first = progress(file).pid;

    const out = await lambda.send(
      new InvokeCommand({ FunctionName: "hangs", LogType: "Tail", Payload: payloadText({ file }) }),
    );

    expect(decodeLog(out.LogResult)).toMatch(/Init Duration: \d+\.\d\d ms/);
    expect(progress(file).pid).not.toBe(first);
  });
});
