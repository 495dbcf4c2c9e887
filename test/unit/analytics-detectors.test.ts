import { median, medianAbsoluteDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import {
  anomalyProbability,
  highestBinReaching,
  TailCalibrator,
} from "../../analytics/calibration.ts";
import { SeriesCsvParser } from "../../analytics/csv.ts";
import { CusumDetector } from "../../analytics/detectors/cusum.ts";
import { KeyOrderedIndex } from "../../analytics/detectors/keyOrderedIndex.ts";
import { SeasonalBaselineDetector } from "../../analytics/detectors/seasonalBaseline.ts";
import { SubsequenceNoveltyDetector } from "../../analytics/detectors/subsequenceNovelty.ts";
import {
  EnsembleDetector,
  fisherCombinedPValue,
  quietEvidenceLimit,
} from "../../analytics/ensemble.ts";
import { EpisodeDebouncer } from "../../analytics/episodeDebouncer.ts";
import { RollingOrderStatistics } from "../../analytics/rollingOrderStatistics.ts";
import { parseTimestamp } from "../../analytics/timestamp.ts";
import { noisySeries, seededRandom } from "./analytics-helpers.ts";

const HOUR_MS = 3_600_000;

describe("RollingOrderStatistics", () => {
  it("matches simple-statistics' median and MAD over the last `capacity` values", () => {
    const random = seededRandom(3);
    for (const capacity of [1, 2, 5, 30, 31]) {
      const window = new RollingOrderStatistics(capacity);
      const history: number[] = [];
      for (let index = 0; index < 300; index += 1) {
        const value = random() < 0.3 ? Math.round(random() * 4) : random() * 10;
        window.push(value);
        history.push(value);
        const recent = history.slice(-capacity);
        expect(window.median()).toBeCloseTo(median(recent), 12);
        expect(window.medianAbsoluteDeviation()).toBeCloseTo(medianAbsoluteDeviation(recent), 12);
      }
    }
  });

  it("with batches, describes the window as of the last complete batch once it is full", () => {
    const random = seededRandom(5);
    for (const [capacity, refreshEvery] of [
      [12, 4],
      [30, 6],
      [32, 32],
    ] as const) {
      const window = new RollingOrderStatistics(capacity, { refreshEvery });
      const history: number[] = [];
      for (let index = 0; index < 400; index += 1) {
        // Many ties, so a batch often holds a value equal to one that leaves.
        const value = random() < 0.4 ? Math.round(random() * 3) : random() * 10;
        window.push(value);
        history.push(value);
        // Until the window is full every value counts at once; then only complete batches.
        const merged =
          history.length <= capacity
            ? history.length
            : history.length - (history.length % refreshEvery);
        const described = history.slice(Math.max(0, merged - capacity), merged);
        expect(window.count).toBe(described.length);
        expect(window.median()).toBeCloseTo(median(described), 12);
        expect(window.quantile(0.9)).toBeCloseTo(quantileOf(described, 0.9), 12);
        expect(window.medianAbsoluteDeviation()).toBeCloseTo(
          medianAbsoluteDeviation(described),
          12,
        );
      }
    }
  });

  it("rejects a batch size that does not divide the window", () => {
    expect(() => new RollingOrderStatistics(30, { refreshEvery: 7 })).toThrow(
      "refreshEvery must be a positive divisor of the capacity 30, got 7",
    );
    expect(() => new RollingOrderStatistics(0)).toThrow(/capacity must be a positive integer/);
  });

  it("stays exact on a smooth random walk", () => {
    const random = seededRandom(8);
    const window = new RollingOrderStatistics(101);
    const history: number[] = [];
    let level = 0;
    for (let index = 0; index < 1500; index += 1) {
      level += random() - 0.5;
      window.push(level);
      history.push(level);
      const recent = history.slice(-101);
      expect(window.median()).toBe(median(recent));
      expect(window.medianAbsoluteDeviation()).toBeCloseTo(medianAbsoluteDeviation(recent), 12);
    }
  });
});

/** The q-quantile with linear interpolation between order statistics, by sorting. */
function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (position - below) * (high - low);
}

