import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/request-context';
import { Clock } from '../../common/clock';
import { Db, num } from '../../database/db';
import { OPEN_STATUSES, ROI_STATUSES } from '../../release-of-information/roi-state-machine';
import { DateRange, resolveRange } from '../date-range';
import { MeasureDefinition, SOURCES } from '../definitions';
import { deidentifiedFor } from '../deidentification';
import type { RoiParamsDto } from '../dto/report-query.dto';
import { rate } from '../outcomes/outcome-measures';
import { ChartSpec, isSuppressed, Published, ReportDocument, ReportHeader, ReportTable, SUPPRESSED } from '../report-document';
import { dayAfter, reportSql } from '../sql-dialect';
import { suppressLinkedTables } from '../suppression';

/** Requester types of API.md (POST /roi/requests), in report order; any other value found is listed after them. */
export const REQUESTER_TYPES = ['self', 'provider', 'insurer', 'attorney', 'law_enforcement', 'other'] as const;
/** HIPAA 164.524(b)(2): act within 30 days of receipt. */
export const RIGHT_OF_ACCESS_DAYS = 30;
const TOTAL = 'Total';

export interface RoiParameters extends DateRange {
  deidentified: boolean;
}

export interface RoiRow {
  requesterType: string;
  received: Published<number>;
  byStatus: Record<string, Published<number>>;
  fulfilled: Published<number>;
  medianTurnaroundDays: Published<number | null>;
  p90TurnaroundDays: Published<number | null>;
  fulfilledWithin30Days: Published<number>;
  shareFulfilledWithin30Days: Published<number | null>;
  overdueNow: Published<number>;
}

export interface RoiJson extends ReportHeader<RoiParameters> {
  asOf: string;
  statuses: readonly string[];
  byRequesterType: RoiRow[];
  total: RoiRow;
  suppression: { rule: string; suppressedCells: number } | null;
}

interface Counts {
  requesterType: string;
  byStatus: Record<string, number>;
  received: number;
  fulfilled: number;
  within30: number;
  median: number | null;
  p90: number | null;
  overdue: number;
}

const DEFINITIONS: MeasureDefinition[] = [
  {
    measure: 'volume',
    rule: 'Release-of-information requests received in the range (UTC calendar dates, both ends included), by requester type and by their status today.',
    source: SOURCES.hipaaAccess,
  },
  {
    measure: 'turnaround',
    rule:
      'For requests received in the range and fulfilled (records sent): fulfilment date minus receipt date, in UTC calendar days. ' +
      'Median: the middle value (the mean of the two middle values for an even count). 90th percentile: nearest rank, the smallest ' +
      'turnaround that at least 90% of fulfilled requests do not exceed.',
    source: SOURCES.hipaaAccess,
  },
  {
    measure: 'share fulfilled within 30 days',
    rule: `Fulfilled requests whose turnaround is ${RIGHT_OF_ACCESS_DAYS} days or less, divided by fulfilled requests (day ${RIGHT_OF_ACCESS_DAYS} counts).`,
    numerator: `fulfilled requests with turnaround <= ${RIGHT_OF_ACCESS_DAYS} days`,
    denominator: 'fulfilled requests',
    source: SOURCES.hipaaAccess,
  },
  {
    measure: 'overdue now',
    rule:
      `Requests still open right now (${OPEN_STATUSES.join(', ')}), whatever their receipt date, whose due date has passed: 30 days ` +
      'after receipt, or 60 with the one permitted extension.',
    source: SOURCES.hipaaAccess,
  },
];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * GET /reports/roi: volumes, turnaround and overdue requests of the release-of-information workflow, from the
 * roi_requests table by SQL (GROUP BY; median and 90th percentile with ROW_NUMBER / COUNT window functions).
 */
@Injectable()
export class RoiReport {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async build(user: AuthUser, params: RoiParamsDto): Promise<ReportDocument<RoiJson>> {
    const now = this.clock.nowIso();
    const range = resolveRange(params, this.clock.now());
    const deidentified = deidentifiedFor(user, params.deidentified);
    const counts = await this.counts(range, now);
    const types = counts.filter((c) => c.requesterType !== TOTAL);
    const total = counts.find((c) => c.requesterType === TOTAL)!;
    const suppressed = deidentified ? suppressRoi(types, total) : new Set<string>();
    const json: RoiJson = {
      report: 'roi',
      title: 'Release of information: volume, turnaround and overdue requests',
      parameters: { ...range, deidentified },
      generatedAt: now,
      deidentified,
      asOf: now,
      statuses: ROI_STATUSES,
      byRequesterType: types.map((c) => rowOf(c, suppressed)),
      total: rowOf(total, suppressed),
      suppression: deidentified ? { rule: ROI_SUPPRESSION_DEFINITION.rule, suppressedCells: suppressed.size } : null,
      definitions: [...DEFINITIONS, ...(deidentified ? [ROI_SUPPRESSION_DEFINITION] : [])],
    };
    return { type: 'roi', json, table: roiTable(json), chart: roiChart(json), filename: `roi-${range.from}-${range.to}${deidentified ? '-deidentified' : ''}` };
  }

