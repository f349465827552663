import { InvalidInput } from '../common/errors';

/** Inclusive calendar dates (UTC) of a report. */
export interface DateRange {
  from: string;
  to: string;
}

/** Longest range one report may cover: ten years. */
export const MAX_RANGE_DAYS = 3660;

const DAY_MS = 86_400_000;
const ms = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

/** Days from `from` to `to` (to - from). */
export function daysBetween(from: string, to: string): number {
  return Math.round((ms(to) - ms(from)) / DAY_MS);
}

/**
 * The range asked for, with defaults: `to` = today (UTC), `from` = the first day of the month eleven months
 * earlier (twelve whole calendar months, the current one included).
 */
export function resolveRange(q: { from?: string; to?: string }, now: Date): DateRange {
  const to = q.to ?? now.toISOString().slice(0, 10);
  let from = q.from;
  if (!from) {
    const d = new Date(ms(to));
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 11);
    from = d.toISOString().slice(0, 10);
  }
  if (from > to) throw InvalidInput.field('from', 'must not be after to');
  if (daysBetween(from, to) > MAX_RANGE_DAYS) throw InvalidInput.field('from', `the range may span at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** Every calendar month 'YYYY-MM' from the month of `from` to the month of `to`. */
export function monthsOf(range: DateRange): string[] {
  const out: string[] = [];
  const d = new Date(ms(`${range.from.slice(0, 7)}-01`));
  const last = range.to.slice(0, 7);
  for (let m = d.toISOString().slice(0, 7); m <= last; m = d.toISOString().slice(0, 7)) {
    out.push(m);
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}
