import { describe, expect, it } from "vitest";
import { SeriesInputError } from "../../analytics/errors.ts";
import { DETECTOR_NAMES } from "../../analytics/types.ts";
import { noisySeries, scoreCsv, seriesCsv } from "./analytics-helpers.ts";

describe("scoreSeries", () => {
  it.each(DETECTOR_NAMES)(
    "is causal: scoring a prefix gives the first scores of the whole file (%s)",
    async (detector) => {
      // Prepare
      const values = noisySeries(3000);
      values[2500] = 400;
      for (let index = 2700; index < 3000; index += 1)
        values[index] = (values[index] as number) + 30;
      const whole = await scoreCsv(seriesCsv(values), detector);
      // Act
      const prefix = await scoreCsv(seriesCsv(values.slice(0, 2600)), detector, 313);
      // Assess
      expect(prefix.scores).toEqual(whole.scores.slice(0, 2600));
    },
  );

  it("writes the same rows in the same order with a score in [0, 1]", async () => {
    const csv = seriesCsv(noisySeries(500));
    const { lines, scores, summary } = await scoreCsv(csv);
    const inputLines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe("timestamp,value,anomaly_score");
    expect(lines.slice(1).map((line) => line.slice(0, line.lastIndexOf(",")))).toEqual(
      inputLines.slice(1),
    );
    expect(summary.rows).toBe(500);
    for (const score of scores) expect(score >= 0 && score <= 1).toBe(true);
  });

  it.each(DETECTOR_NAMES)("keeps a constant series low and free of NaN (%s)", async (detector) => {
    const { scores } = await scoreCsv(seriesCsv(Array.from({ length: 2000 }, () => 42)), detector);
    expect(scores.every((score) => Number.isFinite(score) && score < 0.1)).toBe(true);
  });

  it("scores a 10-row series without error", async () => {
    const { scores, summary } = await scoreCsv(seriesCsv([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]));
    expect(summary.rows).toBe(10);
    expect(scores).toHaveLength(10);
    expect(scores.every((score) => score >= 0 && score <= 1)).toBe(true);
  });

  it("gives a huge spike a high score and flags it", async () => {
    const values = noisySeries(2000);
    values[1500] = 10_000;
    const { scores, summary } = await scoreCsv(seriesCsv(values));
    // Not ~1: novelty, which weights the magnitude evidence, sees the spike only at its 4-row block end.
    expect(scores[1500]).toBeGreaterThan(0.85);
    expect(summary.flagged.map((anomaly) => anomaly.value)).toContain(10_000);
    expect(summary.flagged.find((anomaly) => anomaly.value === 10_000)?.timestamp).toBe(
      "2014-02-19 05:00:00",
    );
  });

  it.each([
    ["value,timestamp", (time: string, value: number) => `${value},${time}`],
    ["host,timestamp,value", (time: string, value: number) => `web-1,"${time}",${value}`],
  ])("reports the flagged row's own timestamp when the header is %s", async (header, line) => {
    // Prepare
    const values = noisySeries(2000);
    values[1500] = 10_000;
    const rows = seriesCsv(values).trimEnd().split("\n").slice(1);
    const csv = `${header}\n${rows.map((row) => line(...splitRow(row))).join("\n")}\n`;
    // Act
    const { summary } = await scoreCsv(csv);
    // Assess
    expect(summary.flagged.find((anomaly) => anomaly.value === 10_000)?.timestamp).toBe(
      "2014-02-19 05:00:00",
    );
  });

  it("handles gaps and irregular timestamps", async () => {
    const values = noisySeries(1500);
    const start = Date.UTC(2014, 1, 14);
    let time = start;
    const lines = values.map((value, index) => {
      time += index % 100 === 99 ? 3 * 86_400_000 : (1 + (index % 7)) * 60_000;
      return `${new Date(time).toISOString().replace("T", " ").slice(0, 19)},${value}`;
    });
    const { scores } = await scoreCsv(`timestamp,value\n${lines.join("\n")}\n`);
    expect(scores).toHaveLength(1500);
    expect(scores.every((score) => Number.isFinite(score) && score >= 0 && score <= 1)).toBe(true);
    expect(scores.filter((score) => score >= 0.5).length).toBeLessThan(5);
  });

  it.each([
    [
      "a header without a value column",
      "time,reading\n2014-02-14 00:00:00,1\n",
      "CSV_BAD_HEADER",
      1,
    ],
    [
      "a non-numeric value",
      "timestamp,value\n2014-02-14 00:00:00,1\n2014-02-14 00:05:00,abc\n",
      "CSV_BAD_ROW",
      3,
    ],
    ["an empty value", "timestamp,value\n2014-02-14 00:00:00,\n", "CSV_BAD_ROW", 2],
    ["a bad timestamp", "timestamp,value\nyesterday,1\n", "CSV_BAD_ROW", 2],
    ["an empty file", "", "CSV_BAD_HEADER", 1],
  ])("rejects %s with an error naming the line", async (_case, csv, code, line) => {
    const error = await scoreCsv(csv).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeriesInputError);
    expect(error).toMatchObject({ code, line });
    expect((error as Error).message).toMatch(new RegExp(`^Line ${line}: `));
  });
});

function splitRow(row: string): [string, number] {
  const [time = "", value = ""] = row.split(",");
  return [time, Number(value)];
}
