import { describe, expect, it } from "vitest";
import { createDetector } from "../../analytics/index.ts";

describe("the default ensemble on a familiar, periodic series", () => {
  it("flags a huge spike on the row where it happens, not rows later", () => {
    const detector = createDetector("ensemble");
    const start = Date.UTC(2024, 0, 1);
    const scores: number[] = [];
    for (let i = 0; i < 600; i += 1) {
      const value = i === 500 ? 95 : 20 + ((i * 7919) % 13) / 10;
      scores.push(detector.update(start + i * 300_000, value));
    }
    expect(scores[500]).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...scores.slice(450, 500))).toBeLessThan(0.5);
  });
});