  /** One Counts per requester type, then the total (requesterType 'Total'). */
  private async counts(range: DateRange, now: string): Promise<Counts[]> {
    const sql = reportSql(this.db.dialect);
    const end = dayAfter(range.to);
    const volume = await this.db.query<{ requester_type: string; status: string; n: unknown }>(
      `SELECT requester_type, status, COUNT(*) AS n FROM roi_requests
        WHERE received_at >= $1 AND received_at < $2 GROUP BY requester_type, status`,
      [range.from, end],
    );
    const turnaround = await this.turnaround(range.from, end, sql.daysBetween(sql.dateOf('received_at'), sql.dateOf('fulfilled_at')));
    const overdue = await this.db.query<{ requester_type: string; n: unknown }>(
      `SELECT requester_type, COUNT(*) AS n FROM roi_requests
        WHERE status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')}) AND due_at < $1 GROUP BY requester_type`,
      [now],
    );
    return tally(volume, turnaround, overdue);
  }

  /** Fulfilled requests per requester type and in all: count, median and 90th percentile days, within 30 days. */
  private turnaround(from: string, end: string, days: string): Promise<Record<string, unknown>[]> {
    return this.db.query<Record<string, unknown>>(
      `WITH t AS (
         SELECT requester_type, ${days} AS days FROM roi_requests
          WHERE received_at >= $1 AND received_at < $2 AND fulfilled_at IS NOT NULL
       ),
       cells AS (
         SELECT 0 AS is_total, requester_type AS grp, days FROM t
         UNION ALL
         SELECT 1 AS is_total, '' AS grp, days FROM t
       ),
       ranked AS (
         SELECT c.*, ROW_NUMBER() OVER (PARTITION BY is_total, grp ORDER BY days) AS k,
                COUNT(*) OVER (PARTITION BY is_total, grp) AS n
           FROM cells c
       )
       SELECT is_total, grp, COUNT(*) AS fulfilled,
              AVG(CASE WHEN k IN ((n + 1) / 2, (n + 2) / 2) THEN days END) AS median_days,
              MIN(CASE WHEN k >= (9 * n + 9) / 10 THEN days END) AS p90_days,
              SUM(CASE WHEN days <= ${RIGHT_OF_ACCESS_DAYS} THEN 1 ELSE 0 END) AS within_30
         FROM ranked GROUP BY is_total, grp`,
      [from, end],
    );
  }
}

/** The query rows as one Counts per requester type (the known ones first, in order), then the total. */
function tally(
  volume: { requester_type: string; status: string; n: unknown }[], turnaround: Record<string, unknown>[], overdue: { requester_type: string; n: unknown }[],
): Counts[] {
  const found = [...volume.map((r) => r.requester_type), ...overdue.map((r) => r.requester_type)];
  const extra = [...new Set(found.filter((t) => !(REQUESTER_TYPES as readonly string[]).includes(t)))].sort(byText);
  const empty = (requesterType: string): Counts => ({
    requesterType, byStatus: Object.fromEntries(ROI_STATUSES.map((s) => [s, 0])), received: 0, fulfilled: 0, within30: 0, median: null, p90: null, overdue: 0,
  });
  const rows = new Map<string, Counts>([...REQUESTER_TYPES, ...extra, TOTAL].map((t) => [t, empty(t)]));
  for (const r of volume) {
    for (const key of [r.requester_type, TOTAL]) {
      const c = rows.get(key)!;
      c.byStatus[r.status] = (c.byStatus[r.status] ?? 0) + num(r.n);
      c.received += num(r.n);
    }
  }
  for (const r of turnaround) {
    const c = rows.get(num(r.is_total) === 1 ? TOTAL : String(r.grp));
    if (!c) continue;
    c.fulfilled = num(r.fulfilled);
    c.within30 = num(r.within_30);
    c.median = r.median_days === null ? null : Number(r.median_days);
    c.p90 = r.p90_days === null ? null : Number(r.p90_days);
  }
  for (const r of overdue) {
    rows.get(r.requester_type)!.overdue += num(r.n);
    rows.get(TOTAL)!.overdue += num(r.n);
  }
  return [...rows.values()];
}

/**
 * What deidentified=true does to this report, said as it is: suppression within one report, for a slide. The report
 * is for ROI staff and the privacy officer, who work the requests themselves; the quality analyst, who sees
 * de-identified aggregates only, does not have it. Unlike the outcomes report's release grid, any date range is
 * allowed here, so two reports over overlapping ranges can be subtracted: this is not de-identified data to release.
 */
export const ROI_SUPPRESSION_DEFINITION: MeasureDefinition = {
  measure: 'small-cell suppression (within this report)',
  rule:
    'Counts from 1 to 10 are not shown ("suppressed"), nor any other count of this report from which one of them could be worked out ' +
    '(complementary suppression across the status, turnaround and overdue tables and their totals). Zero is shown. The suppression holds ' +
    'within one report only: any date range may be asked for, so reports over overlapping ranges can differ by a small count. Use it to ' +
    'show figures to a class, not to release data outside the workforce (for that, the outcomes report\'s monthly release grid).',
  source: SOURCES.cmsCellSize,
};

