/**
 * The `expect` input: assertions on the result envelope. Either simple checks, one per line (or a
 * YAML list of them) — `ok == true`, `data.applied.length >= 1`, `data.checks[0].status != "fail"`
 * — or a JSON Schema (a JSON/YAML object; a common subset of keywords). Parsed with the other
 * inputs, before any AWS call; checked after the answer.
 */
import YAML from "yaml";
import { canonicalJson } from "../../lambdas/kit/signing.ts";
import { excerpt, InputError } from "../kit/inputs.ts";

export type Expectation =
  | {
      readonly kind: "compare";
      readonly text: string;
      readonly path: Path;
      readonly op: Operator;
      readonly value: unknown;
    }
  | { readonly kind: "schema"; readonly schema: Schema };

/** A failed expectation: which one, where, and the actual value. */
export interface ExpectFailure {
  readonly assertion: string;
  readonly path: string;
  readonly actual: unknown;
  readonly reason: string;
}

type Operator = "==" | "!=" | ">=" | "<=" | ">" | "<";
type Path = readonly (string | number)[];
type Schema = { readonly [keyword: string]: unknown };

const CHECK = /^\s*(\$?[\w.[\]-]*?)\s*(==|!=|>=|<=|>|<)\s*(.+?)\s*$/;
const SEGMENT = /^([A-Za-z_$][\w$-]*)((?:\[\d+\])*)$/;

/**
 * Parses the `expect` input; "" gives no expectations. Throws `InputError` naming the bad line.
 *
 * @example
 * parseExpectations("ok == true\ndata.applied.length >= 1");
 * parseExpectations("type: object\nrequired: [ok]\nproperties: { ok: { const: true } }");
 */
export function parseExpectations(text: string): Expectation[] {
  if (text.trim() === "") return [];
  const parsed = tryYaml(text);
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    assertSchema(parsed as Schema, "");
    return [{ kind: "schema", schema: parsed as Schema }];
  }
  const lines = Array.isArray(parsed)
    ? parsed.map((item) => String(item))
    : text.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  return lines.map(parseCheck);
}

function tryYaml(text: string): unknown {
  try {
    return YAML.parse(text);
  } catch {
    return undefined;
  }
}

function parseCheck(line: string): Expectation {
  const match = CHECK.exec(line);
  const path = match ? parsePath(match[1] as string) : undefined;
  if (!match || !path) {
    throw new InputError(
      "expect",
      `Input 'expect' must hold checks like 'ok == true' or 'data.applied.length >= 1' (==, !=, >=, <=, >, <) or a JSON Schema object, got '${excerpt(line)}'`,
    );
  }
  return {
    kind: "compare",
    text: line.trim(),
    path,
    op: match[2] as Operator,
    value: parseValue(match[3] as string),
  };
}

function parsePath(text: string): Path | undefined {
  const segments: (string | number)[] = [];
  const parts = text.replace(/^\$\.?/, "").split(".");
  for (const part of parts) {
    const match = SEGMENT.exec(part);
    if (!match) return undefined;
    segments.push(match[1] as string);
    for (const index of (match[2] as string).matchAll(/\[(\d+)\]/g))
      segments.push(Number(index[1]));
  }
  return segments;
}

function parseValue(text: string): unknown {
  try {
    return YAML.parse(text);
  } catch {
    return text;
  }
}

/**
 * Checks every expectation against the result and returns the failures (empty when all hold).
 *
 * @example
 * checkExpectations(parseExpectations("data.applied.length >= 3"), result);
 * // [{ assertion: "data.applied.length >= 3", path: "data.applied.length", actual: 2, reason: "…" }]
 */
export function checkExpectations(
  expectations: readonly Expectation[],
  value: unknown,
): ExpectFailure[] {
  return expectations.flatMap((expectation) =>
    expectation.kind === "schema"
      ? validateSchema(expectation.schema, value, [])
      : checkCompare(expectation, value),
  );
}

