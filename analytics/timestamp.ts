const DIGIT_ZERO = 48;
const MS_PER_DAY = 86_400_000;

/**
 * Parses a series timestamp to epoch milliseconds (UTC), or NaN when it is not one.
 * Fast path for `YYYY-MM-DD HH:MM[:SS[.fff…]]` (space or `T`, optional `Z`), as NAB and
 * CloudWatch exports write them; anything else goes through `Date.parse`.
 *
 * @example
 * parseTimestamp("2014-02-14 14:27:00"); // 1392388020000
 */
export function parseTimestamp(text: string): number {
  const fast = parseCommonLayout(Buffer.from(text, "utf8"), 0, Buffer.byteLength(text, "utf8"));
  return Number.isNaN(fast) ? Date.parse(text) : fast;
}

/**
 * `parseTimestamp` over `bytes[start, end)` of an ASCII/UTF-8 buffer, without making a string
 * on the fast path.
 *
 * @example
 * parseTimestampBytes(Buffer.from("2014-02-14 14:27:00"), 0, 19); // 1392388020000
 */
export function parseTimestampBytes(bytes: Uint8Array, start: number, end: number): number {
  const fast = parseCommonLayout(bytes, start, end);
  if (!Number.isNaN(fast)) return fast;
  return Date.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8"),
  );
}

function parseCommonLayout(bytes: Uint8Array, start: number, end: number): number {
  if (end - start >= 16 && bytes[start + 4] === 45 && bytes[start + 7] === 45) {
    const separator = bytes[start + 10];
    if ((separator === 32 || separator === 84) && bytes[start + 13] === 58) {
      return parseFixedLayout(bytes, start, end);
    }
  }
  return Number.NaN;
}

function parseFixedLayout(bytes: Uint8Array, start: number, end: number): number {
  const year = digits(bytes, start, 4);
  const month = digits(bytes, start + 5, 2);
  const day = digits(bytes, start + 8, 2);
  const hour = digits(bytes, start + 11, 2);
  const minute = digits(bytes, start + 14, 2);
  let second = 0;
  let position = start + 16;
  if (end - start >= 19 && bytes[position] === 58) {
    second = digits(bytes, start + 17, 2);
    position = start + 19;
    if (position < end && bytes[position] === 46) {
      let fraction = 0;
      let scale = 1;
      position += 1;
      while (position < end) {
        const digit = (bytes[position] as number) - DIGIT_ZERO;
        if (digit < 0 || digit > 9) break;
        fraction = fraction * 10 + digit;
        scale *= 10;
        position += 1;
      }
      second += fraction / scale;
    }
  }
  if (position < end && !(position === end - 1 && bytes[position] === 90)) return Number.NaN;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second >= 61) {
    return Number.NaN;
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
}

function digits(bytes: Uint8Array, start: number, count: number): number {
  let result = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = (bytes[index] as number) - DIGIT_ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    result = result * 10 + digit;
  }
  return result;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Parses the commonest layout, `YYYY-MM-DD HH:MM:SS` (or with `T`), at `bytes[start, start + 19)`
 * to epoch milliseconds (UTC), or NaN when those bytes are not exactly that layout with a valid
 * date and time (callers then fall back to `parseTimestampBytes`, which gives the same result
 * for every layout this accepts). Consecutive rows of a series mostly share their date, so the
 * date's epoch day is kept from the previous call instead of recomputed.
 *
 * @example
 * const timestamps = new PlainTimestampParser();
 * timestamps.parse(Buffer.from("2014-02-14 14:27:00"), 0); // 1392388020000
 */
export class PlainTimestampParser {
  /** YYYYMMDD of the last date parsed (−1 before the first), and its epoch milliseconds. */
  private cachedDate = -1;
  private cachedDateMs = 0;

  parse(bytes: Uint8Array, start: number): number {
    if (
      bytes[start + 4] !== 45 ||
      bytes[start + 7] !== 45 ||
      (bytes[start + 10] !== 32 && bytes[start + 10] !== 84) ||
      bytes[start + 13] !== 58 ||
      bytes[start + 16] !== 58
    ) {
      return Number.NaN;
    }
    const century = twoDigits(bytes, start);
    const yearOfCentury = twoDigits(bytes, start + 2);
    const month = twoDigits(bytes, start + 5);
    const day = twoDigits(bytes, start + 8);
    const hour = twoDigits(bytes, start + 11);
    const minute = twoDigits(bytes, start + 14);
    const second = twoDigits(bytes, start + 17);
    if (century < 0 || yearOfCentury < 0 || hour < 0 || minute < 0 || second < 0) return Number.NaN;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
      return Number.NaN;
    }
    const year = century * 100 + yearOfCentury;
    const date = (year * 100 + month) * 100 + day;
    if (date !== this.cachedDate) {
      this.cachedDate = date;
      this.cachedDateMs = daysFromCivil(year, month, day) * MS_PER_DAY;
    }
    // The same arithmetic as parseFixedLayout (all integers below 2⁵³), so the same number.
    return this.cachedDateMs + ((hour * 60 + minute) * 60 + second) * 1000;
  }
}

/** The two decimal digits at `bytes[at]`, `bytes[at + 1]` as a number, or −1 if either is not a digit. */
function twoDigits(bytes: Uint8Array, at: number): number {
  const tens = (bytes[at] as number) - DIGIT_ZERO;
  const ones = (bytes[at + 1] as number) - DIGIT_ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}
