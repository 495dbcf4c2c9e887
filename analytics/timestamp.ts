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
  const length = text.length;
  if (length >= 16 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const separator = text.charCodeAt(10);
    if ((separator === 32 || separator === 84) && text.charCodeAt(13) === 58) {
      const fast = parseFixedLayout(text, length);
      if (!Number.isNaN(fast)) return fast;
    }
  }
  return Date.parse(text);
}

function parseFixedLayout(text: string, length: number): number {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  let second = 0;
  let position = 16;
  if (length >= 19 && text.charCodeAt(16) === 58) {
    second = digits(text, 17, 2);
    position = 19;
    if (position < length && text.charCodeAt(position) === 46) {
      let fraction = 0;
      let scale = 1;
      position += 1;
      while (position < length) {
        const digit = text.charCodeAt(position) - DIGIT_ZERO;
        if (digit < 0 || digit > 9) break;
        fraction = fraction * 10 + digit;
        scale *= 10;
        position += 1;
      }
      second += fraction / scale;
    }
  }
  if (position < length && !(position === length - 1 && text.charCodeAt(position) === 90)) {
    return Number.NaN;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return Number.NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
}

function digits(text: string, start: number, count: number): number {
  let result = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_ZERO;
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
