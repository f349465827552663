import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { AuthUser } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { bool, Db } from '../../database/db';
import { DateRange, monthsOf, resolveRange } from '../date-range';
import { MeasureDefinition, SOURCES } from '../definitions';
import { deidentifiedFor } from '../deidentification';
import type { OutcomesParamsDto } from '../dto/report-query.dto';
import { isSuppressed, Published, ReportDocument, ReportHeader, ReportTable } from '../report-document';
import { reportSql } from '../sql-dialect';
import { DISPOSITION_DEFINITION, DISPOSITIONS } from './dispositions';
import { LosConvention, lengthOfStayDefinitions } from './length-of-stay';
import { MORTALITY_DEFINITION } from './mortality';
import { countsOf, deidentifiedViews, emptyCounts, OutcomeCounts, OutcomeGroupView, viewOf } from './outcome-measures';
import { OutcomeGrouping, outcomesQuery, OutcomesRow } from './outcomes-query';
import { DAY_ARITHMETIC_DEFINITION, DISCHARGES_DEFINITION } from './population';
import { INDEX_STAY_DEFINITION, READMISSION_DEFINITION } from './readmission';

export interface OutcomesParameters extends DateRange {
  groupBy: OutcomeGrouping;
  deidentified: boolean;
}

export interface OutcomesJson extends ReportHeader<OutcomesParameters> {
  lengthOfStayConvention: LosConvention;
  groups: OutcomeGroupView[];
  total: OutcomeGroupView;
  suppression: { rule: string; suppressedCells: number } | null;
}

const GROUP_LABEL: Record<OutcomeGrouping, string> = {
  month: 'Month of discharge',
  department: 'Department',
  diagnosisChapter: 'ICD-10-CM chapter of the primary diagnosis',
};
const GROUP_TITLE: Record<OutcomeGrouping, string> = {
  month: 'month of discharge',
  department: 'department',
  diagnosisChapter: 'ICD-10-CM chapter of the primary diagnosis',
};

export const SUPPRESSION_DEFINITION: MeasureDefinition = {
  measure: 'small-cell suppression (de-identified output)',
  rule:
    'Counts from 1 to 10 are not shown ("suppressed"), and neither is any other count, total or rate from which one of them could be ' +
    'worked out (complementary suppression: every row and column that holds a suppressed count holds at least two, adding up to more ' +
    'than 10). Rates and lengths of stay are shown only when all the counts behind them are. Zero is shown. No row names a patient.',
  source: SOURCES.cmsCellSize,
};

/**
 * GET /reports/outcomes: readmissions, length of stay, mortality and dispositions of the inpatient discharges in a
 * date range, by month, department or diagnosis chapter. One SQL statement (outcomes-query.ts) does the counting
 * on either database; this class fills in empty months, divides, suppresses small cells when the output must be
 * de-identified, and attaches the definitions.
 */
@Injectable()
export class OutcomesReport {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async build(user: AuthUser, params: OutcomesParamsDto): Promise<ReportDocument<OutcomesJson>> {
    const range = resolveRange(params, this.clock.now());
    const groupBy = params.groupBy ?? 'month';
    const deidentified = deidentifiedFor(user, params.deidentified);
    const losConvention = this.config.get('LOS_CONVENTION');
    const { groups, total } = await this.counts(range, groupBy, losConvention);

    const views = deidentified ? deidentifiedViews(groups, total) : { groups: groups.map((g) => viewOf(g)), total: viewOf(total), suppressedCells: 0 };
    const parameters: OutcomesParameters = { ...range, groupBy, deidentified };
    const json: OutcomesJson = {
      report: 'outcomes',
      title: 'Inpatient outcomes: 30-day readmission, length of stay, in-hospital mortality, discharge dispositions',
      parameters,
      generatedAt: this.clock.nowIso(),
      deidentified,
      lengthOfStayConvention: losConvention,
      groups: views.groups,
      total: views.total,
      suppression: deidentified ? { rule: SUPPRESSION_DEFINITION.rule, suppressedCells: views.suppressedCells } : null,
      definitions: [
        DISCHARGES_DEFINITION, INDEX_STAY_DEFINITION, READMISSION_DEFINITION, ...lengthOfStayDefinitions(losConvention),
        MORTALITY_DEFINITION, DISPOSITION_DEFINITION, DAY_ARITHMETIC_DEFINITION, ...(deidentified ? [SUPPRESSION_DEFINITION] : []),
      ],
    };
    return {
      type: 'outcomes',
      json,
      table: outcomesTable(json),
      chart: outcomesChart(json),
      filename: `outcomes-${range.from}-${range.to}-${groupBy}${deidentified ? '-deidentified' : ''}`,
    };
  }

