// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions as hcl2json renders them, "${…}" included
import { execFileSync, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import {
  allResources,
  declaredFunctions,
  type Hcl,
  INFRA,
  inModule,
  locals,
  namedBlocks,
  parseTerraformFiles,
  type TerraformBlock,
  type TerraformFile,
  typedBlocks,
} from "./infra-hcl.ts";

/**
 * Actions allowed on `Resource: "*"`, each because the call has no resource-level permissions
 * (IAM service authorization reference): scoping it is impossible, not merely inconvenient.
 */
const RESOURCE_STAR_EXCEPTIONS: Record<string, string> = {
  "xray:PutTraceSegments": "X-Ray trace APIs have no resource types",
  "xray:PutTelemetryRecords": "X-Ray trace APIs have no resource types",
  "xray:GetSamplingRules": "X-Ray sampling APIs have no resource types",
  "xray:GetSamplingTargets": "X-Ray sampling APIs have no resource types",
  "ec2:DescribeNetworkInterfaces": "EC2 Describe* calls support no resource-level permissions",
  "ec2:DescribeSubnets": "EC2 Describe* calls support no resource-level permissions",
  "lambda:ListFunctions": "ListFunctions lists the account's functions and has no resource type",
  "ce:GetCostAndUsage": "Cost Explorer cost and usage data has no resource type",
  "ce:GetCostForecast": "Cost Explorer forecasts have no resource type",
  "config:DescribeComplianceByResource": "spans resources of every type; no resource type",
  "cloudwatch:GetMetricData": "GetMetricData supports no resource-level permissions",
  "logs:GetQueryResults":
    "takes a query id, not a resource (StartQuery is scoped to the log groups)",
  "logs:StopQuery": "takes a query id, not a resource (StartQuery is scoped to the log groups)",
};

/** What the GitHub workflows may do besides reading: nothing but invoking the ops functions. */
const GITHUB_LAMBDA_ACTIONS = [
  "lambda:GetFunctionConfiguration",
  "lambda:InvokeFunction",
  "lambda:ListFunctions",
];

interface Statement {
  readonly policy: string;
  readonly sid: string;
  readonly actions: unknown;
  readonly resources: unknown;
}

let files: TerraformFile[];
let root: TerraformFile[];
let lambdaModule: TerraformFile[];

beforeAll(async () => {
  files = await parseTerraformFiles();
  root = inModule(files, "root");
  lambdaModule = inModule(files, "ops-lambda");
});

/** Every statement of every aws_iam_policy_document, static or dynamic. */
function statements(): Statement[] {
  return typedBlocks(files, "data", "aws_iam_policy_document").flatMap((block) => {
    const dynamic = ((block.body.dynamic?.statement ?? []) as Hcl[]).flatMap(
      (d) => d.content as Hcl[],
    );
    return [...((block.body.statement ?? []) as Hcl[]), ...dynamic].map((s) => ({
      policy: `${block.file}: ${block.name}`,
      sid: String(s.sid ?? "(no sid)"),
      actions: s.actions,
      resources: s.resources,
    }));
  });
}

function actionsOf(statement: Statement): string[] {
  expect(Array.isArray(statement.actions), `${statement.policy} ${statement.sid}: actions`).toBe(
    true,
  );
  return statement.actions as string[];
}

function variablesUsed(moduleFiles: readonly TerraformFile[]): Set<string> {
  const used = new Set<string>();
  for (const file of moduleFiles)
    for (const match of file.text.matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)) used.add(match[1] ?? "");
  return used;
}

function resourcesOfTypes(types: readonly string[]): TerraformBlock[] {
  return allResources(root).filter((block) => types.includes(block.type));
}