describe("KeyOrderedIndex", () => {
  it("keeps its pairs sorted by key through inserts, replacements and removals", () => {
    // Prepare
    const random = seededRandom(21);
    const index = new KeyOrderedIndex(40);
    const reference = new Map<number, number>();
    // Act
    for (let step = 0; step < 2000; step += 1) {
      const key = Math.round(random() * 20) / 4;
      const id = step % 97;
      const existing = reference.get(id);
      if (existing !== undefined && random() < 0.5) {
        expect(index.replace(existing, id, key, id)).toBe(true);
        reference.set(id, key);
      } else if (existing !== undefined) {
        expect(index.remove(existing, id)).toBe(true);
        reference.delete(id);
      } else if (index.count < index.capacity) {
        index.insert(key, id);
        reference.set(id, key);
      }
      // Assess
      const keys = Array.from({ length: index.count }, (_, position) => index.keyAt(position));
      expect(keys).toEqual([...reference.values()].sort((a, b) => a - b));
      for (let position = 0; position < index.count; position += 1) {
        expect(reference.get(index.idAt(position))).toBe(index.keyAt(position));
      }
    }
    expect(index.remove(99, 1000)).toBe(false);
  });
});

describe("CusumDetector", () => {
  it("detects an injected level shift soon after it starts", () => {
    const values = noisySeries(2000);
    for (let index = 1500; index < 2000; index += 1) values[index] = (values[index] as number) + 4;
    const detector = new CusumDetector({ baselineSpan: 500 });
    const surprises = values.map((value, index) => detector.update(index * 300_000, value));
    const alarmsBefore = surprises.slice(200, 1500).filter((surprise) => surprise > 8).length;
    const firstAlarm = surprises.findIndex((surprise, index) => index >= 1500 && surprise > 8);
    expect(alarmsBefore).toBe(0);
    expect(firstAlarm).toBeGreaterThanOrEqual(1500);
    expect(firstAlarm).toBeLessThan(1515);
  });
});

describe("SeasonalBaselineDetector", () => {
  it("finds a daily period in a daily-cycle series and none in white noise", () => {
    const random = seededRandom(11);
    const daily = new SeasonalBaselineDetector();
    const noise = new SeasonalBaselineDetector();
    for (let hour = 0; hour < 24 * 21; hour += 1) {
      const timestamp = Date.UTC(2014, 0, 1) + hour * HOUR_MS;
      const jitter = random() - 0.5;
      daily.update(timestamp, 50 + 20 * Math.sin((2 * Math.PI * hour) / 24) + jitter);
      noise.update(timestamp, 50 + 20 * (random() - 0.5));
    }
    expect(daily.activeSeason()).toBe("daily");
    expect(noise.activeSeason()).toBe("none");
  });
});

describe("SubsequenceNoveltyDetector", () => {
  it("scores a recurring daily spike low and a never-seen shape of the same size high", () => {
    // Prepare: a flat noisy line with one spike a day (every 288 rows), then a new shape.
    const values = noisySeries(4000).map((value, index) =>
      index % 288 === 100 ? value + 60 : value,
    );
    for (let index = 3700; index < 3712; index += 1) values[index] = (values[index] as number) + 60;
    const detector = new SubsequenceNoveltyDetector({ length: 8, downsample: 4, history: 400 });
    // Act
    const scores = values.map((value, index) => detector.update(index * 300_000, value));
    // Assess: the fourth daily spike (row 964) has matches in the history; the plateau has none.
    const dailySpike = Math.max(...scores.slice(964, 975));
    const newShape = Math.max(...scores.slice(3700, 3720));
    expect(newShape).toBeGreaterThan(4 * dailySpike);
  });

  it.each([
    [
      "a random walk with noise, spikes and a level shift",
      (random: () => number) => {
        let level = 0;
        return (index: number) => {
          level += random() - 0.5;
          return level + 3 * random() + (index % 997 === 0 ? 40 : 0) + (index > 4000 ? 25 : 0);
        };
      },
    ],
    [
      "flat stretches, exact repeats and ramps far from zero (ties, shapes with no residual)",
      (random: () => number) => (index: number) => {
        const phase = Math.floor(index / 300) % 4;
        if (phase === 0) return 1e6;
        if (phase === 1) return 1e6 + (index % 40) * 0.5;
        if (phase === 2) return 1e6 + (index % 64 < 32 ? index % 64 : 64 - (index % 64));
        return 1e6 + 1e-7 * Math.floor(random() * 3);
      },
    ],
  ])(
    "prunes its search without changing a score: the same as comparing with every candidate (%s)",
    (_name, makeSeries) => {
      // Prepare
      const next = makeSeries(seededRandom(17));
      const values = Array.from({ length: 6000 }, (_, index) => next(index));
      const options = { length: 8, downsample: 4, history: 200 };
      const detector = new SubsequenceNoveltyDetector(options);
      const reference = bruteForceNovelty(options);
      // Act
      const scores = values.map((value, index) => detector.update(index * 300_000, value));
      const expected = values.map((value) => reference(value));
      // Assess: the same arithmetic in the same order, so the very same numbers.
      expect(scores).toEqual(expected);
    },
  );
});

