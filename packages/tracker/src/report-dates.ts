import { CtxkitError } from '@ctxkit/core';

// A calendar day with no time: `20260131` (ccusage's spelling) or `2026-01-31`.
const DAY = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/**
 * Parses a report bound. A bare day (`20260131` or `2026-01-31`) means that whole day in `timeZone`:
 * `since` is its first instant and `until` its last, so `--until 20260131` includes the 31st.
 * Anything else is an instant as `new Date()` reads it (ISO-8601 with a time).
 *
 * @param value - a Date, a bare day, or an ISO-8601 instant
 * @param name - `since` or `until` (which end of a bare day to take; also names the error)
 * @param timeZone - IANA zone of bare days @default 'UTC'
 * @example
 * parseBound('20260131', 'until', 'UTC'); // 2026-01-31T23:59:59.999Z
 */
export function parseBound(
  value: Date | string | undefined,
  name: string,
  timeZone = 'UTC',
): Date | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new CtxkitError('INVALID_ARGUMENT', `invalid ${name} date`, { value: String(value) });
    return value;
  }
  const day = DAY.exec(value.trim());
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d)
      throw new CtxkitError('INVALID_ARGUMENT', `invalid ${name} date`, { value });
    if (name === 'until') return new Date(zonedMidnight(y, m - 1, d + 1, timeZone) - 1);
    return new Date(zonedMidnight(y, m - 1, d, timeZone));
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new CtxkitError('INVALID_ARGUMENT', `invalid ${name} date`, { value: String(value) });
  return date;
}

/** Epoch ms of 00:00 on a calendar day in a time zone (month 0-based; day may overflow). */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const utc = Date.UTC(year, month, day);
  // Two passes: the zone's offset at the guess, then at the corrected instant (DST edges).
  let t = utc - offsetMs(utc, timeZone);
  t = utc - offsetMs(t, timeZone);
  return t;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a zone from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(at: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new CtxkitError('INVALID_ARGUMENT', `unknown time zone ${timeZone}`, { timeZone }, { cause });
    }
    offsetFormatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(at / 1000) * 1000;
}
