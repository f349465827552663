import { InvalidInput } from '../../common/errors';
import { DateRange, MAX_RANGE_DAYS, daysBetween } from '../date-range';
import { READMISSION_WINDOW_DAYS } from './readmission';

/**
 * The release grid of de-identified outcome reports (docs/outcome-measures.md, "Differencing"): whole calendar
 * months, and only months that are closed. Any day boundary would let two reports one day apart be subtracted
 * (38 -> 39 Pediatrics discharges: one child, found in the data). On the grid, every de-identified number is a sum
 * of month cells whose suppression was decided once, on the month itself (grid-release.ts).
 *
 * A month is closed when its 30-day readmission window is over: the day after its last day + 30 days has begun.
 * Before then the same month asked twice could differ by the stays discharged or readmitted in between, and the
 * difference would be a count of one or two patients.
 *
 * A request off the grid is refused (400 naming the field and the grid), not snapped: an answer for other dates
 * than asked would be easy to misread, and the refusal teaches why.
 */
export const RELEASE_GRID_RULE =
  'De-identified outcomes are released on a fixed grid of whole calendar months: from = the first day of a month, to = the last ' +
  `day of a month, and only months whose ${READMISSION_WINDOW_DAYS}-day readmission window has closed.`;

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

/** The last day 'YYYY-MM-DD' of the month of a date. */
export function lastDayOfMonth(date: string): string {
  const d = new Date(ms(`${date.slice(0, 7)}-01`));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return iso(d.getTime() - DAY_MS);
}

/** The latest closed month 'YYYY-MM' on the UTC date of `now`. */
export function latestClosedMonth(now: Date): string {
  const today = iso(now.getTime());
  // The month whose last day is at least READMISSION_WINDOW_DAYS + 1 days before today.
  const lastAllowedEnd = iso(ms(today) - (READMISSION_WINDOW_DAYS + 1) * DAY_MS);
  const month = lastAllowedEnd.slice(0, 7);
  if (lastDayOfMonth(lastAllowedEnd) === lastAllowedEnd) return month;
  const d = new Date(ms(`${month}-01`));
  d.setUTCMonth(d.getUTCMonth() - 1);
  return iso(d.getTime()).slice(0, 7);
}

/**
 * The range of a de-identified request, on the grid. Defaults: the twelve latest closed months. Throws a 400
 * naming `from` or `to` when a given date is off the grid or the month is not closed yet.
 */
export function gridRange(q: { from?: string; to?: string }, now: Date): DateRange {
  const closed = latestClosedMonth(now);
  const to = q.to ?? lastDayOfMonth(`${closed}-01`);
  if (lastDayOfMonth(to) !== to) {
    throw InvalidInput.field('to', `must be the last day of a calendar month (e.g. ${lastDayOfMonth(to)}): ${RELEASE_GRID_RULE}`);
  }
  if (to.slice(0, 7) > closed) {
    throw InvalidInput.field('to', `must be at most ${lastDayOfMonth(`${closed}-01`)}, the end of the latest closed month: ${RELEASE_GRID_RULE}`);
  }
  let from = q.from;
  if (from === undefined) {
    const d = new Date(ms(`${to.slice(0, 7)}-01`));
    d.setUTCMonth(d.getUTCMonth() - 11);
    from = iso(d.getTime());
  }
  if (!from.endsWith('-01')) throw InvalidInput.field('from', `must be the first day of a calendar month (e.g. ${from.slice(0, 7)}-01): ${RELEASE_GRID_RULE}`);
  if (from > to) throw InvalidInput.field('from', 'must not be after to');
  if (daysBetween(from, to) > MAX_RANGE_DAYS) throw InvalidInput.field('from', `the range may span at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}
