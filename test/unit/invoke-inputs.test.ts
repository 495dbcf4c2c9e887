import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseInvokeInputs } from "../../actions/invoke/inputs.ts";
import { requestIdFor } from "../../actions/invoke/request.ts";
import { envInputReader, InputError } from "../../actions/kit/inputs.ts";

const BASE = { "function-name": "migration", operation: "migrate", environment: "staging" };
const ENV = {
  GITHUB_RUN_ID: "42",
  GITHUB_RUN_ATTEMPT: "1",
  GITHUB_JOB: "ops",
  GITHUB_ACTION: "invoke",
};

function parse(inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  return parseInvokeInputs((name) => (inputs[name] ?? "").trim(), env);
}

function messageOf(inputs: Record<string, string>): string {
  try {
    parse(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("parseInvokeInputs", () => {
  it("resolves a function key with the environment's name prefix and region, with the defaults", () => {
    const { request, expectations, failOnError } = parse(BASE);

    expect(request).toMatchObject({
      functionName: "ops-staging-migration",
      region: "eu-west-1",
      operation: "migrate",
      params: {},
      dryRun: false,
      invocationType: "RequestResponse",
      logTail: true,
      timeoutMs: 900_000,
      context: { environment: "staging", source: "github-actions" },
    });
    expect(expectations).toEqual([]);
    expect(failOnError).toBe(true);
  });

  it.each([
    ["JSON", '{"to": "20240101090100", "rollbackOnFailure": false}'],
    ["YAML", "to: '20240101090100'\nrollbackOnFailure: false"],
  ])("accepts params as %s", (_, params) => {
    expect(parse({ ...BASE, params }).request.params).toEqual({
      to: "20240101090100",
      rollbackOnFailure: false,
    });
  });

  it("reads params from payload-file relative to the workspace", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "invoke-inputs-"));
    await writeFile(path.join(dir, "params.yml"), "to: '20240101090100'\n");

    const { request } = parse(
      { ...BASE, "payload-file": "params.yml" },
      { ...ENV, GITHUB_WORKSPACE: dir },
    );

    expect(request.params).toEqual({ to: "20240101090100" });
  });

  it("takes a full name or an ARN as given, the region from the ARN", () => {
    const arn = "arn:aws:lambda:us-east-2:123456789012:function:ops-production-migration";
    const { request } = parse({ "function-name": arn, operation: "status" }, {});

    expect(request.functionName).toBe(arn);
    expect(request.region).toBe("us-east-2");
  });

  it.each([
    [
      { "invocation-type": "Sync" },
      "Input 'invocation-type' must be one of RequestResponse | Event | DryRun, got 'Sync'",
    ],
    [{ "function-name": "" }, "Input 'function-name' is required"],
    [{ operation: "" }, "Input 'operation' is required"],
    [
      { operation: "drop table" },
      "Input 'operation' must be an operation name (a letter, then letters, digits, - or _), got 'drop table'",
    ],
    [
      { "function-name": "not a function!" },
      "Input 'function-name' must be a function key (health-check | migration), a function name or an ARN, got 'not a function!'",
    ],
    [
      { environment: "" },
      "Input 'environment' is required when 'function-name' is a function key ('migration'): one of dev | local | production | staging",
    ],
    [
      { environment: "prod" },
      "Input 'environment' must be one of dev | local | production | staging, got 'prod'",
    ],
    [
      { "timeout-seconds": "15m" },
      "Input 'timeout-seconds' must be a whole number from 1 to 21600, got '15m'",
    ],
    [{ "log-tail": "yes" }, "Input 'log-tail' must be true or false, got 'yes'"],
    [{ "fail-on-error": "0" }, "Input 'fail-on-error' must be true or false, got '0'"],
    [
      { params: '{"to": ' },
      "Input 'params' must be a JSON or YAML object, got '{\"to\":' (Flow map must end with a })",
    ],
    [{ params: "[1, 2]" }, "Input 'params' must be a JSON or YAML object, got '[1, 2]'"],
    [{ qualifier: "v 1" }, "Input 'qualifier' must be a version number or alias name, got 'v 1'"],
    [
      { "aws-region": "Europe" },
      "Input 'aws-region' must be an AWS region such as eu-west-1, got 'Europe'",
    ],
    [
      { "expected-account-id": "1234" },
      "Input 'expected-account-id' must be a 12-digit AWS account id, got '1234'",
    ],
    [
      { expect: "ok is true" },
      "Input 'expect' must hold checks like 'ok == true' or 'data.applied.length >= 1' (==, !=, >=, <=, >, <) or a JSON Schema object, got 'ok is true'",
    ],
    [
      { expect: "ok == true", "invocation-type": "Event" },
      "Input 'expect' needs invocation-type RequestResponse (only it returns a result), got 'Event'",
    ],
    [
      { "payload-file": "missing.json" },
      "Input 'payload-file' must name a readable JSON or YAML file, got 'missing.json' (ENOENT)",
    ],
    [
      { "payload-file": "p.json", params: "{a: 1}" },
      "Input 'payload-file' and 'params' cannot both be given, got 'p.json' and params",
    ],
  ])(
    "rejects %j with one line naming the input, the value and what is accepted",
    (bad, message) => {
      const text = messageOf({ ...BASE, ...bad });

      expect(text).toBe(message);
      expect(text).not.toContain("\n");
    },
  );

  it("rejects a short signing key without echoing it", () => {
    const text = messageOf({ ...BASE, "signing-key": "hunter2" });

    expect(text).toBe("Input 'signing-key' must be at least 16 characters, got 7 characters");
    expect(text).not.toContain("hunter2");
  });

  it("redacts credentials from a bad value it echoes", () => {
    const text = messageOf({ ...BASE, params: "postgres://app:hunter2@db/app" });

    expect(text).not.toContain("hunter2");
  });

  it("rejects an ARN of another account than expected-account-id before any call", () => {
    const arn = "arn:aws:lambda:eu-west-1:111111111111:function:ops-production-migration";

    expect(
      messageOf({ ...BASE, "function-name": arn, "expected-account-id": "222222222222" }),
    ).toBe(
      "Input 'function-name' names account 111111111111, but 'expected-account-id' is 222222222222",
    );
  });

  it("reads inputs the way the runner passes them (INPUT_<NAME>, hyphens kept)", () => {
    const read = envInputReader({
      "INPUT_FUNCTION-NAME": " migration ",
      INPUT_OPERATION: "status",
    });

    expect(read("function-name")).toBe("migration");
    expect(read("operation")).toBe("status");
    expect(read("params")).toBe("");
  });
});

