// Instants as the log writes them (`occurredAt`), read digit by digit without `Date.parse`: by the read models on the
// main thread (projections/time.ts) and by the audit trail's thread (projections/auditTable.js). Plain JavaScript with
// its types in instants.d.ts: a worker thread runs plain Node, without the TypeScript loader (like auditTable.js).

/** The digit at `i` of `s` (0–9), or a negative number or one over 9 for any other character. */
const digit = (s, i) => s.charCodeAt(i) - 48;

/** The two digits at `i` of `s` as a number, or -1 when either is not a digit. */
function twoDigits(s, i) {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * An instant in the shapes the log's `occurredAt` takes (`2019-10-10T07:08:56.619Z`, from `toISOString`, or with an offset,
 * `…T15:08:56.619+08:00`; milliseconds or none), as milliseconds computed without `Date.parse` (a quarter of a microsecond
 * for every event a start reads, issue 12, aim 1); NaN for any other shape or any field out of the plain ranges (a year
 * before 1000, an hour of 24, a 60th second…), which `Date.parse` then reads. Where it answers, it is what `Date.parse`
 * answers (a day past its month's end rolls over in both: tests/projections/instantMs.unit.test.ts).
 */
export function writtenMs(s) {
  // Not a string (a value the types did not foresee): left to the reading as before, which says what it was given.
  if (typeof s !== 'string') return Number.NaN;
  const n = s.length;
  const fraction = n === 24 || n === 29;
  if (!(fraction || n === 20 || n === 25)) return Number.NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return Number.NaN;
  const century = twoDigits(s, 0);
  const yearOfCentury = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (century < 10 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  let milliseconds = 0;
  if (fraction) {
    if (s.charCodeAt(19) !== 46) return Number.NaN;
    const a = digit(s, 20);
    const bc = twoDigits(s, 21);
    if (a < 0 || a > 9 || bc < 0) return Number.NaN;
    milliseconds = a * 100 + bc;
  }
  const zone = fraction ? 23 : 19;
  let offsetMinutes = 0;
  if (n - zone === 1) {
    if (s.charCodeAt(zone) !== 90) return Number.NaN;
  } else {
    const sign = s.charCodeAt(zone);
    const offsetHour = twoDigits(s, zone + 1);
    const offsetMinute = twoDigits(s, zone + 4);
    if (
      (sign !== 43 && sign !== 45) ||
      s.charCodeAt(zone + 3) !== 58 ||
      offsetHour < 0 ||
      offsetHour > 23 ||
      offsetMinute < 0 ||
      offsetMinute > 59
    )
      return Number.NaN;
    offsetMinutes = (sign === 43 ? 1 : -1) * (offsetHour * 60 + offsetMinute);
  }
  return Date.UTC(century * 100 + yearOfCentury, month - 1, day, hour, minute, second, milliseconds) - offsetMinutes * 60_000;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The milliseconds of a time written in the canonical form `toISOString` gives (YYYY-MM-DDTHH:mm:ss.sssZ,
 * a year from 1000 to 9999, every field in its range), undefined for any other text: for those,
 * `new Date(ms).toISOString()` gives the text back, as `Date.parse` and `toISOString` would say at
 * twice the cost (most of a row's JavaScript in the audit trail's thread, about 0.8 µs an event).
 */
export function canonicalMs(text) {
  // `writtenMs` reads this shape too, but rolls a day past its month's end over, which `toISOString` never writes.
  if (typeof text !== 'string' || text.length !== 24 || text.charCodeAt(23) !== 90) return undefined;
  const ms = writtenMs(text);
  if (Number.isNaN(ms)) return undefined;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return twoDigits(text, 8) > (month === 2 && leap ? 29 : DAYS[month - 1]) ? undefined : ms;
}
