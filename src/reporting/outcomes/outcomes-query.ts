import type { SqlParam } from '../../database/db';
import type { DateRange } from '../date-range';
import { dayAfter, ReportSql } from '../sql-dialect';
import { DISPOSITIONS, dispositionColumn } from './dispositions';
import { adultAtAdmissionSql, surgicalProcedureSql } from './cohort';
import { LosConvention, lengthOfStaySql } from './length-of-stay';
import { DEATH_DISPOSITION, MORTALITY_EXCLUDED_DISPOSITIONS } from './mortality';
import { ACTIVE_ENCOUNTER_SQL, INPATIENT_SQL, principalDiagnosisSql } from './population';
import { isIndexStaySql, readmissionExistsSql } from './readmission';

export const OUTCOME_GROUPINGS = ['month', 'department', 'diagnosisChapter'] as const;
export type OutcomeGrouping = (typeof OUTCOME_GROUPINGS)[number];

export const NO_PRIMARY_DIAGNOSIS = 'No primary diagnosis recorded';

export interface OutcomesQueryInput {
  /** Inclusive calendar dates 'YYYY-MM-DD' of the discharges. */
  from: string;
  to: string;
  groupBy: OutcomeGrouping;
  losConvention: LosConvention;
}

/** One aggregated row: a group, or the total (is_total = 1). Counts may come back as strings from PostgreSQL. */
export interface OutcomesRow {
  is_total: unknown;
  grp: string;
  discharges: unknown;
  index_stays: unknown;
  readmissions: unknown;
  los_sum: unknown;
  los_median: unknown;
  deaths: unknown;
  mortality_eligible: unknown;
  [disposition: string]: unknown;
}

const GROUP_COLUMN: Record<OutcomeGrouping, string> = { month: 'month', department: 'department', diagnosisChapter: 'chapter' };

/**
 * The stays CTEs: `base` has one row per inpatient discharge in the range (its month, department, chapter of the
 * principal diagnosis, length of stay, whether it was a same-day stay, disposition, and what the readmission cohort
 * needs: principal diagnosis code, adult at admission, surgical procedure); `stays` adds whether it is an index stay
 * (cohort.ts) and whether it was readmitted (readmission.ts).
 */
function staysCtes(sql: ReportSql, input: Pick<OutcomesQueryInput, 'losConvention'>, grp: string): string {
  const midnights = sql.daysBetween(sql.dateOf('e.admitted_at'), sql.dateOf('e.discharged_at'));
  const index = isIndexStaySql();
  return `base AS (
      SELECT e.id, e.patient_id, e.discharged_at,
             ${sql.monthOf('e.discharged_at')} AS month,
             e.department AS department,
             COALESCE(${principalDiagnosisSql('e', 'chapter')}, '${NO_PRIMARY_DIAGNOSIS}') AS chapter,
             ${principalDiagnosisSql('e', 'code')} AS pdx,
             ${lengthOfStaySql(sql, input.losConvention, 'e')} AS los_days,
             CASE WHEN ${midnights} = 0 THEN 1 ELSE 0 END AS same_day,
             COALESCE(e.disposition, 'unknown') AS disposition,
             CASE WHEN ${adultAtAdmissionSql('e', 'p')} THEN 1 ELSE 0 END AS adult,
             CASE WHEN ${surgicalProcedureSql('e')} THEN 1 ELSE 0 END AS surgical
        FROM encounters e JOIN patients p ON p.id = e.patient_id
       WHERE ${INPATIENT_SQL('e')}
         AND ${ACTIVE_ENCOUNTER_SQL('e')}
         AND e.discharged_at >= $1 AND e.discharged_at < $2
    ),
    stays AS (
      SELECT b.${grp} AS grp, b.month, b.department, b.chapter, b.los_days, b.same_day, b.disposition,
             CASE WHEN ${index} THEN 1 ELSE 0 END AS is_index,
             CASE WHEN ${index} AND ${readmissionExistsSql(sql, 'b')} THEN 1 ELSE 0 END AS readmitted
        FROM base b
    )`;
}