describe("ops Lambda module", () => {
  it("deploys every declared function through one module instance per entry of var.functions", () => {
    const [module, ...others] = namedBlocks(root, "module");
    expect(others).toEqual([]);
    expect(module?.body).toMatchObject({
      source: "./modules/ops-lambda",
      for_each: "${var.functions}",
      runtime: "${var.runtime}",
      architecture: "${each.value.architecture}",
    });
  });

  it("defaults to nodejs22.x on arm64", () => {
    const rootVariables = namedBlocks(root, "variable");
    expect(rootVariables.find((v) => v.name === "runtime")?.body.default).toBe("nodejs22.x");
    const functionsType = String(rootVariables.find((v) => v.name === "functions")?.body.type);
    expect(functionsType).toContain('architecture         = optional(string, "arm64")');
  });

  it("accepts every field functions.auto.tfvars.json uses", () => {
    const functionsType = String(
      namedBlocks(root, "variable").find((v) => v.name === "functions")?.body.type,
    );
    for (const fn of Object.values(declaredFunctions()))
      for (const field of Object.keys(fn))
        expect(functionsType).toMatch(new RegExp(`\\b${field} +=`));
  });

  it("deploys the zip that `npm run build:lambdas` writes", () => {
    const module = namedBlocks(root, "module")[0];
    expect(module?.body.package_file).toBe("${local.package_dir}/${each.key}.zip");
    expect(locals(root).package_dir).toBe(
      '${coalesce(var.lambda_package_dir, "${path.module}/../build/lambdas")}',
    );
  });

  it("publishes an alias, provisioned concurrency when asked, tracing, retained logs and a failure destination", () => {
    const fn = typedBlocks(lambdaModule, "resource", "aws_lambda_function")[0]?.body;
    expect(fn).toMatchObject({
      publish: true,
      architectures: ["${var.architecture}"],
      tracing_config: [{ mode: "Active" }],
      reserved_concurrent_executions: expect.stringContaining("var.reserved_concurrency"),
    });
    expect(typedBlocks(lambdaModule, "resource", "aws_lambda_alias")).toHaveLength(1);
    expect(
      typedBlocks(lambdaModule, "resource", "aws_lambda_provisioned_concurrency_config")[0]?.body
        .count,
    ).toBe("${var.provisioned_concurrency > 0 ? 1 : 0}");
    expect(
      typedBlocks(lambdaModule, "resource", "aws_cloudwatch_log_group")[0]?.body.retention_in_days,
    ).toBe("${var.log_retention_days}");
    expect(
      typedBlocks(lambdaModule, "resource", "aws_lambda_function_event_invoke_config")[0]?.body
        .destination_config,
    ).toEqual([{ on_failure: [{ destination: "${aws_sqs_queue.failures.arn}" }] }]);
  });

  it("gives provisioned concurrency only to functions marked critical", () => {
    expect(namedBlocks(root, "module")[0]?.body.provisioned_concurrency).toBe(
      "${each.value.critical ? var.critical_provisioned_concurrency : 0}",
    );
  });
});

