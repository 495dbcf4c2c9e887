import { describe, expect, it } from "vitest";
import { createEnsemble } from "../../analytics/createDetector.ts";
import { createDetector } from "../../analytics/index.ts";
import type { StreamingDetector } from "../../analytics/types.ts";

/** A noisy flat series (5-minute rows) with the same 12-row outage at each row of `at`. */
function peakScores(detector: StreamingDetector, at: number[]): number[] {
  const start = Date.UTC(2024, 0, 1);
  let seed = 7;
  const noise = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const peaks = at.map(() => 0);
  for (let i = 0; i < Math.max(...at) + 40; i += 1) {
    const inOutage = at.findIndex((row) => i >= row && i < row + 12);
    const value = inOutage === -1 ? 40 + 3 * noise() : 95 + 3 * noise();
    const score = detector.update(start + i * 300_000, value);
    if (inOutage !== -1) peaks[inOutage] = Math.max(peaks[inOutage] as number, score);
  }
  return peaks;
}

describe("the default ensemble and a repeated incident", () => {
  // Five days apart, not at the same time of day: the same outage again is news to on-call.
  const outages = [3000, 3000 + 5 * 288 + 100];

  it("alerts on the second occurrence of the same outage as on the first", () => {
    const [first, second] = peakScores(createDetector("ensemble"), outages);
    expect(first).toBeGreaterThanOrEqual(0.5);
    expect(second).toBeGreaterThanOrEqual(0.5);
  });

  it("stays quiet about the repeat only when asked to remember alerts", () => {
    const [first, second] = peakScores(createEnsemble({ rememberAlerts: true }), outages);
    expect(first).toBeGreaterThanOrEqual(0.5);
    expect(second).toBeLessThan(0.5);
  });
});
