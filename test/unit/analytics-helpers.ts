import { Writable } from "node:stream";
import { scoreSeries } from "../../analytics/scoreSeries.ts";
import type { DetectorName } from "../../analytics/types.ts";

/** Deterministic uniform random numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** A `timestamp,value` CSV with one row per interval starting 2014-02-14 00:00:00 UTC. */
export function seriesCsv(
  values: readonly number[],
  intervalMinutes = 5,
  start = Date.UTC(2014, 1, 14),
): string {
  const lines = values.map((value, index) => {
    const timestamp = new Date(start + index * intervalMinutes * 60_000).toISOString();
    return `${timestamp.slice(0, 19).replace("T", " ")},${value}`;
  });
  return `timestamp,value\n${lines.join("\n")}\n`;
}

/** Runs `scoreSeries` over CSV text fed in small chunks; returns the output lines and scores. */
export async function scoreCsv(csv: string, detector: DetectorName = "ensemble", chunkSize = 777) {
  const chunks: string[] = [];
  for (let index = 0; index < csv.length; index += chunkSize)
    chunks.push(csv.slice(index, index + chunkSize));
  let output = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output += chunk.toString("utf8");
      callback();
    },
  });
  const summary = await scoreSeries(chunks, sink, { detector });
  const lines = output.trimEnd().split("\n");
  const scores = lines.slice(1).map((line) => Number(line.split(",").at(-1)));
  return { lines, scores, summary };
}

export function noisySeries(length: number, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length }, () => 100 + 5 * (random() + random() + random() - 1.5));
}
