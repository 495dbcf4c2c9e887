import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { SeriesCsvParser } from "../../analytics/csv.ts";
import { ScoredCsvWriter } from "../../analytics/scoredCsvWriter.ts";
import {
  PlainTimestampParser,
  parseTimestamp,
  parseTimestampBytes,
} from "../../analytics/timestamp.ts";
import { seededRandom } from "./analytics-helpers.ts";

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** Random timestamps in the plain layout, some of them invalid (month 13, day 0, hour 24, a letter…). */
function randomTimestampText(random: () => number): string {
  const pick = (limit: number) => Math.floor(random() * limit);
  const text =
    `${pad(1900 + pick(200), 4)}-${pad(pick(14), 2)}-${pad(pick(33), 2)}` +
    `${random() < 0.8 ? " " : "T"}${pad(pick(25), 2)}:${pad(pick(61), 2)}:${pad(pick(62), 2)}`;
  if (random() < 0.05) {
    const at = pick(text.length);
    return `${text.slice(0, at)}x${text.slice(at + 1)}`;
  }
  return text;
}

describe("PlainTimestampParser", () => {
  it("parses every plain timestamp as parseTimestampBytes does, NaN for what it does not take", () => {
    const random = seededRandom(11);
    const timestamps = new PlainTimestampParser();
    let parsed = 0;
    let previous = "2014-02-14 00:00:00";
    for (let index = 0; index < 20_000; index += 1) {
      // Runs of the same date exercise the cached date; a change of date must not reuse it.
      const fresh = randomTimestampText(random);
      const text = index % 4 === 0 ? fresh : previous.slice(0, 11) + fresh.slice(11);
      previous = text;
      const bytes = Buffer.from(`,${text},`);
      const fast = timestamps.parse(bytes, 1);
      if (!Number.isNaN(fast)) {
        parsed += 1;
        expect(fast).toBe(parseTimestampBytes(bytes, 1, 1 + text.length));
      }
    }
    expect(parsed).toBeGreaterThan(10_000);
  });

  it("reads consecutive times of one day and the next day from the cached date correctly", () => {
    const timestamps = new PlainTimestampParser();
    for (const text of ["2014-02-14 23:59:59", "2014-02-14 00:00:00", "2014-02-15 00:00:01"]) {
      expect(timestamps.parse(Buffer.from(text), 0)).toBe(parseTimestamp(text));
    }
  });
});

/** Random value cells: plain decimals (the fast path) and everything the fast path leaves to the general one. */
function randomValueText(random: () => number): string {
  const roll = random();
  const value = (random() - 0.3) * 10 ** Math.floor(random() * 8);
  if (roll < 0.6) return value.toFixed(Math.floor(random() * 5));
  if (roll < 0.7) return value.toExponential(3);
  if (roll < 0.8) return String(value); // often 16-17 significant digits
  if (roll < 0.85) return `+${Math.abs(value).toFixed(2)}`;
  if (roll < 0.9) return `.${Math.floor(random() * 1000)}`;
  if (roll < 0.95) return `${Math.floor(random() * 100)}.`;
  return ` ${value.toFixed(1)}`;
}

