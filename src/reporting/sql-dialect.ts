import type { Dialect } from '../database/dialect';

/**
 * The few SQL expressions the reports need that SQLite and PostgreSQL spell differently. Everything else in the
 * report queries is the same text on both databases (window functions, CASE, EXISTS, GROUP BY).
 *
 * Day arithmetic, one convention for every report: times are stored as ISO-8601 UTC text, and the calendar date
 * of a time is its UTC date, the first ten characters ('2030-01-31T23:30:00.000Z' is on 2030-01-31). A number of
 * days between two times is the difference of their calendar dates, a whole number: from 2030-01-31 at 23:30 to
 * 2030-02-01 at 00:10 is one day; from 2030-01-31 at 00:10 to 2030-01-31 at 23:30 is zero days.
 */
export interface ReportSql {
  readonly dialect: Dialect;
  /** The calendar date 'YYYY-MM-DD' of an ISO timestamp expression. */
  dateOf(timestamp: string): string;
  /** The calendar month 'YYYY-MM' of an ISO timestamp expression. */
  monthOf(timestamp: string): string;
  /** Whole days from date `from` to date `to` (both 'YYYY-MM-DD' expressions): to - from, an integer. */
  daysBetween(fromDate: string, toDate: string): string;
  /** The date `days` days after a 'YYYY-MM-DD' expression, as 'YYYY-MM-DD' text (compares with stored times). */
  plusDays(date: string, days: number): string;
}

export function reportSql(dialect: Dialect): ReportSql {
  const common = {
    dialect,
    dateOf: (t: string) => `substr(${t}, 1, 10)`,
    monthOf: (t: string) => `substr(${t}, 1, 7)`,
  };
  if (dialect === 'postgres') {
    return {
      ...common,
      daysBetween: (a, b) => `(CAST(${b} AS date) - CAST(${a} AS date))`,
      plusDays: (d, n) => `to_char(CAST(${d} AS date) + ${wholeDays(n)}, 'YYYY-MM-DD')`,
    };
  }
  return {
    ...common,
    // julianday of two midnights differs by a whole number: the cast only changes its type.
    daysBetween: (a, b) => `CAST(julianday(${b}) - julianday(${a}) AS INTEGER)`,
    plusDays: (d, n) => `date(${d}, '${wholeDays(n) >= 0 ? '+' : ''}${wholeDays(n)} days')`,
  };
}

function wholeDays(n: number): number {
  if (!Number.isInteger(n)) throw new Error(`days must be a whole number, not ${n}`);
  return n;
}

/** The first instant after a calendar date, as stored-time text: times before it fall on or before that date. */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
