import { describe, expect, it } from "vitest";
import { AlertMemory } from "../../analytics/alertMemory.ts";
import { createEnsemble } from "../../analytics/createDetector.ts";
import { RangeBreakoutDetector } from "../../analytics/detectors/rangeBreakout.ts";
import { SeasonalEcho } from "../../analytics/detectors/seasonalEcho.ts";
import { seededRandom } from "./analytics-helpers.ts";

const FIVE_MINUTES_MS = 300_000;
const ROWS_PER_DAY = 288;
const START = Date.UTC(2024, 0, 1);

describe("RangeBreakoutDetector", () => {
  it.each([1, 50, 100, 300])(
    "scores the excess beyond the last %i rows' range, as a fraction of it (exhaustive check)",
    (window) => {
      // Prepare
      const random = seededRandom(11);
      const detector = new RangeBreakoutDetector({ window, warmup: 1 });
      const history: number[] = [];
      for (let row = 0; row < 2000; row += 1) {
        const value = random() < 0.02 ? 10 * random() : random();
        // Act
        const surprise = detector.update(row, value);
        // Assess
        if (row > 0) {
          const recent = history.slice(-window);
          const highest = Math.max(...recent);
          const lowest = Math.min(...recent);
          const range = Math.max(highest - lowest, 1e-9 * (1 + Math.abs(highest)));
          const expected = Math.max(0, value - highest, lowest - value) / range;
          expect(surprise).toBeCloseTo(expected, 12);
        }
        history.push(value);
      }
    },
  );

  it("reports nothing before `warmup` rows, however new the value", () => {
    const detector = new RangeBreakoutDetector({ window: 8000, warmup: 100 });
    const scores = [3, 5, 7, 9].map((value, row) => detector.update(row, value));
    expect(scores).toEqual([0, 0, 0, 0]);
  });
});

describe("SeasonalEcho", () => {
  /** Two days of a flat series with a spike of `height` at 03:00, then the row at `hour`. */
  function familiarityAfterTwoDays(height: number, hour: number, value: number): number {
    const echo = new SeasonalEcho();
    for (let row = 0; row < 2 * ROWS_PER_DAY; row += 1) {
      const value = row % ROWS_PER_DAY === 36 ? 10 + height : 10;
      echo.observe(START + row * FIVE_MINUTES_MS, value);
    }
    const timestamp = START + 2 * 86_400_000 + hour * 3_600_000;
    return echo.familiarity(timestamp, value);
  }

  it.each([
    ["the spike of the two previous days, at their hour, fully", 5, 3, 15, 1],
    ["a spike twice as high as theirs half", 5, 3, 20, 0.5],
    ["the same spike at an hour when nothing happened not", 5, 9, 15, 0],
  ])("finds %s familiar", (_case, height, hour, value, expected) => {
    expect(familiarityAfterTwoDays(height, hour, value)).toBeCloseTo(expected, 2);
  });
});

describe("AlertMemory", () => {
  /** Feeds a flat series, a dip at row 500 (remembered as an alert), then returns similarity at `row`. */
  function similarityOfSecondDip(secondDepth: number, secondRow: number, maxAge = 8000): number {
    const memory = new AlertMemory({ maxAge });
    let similarity = 0;
    for (let row = 0; row <= secondRow; row += 1) {
      const value = row === 500 ? 10 - 4 : row === secondRow ? 10 - secondDepth : 10;
      const current = memory.similarity(value);
      if (row === 500) memory.remember();
      if (row === secondRow) similarity = current;
      memory.observe(value);
    }
    return similarity;
  }

  it("finds an event of the same shape and size as a remembered alert similar", () => {
    expect(similarityOfSecondDip(4, 900)).toBeGreaterThan(0.95);
  });

  it.each([
    ["an event three times as large", 12, 900, 8000],
    ["an event in the opposite direction", -4, 900, 8000],
    ["the same event once the alert is older than maxAge", 4, 900, 300],
  ])("finds %s dissimilar", (_case, depth, row, maxAge) => {
    expect(similarityOfSecondDip(depth, row, maxAge)).toBe(0);
  });

  it.each([
    ["the same three-row dip fully", [-1, -2, -4], 1],
    ["the dip with its first two rows swapped partly (1 − 0.25 / 0.4)", [-2, -1, -4], 0.375],
  ])("compares the rows of a shape in order: finds %s similar", (_case, secondDip, expected) => {
    // Prepare: a flat series with a remembered dip of rows −1, −2, −4 ending at row 500.
    const memory = new AlertMemory();
    const firstDip = [-1, -2, -4];
    const dipAt = (row: number) =>
      row >= 498 && row <= 500 ? firstDip[row - 498] : row >= 897 ? secondDip[row - 897] : 0;
    let similarity = 0;
    // Act
    for (let row = 0; row <= 899; row += 1) {
      const value = 10 + (dipAt(row) as number);
      const current = memory.similarity(value);
      if (row === 500) memory.remember();
      if (row === 899) similarity = current;
      memory.observe(value);
    }
    // Assess
    expect(similarity).toBeCloseTo(expected, 2);
  });
});

describe("the default ensemble", () => {
  it.each([
    ["white noise", (random: () => number) => () => 100 + 5 * (random() + random() - 1)],
    [
      "a random walk",
      (random: () => number) => {
        let level = 100;
        return () => (level += random() - 0.5);
      },
    ],
    [
      "a daily cycle with noise",
      (random: () => number) => {
        let row = 0;
        return () => 50 + 10 * Math.sin((2 * Math.PI * row++) / ROWS_PER_DAY) + 2 * random();
      },
    ],
  ])("raises no alert on %s once warmed up (after 750 rows)", (_case, makeSeries) => {
    // Prepare
    const next = makeSeries(seededRandom(3));
    const detector = createEnsemble();
    // Act
    const alerts = Array.from({ length: 5000 }, (_, row) => ({
      row,
      score: detector.update(START + row * FIVE_MINUTES_MS, next()),
    })).filter(({ row, score }) => row >= 750 && score >= 0.5);
    // Assess
    expect(alerts).toEqual([]);
  });

  it("alerts on a spike at a new hour but not again when it recurs daily at that hour", () => {
    // Prepare: noise around 20, and from day 3 on a spike every day at 03:00.
    const random = seededRandom(5);
    const detector = createEnsemble();
    const scores: number[] = [];
    // Act
    for (let row = 0; row < 8 * ROWS_PER_DAY; row += 1) {
      const spike = row >= 3 * ROWS_PER_DAY && row % ROWS_PER_DAY === 36 ? 15 : 0;
      scores.push(detector.update(START + row * FIVE_MINUTES_MS, 20 + random() + spike));
    }
    // Assess: the first spike alerts, the spikes of days 6–8 do not.
    expect(scores[3 * ROWS_PER_DAY + 36]).toBeGreaterThanOrEqual(0.5);
    for (const day of [5, 6, 7]) expect(scores[day * ROWS_PER_DAY + 36]).toBeLessThan(0.5);
  });
});
