import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAnalyzeInputs } from "../../actions/analyze/inputs.ts";
import { InputError } from "../../actions/kit/inputs.ts";

function parse(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return parseAnalyzeInputs((name) => (inputs[name] ?? "").trim(), env);
}

function messageOf(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(inputs, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("parseAnalyzeInputs", () => {
  it("analyzes every function of the environment with the defaults", () => {
    expect(parse({ environment: "staging" })).toEqual({
      environment: "staging",
      region: "eu-west-1",
      functions: [
        { functionName: "ops-staging-health-check", functionKey: "health-check" },
        { functionName: "ops-staging-migration", functionKey: "migration" },
      ],
      lookbackHours: 168,
      periodSeconds: 300,
      historyFile: undefined,
      detector: "ensemble",
      threshold: 0.5,
      failOnSeverity: undefined,
    });
  });

  it("takes keys and names, separated by commas, spaces or lines; a prefixed key counts as the key", () => {
    const { functions } = parse({
      environment: "production",
      functions: "migration,\nops-production-health-check billing-export migration",
    });

    expect(functions).toEqual([
      { functionName: "ops-production-migration", functionKey: "migration" },
      { functionName: "ops-production-health-check", functionKey: "health-check" },
      { functionName: "billing-export" },
    ]);
  });

  it("reads the optional inputs and the region from the input, then AWS_REGION", () => {
    const config = parse(
      {
        environment: "production",
        "lookback-hours": "24",
        "period-seconds": "60",
        detector: "cusum",
        threshold: "0.8",
        "fail-on-severity": "0.7",
      },
      { AWS_REGION: "us-east-1" },
    );

    expect(config).toMatchObject({
      region: "us-east-1",
      lookbackHours: 24,
      periodSeconds: 60,
      detector: "cusum",
      threshold: 0.8,
      failOnSeverity: 0.7,
    });
    expect(parse({ environment: "staging", "aws-region": "eu-central-1" }).region).toBe(
      "eu-central-1",
    );
  });

  it("resolves 'history-file' in the workspace", async () => {
    const workspace = await mkdtemp(path.join(tmpdir(), "analyze-inputs-"));
    await writeFile(path.join(workspace, "runs.jsonl"), "");

    const config = parse(
      { environment: "staging", "history-file": "runs.jsonl" },
      { GITHUB_WORKSPACE: workspace },
    );

    expect(config.historyFile).toBe(path.join(workspace, "runs.jsonl"));
  });

  it.each([
    [{ environment: "" }, "Input 'environment' is required"],
    [
      { environment: "qa" },
      "Input 'environment' must be one of dev | local | production | staging, got 'qa'",
    ],
    [{ environment: "../x" }, "Input 'environment' must be an environment name, got '../x'"],
    [
      { functions: "migration arn:aws:lambda:x" },
      "Input 'functions' must list function keys (health-check | migration) or function names, got 'arn:aws:lambda:x'",
    ],
    [
      { "lookback-hours": "0" },
      "Input 'lookback-hours' must be a whole number from 1 to 1512, got '0'",
    ],
    [
      { "period-seconds": "90" },
      "Input 'period-seconds' must be a multiple of 60 (CloudWatch's periods for standard metrics), got '90'",
    ],
    [
      { "period-seconds": "30" },
      "Input 'period-seconds' must be a whole number from 60 to 86400, got '30'",
    ],
    [
      { "lookback-hours": "1512", "period-seconds": "60" },
      "Input 'period-seconds' gives 90720 points per series over 1512 h, more than 20160: raise it or lower 'lookback-hours'",
    ],
    [
      { detector: "magic" },
      "Input 'detector' must be one of ensemble | robust-z | ewma | seasonal | cusum | volatility | novelty, got 'magic'",
    ],
    [{ threshold: "0" }, "Input 'threshold' must be a number above 0 to 1, got '0'"],
    [{ threshold: "1.5" }, "Input 'threshold' must be a number above 0 to 1, got '1.5'"],
    [
      { "fail-on-severity": "high" },
      "Input 'fail-on-severity' must be a number from 0 to 1, got 'high'",
    ],
    [
      { "aws-region": "Europe" },
      "Input 'aws-region' must be an AWS region such as eu-west-1, got 'Europe'",
    ],
    [
      { "history-file": "missing.jsonl" },
      "Input 'history-file' must name a JSON-lines run history in the workspace, got 'missing.jsonl' (not found)",
    ],
  ])("rejects %o with one line: %s", (inputs, message) => {
    expect(messageOf({ environment: "staging", ...inputs }, { GITHUB_WORKSPACE: tmpdir() })).toBe(
      message,
    );
  });
});
