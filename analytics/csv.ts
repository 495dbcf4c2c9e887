import { SeriesInputError } from "./errors.ts";
import { parseTimestamp } from "./timestamp.ts";

/** One data row as it was read: the original text (written back unchanged) and its parsed values. */
export type SeriesRowHandler = (
  timestampText: string,
  valueText: string,
  timestamp: number,
  value: number,
) => void;

/**
 * Incremental parser of a `timestamp,value` CSV: feed it text chunks as they arrive and it calls
 * `onRow` for every complete data row, keeping only the unfinished last line in memory.
 * Columns are found by name in the header (extra columns are ignored); blank lines are skipped.
 *
 * @example
 * const parser = new SeriesCsvParser((text, valueText, timestamp, value) => rows.push(value));
 * parser.push("timestamp,value\n2014-02-14 14:27:00,1.5\n");
 * parser.end();
 */
export class SeriesCsvParser {
  private readonly onRow: SeriesRowHandler;
  private carry = "";
  private line = 0;
  private timestampColumn = -1;
  private valueColumn = -1;
  private columnCount = 0;
  private rowCount = 0;

  constructor(onRow: SeriesRowHandler) {
    this.onRow = onRow;
  }

  /** Data rows parsed so far. */
  get rows(): number {
    return this.rowCount;
  }

  push(chunk: string): void {
    const text = this.carry.length > 0 ? this.carry + chunk : chunk;
    let start = 0;
    let newline = text.indexOf("\n", start);
    while (newline !== -1) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.parseLine(text, start, end);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    this.carry = start < text.length ? text.slice(start) : "";
  }

  /** Parses the last line when the input does not end with a newline, and checks a header was seen. */
  end(): void {
    if (this.carry.length > 0) {
      const text = this.carry;
      this.carry = "";
      const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
      this.parseLine(text, 0, end);
    }
    if (this.timestampColumn === -1) {
      throw new SeriesInputError(
        "CSV_BAD_HEADER",
        "Line 1: the input is empty; expected a header 'timestamp,value'",
        {
          line: 1,
        },
      );
    }
  }

  private parseLine(text: string, start: number, end: number): void {
    this.line += 1;
    if (end <= start) return;
    if (this.timestampColumn === -1) {
      this.parseHeader(text.slice(start, end));
      return;
    }
    let timestampText: string;
    let valueText: string;
    const comma = text.indexOf(",", start);
    if (this.columnCount === 2 && this.timestampColumn === 0 && comma !== -1 && comma < end) {
      timestampText = text.slice(start, comma);
      valueText = text.slice(comma + 1, end);
      if (valueText.includes(","))
        this.fail(`expected 2 columns, got ${valueText.split(",").length + 1}`);
    } else {
      const cells = text.slice(start, end).split(",");
      if (cells.length !== this.columnCount) {
        this.fail(`expected ${this.columnCount} columns, got ${cells.length}`);
      }
      timestampText = cells[this.timestampColumn] ?? "";
      valueText = cells[this.valueColumn] ?? "";
    }
    const timestamp = parseTimestamp(unquote(timestampText));
    if (Number.isNaN(timestamp)) {
      this.fail(`timestamp '${timestampText}' is not a date-time such as 2014-02-14 14:27:00`);
    }
    const value = valueText.length === 0 ? Number.NaN : Number(unquote(valueText));
    if (!Number.isFinite(value)) this.fail(`value '${valueText}' is not a finite number`);
    this.rowCount += 1;
    this.onRow(timestampText, valueText, timestamp, value);
  }

  private parseHeader(header: string): void {
    const names = header
      .replace(/^\uFEFF/, "")
      .split(",")
      .map((name) => unquote(name.trim()).toLowerCase());
    this.timestampColumn = names.indexOf("timestamp");
    this.valueColumn = names.indexOf("value");
    this.columnCount = names.length;
    if (this.timestampColumn === -1 || this.valueColumn === -1) {
      this.timestampColumn = -1;
      throw new SeriesInputError(
        "CSV_BAD_HEADER",
        `Line ${this.line}: header '${header}' must name the columns 'timestamp' and 'value'`,
        { line: this.line },
      );
    }
  }

  private fail(problem: string): never {
    throw new SeriesInputError("CSV_BAD_ROW", `Line ${this.line}: ${problem}`, { line: this.line });
  }
}

function unquote(text: string): string {
  return text.length >= 2 && text.charCodeAt(0) === 34 && text.charCodeAt(text.length - 1) === 34
    ? text.slice(1, -1)
    : text;
}
