/**
 * Wall-clock time in a named time zone, with nothing but Intl: the hospital's "22:00" is local time
 * (AUDIT_TIME_ZONE, e.g. America/New_York), while the trail stores UTC.
 */

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date and clock time of an instant. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute };
}

/** 'YYYY-MM-DD' of a local date. */
export function localDate(t: Pick<LocalTime, 'year' | 'month' | 'day'>): string {
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/**
 * The instant at which the local clock in `timeZone` reads `t` (for a time skipped by a daylight-saving jump,
 * the instant just after it).
 */
export function zonedToUtc(t: LocalTime, timeZone: string): number {
  const wanted = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  let guess = wanted;
  // Two corrections settle it: the offset at the guess, then the offset at the corrected guess.
  for (let i = 0; i < 2; i++) {
    const seen = localTime(guess, timeZone);
    const seenMs = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    guess += wanted - seenMs;
  }
  return guess;
}

/** A daily span of local clock time, such as 22:00-06:00 (start inclusive, end exclusive, may wrap midnight). */
export interface DailySpan {
  startMinute: number;
  endMinute: number;
}

export function parseDailySpan(text: string): DailySpan {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a HH:MM-HH:MM span: ${text}`);
  return { startMinute: Number(m[1]) * 60 + Number(m[2]), endMinute: Number(m[3]) * 60 + Number(m[4]) };
}

/** Is a local minute of the day inside the span? An empty span (start = end) contains nothing. */
export function inDailySpan(minuteOfDay: number, span: DailySpan): boolean {
  const { startMinute: s, endMinute: e } = span;
  if (s === e) return false;
  return s < e ? minuteOfDay >= s && minuteOfDay < e : minuteOfDay >= s || minuteOfDay < e;
}

export function formatSpan(span: DailySpan): string {
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hm(span.startMinute)}-${hm(span.endMinute)}`;
}