/** The novelty detector's definition, searched exhaustively (the pruned search must match it). */
function bruteForceNovelty(options: { length: number; downsample: number; history: number }) {
  const { length, downsample, history } = options;
  const points: number[] = [];
  let block: number[] = [];
  let typicalDistance = 0;
  let typicalMagnitude = 0;
  let score = 0;
  return (value: number): number => {
    block.push(value);
    if (block.length < downsample) return score;
    const point = block.reduce((sum, item) => sum + item, 0) / block.length;
    block = [];
    points.push(point);
    typicalMagnitude += (Math.abs(point) - typicalMagnitude) / Math.min(points.length, 1000);
    const candidates = Math.min(history, points.length - 2 * length + 1);
    if (candidates < 8) return score;
    const query = points.length - length;
    let best = Number.POSITIVE_INFINITY;
    for (let offset = length; offset < length + candidates; offset += 1) {
      let sum = 0;
      for (let index = 0; index < length; index += 1) {
        sum +=
          ((points[query + index] as number) - (points[query - offset + index] as number)) ** 2;
      }
      best = Math.min(best, sum);
    }
    const distance = Math.sqrt(best / length);
    const unit = Math.max(typicalDistance, 1e-6 * typicalMagnitude, 1e-12);
    const warm = points.length >= 4 * length;
    score = warm ? distance / unit : 0;
    const learned = warm && distance > 4 * unit ? 4 * unit : distance;
    typicalDistance += (learned - typicalDistance) / Math.min(candidates, 200);
    return score;
  };
}

describe("EnsembleDetector", () => {
  it.each([
    ["a familiar shape (novelty surprise always 0)", () => 0, 0.01, "below"],
    [
      "a new shape (novelty surprise jumps too)",
      (row: number) => (row === 1000 ? 50 : 1),
      0.9,
      "above",
    ],
  ] as const)(
    "weights the other members' evidence by the novelty of %s",
    (_case, noveltySurprise, bound, side) => {
      // Prepare: one magnitude member that jumps at row 1000, and a stub novelty member.
      const random = seededRandom(4);
      const magnitude = { update: (row: number) => (row === 1000 ? 50 : random()) };
      const novelty = { update: (row: number) => noveltySurprise(row) };
      const ensemble = new EnsembleDetector([magnitude], { novelty });
      // Act
      const scores = Array.from({ length: 1001 }, (_, row) => ensemble.update(row, 0));
      // Assess
      if (side === "below") expect(scores[1000]).toBeLessThan(bound);
      else expect(scores[1000]).toBeGreaterThan(bound);
    },
  );
});

describe("quietEvidenceLimit", () => {
  it.each([1, 2, 5, 6, 7])(
    "keeps the Fisher p-value of %i members at or above 1/e up to the limit, and only just",
    (count) => {
      // Prepare
      const limit = quietEvidenceLimit(count);
      const random = seededRandom(count);
      const evidences = [0, limit, limit * (1 - 1e-15), limit * (1 - 1e-12)];
      for (let index = 0; index < 5000; index += 1) evidences.push(random() * limit);
      // Act
      const lowest = Math.min(
        ...evidences.map((evidence) => fisherCombinedPValue(evidence, count)),
      );
      // Assess: the shortcut answers as the p-value would, and gives up little of the range.
      expect(lowest).toBeGreaterThanOrEqual(1 / Math.E);
      expect(fisherCombinedPValue(limit * (1 + 1e-5), count)).toBeLessThan(1 / Math.E);
    },
  );
});

