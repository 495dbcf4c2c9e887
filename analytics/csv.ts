import { SeriesInputError } from "./errors.ts";
import { PlainTimestampParser, parseTimestampBytes } from "./timestamp.ts";

/**
 * Called for each data row with its parsed values and where its text sits in `bytes`
 * (`[lineStart, lineEnd)`, without the line break). `bytes` is only valid during the call.
 */
export type SeriesRowHandler = (
  timestamp: number,
  value: number,
  bytes: Uint8Array,
  lineStart: number,
  lineEnd: number,
) => void;

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const COMMA = 44;
const QUOTE = 34;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * Incremental parser of a `timestamp,value` CSV over raw bytes: feed it chunks as they arrive
 * and it calls `onRow` for every complete data row, keeping only the unfinished last line.
 * Plain rows are parsed without creating strings (the 1 M rows/s path); the header's columns
 * are found by name (extra columns are ignored) and blank lines are skipped.
 *
 * @example
 * const parser = new SeriesCsvParser((timestamp, value) => values.push(value));
 * parser.push(Buffer.from("timestamp,value\n2014-02-14 14:27:00,1.5\n"));
 * parser.end();
 */
export class SeriesCsvParser {
  private readonly onRow: SeriesRowHandler;
  private carry: Uint8Array = new Uint8Array(0);
  private line = 0;
  private timestampColumn = -1;
  private valueColumn = -1;
  private columnCount = 0;
  private rowCount = 0;
  /** The current row's timestamp cell: bytes `[cellStart, cellEnd)` of `cellBytes`. */
  private cellBytes: Uint8Array = new Uint8Array(0);
  private cellStart = 0;
  private cellEnd = 0;
  /** Whether the header is exactly `timestamp,value`, so rows may take `parsePlainRow`. */
  private plainLayout = false;
  private readonly plainTimestamps = new PlainTimestampParser();

  constructor(onRow: SeriesRowHandler) {
    this.onRow = onRow;
  }

  /** Data rows parsed so far. */
  get rows(): number {
    return this.rowCount;
  }

  /**
   * The text of the timestamp cell of the row being handled (unquoted), whichever column holds
   * it. Only valid inside `onRow`; decoded on demand so plain rows make no strings.
   */
  timestampText(): string {
    return unquote(text(this.cellBytes, this.cellStart, this.cellEnd));
  }

