import { describe, expect, it } from "vitest";
import { mapConcurrently } from "../../lambdas/health-check/concurrency.ts";

describe("mapConcurrently", () => {
  it("keeps at most `limit` calls in flight and the results in input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 10, 15, 2];

    const results = await mapConcurrently(delays, 3, async (delay, index) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight--;
      return index;
    });

    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(3);
  });

  it("returns an empty list for no items", async () => {
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
  });
});
