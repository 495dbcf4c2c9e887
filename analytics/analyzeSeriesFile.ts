import { createReadStream, createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { type ScoreSeriesSummary, scoreSeries } from "./scoreSeries.ts";
import type { DetectorName } from "./types.ts";

export interface AnalyzeSeriesFileOptions {
  /** Path of the `timestamp,value` CSV to score. */
  readonly input: string;
  /** Path of the `timestamp,value,anomaly_score` CSV to write (replaced if it exists). */
  readonly output: string;
  /** Detector to run; default "ensemble". */
  readonly detector?: DetectorName;
}

export interface AnalyzeSeriesFileResult extends ScoreSeriesSummary {
  readonly input: string;
  readonly output: string;
  readonly detector: DetectorName;
}

/**
 * The core of `ops analyze`: scores a CSV file into another, streaming, and returns the row
 * count and the flagged anomalies (score ≥ 0.5) for `--json`.
 *
 * @example
 * const result = await analyzeSeriesFile({ input: "cpu.csv", output: "cpu.scored.csv" });
 * console.log(result.rows, result.flagged);
 */
export async function analyzeSeriesFile(
  options: AnalyzeSeriesFileOptions,
): Promise<AnalyzeSeriesFileResult> {
  const detector = options.detector ?? "ensemble";
  const input = createReadStream(options.input, { highWaterMark: 1 << 20 });
  const output = createWriteStream(options.output);
  try {
    const summary = await scoreSeries(input, output, { detector });
    output.end();
    await finished(output);
    return { ...summary, input: options.input, output: options.output, detector };
  } catch (error) {
    input.destroy();
    output.destroy();
    throw error;
  }
}