describe("SeriesCsvParser", () => {
  it("parses plain and other rows, in any chunking, to what parseTimestamp and Number give", () => {
    const random = seededRandom(5);
    const expected: Array<[number, number, string]> = [];
    let csv = "timestamp,value\n";
    let time = Date.UTC(2014, 0, 1);
    for (let index = 0; index < 3000; index += 1) {
      time += Math.floor(random() * 4) * 3_600_000;
      const iso = new Date(time).toISOString();
      const timestampText =
        random() < 0.9 ? iso.slice(0, 19).replace("T", " ") : `${iso.slice(0, 16)}Z`;
      const valueText = randomValueText(random);
      const lineBreak = random() < 0.2 ? "\r\n" : "\n";
      csv += `${timestampText},${valueText}${lineBreak}`;
      expected.push([parseTimestamp(timestampText), Number(valueText), timestampText]);
    }
    for (const chunkSize of [7, 64, 1000, csv.length]) {
      const rows: Array<[number, number, string]> = [];
      const lines: string[] = [];
      const parser: SeriesCsvParser = new SeriesCsvParser((timestamp, value, bytes, start, end) => {
        rows.push([timestamp, value, parser.timestampText()]);
        lines.push(Buffer.from(bytes.subarray(start, end)).toString("utf8"));
      });
      // One reused chunk buffer, as analyzeSeriesFile reads: the parser must copy what it keeps.
      const chunk = Buffer.alloc(chunkSize);
      const bytes = Buffer.from(csv);
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        const length = bytes.copy(chunk, 0, offset, offset + chunkSize);
        parser.push(chunk.subarray(0, length));
        chunk.fill(0);
      }
      parser.end();
      expect(rows).toEqual(expected);
      expect(`timestamp,value\n${lines.join("\n")}`).toBe(csv.trimEnd().replaceAll("\r\n", "\n"));
    }
  });

  it.each([
    ["2014-02-14 14:27:00,1.5\n2014-13-14 14:27:00,2\n", "Line 3: timestamp '2014-13-14 14:27:00'"],
    ["2014-02-14 14:27:00,1.5\n2014-02-14 14:32:00,1.5.2\n", "Line 3: value '1.5.2'"],
    ["2014-02-14 14:27:00,1.5\n\n2014-02-14 14:32:00,1,2\n", "Line 4: expected 2 columns"],
  ])("reports a bad row with its line number (%#)", (rows, message) => {
    const parser = new SeriesCsvParser(() => {});
    expect(() => parser.push(Buffer.from(`timestamp,value\n${rows}`))).toThrow(message);
  });
});

describe("ScoredCsvWriter", () => {
  it("writes scores rounded to 6 decimals, and the same bytes when it reuses its buffers", async () => {
    const random = seededRandom(9);
    const line = Buffer.from("2014-02-14 14:27:00,1.5");
    const scores = Array.from({ length: 200_000 }, (_, index) =>
      index % 7 === 0 ? 0 : index % 11 === 0 ? 1 : random() ** 4,
    );
    const outputs: string[] = [];
    for (const reuseBuffers of [false, true]) {
      const chunks: Buffer[] = [];
      // A sink that calls back later and keeps its chunks: a reused buffer would show up here.
      const sink = new Writable({
        highWaterMark: 1 << 20,
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(Buffer.from(chunk));
          setImmediate(callback);
        },
      });
      const writer = new ScoredCsvWriter(sink, { reuseBuffers });
      for (const [index, score] of scores.entries()) {
        writer.appendRow(line, 0, line.length, score);
        if (index % 10_000 === 0) await writer.waitIfBusy();
      }
      await writer.flush();
      outputs.push(Buffer.concat(chunks).toString("utf8"));
    }
    const expected = scores.map((score) => {
      const micros = Math.round(score * 1e6);
      const text = micros <= 0 ? "0" : micros >= 1e6 ? "1" : String(micros / 1e6);
      return `${line},${text}\n`;
    });
    expect(outputs[0]).toBe(`timestamp,value,anomaly_score\n${expected.join("")}`);
    expect(outputs[1]).toBe(outputs[0]);
  });

  it("copies every line byte for byte, whatever its length, offset and input buffer", async () => {
    // Prepare: lines of 1 to 80 bytes at every offset of a few input buffers, some shared.
    const random = seededRandom(12);
    const inputs = Array.from({ length: 5 }, () =>
      Buffer.from(Array.from({ length: 300 }, () => 32 + Math.floor(random() * 90))),
    );
    const rows = Array.from({ length: 5000 }, (_, index) => {
      const bytes = inputs[index % 3 === 0 ? 0 : index % inputs.length] as Buffer;
      const length = 1 + (index % 80);
      const start = Math.floor(random() * (bytes.length - length));
      return { bytes, start, end: start + length };
    });
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    });
    const writer = new ScoredCsvWriter(sink);
    // Act
    for (const { bytes, start, end } of rows) writer.appendRow(bytes, start, end, 0.5);
    await writer.flush();
    // Assess
    const expected = rows.map(({ bytes, start, end }) =>
      Buffer.concat([bytes.subarray(start, end), Buffer.from(",0.5\n")]),
    );
    const actual = Buffer.concat(chunks);
    const wanted = Buffer.concat([Buffer.from("timestamp,value,anomaly_score\n"), ...expected]);
    // The offset of the first wrong byte (a diff of the whole output would take minutes).
    const firstDifference = wanted.findIndex((byte, index) => actual[index] !== byte);
    expect({ length: actual.length, firstDifference }).toEqual({
      length: wanted.length,
      firstDifference: -1,
    });
  });
});
