import path from "node:path";
import { describe, expect, it } from "vitest";
import { runOps } from "../helpers/run-cli.ts";

const FIXTURES = path.join("test", "fixtures", "history");
const history = (name: string) => path.join(FIXTURES, name);

describe("ops analyze --history (as a process)", () => {
  it("prints the ranked findings and their next actions, exiting 0", async () => {
    // Act
    const run = await runOps(["analyze", "--history", history("burst.jsonl")]);
    // Assess
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(
      "1 failure pattern in 338 runs and 1 deploy from 2026-03-02 to 2026-03-15, most severe first:",
    );
    expect(lines[2]).toMatch(/^ {2}SEVERITY +KIND +SCOPE +SUMMARY$/);
    expect(lines[3]).toMatch(
      /^ {2}0\.\d\d +burst +health-check\/check\/production +Burst on health-check\/check\/production: 6 failures in 6 runs within 5\.0 h from Wed 2026-03-11 08:00 UTC/,
    );
    expect(run.stdout).toContain("Next actions:");
    expect(run.stdout).toMatch(
      /1\. Burst on .* mostly DATABASE_UNAVAILABLE — the database refuses or drops connections; .* \[[0-9a-f]{12}\]/,
    );
    expect(run.stdout).toMatch(
      /explains error-cluster \[[0-9a-f]{12}\]: Error code DATABASE_UNAVAILABLE/,
    );
  });

  it("prints one JSON document with --json, with stable fingerprints", async () => {
    const first = await runOps(["analyze", "--history", history("burst.jsonl"), "--json"]);
    const second = await runOps(["analyze", "--json", "--history", history("burst.jsonl")]);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.history).toMatchObject({ runs: 338, deploys: 1 });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      kind: "burst",
      scope: { function: "health-check", operation: "check", environment: "production" },
      evidence: { failures: 6, runs: 6, dominantErrorCode: "DATABASE_UNAVAILABLE" },
      related: [{ kind: "error-cluster" }],
    });
    expect(report.findings[0].severity).toBeGreaterThan(0);
    expect(report.findings[0].severity).toBeLessThanOrEqual(1);
    expect(JSON.parse(second.stdout).findings[0].fingerprint).toBe(report.findings[0].fingerprint);
  });

  it("says so when the history has no runs, exiting 0", async () => {
    const run = await runOps(["analyze", "--history", history("empty.jsonl")]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`No runs in ${history("empty.jsonl")} — nothing to analyse.`);
    const json = await runOps(["analyze", "--history", history("empty.jsonl"), "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ history: { runs: 0 }, findings: [] });
  });

  it.each([
    [
      "a bad line",
      ["--history", history("bad-line.jsonl")],
      "ops analyze: --history: Line 3: 'ok' must be true or false",
    ],
    [
      "a missing file",
      ["--history", history("nope.jsonl")],
      "ops analyze: --history: No such run history file",
    ],
    [
      "both modes",
      ["--history", history("burst.jsonl"), "--input", "x.csv"],
      "ops analyze: give either --input or --history, not both",
    ],
  ])("exits 2 on %s, naming it", async (_case, args, message) => {
    const run = await runOps(["analyze", ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
  });
});