  push(chunk: Uint8Array): void {
    const bytes = chunk;
    let start = 0;
    if (this.carry.length > 0) {
      // Finish the carried line with the head of this chunk; the rest is parsed in place.
      const firstNewline = chunk.indexOf(NEWLINE);
      if (firstNewline === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, firstNewline + 1)]);
      this.carry = new Uint8Array(0);
      this.push(line);
      start = firstNewline + 1;
    }
    while (start < bytes.length) {
      if (this.plainLayout) {
        const next = this.parsePlainRow(bytes, start);
        if (next !== -1) {
          start = next;
          continue;
        }
      }
      const newline = bytes.indexOf(NEWLINE, start);
      if (newline === -1) break;
      const end = newline > start && bytes[newline - 1] === CARRIAGE_RETURN ? newline - 1 : newline;
      this.parseLine(bytes, start, end);
      start = newline + 1;
    }
    // A copy: the caller may reuse the chunk's memory (and Buffer#slice would not copy).
    this.carry =
      start < bytes.length ? Uint8Array.prototype.slice.call(bytes, start) : new Uint8Array(0);
  }

  /** Parses a last line without a line break, and checks that a header was seen. */
  end(): void {
    if (this.carry.length > 0) {
      const bytes = this.carry;
      this.carry = new Uint8Array(0);
      const end = bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
      this.parseLine(bytes, 0, end);
    }
    if (this.timestampColumn === -1) {
      throw new SeriesInputError(
        "CSV_BAD_HEADER",
        "Line 1: the input is empty; expected a header 'timestamp,value'",
        { line: 1 },
      );
    }
  }

  /**
   * The fast path for the commonest row, `YYYY-MM-DD HH:MM:SS,<decimal>` and a line break, parsed
   * in one pass without searching for the comma or the line end. Returns where the next line
   * starts, or −1 (nothing consumed) when the row is anything else or incomplete in this chunk:
   * `parseLine` then handles it (and reports errors). Accepts only rows `parseLine` would parse
   * to the same numbers.
   */
  private parsePlainRow(bytes: Uint8Array, start: number): number {
    const length = bytes.length;
    // 19 timestamp bytes, a comma, at least one digit and a line break.
    if (start + 21 >= length || bytes[start + 19] !== COMMA) return -1;
    const timestamp = this.plainTimestamps.parse(bytes, start);
    if (Number.isNaN(timestamp)) return -1;
    let position = start + 20;
    const negative = bytes[position] === 45;
    if (negative || bytes[position] === 43) position += 1;
    let mantissa = 0;
    let digitCount = 0;
    let fractionDigits = -1;
    let byte = 0;
    for (; position < length; position += 1) {
      byte = bytes[position] as number;
      if (byte >= 48 && byte <= 57) {
        mantissa = mantissa * 10 + (byte - 48);
        digitCount += 1;
        if (fractionDigits >= 0) fractionDigits += 1;
      } else if (byte === 46 && fractionDigits < 0) {
        fractionDigits = 0;
      } else {
        break;
      }
    }
    if (position >= length || digitCount === 0 || digitCount > 15) return -1;
    const lineEnd = position;
    if (byte === CARRIAGE_RETURN) {
      position += 1;
      if (position >= length) return -1;
      byte = bytes[position] as number;
    }
    if (byte !== NEWLINE) return -1;
    // As in parseNumberBytes: an exact integer over an exact power of ten, correctly rounded.
    const magnitude = mantissa / (POWERS_OF_TEN[Math.max(fractionDigits, 0)] as number);
    this.line += 1;
    this.rowCount += 1;
    this.cellBytes = bytes;
    this.cellStart = start;
    this.cellEnd = start + 19;
    this.onRow(timestamp, negative ? -magnitude : magnitude, bytes, start, lineEnd);
    return position + 1;
  }

  private parseLine(bytes: Uint8Array, start: number, end: number): void {
    this.line += 1;
    if (end <= start) return;
    if (this.timestampColumn === -1) {
      this.parseHeader(text(bytes, start, end));
      return;
    }
    let timestamp: number;
    let value: number;
    const comma = bytes.indexOf(COMMA, start);
    if (this.columnCount === 2 && this.timestampColumn === 0 && comma !== -1 && comma < end) {
      const secondComma = bytes.indexOf(COMMA, comma + 1);
      if (secondComma !== -1 && secondComma < end) this.fail("expected 2 columns, got more");
      timestamp = parseTimestampCell(bytes, start, comma);
      value = parseNumberBytes(bytes, comma + 1, end);
      this.cellBytes = bytes;
      this.cellStart = start;
      this.cellEnd = comma;
      if (Number.isNaN(timestamp)) this.failTimestamp(text(bytes, start, comma));
      if (!Number.isFinite(value)) this.failValue(text(bytes, comma + 1, end));
    } else {
      const cells = text(bytes, start, end).split(",");
      if (cells.length !== this.columnCount) {
        this.fail(`expected ${this.columnCount} columns, got ${cells.length}`);
      }
      const timestampText = cells[this.timestampColumn] ?? "";
      const valueText = cells[this.valueColumn] ?? "";
      const timestampBytes = Buffer.from(timestampText, "utf8");
      timestamp = parseTimestampCell(timestampBytes, 0, timestampBytes.length);
      this.cellBytes = timestampBytes;
      this.cellStart = 0;
      this.cellEnd = timestampBytes.length;
      const valueBytes = Buffer.from(valueText, "utf8");
      value = parseNumberBytes(valueBytes, 0, valueBytes.length);
      if (Number.isNaN(timestamp)) this.failTimestamp(timestampText);
      if (!Number.isFinite(value)) this.failValue(valueText);
    }
    this.rowCount += 1;
    this.onRow(timestamp, value, bytes, start, end);
  }

  private parseHeader(header: string): void {
    const names = header
      .replace(/^\uFEFF/, "")
      .split(",")
      .map((name) => unquote(name.trim()).toLowerCase());
    const timestampColumn = names.indexOf("timestamp");
    const valueColumn = names.indexOf("value");
    if (timestampColumn === -1 || valueColumn === -1) {
      throw new SeriesInputError(
        "CSV_BAD_HEADER",
        `Line ${this.line}: header '${header}' must name the columns 'timestamp' and 'value'`,
        { line: this.line },
      );
    }
    this.timestampColumn = timestampColumn;
    this.valueColumn = valueColumn;
    this.columnCount = names.length;
    this.plainLayout = this.columnCount === 2 && timestampColumn === 0;
  }

  private failTimestamp(timestampText: string): never {
    this.fail(`timestamp '${timestampText}' is not a date-time such as 2014-02-14 14:27:00`);
  }

  private failValue(valueText: string): never {
    this.fail(`value '${valueText}' is not a finite number`);
  }

  private fail(problem: string): never {
    throw new SeriesInputError("CSV_BAD_ROW", `Line ${this.line}: ${problem}`, {
      line: this.line,
    });
  }
}

function parseTimestampCell(bytes: Uint8Array, start: number, end: number): number {
  if (end - start >= 2 && bytes[start] === QUOTE && bytes[end - 1] === QUOTE) {
    return parseTimestampBytes(bytes, start + 1, end - 1);
  }
  return parseTimestampBytes(bytes, start, end);
}

/**
 * Parses a decimal number from bytes. Up to 15 significant digits with an optional sign and
 * point are exact integers divided by an exact power of ten, i.e. correctly rounded like
 * `Number()`; anything else (exponents, spaces, quotes, long mantissas) falls back to `Number()`.
 * Empty cells are NaN, not 0.
 */
function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number {
  let position = start;
  let negative = false;
  if (position < end && (bytes[position] === 45 || bytes[position] === 43)) {
    negative = bytes[position] === 45;
    position += 1;
  }
  let mantissa = 0;
  let digitCount = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  for (; position < end; position += 1) {
    const byte = bytes[position] as number;
    if (byte >= 48 && byte <= 57) {
      mantissa = mantissa * 10 + (byte - 48);
      digitCount += 1;
      if (seenPoint) fractionDigits += 1;
    } else if (byte === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      break;
    }
  }
  if (position === end && digitCount > 0 && digitCount <= 15) {
    const magnitude = mantissa / (POWERS_OF_TEN[fractionDigits] as number);
    return negative ? -magnitude : magnitude;
  }
  const cell = unquote(text(bytes, start, end).trim());
  return cell.length === 0 ? Number.NaN : Number(cell);
}

function text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8");
}

function unquote(cell: string): string {
  return cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1) : cell;
}