describe("requestIdFor (the idempotency key)", () => {
  const identity = {
    functionName: "ops-staging-migration",
    environment: "staging",
    operation: "migrate",
    params: {},
    dryRun: false,
  };

  it("is stable for the same step of the same run attempt", () => {
    expect(requestIdFor(ENV, identity)).toBe(requestIdFor({ ...ENV }, { ...identity }));
    expect(requestIdFor(ENV, identity)).toMatch(/^gh-42-1-ops-invoke-[0-9a-f]{12}$/);
  });

  it.each([
    ["another attempt", { ...ENV, GITHUB_RUN_ATTEMPT: "2" }, identity],
    ["another step", { ...ENV, GITHUB_ACTION: "invoke_2" }, identity],
    ["another matrix leg (environment)", ENV, { ...identity, environment: "production" }],
    ["other params", ENV, { ...identity, params: { to: "1" } }],
  ])("differs for %s", (_, env, other) => {
    expect(requestIdFor(env, other)).not.toBe(requestIdFor(ENV, identity));
  });

  it("is random outside a workflow and always a valid envelope requestId", () => {
    const first = requestIdFor({}, identity);

    expect(first).not.toBe(requestIdFor({}, identity));
    expect(first).toMatch(/^[\w.:/-]{1,128}$/);
    const long = { ...ENV, GITHUB_JOB: "j".repeat(200), GITHUB_ACTION: "a b".repeat(100) };
    expect(requestIdFor(long, identity)).toMatch(/^[\w.:/-]{1,128}$/);
  });
});