describe("IAM", () => {
  it("allows no wildcard action", () => {
    for (const statement of statements())
      for (const action of actionsOf(statement))
        expect(action, `${statement.policy} ${statement.sid}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });

  it('uses Resource "*" only for calls that support no resource scoping', () => {
    const starred = statements().filter(
      (s) => Array.isArray(s.resources) && s.resources.includes("*"),
    );
    for (const statement of starred) {
      expect(statement.resources, `${statement.policy} ${statement.sid}`).toEqual(["*"]);
      for (const action of actionsOf(statement))
        expect(RESOURCE_STAR_EXCEPTIONS, `${statement.policy} ${statement.sid}`).toHaveProperty([
          action,
        ]);
    }
    const used = new Set(starred.flatMap(actionsOf));
    expect(Object.keys(RESOURCE_STAR_EXCEPTIONS).filter((action) => !used.has(action))).toEqual([]);
  });

  it("writes every policy through an aws_iam_policy_document and attaches no managed policy", () => {
    const policies = resourcesOfTypes(["aws_iam_role_policy", "aws_sns_topic_policy"]).map(
      (b) => b.body.policy,
    );
    const trusts = resourcesOfTypes(["aws_iam_role"]).map((b) => b.body.assume_role_policy);
    for (const policy of [...policies, ...trusts])
      expect(policy).toMatch(/^\$\{data\.aws_iam_policy_document\.[\w-]+(\[[^\]]+\])?\.json\}$/);
    expect(resourcesOfTypes(["aws_iam_role_policy_attachment", "aws_iam_policy"])).toEqual([]);
  });

  it("gives each function its own role, granting secrets only to functions that use them", () => {
    expect(
      typedBlocks(root, "resource", "aws_iam_role").find((r) => r.name === "ops_lambda")?.body,
    ).toMatchObject({ for_each: "${var.functions}" });
    const lambdaPolicy = typedBlocks(root, "data", "aws_iam_policy_document").find(
      (d) => d.name === "ops_lambda",
    )?.body as Hcl;
    const dynamicStatements = lambdaPolicy.dynamic.statement as Hcl[];
    const secret = dynamicStatements.find((d) => d.content[0].sid === "ReadDatabaseSecret");
    expect(secret?.for_each).toBe("${each.value.needs_database ? [var.database_secret_arn] : []}");
    const actions = statements()
      .filter((s) => s.policy === "iam.tf: ops_lambda")
      .flatMap(actionsOf);
    expect(actions).not.toContain("cloudwatch:PutMetricData"); // EMF metrics are log lines
  });

  it("pins the GitHub role to this repository, and production to its GitHub environment", () => {
    const trust = typedBlocks(root, "data", "aws_iam_policy_document").find(
      (d) => d.name === "github_assume_role",
    )?.body.statement[0] as Hcl;
    expect(trust.actions).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(trust.condition).toContainEqual({
      test: "StringEquals",
      variable: "${local.github_oidc_url}:aud",
      values: ["sts.amazonaws.com"],
    });
    expect(trust.condition).toContainEqual(
      expect.objectContaining({ variable: "${local.github_oidc_url}:sub" }),
    );
    expect(locals(root).github_subjects).toBe(
      '${var.github_environment == null ? ["repo:${var.github_repository}:*"] : ["repo:${var.github_repository}:environment:${var.github_environment}"]}',
    );
  });

  it("lets GitHub workflows only invoke, read and list the ops functions and make read-only calls", () => {
    const github = statements().filter((s) => s.policy === "github-oidc.tf: github");
    const actions = github.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith("lambda:")).sort()).toEqual(GITHUB_LAMBDA_ACTIONS);
    for (const action of actions.filter((a) => !a.startsWith("lambda:")))
      expect(action).toMatch(/^(ce|config|cloudwatch|logs):(Get|Describe|StartQuery|StopQuery)/);
    const invoke = github.find((s) => actionsOf(s).includes("lambda:InvokeFunction"));
    expect(invoke?.resources).toBe(
      '${concat(local.ops_function_arns, [for arn in local.ops_function_arns : "${arn}:*"])}',
    );
  });
});

describe("variables and outputs", () => {
  it.each([
    ["root", () => root],
    ["ops-lambda", () => lambdaModule],
  ])("declares every variable the %s module uses, with a type and a description", (_, get) => {
    const moduleFiles = get();
    const declared = namedBlocks(moduleFiles, "variable");
    const names = new Set(declared.map((v) => v.name));
    for (const used of variablesUsed(moduleFiles)) expect(names, `var.${used}`).toContain(used);
    for (const variable of declared) {
      expect(variable.body.description, variable.name).toEqual(expect.stringMatching(/\w{3}/));
      expect(variable.body.type, variable.name).toBeDefined();
    }
  });

  it.each([
    ["root", () => root],
    ["ops-lambda", () => lambdaModule],
  ])("uses every variable the %s module declares", (_, get) => {
    const used = variablesUsed(get());
    for (const variable of namedBlocks(get(), "variable"))
      expect(used, variable.name).toContain(variable.name);
  });

  it("passes the module only inputs it declares", () => {
    const declared = new Set(namedBlocks(lambdaModule, "variable").map((v) => v.name));
    const meta = new Set(["source", "for_each", "depends_on", "count", "providers"]);
    for (const input of Object.keys(namedBlocks(root, "module")[0]?.body ?? {}))
      if (!meta.has(input)) expect(declared, input).toContain(input);
  });

  it("documents every output", () => {
    for (const output of namedBlocks(files, "output"))
      expect(output.body.description, output.name).toEqual(expect.stringMatching(/\w{3}/));
  });
});

describe("schedules and alarms", () => {
  /** Collections keyed by function key, and how each is derived from var.functions. */
  const FUNCTION_KEYED = {
    "${var.functions}": undefined,
    "${local.warm_functions}": "${{ for key, fn in var.functions : key => fn if fn.warm }}",
    "${local.operation_schedules}":
      "${{\n    for key, schedule in local.operation_schedule_candidates : key => schedule\n    if contains(keys(var.functions), key) && schedule.expression != null\n  }}",
    "${local.operation_schedule_alarms}":
      "${{\n    for key, schedule in local.operation_schedules : key => schedule.event.operation\n  }}",
  } as const;

  it("targets only declared functions from every schedule and alarm", () => {
    const targeted = resourcesOfTypes(["aws_scheduler_schedule", "aws_cloudwatch_metric_alarm"]);
    expect(targeted.length).toBeGreaterThanOrEqual(6);
    for (const block of targeted) {
      expect(Object.keys(FUNCTION_KEYED), `${block.type}.${block.name}`).toContain(
        block.body.for_each,
      );
      const target = block.body.target?.[0]?.arn ?? block.body.dimensions;
      expect(JSON.stringify(target), `${block.type}.${block.name}`).toMatch(
        /each\.key|var\.environment/,
      );
    }
    const definitions = locals(root);
    for (const [collection, definition] of Object.entries(FUNCTION_KEYED)) {
      const name = collection.match(/local\.(\w+)/)?.[1];
      if (name) expect(definitions[name], name).toBe(definition);
    }
  });

  it("refers by name only to declared functions or ones it checks for", () => {
    const declared = Object.keys(declaredFunctions());
    for (const file of root)
      for (const [, key] of file.text.matchAll(/module\.ops_lambda\["([\w-]+)"\]/g)) {
        if (declared.includes(key ?? "")) continue;
        expect(file.text, `${file.name}: ${key}`).toContain(
          `contains(keys(var.functions), "${key}")`,
        );
      }
  });

  it("invokes aliases: warm-up pings carry { warmup: true }, operations a schedule context", () => {
    const schedules = typedBlocks(root, "resource", "aws_scheduler_schedule");
    const warmup = schedules.find((s) => s.name === "warmup")?.body.target[0];
    expect(warmup).toMatchObject({
      arn: "${module.ops_lambda[each.key].alias_arn}",
      input: "${jsonencode({ warmup = true })}",
    });
    const operation = schedules.find((s) => s.name === "operation")?.body.target[0];
    expect(operation.arn).toBe("${module.ops_lambda[each.key].alias_arn}");
    expect(locals(root).schedule_context).toEqual({
      actor: "eventbridge-scheduler",
      environment: "${var.environment}",
      source: "schedule",
    });
  });

  it("alarms on errors, throttles, duration above 80 % of the timeout and failure-queue depth", () => {
    const alarms = typedBlocks(root, "resource", "aws_cloudwatch_metric_alarm");
    const byName = Object.fromEntries(alarms.map((a) => [a.name, a.body]));
    for (const name of ["errors", "throttles", "duration", "failure_queue_depth"]) {
      expect(byName[name]?.for_each, name).toBe("${var.functions}");
      expect(byName[name]?.alarm_actions, name).toEqual(["${aws_sns_topic.alerts.arn}"]);
    }
    expect(byName.duration?.threshold).toBe(
      "${each.value.timeout * 1000 * local.duration_alarm_share}",
    );
    expect(locals(root).duration_alarm_share).toBe(0.8);
    expect(byName.failure_queue_depth?.metric_name).toBe("ApproximateNumberOfMessagesVisible");
    expect(typedBlocks(root, "resource", "aws_sns_topic_subscription")[0]?.body.for_each).toBe(
      "${toset(var.alarm_emails)}",
    );
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
if (!terraform)
  console.warn("terraform is not on the PATH: the `terraform fmt -check` test is skipped.");

describe("formatting", () => {
  it.skipIf(!terraform)(
    `is terraform fmt clean${terraform ? "" : " (skipped: terraform is not on the PATH)"}`,
    () => {
      const diff = (() => {
        try {
          execFileSync("terraform", ["fmt", "-check", "-recursive", "-diff", INFRA], {
            encoding: "utf8",
            stdio: "pipe",
          });
          return "";
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? error);
        }
      })();
      expect(diff, "run `terraform fmt -recursive infra`").toBe("");
    },
  );
});
