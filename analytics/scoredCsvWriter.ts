import { once } from "node:events";
import type { Writable } from "node:stream";

const BUFFER_BYTES = 1 << 20;
const HEADER = Buffer.from("timestamp,value,anomaly_score\n");

export interface ScoredCsvWriterOptions {
  /**
   * Refill a buffer once `output` has called back for its write, instead of allocating a new
   * one per megabyte. Only for outputs that keep no reference to a chunk after its callback
   * (a file stream); a sink that collects chunks would see them change. Default false.
   */
  readonly reuseBuffers?: boolean;
}

/**
 * Builds the `timestamp,value,anomaly_score` output in large byte buffers: each row is its input
 * line copied as bytes plus the score written as at most 6 decimals (no per-row strings). A full
 * buffer is handed to `output` at once (never grown and copied); the caller waits for
 * back-pressure between input chunks with `waitIfBusy`.
 *
 * @example
 * const writer = new ScoredCsvWriter(output);
 * writer.appendRow(bytes, lineStart, lineEnd, 0.25);
 * await writer.waitIfBusy();
 * await writer.flush();
 */
export class ScoredCsvWriter {
  private buffer: Buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private bufferView: DataView = viewOf(this.buffer);
  /** The last input `bytes` seen, and a view of it: lines are copied four bytes at a time. */
  private inputBytes: Uint8Array | undefined;
  private inputView: DataView = this.bufferView;
  private length = 0;
  private needsDrain = false;
  private readonly spareBuffers: Buffer[] = [];
  private readonly reuseBuffers: boolean;

  constructor(
    private readonly output: Writable,
    options: ScoredCsvWriterOptions = {},
  ) {
    this.reuseBuffers = options.reuseBuffers ?? false;
    HEADER.copy(this.buffer, 0);
    this.length = HEADER.length;
  }

  appendRow(bytes: Uint8Array, lineStart: number, lineEnd: number, score: number): void {
    const lineLength = lineEnd - lineStart;
    if (this.length + lineLength + 16 > this.buffer.length) this.handOff(lineLength + 16);
    const buffer = this.buffer;
    let length = this.length;
    if (lineLength < 64) {
      if (bytes !== this.inputBytes) {
        this.inputBytes = bytes;
        this.inputView = viewOf(bytes);
      }
      const input = this.inputView;
      const output = this.bufferView;
      let index = lineStart;
      for (; index + 4 <= lineEnd; index += 4) {
        output.setUint32(length, input.getUint32(index));
        length += 4;
      }
      for (; index < lineEnd; index += 1) {
        buffer[length] = bytes[index] as number;
        length += 1;
      }
    } else {
      buffer.set(bytes.subarray(lineStart, lineEnd), length);
      length += lineLength;
    }
    buffer[length] = 44;
    length = writeScore(buffer, length + 1, score);
    buffer[length] = 10;
    this.length = length + 1;
  }

  /** Waits for `output` to drain when it asked to (call between input chunks). */
  async waitIfBusy(): Promise<void> {
    if (!this.needsDrain) return;
    this.needsDrain = false;
    await once(this.output, "drain");
  }

  /** Writes what is buffered and waits for back-pressure; call once after the last row. */
  async flush(): Promise<void> {
    if (this.length > 0) this.handOff(0);
    await this.waitIfBusy();
  }

  /** Writes the filled part of the buffer and continues in a spare (or new) one of at least `minimum` bytes. */
  private handOff(minimum: number): void {
    const full = this.buffer;
    const filled = full.subarray(0, this.length);
    const written = this.reuseBuffers
      ? this.output.write(filled, () => this.spareBuffers.push(full))
      : this.output.write(filled);
    if (!written) this.needsDrain = true;
    const spare = this.spareBuffers.pop();
    this.buffer =
      spare !== undefined && spare.length >= minimum
        ? spare
        : Buffer.allocUnsafe(Math.max(BUFFER_BYTES, minimum));
    this.bufferView = viewOf(this.buffer);
    this.length = 0;
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  // 0 < micros < 10⁶: small-integer arithmetic from here on.
  let digits = micros | 0;
  let last = 6;
  while (digits % 10 === 0) {
    digits = (digits / 10) | 0;
    last -= 1;
  }
  buffer[start] = 48;
  buffer[start + 1] = 46;
  for (let place = last; place >= 1; place -= 1) {
    buffer[start + 1 + place] = 48 + (digits % 10);
    digits = (digits / 10) | 0;
  }
  return start + 2 + last;
}