/** The counts each query takes per set of stays: name and SQL aggregate over the stays CTE. */
function countColumns(): [string, string][] {
  const excluded = MORTALITY_EXCLUDED_DISPOSITIONS.map((d) => `'${d}'`).join(', ');
  return [
    ['n', 'COUNT(*)'],
    ['index_stays', 'SUM(is_index)'],
    ['readmissions', 'SUM(readmitted)'],
    ['same_day', 'SUM(same_day)'],
    ['deaths', `SUM(CASE WHEN disposition = '${DEATH_DISPOSITION}' THEN 1 ELSE 0 END)`],
    ['mortality_eligible', `SUM(CASE WHEN disposition NOT IN (${excluded}) THEN 1 ELSE 0 END)`],
    ...DISPOSITIONS.map((d): [string, string] => [dispositionColumn(d), `SUM(CASE WHEN disposition = '${d}' THEN 1 ELSE 0 END)`]),
  ];
}

/** One row of the cells query: the stays of one month, department and chapter with one length of stay. */
export interface OutcomeCellRow extends Omit<OutcomesRow, 'is_total' | 'grp' | 'discharges' | 'los_sum' | 'los_median'> {
  month: string;
  department: string;
  chapter: string;
  los_days: unknown;
  n: unknown;
}

/**
 * The finest cells of the release grid (de-identified output, release-grid.ts): the stays counted per calendar
 * month of discharge, department, chapter of the principal diagnosis and length of stay in midnights (the
 * convention is applied when a report is built: length-of-stay.ts). Every published number of a de-identified
 * report is a sum of these, so every grouping and every range is built from the same cells.
 */
export function outcomeCellsQuery(sql: ReportSql, input: DateRange): { text: string; params: SqlParam[] } {
  const counts = countColumns();
  const text = `
    WITH ${staysCtes(sql, { losConvention: 'midnights' }, 'month')}
    SELECT month, department, chapter, los_days, ${counts.map(([name, expr]) => `${expr} AS ${name}`).join(', ')}
      FROM stays
     GROUP BY month, department, chapter, los_days`;
  return { text, params: [input.from, dayAfter(input.to)] };
}

/**
 * The whole outcomes report as one SQL statement, the same text on SQLite and PostgreSQL but for the dialect's
 * date helpers. It returns one row per group plus one total row (is_total = 1), already aggregated:
 *
 *   stays   one row per inpatient discharge in the range: its group, length of stay, disposition, whether it is
 *           an index stay and whether it was readmitted (readmission.ts)
 *   hist    the stays counted per group and length of stay (a histogram: a few hundred rows at most)
 *   cells   the histogram of each group, plus the histogram of all stays (the total)
 *   ranked  running count of stays by length of stay within each group (SUM ... OVER, a window function)
 *
 * The median is read off the running count: the k-th shortest stay is the first length of stay whose running
 * count reaches k, and the median is the mean of the ranks (n+1)/2 and (n+2)/2 (integer division: the same rank
 * twice when n is odd). The database does the counting; the service only divides (rates) and formats. The
 * average is returned as a sum of days so that both databases give the same digits.
 */
export function outcomesQuery(sql: ReportSql, input: OutcomesQueryInput): { text: string; params: SqlParam[] } {
  const counts = countColumns();
  const names = counts.map(([name]) => name);
  const text = `
    WITH ${staysCtes(sql, input, GROUP_COLUMN[input.groupBy])},
    hist AS MATERIALIZED (
      SELECT grp, los_days, ${counts.map(([name, expr]) => `${expr} AS ${name}`).join(', ')}
        FROM stays
       GROUP BY grp, los_days
    ),
    cells AS (
      SELECT 0 AS is_total, grp, los_days, ${names.join(', ')} FROM hist
      UNION ALL
      SELECT 1 AS is_total, '' AS grp, los_days, ${names.map((n) => `SUM(${n}) AS ${n}`).join(', ')} FROM hist GROUP BY los_days
    ),
    ranked AS (
      SELECT c.*,
             SUM(n) OVER (PARTITION BY is_total, grp ORDER BY los_days ROWS UNBOUNDED PRECEDING) AS running_n,
             -- A whole number on both databases (PostgreSQL sums bigints as numeric), so that / below truncates.
             CAST(SUM(n) OVER (PARTITION BY is_total, grp) AS BIGINT) AS group_n
        FROM cells c
    )
    SELECT is_total, grp,
           SUM(n) AS discharges,
           ${names.slice(1).map((n) => `SUM(${n}) AS ${n}`).join(',\n           ')},
           SUM(los_days * n) AS los_sum,
           (MIN(CASE WHEN running_n >= (group_n + 1) / 2 THEN los_days END)
             + MIN(CASE WHEN running_n >= (group_n + 2) / 2 THEN los_days END)) / 2.0 AS los_median
      FROM ranked
     GROUP BY is_total, grp`;
  return { text, params: [input.from, dayAfter(input.to)] };
}
