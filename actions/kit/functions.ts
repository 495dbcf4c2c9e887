import { ENVIRONMENTS, type EnvironmentConfig, FUNCTION_TIMEOUTS } from "./environments.ts";
import { excerpt, InputError } from "./inputs.ts";

/** A Lambda function as an action invokes it. */
export interface ResolvedFunction {
  /** What goes into `FunctionName`: the full name or the ARN as given. */
  readonly functionName: string;
  /** The key of functions.auto.tfvars.json it was resolved from, if any. */
  readonly key?: string;
  /** Region named by the ARN, if the input was one. */
  readonly arnRegion?: string;
  /** Account named by the ARN, if the input was one. */
  readonly arnAccount?: string;
}

const NAME = /^[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/;
const ARN =
  /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/;
const PARTIAL_ARN = /^(\d{12}):function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/;

/**
 * Names of the environments that have an infra/environments/<name>.tfvars.json.
 *
 * @example
 * environmentNames(); // ["local", "production", "staging"]
 */
export function environmentNames(): string[] {
  return Object.keys(ENVIRONMENTS).sort();
}

/**
 * Keys of infra/functions.auto.tfvars.json.
 *
 * @example
 * functionKeys(); // ["health-check", "migration"]
 */
export function functionKeys(): string[] {
  return Object.keys(FUNCTION_TIMEOUTS).sort();
}

/**
 * An environment's configuration, or an `InputError` naming `input` and the known environments.
 *
 * @example
 * environmentConfig("staging", "environment").name_prefix; // "ops-staging-"
 */
export function environmentConfig(name: string, input: string): EnvironmentConfig {
  const config = ENVIRONMENTS[name];
  if (!config) {
    throw new InputError(
      input,
      `Input '${input}' must be one of ${environmentNames().join(" | ")}, got '${excerpt(name)}'`,
    );
  }
  return config;
}

/**
 * Resolves the `function-name` input: a key of functions.auto.tfvars.json becomes
 * `<name_prefix><key>` of the environment; a full name, `name:qualifier`, partial or full ARN is
 * used as given.
 *
 * @example
 * resolveFunction("migration", "staging").functionName; // "ops-staging-migration"
 * resolveFunction("arn:aws:lambda:eu-west-1:123456789012:function:ops-staging-migration", undefined);
 */
export function resolveFunction(
  value: string,
  environment: string | undefined,
  input = "function-name",
): ResolvedFunction {
  if (value in FUNCTION_TIMEOUTS) {
    if (environment === undefined) {
      throw new InputError(
        "environment",
        `Input 'environment' is required when '${input}' is a function key ('${value}'): one of ${environmentNames().join(" | ")}`,
      );
    }
    const config = environmentConfig(environment, "environment");
    return { functionName: `${config.name_prefix}${value}`, key: value };
  }
  const arn = ARN.exec(value);
  if (arn)
    return { functionName: value, arnRegion: arn[1] as string, arnAccount: arn[2] as string };
  const partial = PARTIAL_ARN.exec(value);
  if (partial) return { functionName: value, arnAccount: partial[1] as string };
  if (NAME.test(value)) return { functionName: value };
  throw new InputError(
    input,
    `Input '${input}' must be a function key (${functionKeys().join(" | ")}), a function name or an ARN, got '${excerpt(value)}'`,
  );
}
