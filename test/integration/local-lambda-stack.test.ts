import { existsSync, readFileSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListFunctionsCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../cli/local/stack.ts";
import { readRunningStack } from "../../cli/local/stack-file.ts";
import {
  localLambdaClient,
  payloadJson,
  payloadText,
  readHistory,
  temporaryHome,
} from "../fixtures/lambdas/harness.ts";
import { createTestDatabase, withClient } from "../helpers/database.ts";
import { EXAMPLE_MIGRATIONS } from "../helpers/run-cli.ts";

const DECLARED = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../infra/functions.auto.tfvars.json"), "utf8"),
).functions as Record<string, { memory_size: number; timeout: number; environment: object }>;

// Cold starts (a Node.js process + tsx) take seconds on a loaded machine.
describe("local stack: the functions of infra/functions.auto.tfvars.json", {
  timeout: 120_000,
}, () => {
  let home: string;
  let databaseUrl: string;
  let stack: LocalStack;
  let lambda: LambdaClient;

  beforeAll(async () => {
    home = await temporaryHome();
    databaseUrl = await createTestDatabase();
    stack = await startLocalStack({ home, databaseUrl });
    lambda = localLambdaClient(stack.endpointUrl, stack.region);
  });

  afterAll(async () => {
    lambda?.destroy();
    await stack?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("hosts every declared function under its local name and gives the exports a shell needs", () => {
    expect([...stack.functionNames].sort()).toEqual(
      Object.keys(DECLARED)
        .map((key) => `ops-local-${key}`)
        .sort(),
    );
    expect(stack.env).toEqual({
      AWS_ENDPOINT_URL_LAMBDA: stack.endpointUrl,
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      DATABASE_URL: databaseUrl,
    });
    expect(readRunningStack(home)).toMatchObject({
      endpointUrl: stack.endpointUrl,
      pid: process.pid,
    });
  });

  it("applies the example migrations to the given database through the migration function", async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "ops-local-migration",
        Payload: payloadText({ operation: "migrate", requestId: "local-stack-migrate-1" }),
      }),
    );

    expect(out.FunctionError).toBeUndefined();
    const result = payloadJson(out.Payload);
    expect(result).toMatchObject({ ok: true, function: "migration", operation: "migrate" });
    const versions = (result.data as { applied: string[] }).applied;
    const files = await readdir(EXAMPLE_MIGRATIONS);
    expect(versions).toHaveLength(new Set(files.map((file) => file.slice(0, 14))).size);
    const rows = await withClient(databaseUrl, (client) =>
      client.query("SELECT count(*)::int AS n FROM ops_schema_migrations"),
    );
    expect(rows.rows[0].n).toBe(versions.length);
    const record = readHistory(stack.historyFile).find((r) => r.function === "ops-local-migration");
    expect(record).toMatchObject({ ok: true, memorySizeMb: 512, coldStart: true });
  });

  it("reports a handled failure (ok: false) as a normal result, recorded with its error code", async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "ops-local-migration",
        Payload: payloadText({ operation: "explode" }),
      }),
    );

    expect(out.FunctionError).toBeUndefined();
    expect(payloadJson(out.Payload)).toMatchObject({
      ok: false,
      error: { code: "INVALID_REQUEST" },
    });
    const record = readHistory(stack.historyFile).find(
      (r) => r.requestId === out.$metadata.requestId,
    );
    expect(record).toMatchObject({ ok: false, errorCode: "INVALID_REQUEST", functionError: null });
  });

  it.each(Object.entries(DECLARED))(
    "describes %s with its configured memory, timeout and environment",
    async (key, declared) => {
      const config = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: `ops-local-${key}` }),
      );

      expect(config).toMatchObject({
        FunctionName: `ops-local-${key}`,
        FunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:ops-local-${key}`,
        State: "Active",
        LastUpdateStatus: "Successful",
        MemorySize: declared.memory_size,
        Timeout: declared.timeout,
        Architectures: ["arm64"],
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Version: "$LATEST",
      });
      expect(Object.keys(config.Environment?.Variables ?? {})).toEqual(
        expect.arrayContaining([...Object.keys(declared.environment), "DATABASE_URL"]),
      );
    },
  );

  it("lists the functions page by page with Marker and MaxItems", async () => {
    const seen: FunctionConfiguration[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 1, Marker: marker }));
      expect(page.Functions).toHaveLength(1);
      seen.push(...(page.Functions ?? []));
      marker = page.NextMarker;
      pages += 1;
    } while (marker);

    expect(pages).toBe(stack.functionNames.length);
    expect(seen.map((fn) => fn.FunctionName)).toEqual(stack.functionNames);
    const all = await lambda.send(new ListFunctionsCommand({}));
    expect(all.NextMarker).toBeUndefined();
    expect(all.Functions).toHaveLength(stack.functionNames.length);
  });

  it("rejects a Marker it did not hand out", async () => {
    await expect(
      lambda.send(new ListFunctionsCommand({ Marker: "not-a-marker" })),
    ).rejects.toMatchObject({
      name: "InvalidParameterValueException",
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe("local stack: stopping", () => {
  it("removes local-stack.json and refuses connections once stopped", async () => {
    const home = await temporaryHome();
    const stack = await startLocalStack({ home, databaseUrl: await createTestDatabase() });
    expect(existsSync(path.join(home, "local-stack.json"))).toBe(true);

    await stack.stop();

    expect(existsSync(path.join(home, "local-stack.json"))).toBe(false);
    await expect(fetch(`${stack.endpointUrl}/2015-03-31/functions`)).rejects.toThrow();
    await rm(home, { recursive: true, force: true });
  });
});
