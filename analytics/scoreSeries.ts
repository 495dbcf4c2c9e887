import { once } from "node:events";
import type { Writable } from "node:stream";
import { createDetector } from "./createDetector.ts";
import { SeriesCsvParser } from "./csv.ts";
import type { DetectorName } from "./types.ts";

/** A row whose score reached the flag threshold. */
export interface FlaggedAnomaly {
  readonly timestamp: string;
  readonly value: number;
  readonly score: number;
}

export interface ScoreSeriesOptions {
  /** Detector to run; default "ensemble". */
  readonly detector?: DetectorName;
  /** Rows scoring at least this are reported as flagged. Default 0.5: more likely anomalous than not. */
  readonly flagThreshold?: number;
  /** At most this many flagged rows are kept in the summary (the count is always exact). Default 10 000. */
  readonly maxFlaggedKept?: number;
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
  input: AsyncIterable<string | Uint8Array>,
  output: Writable,
  options: ScoreSeriesOptions = {},
): Promise<ScoreSeriesSummary> {
  const detector = createDetector(options.detector ?? "ensemble");
  const flagThreshold = options.flagThreshold ?? DEFAULT_FLAG_THRESHOLD;
  const maxFlaggedKept = options.maxFlaggedKept ?? 10_000;
  const flagged: FlaggedAnomaly[] = [];
  let flaggedCount = 0;
  let pending = "timestamp,value,anomaly_score\n";

  const parser = new SeriesCsvParser((timestampText, valueText, timestamp, value) => {
    const score = detector.update(timestamp, value);
    pending += `${timestampText},${valueText},${formatScore(score)}\n`;
    if (score >= flagThreshold) {
      flaggedCount += 1;
      if (flagged.length < maxFlaggedKept) flagged.push({ timestamp: timestampText, value, score });
    }
  });

  const decoder = new TextDecoder("utf-8");
  for await (const chunk of input) {
    parser.push(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    await write(output, pending);
    pending = "";
  }
  parser.push(decoder.decode());
  parser.end();
  await write(output, pending);
  return { rows: parser.rows, flaggedCount, flagged };
}

/** Six decimals are plenty for a probability and keep the output small and diffable. */
function formatScore(score: number): string {
  if (score === 0) return "0";
  if (score >= 1) return "1";
  return (Math.round(score * 1e6) / 1e6).toString();
}

async function write(output: Writable, text: string): Promise<void> {
  if (text.length === 0) return;
  if (!output.write(text)) await once(output, "drain");
}
