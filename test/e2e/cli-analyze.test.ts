import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runOps } from "../helpers/run-cli.ts";

describe("ops analyze --input (as a process)", () => {
  let dir: string;
  let input: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ops-analyze-"));
    input = path.join(dir, "cpu.csv");
    const rows = Array.from({ length: 600 }, (_, i) => {
      const at = new Date(Date.UTC(2024, 0, 1) + i * 300_000)
        .toISOString()
        .replace("T", " ")
        .slice(0, 19);
      const value = i === 500 ? 95 : 20 + ((i * 7919) % 13) / 10;
      return `${at},${value}`;
    });
    await writeFile(input, `timestamp,value\n${rows.join("\n")}\n`);
  });

  it("writes the same rows in the same order with an anomaly_score in [0, 1] and flags the spike", async () => {
    const output = path.join(dir, "scored.csv");
    const run = await runOps(["analyze", "--input", input, "--output", output, "--json"]);
    expect(run.code).toBe(0);
    const [header, ...lines] = (await readFile(output, "utf8")).trim().split("\n");
    const inputLines = (await readFile(input, "utf8")).trim().split("\n").slice(1);
    expect(header).toBe("timestamp,value,anomaly_score");
    expect(lines.map((line) => line.split(",")[0])).toEqual(
      inputLines.map((line) => line.split(",")[0]),
    );
    for (const line of lines) {
      const score = Number(line.split(",")[2]);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    const report = JSON.parse(run.stdout);
    expect(report.rows).toBe(600);
    expect(report.anomalies.map((a: { timestamp: string }) => a.timestamp)).toContain(
      "2024-01-02 17:40:00",
    );
  });

  it("exits 2 naming the line of a malformed row and leaves no output file", async () => {
    const bad = path.join(dir, "bad.csv");
    await writeFile(bad, "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n");
    const output = path.join(dir, "never.csv");
    const run = await runOps(["analyze", "--input", bad, "--output", output]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Line 3/);
    expect(existsSync(output)).toBe(false);
  });

  it.each([
    [["analyze"], /--input FILE.csv .* is required/],
    [["analyze", "--input", "/no/such.csv"], /no such file/],
    [["analyze", "--input", "__INPUT__", "--detector", "magic"], /magic/],
  ])("exits 2 with a one-line reason for %j", async (args, reason) => {
    const run = await runOps(args.map((arg) => (arg === "__INPUT__" ? input : arg)));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
  });
});
