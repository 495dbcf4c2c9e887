import { describe, expect, it } from "vitest";
import {
  checkExpectations,
  describeExpectFailures,
  parseExpectations,
} from "../../actions/invoke/expect.ts";
import { InputError } from "../../actions/kit/inputs.ts";

const RESULT = {
  ok: true,
  summary: "Applied 2 migrations in 1.2 s",
  durationMs: 1234,
  data: {
    applied: ["20240101090000", "20240101090100"],
    checks: [{ name: "database", status: "ok" }],
  },
  warnings: [],
};

function failuresOf(text: string) {
  return describeExpectFailures(checkExpectations(parseExpectations(text), RESULT));
}

describe("expect: simple checks", () => {
  it.each([
    "ok == true",
    "data.applied.length >= 2",
    "data.applied[1] == '20240101090100'",
    'data.checks[0].status != "fail"',
    "durationMs < 5000",
    'summary == "Applied 2 migrations in 1.2 s"',
    "warnings == []",
    "$.ok == true",
  ])("passes %s", (check) => {
    expect(failuresOf(check)).toBe("");
  });

  it("checks one per line and says which assertion failed with the actual value", () => {
    expect(failuresOf("ok == true\ndata.applied.length >= 3\n# a comment\ndurationMs > 2000")).toBe(
      "Expectation 'data.applied.length >= 3' failed: actual value 2; Expectation 'durationMs > 2000' failed: actual value 1234",
    );
  });

  it("accepts a YAML list of checks", () => {
    expect(failuresOf("- ok == false\n- data.applied.length == 2")).toBe(
      "Expectation 'ok == false' failed: actual value true",
    );
  });

  it("says when the path does not exist", () => {
    expect(failuresOf("data.rolledBack.length == 0")).toBe(
      "Expectation 'data.rolledBack.length == 0' failed: the path does not exist",
    );
  });

  it("never orders values of different types", () => {
    expect(failuresOf("summary > 3")).toContain("failed: actual value");
  });
});

describe("expect: JSON Schema", () => {
  it("passes a result matching the schema", () => {
    const schema = `
type: object
required: [ok, data]
properties:
  ok: { const: true }
  data:
    type: object
    properties:
      applied: { type: array, minItems: 1, items: { type: string, pattern: "^\\\\d{14}$" } }
`;
    expect(failuresOf(schema)).toBe("");
  });

  it("names the failing location, the rule and the actual value", () => {
    const schema = JSON.stringify({
      type: "object",
      properties: { data: { properties: { applied: { maxItems: 1 } } } },
    });

    expect(failuresOf(schema)).toBe(
      'Expectation (JSON Schema) failed at data.applied: must have at most 1 items; actual value ["20240101090000","20240101090100"]',
    );
  });

  it.each([
    [{ required: ["error"] }, "at (result): must have 'error'"],
    [{ properties: { ok: { type: "string" } } }, "at ok: must be of type string"],
    [{ properties: { durationMs: { maximum: 1000 } } }, "at durationMs: must be ≤ 1000"],
    [{ properties: { summary: { enum: ["x", "y"] } } }, 'at summary: must be one of "x", "y"'],
    [
      { properties: { warnings: { type: "array" } }, additionalProperties: false },
      "must not have 'ok'",
    ],
  ])("reports %j", (schema, text) => {
    expect(failuresOf(JSON.stringify(schema))).toContain(text);
  });

  it("rejects keywords it does not support instead of ignoring them", () => {
    expect(() => parseExpectations('{"oneOf": []}')).toThrow(InputError);
    expect(() => parseExpectations('{"oneOf": []}')).toThrow(
      /Input 'expect' uses JSON Schema keyword 'oneOf', which is not supported/,
    );
  });
});
