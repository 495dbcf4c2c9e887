import { randomBytes } from "node:crypto";
import path from "node:path";
import type { LocalFunction } from "./functions.ts";

/** What the endpoint tells every function about where it runs. */
export interface RuntimeSettings {
  readonly region: string;
  /** Credentials and endpoints the function's SDK clients use (dummy values locally). */
  readonly awsVariables: Readonly<Record<string, string>>;
}

/**
 * The process environment of a function: its own variables, then Lambda's reserved ones
 * (AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_REGION, …), which a function
 * cannot override. Nothing leaks in from the endpoint's own environment but PATH.
 *
 * @example
 * lambdaVariables(fn, { region: "eu-west-1", awsVariables: { AWS_ACCESS_KEY_ID: "local" } });
 */
export function lambdaVariables(
  fn: LocalFunction,
  settings: RuntimeSettings,
): Record<string, string> {
  const stream = `${new Date().toISOString().slice(0, 10).replaceAll("-", "/")}/[$LATEST]${randomBytes(16).toString("hex")}`;
  return {
    ...fn.environment,
    ...settings.awsVariables,
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    LAMBDA_TASK_ROOT: path.dirname(fn.codeFile),
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: stream,
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
  };
}