/**
 * De-identified ROI figures: three tables with margins (rows: requester types, then the total), protected together
 * (suppression.ts): requests by status; fulfilled = within 30 days + later (later is never shown); overdue now.
 */
function suppressRoi(types: Counts[], total: Counts): Set<string> {
  const all = [...types, total];
  const key = (c: Counts) => (c === total ? 'T' : c.requesterType);
  const values = new Map<string, number>();
  for (const c of all) {
    const k = key(c);
    ROI_STATUSES.forEach((s) => values.set(`status=${s}:${k}`, c.byStatus[s] ?? 0));
    values.set(`received:${k}`, c.received);
    values.set(`within30:${k}`, c.within30);
    values.set(`later:${k}`, c.fulfilled - c.within30);
    values.set(`fulfilled:${k}`, c.fulfilled);
    values.set(`overdue:${k}`, c.overdue);
    values.set(`overdueTotal:${k}`, c.overdue);
  }
  const table = (columns: string[], totalColumn: string) => all.map((c) => [...columns, totalColumn].map((col) => `${col}:${key(c)}`));
  const hidden = new Set(all.map((c) => `later:${key(c)}`));
  return suppressLinkedTables(
    [table(ROI_STATUSES.map((s) => `status=${s}`), 'received'), table(['within30', 'later'], 'fulfilled'), table(['overdue'], 'overdueTotal')],
    values,
    hidden,
  );
}

function rowOf(c: Counts, suppressed: ReadonlySet<string>): RoiRow {
  const k = c.requesterType === TOTAL ? 'T' : c.requesterType;
  const show = <T>(cell: string, v: T): Published<T> => (suppressed.has(`${cell}:${k}`) ? SUPPRESSED : v);
  const fulfilledShown = !suppressed.has(`fulfilled:${k}`);
  return {
    requesterType: c.requesterType,
    received: show('received', c.received),
    byStatus: Object.fromEntries(ROI_STATUSES.map((s) => [s, show(`status=${s}`, c.byStatus[s] ?? 0)])),
    fulfilled: show('fulfilled', c.fulfilled),
    // Turnaround figures describe the fulfilled requests: withheld with their count.
    medianTurnaroundDays: fulfilledShown ? c.median : SUPPRESSED,
    p90TurnaroundDays: fulfilledShown ? c.p90 : SUPPRESSED,
    fulfilledWithin30Days: show('within30', c.within30),
    shareFulfilledWithin30Days: fulfilledShown && !suppressed.has(`within30:${k}`) ? rate(c.within30, c.fulfilled) : SUPPRESSED,
    overdueNow: show('overdue', c.overdue),
  };
}

export function roiTable(json: RoiJson): ReportTable {
  const measures = ['fulfilled', 'medianTurnaroundDays', 'p90TurnaroundDays', 'fulfilledWithin30Days', 'shareFulfilledWithin30Days', 'overdueNow'] as const;
  const columns = ['requesterType', 'received', ...json.statuses.map((s) => `status:${s}`), ...measures];
  const row = (r: RoiRow) => [r.requesterType, r.received, ...json.statuses.map((s) => r.byStatus[s]), ...measures.map((m) => r[m])];
  return { columns, rows: [...json.byRequesterType.map(row), row(json.total)] };
}

const STACKS: { name: string; statuses: readonly string[] }[] = [
  { name: 'open', statuses: OPEN_STATUSES },
  { name: 'fulfilled', statuses: ['fulfilled'] },
  { name: 'closed', statuses: ['closed'] },
  { name: 'denied', statuses: ['denied'] },
  { name: 'cancelled', statuses: ['cancelled'] },
];

function roiChart(json: RoiJson): ChartSpec {
  const t = json.total;
  const fmt = (v: Published<number | null>, unit = '') => (isSuppressed(v) ? 'suppressed' : v === null ? 'n/a' : `${v}${unit}`);
  const share = isSuppressed(t.shareFulfilledWithin30Days) || t.shareFulfilledWithin30Days === null ? fmt(t.shareFulfilledWithin30Days) : `${Math.round(t.shareFulfilledWithin30Days * 1000) / 10}%`;
  return {
    kind: 'bar',
    title: 'Release-of-information requests by requester type',
    subtitle:
      `Received ${json.parameters.from} to ${json.parameters.to} · turnaround median ${fmt(t.medianTurnaroundDays, ' days')}, ` +
      `90th percentile ${fmt(t.p90TurnaroundDays, ' days')} · fulfilled within 30 days: ${share} · overdue now: ${fmt(t.overdueNow)}`,
    xName: 'Requester type',
    categories: json.byRequesterType.map((r) => r.requesterType),
    yAxes: [{ name: 'Requests (count)' }],
    series: STACKS.map((s) => ({
      name: s.name,
      stack: 'status',
      data: json.byRequesterType.map((r) => {
        const parts = s.statuses.map((st) => r.byStatus[st]);
        return parts.some(isSuppressed) ? null : parts.reduce<number>((a, v) => a + (v as number), 0);
      }),
    })),
  };
}
