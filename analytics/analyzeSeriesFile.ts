import { createWriteStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
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
  const input = await open(options.input, "r");
  const output = createWriteStream(options.output);
  try {
    const summary = await scoreSeries(readChunks(input), output, {
      detector,
      reuseOutputBuffers: true,
    });
    output.end();
    await finished(output);
    return { ...summary, input: options.input, output: options.output, detector };
  } catch (error) {
    output.destroy();
    throw error;
  } finally {
    await input.close();
  }
}

const CHUNK_BYTES = 1 << 20;

/**
 * The file's bytes in 1 MiB chunks, all read into one buffer: a chunk is only valid until the
 * next is requested (the CSV parser copies the unfinished line it keeps), so reading allocates
 * nothing per chunk.
 */
async function* readChunks(file: FileHandle): AsyncGenerator<Uint8Array> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}
