/**
 * Reading and validating action inputs. Every check throws an `InputError` whose message is one
 * line naming the input, the value received and what is accepted — the step fails with it before
 * any AWS call.
 */
import YAML from "yaml";
import { redactText } from "../../lambdas/kit/redact.ts";

/** Reads one input's raw text ("" when not set), e.g. `core.getInput` or a test's map. */
export type InputReader = (name: string) => string;

/** A bad input: the step fails with this one-line message. */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly input: string;

  constructor(input: string, message: string) {
    super(message);
    this.input = input;
  }
}

/**
 * Reads inputs from `INPUT_<NAME>` variables the way the runner passes them (upper-cased, hyphens
 * kept, trimmed) — the same rule as `core.getInput`, usable without @actions/core.
 *
 * @example
 * const read = envInputReader(process.env);
 * read("function-name"); // process.env["INPUT_FUNCTION-NAME"]
 */
export function envInputReader(env: NodeJS.ProcessEnv): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/**
 * The value of a required input.
 *
 * @example
 * const operation = requiredInput(read, "operation");
 */
export function requiredInput(read: InputReader, name: string): string {
  const value = read(name);
  if (value === "") throw new InputError(name, `Input '${name}' is required`);
  return value;
}

/**
 * One of a fixed set of values (case-sensitive), or the default when not set.
 *
 * @example
 * choiceInput(read, "invocation-type", ["RequestResponse", "Event", "DryRun"], "RequestResponse");
 */
export function choiceInput<T extends string>(
  read: InputReader,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = read(name);
  if (value === "") return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new InputError(
      name,
      `Input '${name}' must be one of ${choices.join(" | ")}, got '${excerpt(value)}'`,
    );
  }
  return value as T;
}

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

/**
 * A boolean input (YAML 1.2 core schema, like `core.getBooleanInput`), or the default.
 *
 * @example
 * const failOnError = booleanInput(read, "fail-on-error", true);
 */
export function booleanInput(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name);
  if (value === "") return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(name, `Input '${name}' must be true or false, got '${excerpt(value)}'`);
}

/**
 * A whole number within bounds, or the default.
 *
 * @example
 * const seconds = integerInput(read, "timeout-seconds", { min: 1, max: 21_600, fallback: 900 });
 */
export function integerInput(
  read: InputReader,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  const value = read(name);
  if (value === "") return bounds.fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= bounds.min && number <= bounds.max)) {
    throw new InputError(
      name,
      `Input '${name}' must be a whole number from ${bounds.min} to ${bounds.max}, got '${excerpt(value)}'`,
    );
  }
  return number;
}

/**
 * An optional input that must match a pattern; `accepted` says what the pattern means.
 *
 * @example
 * patternInput(read, "expected-account-id", /^\d{12}$/, "a 12-digit AWS account id");
 */
export function patternInput(
  read: InputReader,
  name: string,
  pattern: RegExp,
  accepted: string,
): string | undefined {
  const value = read(name);
  if (value === "") return undefined;
  if (!pattern.test(value)) {
    throw new InputError(name, `Input '${name}' must be ${accepted}, got '${excerpt(value)}'`);
  }
  return value;
}

/**
 * Parses JSON or YAML text (YAML is a superset of JSON) that must hold an object.
 *
 * @example
 * objectFromText("params", '{"to": "20240101120000"}'); // → { to: "20240101120000" }
 * objectFromText("params", "to: '20240101120000'");      // the same, as YAML
 */
export function objectFromText(name: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = YAML.parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    throw new InputError(
      name,
      `Input '${name}' must be a JSON or YAML object, got '${excerpt(text)}' (${reason})`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(
      name,
      `Input '${name}' must be a JSON or YAML object, got '${excerpt(text)}'`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * A value as it may appear in an error: one line, at most 80 characters, secrets redacted.
 *
 * @example
 * excerpt("postgres://app:hunter2@db/app"); // → "postgres://app:[REDACTED]@db/app"
 */
export function excerpt(value: string, max = 80): string {
  const line = redactText(value).replace(/\s*\n\s*/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
