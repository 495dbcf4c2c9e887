import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  analyzeRunHistory,
  FINDING_KINDS,
  type Finding,
  findingFingerprint,
  type HistoryEntry,
  parseHistoryLine,
  RunHistoryError,
  type RunRecord,
  readFunctionLimits,
  readRunHistory,
  resolveFunctionName,
  severityOf,
} from "../../analytics/patterns/index.ts";
import { generateHistory, seededRandom } from "../fixtures/history/generate-history.ts";
import { analyzeGenerated, isExpected } from "../fixtures/history/score-findings.ts";

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);

function run(overrides: Partial<RunRecord> & { startedAt: number }): RunRecord {
  return {
    kind: "run",
    function: "migration",
    operation: "migrate",
    environment: "staging",
    ok: true,
    errorCode: null,
    durationMs: 1000,
    billedDurationMs: 1000,
    memorySizeMb: undefined,
    ...overrides,
  };
}

async function historyFile(lines: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ops-history-"));
  const file = path.join(dir, "runs.jsonl");
  await writeFile(file, lines.join("\n"));
  return file;
}

describe("parseHistoryLine", () => {
  it.each([
    ["top level", { environment: "production" }],
    ["context.environment", { context: { environment: "production", source: "cli" } }],
  ])("reads a result envelope with the environment at %s", (_where, placement) => {
    const line = JSON.stringify({
      ok: false,
      function: "migration",
      operation: "migrate",
      startedAt: "2026-01-05T10:00:00.000Z",
      durationMs: 1200,
      error: { code: "LOCK_BUSY", message: "busy" },
      ...placement,
    });
    expect(parseHistoryLine(line, 1)).toEqual({
      kind: "run",
      function: "migration",
      operation: "migrate",
      environment: "production",
      ok: false,
      errorCode: "LOCK_BUSY",
      durationMs: 1200,
      billedDurationMs: 1200,
      memorySizeMb: undefined,
      startedAt: Date.parse("2026-01-05T10:00:00.000Z"),
    });
  });

  it("reads a local Lambda endpoint record: full function name, errorCode, billing", () => {
    const line = JSON.stringify({
      function: "ops-local-health-check",
      requestId: "r1",
      invocationType: "RequestResponse",
      startedAt: "2026-01-05T10:00:00.000Z",
      durationMs: 12.5,
      billedDurationMs: 163,
      memorySizeMb: 256,
      maxMemoryUsedMb: 80,
      initDurationMs: 150,
      coldStart: true,
      ok: false,
      errorCode: "Sandbox.Timedout",
      functionError: "Unhandled",
    });
    expect(parseHistoryLine(line, 1, ["migration", "health-check"])).toMatchObject({
      function: "health-check",
      operation: "unknown",
      environment: "local",
      errorCode: "Sandbox.Timedout",
      billedDurationMs: 163,
      memorySizeMb: 256,
    });
  });

  it("reads a deploy marker", () => {
    const line =
      '{"kind":"deploy","function":"migration","environment":"staging","at":"2026-01-06T09:00:00Z","version":"v42"}';
    expect(parseHistoryLine(line, 1)).toEqual({
      kind: "deploy",
      function: "migration",
      environment: "staging",
      at: Date.parse("2026-01-06T09:00:00Z"),
      version: "v42",
    });
  });

  it.each([
    ["{not json", /Line 7: not valid JSON/],
    ["[1,2]", /Line 7: must be a JSON object/],
    [
      '{"ok":true,"durationMs":1,"startedAt":"2026-01-05T00:00:00Z"}',
      /Line 7: 'function' is required/,
    ],
    [
      '{"function":"m","ok":"yes","durationMs":1,"startedAt":"2026-01-05T00:00:00Z"}',
      /'ok' must be true or false/,
    ],
    ['{"function":"m","ok":true,"startedAt":"2026-01-05T00:00:00Z"}', /'durationMs' is required/],
    [
      '{"function":"m","ok":true,"durationMs":1,"startedAt":"yesterday"}',
      /'startedAt' must be an ISO-8601 time, got "yesterday"/,
    ],
    ['{"kind":"deploy","function":"m","at":"2026-01-05T00:00:00Z"}', /'version' is required/],
  ])("rejects %s naming the line and the field", (line, message) => {
    expect(() => parseHistoryLine(line, 7)).toThrow(message);
    try {
      parseHistoryLine(line, 7);
    } catch (error) {
      expect(error).toBeInstanceOf(RunHistoryError);
      expect((error as RunHistoryError).line).toBe(7);
      expect((error as RunHistoryError).code).toBe("HISTORY_BAD_LINE");
    }
  });
});

