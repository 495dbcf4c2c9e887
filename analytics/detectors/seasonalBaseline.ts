import type { StreamingDetector } from "../types.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A candidate season: hour-of-day (24 buckets) or hour-of-week (168 buckets). */
interface SeasonModel {
  readonly name: "daily" | "weekly";
  readonly periodMs: number;
  readonly bucketMeans: Float64Array;
  readonly bucketSeen: Uint32Array;
  /** Exponentially weighted squared error of this season's forecast. */
  squaredError: number;
  /** Weight of one row in its bucket's mean, so that one period weighs `periodWeight`. */
  rowWeight: number;
  /** Start of the period holding the latest timestamp, so most rows find their bucket without a modulo. */
  periodStart: number;
  /** Bucket of the current row. */
  bucket: number;
}

export interface SeasonalBaselineOptions {
  /** Weight of the newest period in each bucket's mean (0 < w ≤ 1). Default 0.25: about four periods of memory. */
  readonly periodWeight?: number;
  /** Fraction of the level forecast's error a season must remove to be used. Default 0.3. */
  readonly minimumExplained?: number;
}

/**
 * Seasonal baseline: forecasts each value by the mean of its hour-of-day or hour-of-week bucket
 * and scores |x − forecast| / σ of that forecast's errors. A season is used only once the series
 * covers two full periods and the season's forecast error is at least `minimumExplained` smaller
 * than that of a plain level forecast (an EWMA), so white noise and random walks never activate
 * it. Buckets follow the timestamps, so gaps and irregular sampling are handled; sub-hourly
 * detail within a bucket is treated as noise.
 *
 * @example
 * const detector = new SeasonalBaselineDetector();
 * detector.update(Date.parse("2014-07-01T00:00:00Z"), 10844);
 * detector.activeSeason(); // "none" until two days of data show a daily pattern
 */
export class SeasonalBaselineDetector implements StreamingDetector {
  private readonly periodWeight: number;
  private readonly minimumExplained: number;
  private readonly seasons: SeasonModel[];
  private firstTimestamp = Number.NaN;
  private previousTimestamp = Number.NaN;
  private meanLogInterval = Number.NaN;
  /** The last positive interval and its logarithm: regular series repeat it, so one log serves all rows. */
  private lastInterval = Number.NaN;
  private lastLogInterval = Number.NaN;
  private level = 0;
  private levelSquaredError = 0;
  private seen = 0;

  constructor(options: SeasonalBaselineOptions = {}) {
    this.periodWeight = options.periodWeight ?? 0.25;
    this.minimumExplained = options.minimumExplained ?? 0.3;
    this.seasons = [createSeason("daily", DAY_MS, 24), createSeason("weekly", 7 * DAY_MS, 168)];
  }

  /** The season currently used for forecasting, or "none". */
  activeSeason(): "daily" | "weekly" | "none" {
    return this.pickSeason()?.name ?? "none";
  }

  update(timestamp: number, value: number): number {
    this.trackSamplingInterval(timestamp);
    const seasons = this.seasons;
    for (let index = 0; index < seasons.length; index += 1) {
      locateBucket(seasons[index] as SeasonModel, timestamp);
    }
    const season = this.pickSeason();
    let surprise = 0;
    if (season !== undefined) {
      const error = value - (season.bucketMeans[season.bucket] as number);
      surprise = Math.abs(error) / (Math.sqrt(season.squaredError) + 1e-9 * (1 + Math.abs(value)));
    }
    this.learn(value);
    return surprise;
  }

  private pickSeason(): SeasonModel | undefined {
    let best: SeasonModel | undefined;
    for (let index = 0; index < this.seasons.length; index += 1) {
      const season = this.seasons[index] as SeasonModel;
      const covered = this.previousTimestamp - this.firstTimestamp >= 2 * season.periodMs;
      const explains = season.squaredError <= (1 - this.minimumExplained) * this.levelSquaredError;
      if (covered && explains && (best === undefined || season.squaredError < best.squaredError)) {
        best = season;
      }
    }
    return best;
  }

  private learn(value: number): void {
    const memory = Math.max(1 / (this.seen + 1), 1 / 2000);
    if (this.seen > 0) {
      const levelError = value - this.level;
      this.levelSquaredError += memory * (levelError * levelError - this.levelSquaredError);
    }
    if (this.seen % 64 === 0) this.refreshBucketWeights();
    for (let index = 0; index < this.seasons.length; index += 1) {
      const season = this.seasons[index] as SeasonModel;
      const bucket = season.bucket;
      const seen = season.bucketSeen[bucket] as number;
      // Until a bucket has data, its forecast is as good as the level forecast.
      const forecast = seen > 0 ? (season.bucketMeans[bucket] as number) : value;
      const error = value - (seen > 0 ? forecast : this.level);
      season.squaredError += memory * (error * error - season.squaredError);
      const weight = Math.max(1 / (seen + 1), season.rowWeight);
      season.bucketMeans[bucket] = forecast + weight * (value - forecast);
      season.bucketSeen[bucket] = seen + 1;
    }
    this.level = this.seen === 0 ? value : this.level + 0.1 * (value - this.level);
    this.seen += 1;
  }

  /** How many rows fall in one bucket per period depends on the sampling interval; so do the weights. */
  private refreshBucketWeights(): void {
    const interval = Math.exp(this.meanLogInterval);
    for (let index = 0; index < this.seasons.length; index += 1) {
      const season = this.seasons[index] as SeasonModel;
      const rowsPerBucketVisit = Number.isFinite(interval)
        ? Math.max(1, season.periodMs / season.bucketMeans.length / interval)
        : 1;
      season.rowWeight = 1 - (1 - this.periodWeight) ** (1 / rowsPerBucketVisit);
    }
  }

  private trackSamplingInterval(timestamp: number): void {
    if (Number.isNaN(this.firstTimestamp)) this.firstTimestamp = timestamp;
    const interval = timestamp - this.previousTimestamp;
    if (interval > 0) {
      if (interval !== this.lastInterval) {
        this.lastInterval = interval;
        this.lastLogInterval = Math.log(interval);
      }
      const logInterval = this.lastLogInterval;
      this.meanLogInterval = Number.isNaN(this.meanLogInterval)
        ? logInterval
        : this.meanLogInterval + 0.01 * (logInterval - this.meanLogInterval);
    }
    if (!(timestamp <= this.previousTimestamp)) this.previousTimestamp = timestamp;
  }
}

function createSeason(name: SeasonModel["name"], periodMs: number, buckets: number): SeasonModel {
  return {
    name,
    periodMs,
    bucketMeans: new Float64Array(buckets),
    bucketSeen: new Uint32Array(buckets),
    squaredError: 0,
    rowWeight: 1,
    periodStart: Number.NaN,
    bucket: 0,
  };
}

/** Sets `season.bucket` for `timestamp`; the modulo runs only when a new period starts. */
function locateBucket(season: SeasonModel, timestamp: number): void {
  let phase = timestamp - season.periodStart;
  if (!(phase >= 0 && phase < season.periodMs)) {
    phase = ((timestamp % season.periodMs) + season.periodMs) % season.periodMs;
    season.periodStart = timestamp - phase;
  }
  // Epoch day 0 was a Thursday; the offset only names buckets, it does not change forecasts.
  season.bucket = Math.floor((phase / season.periodMs) * season.bucketMeans.length);
}