  /** The counts per group and in total, from the database; every month of the range present when grouping by month. */
  async counts(range: DateRange, groupBy: OutcomeGrouping, losConvention: LosConvention): Promise<{ groups: OutcomeCounts[]; total: OutcomeCounts }> {
    const q = outcomesQuery(reportSql(this.db.dialect), { ...range, groupBy, losConvention });
    const rows = await this.db.query<OutcomesRow>(q.text, q.params);
    const totalRow = rows.find((r) => bool(r.is_total));
    const total = totalRow ? countsOf(totalRow, 'Total') : emptyCounts('Total');
    const byGroup = new Map(rows.filter((r) => !bool(r.is_total)).map((r) => [String(r.grp), countsOf(r, String(r.grp))]));
    // Sorted here, not by SQL: the two databases collate text differently. Chapters go in code order (A00 first).
    const sortKey = (g: string) => (groupBy === 'diagnosisChapter' ? `${/\(([A-Z0-9]{3})-[A-Z0-9]{3}\)$/.exec(g)?.[1] ?? '~'} ${g}` : g);
    const names = groupBy === 'month' ? monthsOf(range) : [...byGroup.keys()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    return { groups: names.map((g) => byGroup.get(g) ?? emptyCounts(g)), total };
  }
}

const MEASURE_COLUMNS = [
  'discharges', 'indexStays', 'readmissions', 'readmissionRate', 'averageLengthOfStay', 'medianLengthOfStay', 'deaths',
  'mortalityEligibleDischarges', 'mortalityRate',
] as const;

/** One row per group, then the total; dispositions as columns `disposition:home`, ... */
export function outcomesTable(json: OutcomesJson): ReportTable {
  const columns = ['group', ...MEASURE_COLUMNS, ...DISPOSITIONS.map((d) => `disposition:${d}`)];
  const row = (g: OutcomeGroupView) => [g.group, ...MEASURE_COLUMNS.map((m) => g[m]), ...DISPOSITIONS.map((d) => g.dispositions[d])];
  return { columns, rows: [...json.groups.map(row), row(json.total)] };
}

const percent = (v: Published<number | null>) => (isSuppressed(v) || v === null ? null : Math.round(v * 1000) / 10);
const plain = (v: Published<number | null>) => (isSuppressed(v) || v === null ? null : v);

/** Rates in percent on the left axis, average length of stay in days on the right; lines by month, bars otherwise. */
function outcomesChart(json: OutcomesJson) {
  const p = json.parameters;
  const categories = json.groups.map((g) => (p.groupBy === 'diagnosisChapter' ? shortChapter(g.group) : g.group));
  const notes = [`Inpatient discharges ${p.from} to ${p.to}`, `length of stay: ${json.lengthOfStayConvention}`];
  if (json.deidentified) notes.push('de-identified: counts 1-10 and values derived from them are not shown');
  return {
    kind: p.groupBy === 'month' ? ('line' as const) : ('bar' as const),
    title: `Inpatient outcomes by ${GROUP_TITLE[p.groupBy]}`,
    subtitle: notes.join(' · '),
    xName: GROUP_LABEL[p.groupBy],
    categories,
    yAxes: [{ name: 'Rate (%)' }, { name: 'Length of stay (days)' }],
    series: [
      { name: '30-day readmission rate (%)', data: json.groups.map((g) => percent(g.readmissionRate)) },
      { name: 'In-hospital mortality (%)', data: json.groups.map((g) => percent(g.mortalityRate)) },
      { name: 'Average length of stay (days)', data: json.groups.map((g) => plain(g.averageLengthOfStay)), yAxis: 1 },
    ],
  };
}

/** 'Diseases of the circulatory system (I00-I99)' -> 'I00-I99 circulatory system' style short labels for an axis. */
function shortChapter(name: string): string {
  const m = /^(.*) \(([A-Z0-9]{3}-[A-Z0-9]{3})\)$/.exec(name);
  if (!m) return name.length > 28 ? `${name.slice(0, 27)}…` : name;
  const words = m[1].replace(/^(Diseases of the|Certain|Diseases of)\s+/i, '');
  return `${m[2]} ${words.length > 22 ? `${words.slice(0, 21)}…` : words}`;
}
