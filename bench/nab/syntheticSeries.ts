import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";

const FIVE_MINUTES_MS = 300_000;

/**
 * Writes a `timestamp,value` CSV of `rows` rows every five minutes: a daily cycle, noise,
 * a spike every ~50 000 rows and a level shift halfway. Deterministic (seeded), streamed.
 *
 * @example
 * await writeSyntheticSeries(createWriteStream("/tmp/series.csv"), 1_000_000);
 */
export async function writeSyntheticSeries(output: Writable, rows: number): Promise<void> {
  let seed = 12_345;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const start = Date.UTC(2014, 0, 1);
  let text = "timestamp,value\n";
  for (let row = 0; row < rows; row += 1) {
    const timestamp = start + row * FIVE_MINUTES_MS;
    const dayPhase = (2 * Math.PI * (timestamp % 86_400_000)) / 86_400_000;
    const noise = random() + random() + random() - 1.5;
    const spike = row % 49_999 === 49_998 ? 40 : 0;
    const shift = row > rows / 2 ? 5 : 0;
    const value = 50 + 10 * Math.sin(dayPhase) + 2 * noise + spike + shift;
    text += `${new Date(timestamp).toISOString().slice(0, 19).replace("T", " ")},${value.toFixed(3)}\n`;
    if (text.length > 1 << 16) {
      if (!output.write(text)) await once(output, "drain");
      text = "";
    }
  }
  output.end(text);
  await finished(output);
}