describe("highestBinReaching", () => {
  it("finds the highest bin whose tail mass reaches the target from any starting bin", () => {
    const random = seededRandom(17);
    for (let trial = 0; trial < 2000; trial += 1) {
      // Prepare: tail masses that only grow towards bin 0, with runs of equal values.
      const highestBin = Math.floor(random() * 40);
      const tailMass = new Float64Array(highestBin + 2);
      let running = 0;
      for (let bin = highestBin; bin >= 0; bin -= 1) {
        running += random() < 0.4 ? 0 : Math.round(random() * 4);
        tailMass[bin] = running;
      }
      const target = random() < 0.1 ? running + 1 : Math.round(random() * running);
      const hint = Math.floor(random() * (highestBin + 10));
      let expected = highestBin;
      while (expected > 0 && (tailMass[expected] as number) < target) expected -= 1;
      // Act / Assess
      expect(highestBinReaching(tailMass, target, highestBin, hint)).toBe(expected);
    }
  });
});

describe("EpisodeDebouncer", () => {
  it("alerts once per episode and at full strength for an episode after a quiet spell", () => {
    const debouncer = new EpisodeDebouncer({ halfLife: 10 });
    const episode = [0, 0.9, 0.9, 0.9, 0.9];
    const first = episode.map((probability) => debouncer.shape(probability));
    for (let row = 0; row < 200; row += 1) debouncer.shape(0);
    const second = episode.map((probability) => debouncer.shape(probability));
    expect(first[1]).toBeCloseTo(0.9, 6);
    expect(Math.max(...first.slice(2))).toBeLessThan(0.1);
    expect(second[1]).toBeGreaterThan(0.89);
  });
});

describe("calibration", () => {
  it("gives a value far beyond the history a tiny p-value and a typical one a large p-value", () => {
    const calibrator = new TailCalibrator();
    const random = seededRandom(5);
    for (let index = 0; index < 3000; index += 1)
      calibrator.pValue(Math.abs(random() + random() - 1) * 3);
    expect(calibrator.pValue(1)).toBeGreaterThan(0.1);
    expect(calibrator.pValue(30)).toBeLessThan(1e-6);
  });

  it("gives the same p-value in parts (ratio · e^−exponent) as in one piece", () => {
    const whole = new TailCalibrator();
    const parts = new TailCalibrator();
    const random = seededRandom(6);
    for (let index = 0; index < 5000; index += 1) {
      const surprise = random() < 0.01 ? 50 * random() : Math.abs(random() + random() - 1) * 3;
      const ratio = parts.pValueParts(surprise);
      expect(ratio).toBeGreaterThan(0);
      expect(ratio).toBeLessThanOrEqual(1);
      expect(ratio * Math.exp(-parts.tailExponent)).toBeCloseTo(whole.pValue(surprise), 12);
    }
  });

  it("maps p-values to probabilities: 0.5 near p = 3.6e-5 with the default prior", () => {
    expect(anomalyProbability(1)).toBeLessThan(0.01);
    expect(anomalyProbability(1e-7)).toBeGreaterThan(0.99);
    expect(anomalyProbability(3e-5)).toBeGreaterThan(0.5);
    expect(anomalyProbability(4.5e-5)).toBeLessThan(0.5);
  });
});

describe("SeriesCsvParser", () => {
  it("parses rows split across chunks, CRLF line ends and extra columns", () => {
    const rows: Array<[number, number]> = [];
    const parser = new SeriesCsvParser((timestamp, value) => rows.push([timestamp, value]));
    const csv =
      "host,timestamp,value\r\na,2014-02-14 14:27:00,1.5\r\nb,2014-02-14T14:32:00Z,-2e3\r\n";
    for (let index = 0; index < csv.length; index += 5)
      parser.push(Buffer.from(csv.slice(index, index + 5)));
    parser.end();
    expect(rows).toEqual([
      [parseTimestamp("2014-02-14 14:27:00"), 1.5],
      [Date.UTC(2014, 1, 14, 14, 32), -2000],
    ]);
  });

  it("reads timestamps as UTC, with or without seconds and fractions", () => {
    expect(parseTimestamp("2014-02-14 14:27:00")).toBe(Date.UTC(2014, 1, 14, 14, 27));
    expect(parseTimestamp("2014-02-14 14:27")).toBe(Date.UTC(2014, 1, 14, 14, 27));
    expect(parseTimestamp("2014-02-26 13:45:00.000000")).toBe(Date.UTC(2014, 1, 26, 13, 45));
    expect(parseTimestamp("not a date")).toBeNaN();
  });
});
