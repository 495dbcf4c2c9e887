import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createHealthCheckFunction } from "../../lambdas/health-check/function.ts";
import { parseEvent } from "../../lambdas/kit/envelope.ts";
import { createMigrationFunction } from "../../lambdas/migration/function.ts";
import { declaredFunctions, INFRA, inModule, locals, parseTerraformFiles } from "./infra-hcl.ts";

/** asl-validator ships no type declarations; this is the part of its API the test uses. */
type ValidateAsl = (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};
const validateAsl = createRequire(import.meta.url)("asl-validator") as ValidateAsl;

const TEMPLATE = readFileSync(
  path.join(INFRA, "step-functions/migration-workflow.asl.json"),
  "utf8",
);
const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const SNS_PUBLISH = "arn:aws:states:::sns:publish";
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:ops-staging-alerts";
const TRANSIENT_LAMBDA_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown> & { FunctionName?: string; Payload?: Payload };
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
}
interface Payload extends Record<string, unknown> {
  operation: string;
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

/** What step-functions.tf passes templatefile(): placeholder → function key, and the rest. */
let arnPlaceholders: Record<string, string>;
let templateVariables: string[];
let backupStates: string[];

beforeAll(async () => {
  const root = inModule(await parseTerraformFiles(), "root");
  const all = locals(root);
  const call = String(all.migration_workflow_template);
  templateVariables = [...call.matchAll(/^\s+(\w+)\s+=/gm)].map((m) => m[1] ?? "");
  arnPlaceholders = Object.fromEntries(
    [
      ...call.matchAll(
        /(\w+_arn)\s+=\s+(?:local\.has_backup \? )?module\.ops_lambda\["([\w-]+)"\]/g,
      ),
    ].map((m) => [m[1], m[2]]),
  );
  backupStates = all.backup_states as string[];
});

function functionArn(key: string): string {
  return `arn:aws:lambda:eu-west-1:123456789012:function:ops-staging-${key}:live`;
}

/** Renders the definition as step-functions.tf does, with or without a backup function. */
function render(withBackup: boolean): Definition {
  const values: Record<string, string> = {
    notify_topic_arn: TOPIC_ARN,
    environment: "staging",
    after_plan: withBackup ? "Backup" : "Migrate",
  };
  for (const [placeholder, key] of Object.entries(arnPlaceholders))
    values[placeholder] = key === "backup" && !withBackup ? "" : functionArn(key);
  const text = TEMPLATE.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template variable ${name} is not passed`);
    return values[name] ?? "";
  });
  const definition = JSON.parse(text) as Definition;
  if (!withBackup) for (const name of backupStates) delete definition.States[name];
  return definition;
}

function transitions(state: State): string[] {
  return [
    state.Next,
    state.Default,
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ].filter((next): next is string => next !== undefined);
}

function reachable(definition: Definition): Set<string> {
  const seen = new Set<string>();
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = definition.States[name];
    if (state) queue.push(...transitions(state));
  }
  return seen;
}

function lambdaTasks(definition: Definition): [string, State][] {
  return Object.entries(definition.States).filter(([, s]) => s.Resource === LAMBDA_INVOKE);
}

const VARIANTS = [
  ["with a backup function", true],
  ["without a backup function", false],
] as const;

describe("migration workflow template", () => {
  it("uses exactly the variables step-functions.tf passes to templatefile()", () => {
    const used = new Set([...TEMPLATE.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...templateVariables].sort());
    expect(arnPlaceholders).toEqual({
      migration_arn: "migration",
      health_check_arn: "health-check",
      backup_arn: "backup",
    });
  });

  it.each(VARIANTS)("is valid Amazon States Language %s (asl-validator)", (_, withBackup) => {
    const { isValid, errorsText } = validateAsl(render(withBackup));
    expect(isValid, errorsText("\n")).toBe(true);
  });

  it.each(VARIANTS)(
    "reaches every state %s, and every transition names a state",
    (_, withBackup) => {
      const definition = render(withBackup);
      const names = Object.keys(definition.States);
      expect([...reachable(definition)].sort()).toEqual([...names].sort());
      for (const state of Object.values(definition.States))
        for (const next of transitions(state)) expect(names).toContain(next);
    },
  );

  it.each(VARIANTS)("invokes only declared functions %s", (_, withBackup) => {
    const definition = render(withBackup);
    const declared = [...Object.keys(declaredFunctions()), ...(withBackup ? ["backup"] : [])];
    const allowed = declared.map(functionArn);
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== "Task") continue;
      expect([LAMBDA_INVOKE, SNS_PUBLISH], name).toContain(state.Resource);
      if (state.Resource === LAMBDA_INVOKE)
        expect(allowed, name).toContain(state.Parameters?.FunctionName);
      else expect(state.Parameters?.TopicArn, name).toBe(TOPIC_ARN);
    }
    expect(Object.keys(definition.States).includes("Backup")).toBe(withBackup);
  });

  it("goes plan → backup → migrate → health check", () => {
    const { States } = render(true);
    expect(States.Plan?.Next).toBe("PlanChecked");
    expect(States.PlanChecked?.Default).toBe("Backup");
    expect(States.BackupChecked?.Default).toBe("Migrate");
    expect(States.MigrateChecked?.Default).toBe("HealthCheck");
    expect(States.HealthChecked?.Default).toBe("Succeeded");
    expect(render(false).States.PlanChecked?.Default).toBe("Migrate");
  });

  it("retries transient Lambda errors on every Lambda task", () => {
    for (const [name, state] of lambdaTasks(render(true)))
      expect(state.Retry?.[0]?.ErrorEquals, name).toEqual(TRANSIENT_LAMBDA_ERRORS);
  });

  it("rolls back whenever the migration or the health check fails, thrown or answered", () => {
    const { States } = render(true);
    for (const name of ["Migrate", "HealthCheck"])
      expect(States[name]?.Catch?.[0], name).toMatchObject({
        ErrorEquals: ["States.ALL"],
        Next: "Rollback",
      });
    for (const name of ["MigrateChecked", "HealthChecked"])
      expect(States[name]?.Choices, name).toContainEqual(
        expect.objectContaining({ BooleanEquals: false, Next: "Rollback" }),
      );
    expect(States.Rollback?.Parameters?.Payload?.params).toEqual({
      "to.$": "$.rollbackTo.version",
    });
  });

  it("changes nothing when a step before the migration fails", () => {
    const { States } = render(true);
    for (const name of ["Status", "Plan", "Backup"])
      expect(States[name]?.Catch?.[0]?.Next, name).toBe("NothingChanged");
  });

  it("publishes every outcome, then fails the execution unless it succeeded", () => {
    const { States } = render(true);
    for (const name of [
      "Succeeded",
      "NothingToMigrate",
      "NothingChanged",
      "RolledBack",
      "RollbackFailed",
    ])
      expect(States[name]?.Next, name).toBe("Notify");
    expect(States.Notify).toMatchObject({ Resource: SNS_PUBLISH, Next: "Outcome" });
    expect(States.Notify?.Catch?.[0]?.Next).toBe("Outcome");
    expect(States.Failed?.Type).toBe("Fail");
  });

  it("sends each function an event its envelope validation accepts", () => {
    const operations: Record<string, string[]> = {
      migration: Object.keys(
        createMigrationFunction({
          manifest: async () => ({}) as never,
          connection: async () => ({}),
        }).operations,
      ),
      "health-check": Object.keys(
        createHealthCheckFunction({ database: async () => undefined, env: {} }).operations,
      ),
    };
    const samples: Record<string, unknown> = {
      "requestId.$": "exec-1234-migrate",
      "actor.$": "octocat",
      "params.$": { to: "20240105093000" },
      "to.$": "20240101120000",
    };
    const resolve = (value: unknown): unknown => {
      if (typeof value !== "object" || value === null) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) =>
          key.endsWith(".$") ? [key.slice(0, -2), samples[key]] : [key, resolve(v)],
        ),
      );
    };
    for (const [name, state] of lambdaTasks(render(false))) {
      const key = Object.entries(arnPlaceholders).find(
        ([, fn]) => functionArn(fn) === state.Parameters?.FunctionName,
      )?.[1] as string;
      const event = parseEvent(resolve(state.Parameters?.Payload), operations[key] ?? []);
      expect(event.context, name).toMatchObject({
        source: "step-functions",
        environment: "staging",
      });
    }
  });
});
