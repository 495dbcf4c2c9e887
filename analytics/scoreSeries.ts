import type { Writable } from "node:stream";
import { createDetector } from "./createDetector.ts";
import { SeriesCsvParser } from "./csv.ts";
import { ScoredCsvWriter } from "./scoredCsvWriter.ts";
import type { DetectorName, StreamingDetector } from "./types.ts";

/** A row whose score reached the flag threshold. */
export interface FlaggedAnomaly {
  readonly timestamp: string;
  readonly value: number;
  readonly score: number;
}

export interface ScoreSeriesOptions {
  /** Detector to run; default "ensemble". */
  readonly detector?: DetectorName;
  /** Builds the detector instead of `detector` (benchmarks try configurations through this). */
  readonly createDetector?: () => StreamingDetector;
  /** Rows scoring at least this are reported as flagged. Default 0.5: more likely anomalous than not. */
  readonly flagThreshold?: number;
  /** At most this many flagged rows are kept in the summary (the count is always exact). Default 10 000. */
  readonly maxFlaggedKept?: number;
  /**
   * Whether output buffers may be refilled once `output` has called back for their write (true
   * only for outputs that keep no reference to a written chunk, such as a file stream; see
   * `ScoredCsvWriter`). Default false.
   */
  readonly reuseOutputBuffers?: boolean;
}

export interface ScoreSeriesSummary {
  readonly rows: number;
  readonly flaggedCount: number;
  readonly flagged: FlaggedAnomaly[];
}

/** The flag threshold of `--json` and of the fixed-threshold benchmark. */
export const DEFAULT_FLAG_THRESHOLD = 0.5;

/**
 * Streams a `timestamp,value` CSV through a causal detector and writes
 * `timestamp,value,anomaly_score` with the same rows in the same order. Memory stays flat:
 * only the current chunk and the detectors' fixed-size state are held.
 *
 * @example
 * const summary = await scoreSeries(createReadStream("in.csv"), createWriteStream("out.csv"));
 * summary.rows; // data rows written
 */
export async function scoreSeries(
  input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  output: Writable,
  options: ScoreSeriesOptions = {},
): Promise<ScoreSeriesSummary> {
  const detector = options.createDetector?.() ?? createDetector(options.detector ?? "ensemble");
  const flagThreshold = options.flagThreshold ?? DEFAULT_FLAG_THRESHOLD;
  const maxFlaggedKept = options.maxFlaggedKept ?? 10_000;
  const flagged: FlaggedAnomaly[] = [];
  let flaggedCount = 0;
  const writer = new ScoredCsvWriter(output, { reuseBuffers: options.reuseOutputBuffers ?? false });

  const parser: SeriesCsvParser = new SeriesCsvParser(
    (timestamp, value, bytes, lineStart, lineEnd) => {
      const score = detector.update(timestamp, value);
      writer.appendRow(bytes, lineStart, lineEnd, score);
      if (score >= flagThreshold) {
        flaggedCount += 1;
        if (flagged.length < maxFlaggedKept) {
          flagged.push({ timestamp: parser.timestampText(), value, score });
        }
      }
    },
  );

  for await (const chunk of input) {
    parser.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
    await writer.waitIfBusy();
  }
  parser.end();
  await writer.flush();
  return { rows: parser.rows, flaggedCount, flagged };
}
