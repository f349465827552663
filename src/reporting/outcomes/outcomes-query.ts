import type { SqlParam } from '../../database/db';
import { dayAfter, ReportSql } from '../sql-dialect';
import { DISPOSITIONS, dispositionColumn } from './dispositions';
import { LosConvention, lengthOfStaySql } from './length-of-stay';
import { DEATH_DISPOSITION, MORTALITY_EXCLUDED_DISPOSITIONS } from './mortality';
import { ACTIVE_ENCOUNTER_SQL, INPATIENT_SQL } from './population';
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

/** The group of the stay aliased `e`. A stay's diagnosis chapter is that of its latest active primary diagnosis. */
function groupSql(sql: ReportSql, groupBy: OutcomeGrouping, e: string): string {
  switch (groupBy) {
    case 'month':
      return sql.monthOf(`${e}.discharged_at`);
    case 'department':
      return `${e}.department`;
    case 'diagnosisChapter':
      return `COALESCE((SELECT d.chapter FROM diagnoses d
          WHERE d.encounter_id = ${e}.id AND d.is_primary = TRUE AND d.status = 'active'
          ORDER BY d.recorded_at DESC, d.id DESC LIMIT 1), '${NO_PRIMARY_DIAGNOSIS}')`;
  }
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
  const los = lengthOfStaySql(sql, input.losConvention, 'e');
  const index = isIndexStaySql('e');
  const excluded = MORTALITY_EXCLUDED_DISPOSITIONS.map((d) => `'${d}'`).join(', ');
  const counts: [string, string][] = [
    ['n', 'COUNT(*)'],
    ['index_stays', 'SUM(is_index)'],
    ['readmissions', 'SUM(readmitted)'],
    ['deaths', `SUM(CASE WHEN disposition = '${DEATH_DISPOSITION}' THEN 1 ELSE 0 END)`],
    ['mortality_eligible', `SUM(CASE WHEN disposition NOT IN (${excluded}) THEN 1 ELSE 0 END)`],
    ...DISPOSITIONS.map((d): [string, string] => [dispositionColumn(d), `SUM(CASE WHEN disposition = '${d}' THEN 1 ELSE 0 END)`]),
  ];
  const names = counts.map(([name]) => name);
  const text = `
    WITH stays AS (
      SELECT ${groupSql(sql, input.groupBy, 'e')} AS grp,
             ${los} AS los_days,
             COALESCE(e.disposition, 'unknown') AS disposition,
             CASE WHEN ${index} THEN 1 ELSE 0 END AS is_index,
             CASE WHEN ${index} AND ${readmissionExistsSql(sql, 'e')} THEN 1 ELSE 0 END AS readmitted
        FROM encounters e
       WHERE ${INPATIENT_SQL('e')}
         AND ${ACTIVE_ENCOUNTER_SQL('e')}
         AND e.discharged_at >= $1 AND e.discharged_at < $2
    ),
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