describe("resolveFunctionName", () => {
  it.each([
    ["migration", { key: "migration", environment: undefined }],
    ["ops-staging-health-check", { key: "health-check", environment: "staging" }],
    [
      "arn:aws:lambda:eu-west-1:123456789012:function:ops-production-migration:live",
      { key: "migration", environment: "production" },
    ],
  ])("maps %s to its function key and environment", (name, expected) => {
    expect(resolveFunctionName(name, ["migration", "health-check"])).toEqual(expected);
  });
});

describe("readRunHistory", () => {
  it("streams lines, skipping blank ones and counting lines as an editor does", async () => {
    const file = await historyFile([
      '{"function":"migration","operation":"status","ok":true,"durationMs":5,"startedAt":"2026-01-05T00:00:00Z"}',
      "",
      '{"function":"migration","operation":"status","ok":true,"durationMs":"5","startedAt":"2026-01-05T00:00:00Z"}',
    ]);
    await expect(readRunHistory(file)).rejects.toThrow(/^Line 3: 'durationMs' must be a number/);
  });

  it("names a missing file", async () => {
    await expect(readRunHistory("/nonexistent/runs.jsonl")).rejects.toMatchObject({
      code: "HISTORY_NOT_FOUND",
    });
  });

  it("reads an empty file as no entries, which analyse to no findings", async () => {
    const entries = await readRunHistory(await historyFile([]));
    expect(entries).toEqual([]);
    expect(analyzeRunHistory(entries)).toEqual([]);
  });

  it("reads timeouts and memory from the repository's function configuration", async () => {
    const limits = await readFunctionLimits("infra/functions.auto.tfvars.json");
    expect(limits.migration).toEqual({ timeoutSeconds: 900, memorySizeMb: 512 });
  });
});

describe("severity and fingerprints", () => {
  it("weighs production over staging over dev, and recurrence, within [0, 1]", () => {
    const at = (environment: string, recurrenceDays = 5) =>
      severityOf({ strength: 0.8, environment, recurrenceDays });
    expect(at("production")).toBeGreaterThan(at("staging"));
    expect(at("staging")).toBeGreaterThan(at("dev"));
    expect(at("production", 10)).toBeGreaterThan(at("production", 1));
    expect(severityOf({ strength: 5, environment: "production", recurrenceDays: 99 })).toBe(1);
    expect(severityOf({ strength: 0, environment: "production", recurrenceDays: 9 })).toBe(0);
  });

  it("hashes kind and scope only, so the same issue keeps its id across runs", () => {
    const scope = { function: "migration", operation: "migrate", environment: "staging" };
    const first = analyzeGenerated(generateHistory({ seed: 11, inject: ["burst"] }));
    const second = analyzeGenerated(generateHistory({ seed: 12, inject: ["burst"] }));
    expect(findingFingerprint("burst", scope)).toMatch(/^[0-9a-f]{12}$/);
    expect(findingFingerprint("burst", scope)).toBe(findingFingerprint("burst", { ...scope }));
    expect(findingFingerprint("burst", scope)).not.toBe(findingFingerprint("flapping", scope));
    const ids = (findings: Finding[]) => findings.map((f) => [f.scope, f.fingerprint]);
    if (first[0]?.scope.environment === second[0]?.scope.environment)
      expect(ids(first)).toEqual(ids(second));
  });
});

