import { once } from "node:events";
import type { Writable } from "node:stream";

const BUFFER_BYTES = 1 << 20;
const HEADER = Buffer.from("timestamp,value,anomaly_score\n");

/**
 * Builds the `timestamp,value,anomaly_score` output in large byte buffers: each row is its input
 * line copied as bytes plus the score written as at most 6 decimals (no per-row strings), and
 * full buffers are written with back-pressure.
 *
 * @example
 * const writer = new ScoredCsvWriter(output);
 * writer.appendRow(bytes, lineStart, lineEnd, 0.25);
 * await writer.flush();
 */
export class ScoredCsvWriter {
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private length = 0;

  constructor(private readonly output: Writable) {
    HEADER.copy(this.buffer, 0);
    this.length = HEADER.length;
  }

  /** Whether the buffer is nearly full and should be flushed before more rows are appended. */
  get shouldFlush(): boolean {
    return this.length > BUFFER_BYTES - (1 << 16);
  }

  appendRow(bytes: Uint8Array, lineStart: number, lineEnd: number, score: number): void {
    const lineLength = lineEnd - lineStart;
    if (this.length + lineLength + 16 > this.buffer.length) this.grow(lineLength + 16);
    const buffer = this.buffer;
    let length = this.length;
    if (lineLength < 64) {
      for (let index = lineStart; index < lineEnd; index += 1) {
        buffer[length] = bytes[index] as number;
        length += 1;
      }
    } else {
      buffer.set(bytes.subarray(lineStart, lineEnd), length);
      length += lineLength;
    }
    buffer[length] = 44;
    this.length = writeScore(buffer, length + 1, score);
    this.buffer[this.length] = 10;
    this.length += 1;
  }

  async flush(): Promise<void> {
    if (this.length === 0) return;
    const full = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    this.length = 0;
    if (!this.output.write(full)) await once(this.output, "drain");
  }

  private grow(extra: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/** Writes a score in [0, 1] rounded to 6 decimals ("0", "1", "0.25", "0.000113"); returns the new end. */
function writeScore(buffer: Buffer, start: number, score: number): number {
  const micros = Math.round(score * 1e6);
  if (!(micros > 0)) {
    buffer[start] = 48;
    return start + 1;
  }
  if (micros >= 1_000_000) {
    buffer[start] = 49;
    return start + 1;
  }
  let digits = micros;
  let last = 6;
  while (digits % 10 === 0) {
    digits /= 10;
    last -= 1;
  }
  buffer[start] = 48;
  buffer[start + 1] = 46;
  for (let place = last; place >= 1; place -= 1) {
    buffer[start + 1 + place] = 48 + (digits % 10);
    digits = Math.floor(digits / 10);
  }
  return start + 2 + last;
}
