/**
 * The invoke action's inputs, validated into an `InvokeRequest` before any AWS call. Each bad
 * input fails the step with one line naming it, the value and what is accepted.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ENVIRONMENTS } from "../kit/environments.ts";
import { resolveFunction } from "../kit/functions.ts";
import {
  booleanInput,
  choiceInput,
  excerpt,
  InputError,
  type InputReader,
  integerInput,
  objectFromText,
  patternInput,
  requiredInput,
} from "../kit/inputs.ts";
import { type Expectation, parseExpectations } from "./expect.ts";
import {
  assertPayloadSize,
  INVOCATION_TYPES,
  type InvokeRequest,
  requestIdFor,
  workflowContext,
} from "./request.ts";

/** The request plus what only the action does with it. */
export interface InvokeActionInputs {
  readonly request: InvokeRequest;
  readonly expectations: readonly Expectation[];
  readonly failOnError: boolean;
}

const OPERATION = /^[A-Za-z][\w-]{0,63}$/;
const QUALIFIER = /^[A-Za-z0-9$_-]{1,128}$/;
const ENVIRONMENT = /^[A-Za-z0-9_-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
const MIN_SIGNING_KEY_LENGTH = 16;

/**
 * Reads and validates every input of actions/invoke.
 *
 * @example
 * const inputs = parseInvokeInputs(core.getInput, process.env);
 */
export function parseInvokeInputs(read: InputReader, env: NodeJS.ProcessEnv): InvokeActionInputs {
  const environment = patternInput(read, "environment", ENVIRONMENT, "an environment name");
  const target = resolveFunction(requiredInput(read, "function-name"), environment);
  const operation = requiredInput(read, "operation");
  if (!OPERATION.test(operation)) {
    throw new InputError(
      "operation",
      `Input 'operation' must be an operation name (a letter, then letters, digits, - or _), got '${excerpt(operation)}'`,
    );
  }
  const qualifier = patternInput(read, "qualifier", QUALIFIER, "a version number or alias name");
  const { params, paramsInput } = readParams(read, env);
  const expectedAccountId = patternInput(
    read,
    "expected-account-id",
    ACCOUNT,
    "a 12-digit AWS account id",
  );
  if (expectedAccountId && target.arnAccount && target.arnAccount !== expectedAccountId) {
    throw new InputError(
      "function-name",
      `Input 'function-name' names account ${target.arnAccount}, but 'expected-account-id' is ${expectedAccountId}`,
    );
  }
  const dryRun = booleanInput(read, "dry-run", false);
  const identity = {
    functionName: target.functionName,
    qualifier,
    environment,
    operation,
    params,
    dryRun,
  };
  const request: InvokeRequest = {
    ...identity,
    region: readRegion(read, env, target.arnRegion, environment),
    invocationType: choiceInput(read, "invocation-type", INVOCATION_TYPES, "RequestResponse"),
    logTail: booleanInput(read, "log-tail", true),
    timeoutMs: integerInput(read, "timeout-seconds", { min: 1, max: 21_600, fallback: 900 }) * 1000,
    requestId: requestIdFor(env, identity),
    context: workflowContext(env, environment),
    signingKey: readSigningKey(read),
    expectedAccountId,
    paramsInput,
  };
  const expectations = parseExpectations(read("expect"));
  if (expectations.length > 0 && request.invocationType !== "RequestResponse") {
    throw new InputError(
      "expect",
      `Input 'expect' needs invocation-type RequestResponse (only it returns a result), got '${request.invocationType}'`,
    );
  }
  const failOnError = booleanInput(read, "fail-on-error", true);
  assertPayloadSize(request);
  return { request, expectations, failOnError };
}

function readParams(read: InputReader, env: NodeJS.ProcessEnv) {
  const text = read("params");
  const file = read("payload-file");
  if (file === "")
    return { params: text === "" ? {} : objectFromText("params", text), paramsInput: "params" };
  if (text !== "" && text !== "{}") {
    throw new InputError(
      "payload-file",
      `Input 'payload-file' and 'params' cannot both be given, got '${excerpt(file)}' and params`,
    );
  }
  const fullPath = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), file);
  let content: string;
  try {
    content = readFileSync(fullPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputError(
      "payload-file",
      `Input 'payload-file' must name a readable JSON or YAML file, got '${excerpt(file)}' (${code})`,
    );
  }
  return { params: objectFromText("payload-file", content), paramsInput: "payload-file" };
}

function readRegion(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  arnRegion: string | undefined,
  environment: string | undefined,
): string {
  const given = patternInput(read, "aws-region", REGION, "an AWS region such as eu-west-1");
  const region =
    given ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    arnRegion ??
    environmentRegion(environment);
  if (!region) {
    throw new InputError(
      "aws-region",
      "Input 'aws-region' is required when AWS_REGION is not set and neither 'function-name' (an ARN) nor 'environment' gives the region",
    );
  }
  return region;
}

function environmentRegion(environment: string | undefined): string | undefined {
  return environment === undefined ? undefined : ENVIRONMENTS[environment]?.region;
}

function readSigningKey(read: InputReader): string | undefined {
  const key = read("signing-key");
  if (key === "") return undefined;
  if (key.length < MIN_SIGNING_KEY_LENGTH) {
    // Never echo a secret, not even a bad one: say only how long it is.
    throw new InputError(
      "signing-key",
      `Input 'signing-key' must be at least ${MIN_SIGNING_KEY_LENGTH} characters, got ${key.length} characters`,
    );
  }
  return key;
}