function checkCompare(
  check: Extract<Expectation, { kind: "compare" }>,
  root: unknown,
): ExpectFailure[] {
  const actual = valueAt(root, check.path);
  if (compare(actual, check.op, check.value)) return [];
  return [
    {
      assertion: check.text,
      path: pathText(check.path),
      actual,
      reason: actual === undefined ? "the path does not exist" : `actual value ${show(actual)}`,
    },
  ];
}

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const segment of path) {
    if (segment === "length" && (Array.isArray(current) || typeof current === "string")) {
      current = current.length;
    } else if (typeof current === "object" && current !== null && segment in current) {
      current = (current as Record<string | number, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

function compare(actual: unknown, op: Operator, expected: unknown): boolean {
  if (op === "==") return canonicalJson(actual) === canonicalJson(expected);
  if (op === "!=") return canonicalJson(actual) !== canonicalJson(expected);
  const bothNumbers = typeof actual === "number" && typeof expected === "number";
  const bothStrings = typeof actual === "string" && typeof expected === "string";
  if (!bothNumbers && !bothStrings) return false;
  const [a, b] = [actual, expected] as [number | string, number | string];
  return op === ">" ? a > b : op === ">=" ? a >= b : op === "<" ? a < b : a <= b;
}

const SCHEMA_KEYWORDS = new Set([
  "$schema",
  "$id",
  "title",
  "description",
  "type",
  "properties",
  "required",
  "enum",
  "const",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "items",
  "minItems",
  "maxItems",
  "additionalProperties",
]);

function assertSchema(schema: Schema, at: string): void {
  for (const keyword of Object.keys(schema)) {
    if (!SCHEMA_KEYWORDS.has(keyword)) {
      throw new InputError(
        "expect",
        `Input 'expect' uses JSON Schema keyword '${keyword}'${at ? ` at ${at}` : ""}, which is not supported; supported: ${[...SCHEMA_KEYWORDS].join(", ")}`,
      );
    }
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [name, child] of Object.entries(properties))
    assertSchema(child, `${at}${at ? "." : ""}${name}`);
  if (isSchema(schema.items)) assertSchema(schema.items, `${at}[]`);
  if (isSchema(schema.additionalProperties)) assertSchema(schema.additionalProperties, `${at}.*`);
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validateSchema(schema: Schema, value: unknown, path: Path): ExpectFailure[] {
  const fail = (reason: string): ExpectFailure[] => [
    {
      assertion: "JSON Schema",
      path: pathText(path),
      actual: value,
      reason: `${reason}; actual value ${show(value)}`,
    },
  ];
  if (schema.type !== undefined && !matchesType(schema.type, value)) {
    return fail(`must be of type ${[schema.type].flat().join(" | ")}`);
  }
  if (schema.const !== undefined && canonicalJson(schema.const) !== canonicalJson(value)) {
    return fail(`must be ${show(schema.const)}`);
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((item) => canonicalJson(item) === canonicalJson(value))
  ) {
    return fail(`must be one of ${schema.enum.map(show).join(", ")}`);
  }
  const scalar = scalarFailure(schema, value);
  if (scalar) return fail(scalar);
  if (Array.isArray(value)) return validateArray(schema, value, path, fail);
  if (isSchema(value)) return validateObject(schema, value, path, fail);
  return [];
}

function scalarFailure(schema: Schema, value: unknown): string | undefined {
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      return `must be ≥ ${schema.minimum}`;
    if (typeof schema.maximum === "number" && value > schema.maximum)
      return `must be ≤ ${schema.maximum}`;
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      return `must have at least ${schema.minLength} characters`;
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      return `must have at most ${schema.maxLength} characters`;
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      return `must match /${schema.pattern}/`;
  }
  return undefined;
}

function validateArray(
  schema: Schema,
  value: unknown[],
  path: Path,
  fail: (reason: string) => ExpectFailure[],
) {
  if (typeof schema.minItems === "number" && value.length < schema.minItems)
    return fail(`must have at least ${schema.minItems} items`);
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
    return fail(`must have at most ${schema.maxItems} items`);
  const items = schema.items;
  return isSchema(items)
    ? value.flatMap((item, index) => validateSchema(items, item, [...path, index]))
    : [];
}

function validateObject(
  schema: Schema,
  value: Schema,
  path: Path,
  fail: (reason: string) => ExpectFailure[],
) {
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const missing = required.filter((name) => !(name in value));
  if (missing.length > 0) return fail(`must have ${missing.map((name) => `'${name}'`).join(", ")}`);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const failures = Object.entries(properties).flatMap(([name, child]) =>
    name in value ? validateSchema(child, value[name], [...path, name]) : [],
  );
  const extra = Object.keys(value).filter((name) => !(name in properties));
  if (schema.additionalProperties === false && extra.length > 0) {
    return [...failures, ...fail(`must not have ${extra.map((name) => `'${name}'`).join(", ")}`)];
  }
  const additional = schema.additionalProperties;
  if (isSchema(additional)) {
    failures.push(
      ...extra.flatMap((name) => validateSchema(additional, value[name], [...path, name])),
    );
  }
  return failures;
}

function matchesType(type: unknown, value: unknown): boolean {
  return [type].flat().some((name) => {
    if (name === "integer") return Number.isInteger(value);
    if (name === "array") return Array.isArray(value);
    if (name === "null") return value === null;
    if (name === "object") return isSchema(value);
    return typeof value === name;
  });
}

function pathText(path: Path): string {
  if (path.length === 0) return "(result)";
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join("");
}

/** A value in a failure message: JSON, at most 200 characters. */
function show(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * One line per failure, saying which assertion failed and the actual value.
 *
 * @example
 * describeExpectFailures(failures); // "Expectation 'data.applied.length >= 3' failed: actual value 2"
 */
export function describeExpectFailures(failures: readonly ExpectFailure[]): string {
  return failures
    .map((failure) =>
      failure.assertion === "JSON Schema"
        ? `Expectation (JSON Schema) failed at ${failure.path}: ${failure.reason}`
        : `Expectation '${failure.assertion}' failed: ${failure.reason}`,
    )
    .join("; ");
}