describe("analyzeRunHistory on generated histories", () => {
  it.each([1, 2, 3, 4, 5])("finds nothing in a clean 6-week history (seed %i)", (seed) => {
    const history = generateHistory({ seed });
    expect(history.lines.length).toBeGreaterThan(7000);
    expect(analyzeGenerated(history)).toEqual([]);
  });

  it.each(FINDING_KINDS)("finds an injected %s with its scope, and nothing else", (kind) => {
    const history = generateHistory({ seed: 2, inject: [kind] });
    const findings = analyzeGenerated(history);
    expect(findings).toHaveLength(1);
    const [finding] = findings as [Finding];
    expect(isExpected(finding, history.expected[0] as never)).toBe(true);
    expect(finding.severity).toBeGreaterThan(0);
    expect(finding.severity).toBeLessThanOrEqual(1);
    expect(finding.nextAction.length).toBeGreaterThan(80);
  });

  it("ranks several injected patterns by severity, production first", () => {
    const history = generateHistory({
      seed: 3,
      inject: ["duration-trend", "cost-growth", "time-concentration"],
    });
    const findings = analyzeGenerated(history);
    expect(findings.map((f) => f.kind).sort()).toEqual(
      ["cost-growth", "duration-trend", "time-concentration"].sort(),
    );
    const severities = findings.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
  });

  it("forecasts when a duration trend reaches the function's timeout", () => {
    const findings = analyzeGenerated(generateHistory({ seed: 2, inject: ["duration-trend"] }));
    expect(findings[0]?.summary).toMatch(
      /^migration\/migrate\/staging: migrate p95 grows \d+(\.\d)? %\/week \(now [\d.]+ min\); reaches the 900 s timeout in about \d+ weeks$/,
    );
    expect(findings[0]?.evidence.limitMs).toBe(900_000);
  });
});

describe("analyzeRunHistory on hand-made histories", () => {
  /** Hourly runs of migration/migrate/staging over `days`, failing where `fails` says. */
  function hourly(days: number, fails: (index: number, at: number) => string | null) {
    return Array.from({ length: days * 24 }, (_, index) => {
      const at = START + index * 3_600_000;
      const code = fails(index, at);
      return run({ startedAt: at, ok: code === null, errorCode: code });
    });
  }
  const sparse = (index: number) => (index % 37 === 5 ? "MIGRATION_FAILED" : null);

  it("folds a burst inside a larger error cluster into the cluster", () => {
    const entries = hourly(28, (index, at) => {
      if (index >= 400 && index < 406) return "LOCK_BUSY"; // the burst
      if (at >= START + 15 * DAY && at < START + 20 * DAY && index % 3 === 0) return "LOCK_BUSY";
      return sparse(index);
    });
    const findings = analyzeRunHistory(entries);
    expect(findings.map((f) => f.kind)).toEqual(["error-cluster"]);
    expect(findings[0]?.scope.errorCode).toBe("LOCK_BUSY");
    expect(findings[0]?.nextAction).toMatch(
      /^Error code LOCK_BUSY on migration\/migrate\/staging: \d+ of \d+ runs \(\d+ %\) (since|from) .* second migrator is holding the migration lock/,
    );
  });

  it("reports a burst on its own when it is the whole cluster", () => {
    const entries = hourly(28, (index) =>
      index >= 400 && index < 407 ? "LOCK_BUSY" : sparse(index),
    );
    const findings = analyzeRunHistory(entries);
    expect(findings.map((f) => f.kind)).toEqual(["burst"]);
    expect(findings[0]?.related.map((r) => r.kind)).toEqual(["error-cluster"]);
  });

  it("pins a regression on a deploy only when it starts right after it", () => {
    const deploy = (day: number): HistoryEntry => ({
      kind: "deploy",
      function: "migration",
      environment: "staging",
      at: START + day * DAY,
      version: `v${day}`,
    });
    const random = seededRandom(5);
    const breaksAt = (day: number) => (index: number, at: number) =>
      at >= START + day * DAY && random() < 0.4 ? "MIGRATION_FAILED" : sparse(index);
    const rightAfter = analyzeRunHistory([...hourly(28, breaksAt(20)), deploy(20)]);
    expect(rightAfter.map((f) => f.kind)).toEqual(["deploy-regression"]);
    expect(rightAfter[0]?.scope.version).toBe("v20");
    const daysLater = analyzeRunHistory([...hourly(28, breaksAt(20)), deploy(16)]);
    expect(daysLater.map((f) => f.kind)).not.toContain("deploy-regression");
  });

  it("finds failures recurring on one weekday", () => {
    const entries = hourly(42, (index, at) =>
      new Date(at).getUTCDay() === 2 && index % 4 === 0 ? "DATABASE_UNAVAILABLE" : sparse(index),
    );
    const findings = analyzeRunHistory(entries);
    expect(findings.map((f) => [f.kind, f.scope.period])).toContainEqual([
      "time-concentration",
      "day-of-week",
    ]);
    expect(findings.find((f) => f.scope.period === "day-of-week")?.evidence.peak).toBe(
      "Tuesdays (UTC)",
    );
  });
});
