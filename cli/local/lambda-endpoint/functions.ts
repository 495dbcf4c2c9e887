import { readFileSync } from "node:fs";
import path from "node:path";

/** One function the local endpoint hosts, with the configuration Lambda would have. */
export interface LocalFunction {
  /** Full function name, e.g. `ops-local-migration`. */
  readonly name: string;
  readonly description: string;
  /** Absolute path of the module that exports the handler (`.ts` run through tsx, or `.mjs`). */
  readonly codeFile: string;
  /** Lambda's `Handler` setting, `<module>.<export>`, e.g. `index.handler`. */
  readonly handler: string;
  readonly memorySize: number;
  /** Seconds. */
  readonly timeout: number;
  readonly architecture: "arm64" | "x86_64";
  readonly runtime: string;
  /** Maximum concurrent executions; undefined means the endpoint's unreserved limit. */
  readonly reservedConcurrency?: number | undefined;
  /** The function's own variables (Lambda adds its reserved AWS_* ones on top). */
  readonly environment: Readonly<Record<string, string>>;
}

/** A function given by hand (tests, fixtures): Lambda's defaults fill what is left out. */
export interface LocalFunctionSpec {
  readonly name: string;
  readonly codeFile: string;
  readonly handler?: string;
  readonly description?: string;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly architecture?: "arm64" | "x86_64";
  readonly reservedConcurrency?: number;
  readonly environment?: Readonly<Record<string, string>>;
}

/** What `infra/functions.auto.tfvars.json` and `infra/environments/<env>.tfvars.json` declare. */
export interface DeclaredFunctions {
  readonly region: string;
  readonly namePrefix: string;
  /** Keyed by the folder name under lambdas/, e.g. `migration`. */
  readonly functions: ReadonlyMap<string, DeclaredFunction>;
}

export interface DeclaredFunction {
  readonly description: string;
  readonly handler: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly architecture: "arm64" | "x86_64";
  readonly reservedConcurrency?: number | undefined;
  readonly environment: Readonly<Record<string, string>>;
}

/** The runtime the product deploys (README: nodejs22.x). */
export const LOCAL_RUNTIME = "nodejs22.x";

/**
 * Reads the function declarations Terraform uses, with the environment's name prefix and region.
 * Throws naming the file and the offending key when the JSON does not have the expected shape.
 *
 * @example
 * const declared = readDeclaredFunctions("/repo/infra", "local");
 * declared.namePrefix; // "ops-local-"
 */
export function readDeclaredFunctions(infraDir: string, environment: string): DeclaredFunctions {
  const functionsFile = path.join(infraDir, "functions.auto.tfvars.json");
  const envFile = path.join(infraDir, "environments", `${environment}.tfvars.json`);
  const env = record(readJson(envFile), envFile, "the file");
  const root = record(readJson(functionsFile), functionsFile, "the file");
  const entries = record(root.functions, functionsFile, "functions");
  const functions = new Map<string, DeclaredFunction>();
  for (const [key, value] of Object.entries(entries)) {
    functions.set(key, declaredFunction(value, functionsFile, `functions.${key}`));
  }
  return {
    region: string(env.region, envFile, "region"),
    namePrefix: string(env.name_prefix, envFile, "name_prefix"),
    functions,
  };
}

/**
 * Completes a hand-written function spec with Lambda's defaults (128 MB, 3 s, `index.handler`).
 *
 * @example
 * localFunctionFromSpec({ name: "throws", codeFile: "/repo/test/fixtures/lambdas/throws.ts" });
 */
export function localFunctionFromSpec(spec: LocalFunctionSpec): LocalFunction {
  return {
    name: spec.name,
    description: spec.description ?? "",
    codeFile: path.resolve(spec.codeFile),
    handler: spec.handler ?? "index.handler",
    memorySize: spec.memorySize ?? 128,
    timeout: spec.timeout ?? 3,
    architecture: spec.architecture ?? "x86_64",
    runtime: LOCAL_RUNTIME,
    reservedConcurrency: spec.reservedConcurrency,
    environment: { ...spec.environment },
  };
}

/** The export a `Handler` setting names: `index.handler` → `handler`. */
export function handlerExport(handler: string): string {
  return handler.slice(handler.lastIndexOf(".") + 1);
}

function declaredFunction(value: unknown, file: string, at: string): DeclaredFunction {
  const fn = record(value, file, at);
  const environment = record(fn.environment ?? {}, file, `${at}.environment`);
  const architecture = fn.architecture ?? "x86_64";
  if (architecture !== "arm64" && architecture !== "x86_64")
    fail(file, `${at}.architecture`, "arm64 | x86_64", architecture);
  return {
    description: typeof fn.description === "string" ? fn.description : "",
    handler: string(fn.handler ?? "index.handler", file, `${at}.handler`),
    memorySize: integer(fn.memory_size, file, `${at}.memory_size`, 128, 10_240),
    timeout: integer(fn.timeout, file, `${at}.timeout`, 1, 900),
    architecture,
    reservedConcurrency:
      fn.reserved_concurrency === undefined || fn.reserved_concurrency === null
        ? undefined
        : integer(fn.reserved_concurrency, file, `${at}.reserved_concurrency`, 0, 10_000),
    environment: Object.fromEntries(
      Object.entries(environment).map(([key, v]) => [
        key,
        string(v, file, `${at}.environment.${key}`),
      ]),
    ),
  };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function record(value: unknown, file: string, at: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  return fail(file, at, "an object", value);
}

function string(value: unknown, file: string, at: string): string {
  return typeof value === "string" ? value : fail(file, at, "a string", value);
}

function integer(value: unknown, file: string, at: string, min: number, max: number): number {
  if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max)
    return value as number;
  return fail(file, at, `an integer from ${min} to ${max}`, value);
}

function fail(file: string, at: string, expected: string, got: unknown): never {
  throw new Error(`${file}: ${at} must be ${expected}, got ${JSON.stringify(got) ?? "nothing"}`);
}
