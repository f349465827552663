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
import { COHORT_NOT_APPLICABLE, CohortExclusion, cohortExclusions } from './cohort';
import { monthRelease } from './grid-release';
import { gridReport, monthGrids, underConvention } from './grid-views';
import { OutcomeReleases } from './outcome-releases';
import { countsOf, emptyCounts, OutcomeCounts, OutcomeGroupView, viewOf } from './outcome-measures';
import { OutcomeCellRow, outcomeCellsQuery, OutcomeGrouping, outcomesQuery, OutcomesRow } from './outcomes-query';
import { DAY_ARITHMETIC_DEFINITION, DISCHARGES_DEFINITION } from './population';
import { INDEX_STAY_DEFINITION, PLANNED_READMISSION_DEFINITION, READMISSION_DEFINITION } from './readmission';
import { gridRange, lastDayOfMonth, latestClosedMonth, RELEASE_GRID_RULE } from './release-grid';

export interface OutcomesParameters extends DateRange {
  groupBy: OutcomeGrouping;
  deidentified: boolean;
}

export interface OutcomesJson extends ReportHeader<OutcomesParameters> {
  lengthOfStayConvention: LosConvention;
  readmissionCohort: ReadmissionCohort;
  groups: OutcomeGroupView[];
  total: OutcomeGroupView;
  suppression: { rule: string; suppressedCells: number; monthsReleasedAt: Record<string, string> } | null;
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

/** Who the readmission measure is about, and every exclusion with its source (cohort.ts). */
export interface ReadmissionCohort {
  population: string;
  exclusions: CohortExclusion[];
  notApplicable: CohortExclusion[];
}

export const READMISSION_COHORT: ReadmissionCohort = {
  population:
    'Inpatient discharges of adults (18 and over at admission) in the range, all payers. The CMS measure is computed from Medicare claims ' +
    'for beneficiaries 65 and over; its all-payer specification covers adults 18 and over, which is what one hospital\'s records allow.',
  exclusions: cohortExclusions(),
  notApplicable: COHORT_NOT_APPLICABLE,
};

export const SUPPRESSION_DEFINITION: MeasureDefinition = {
  measure: 'small-cell suppression (de-identified output)',
  rule:
    'Counts from 1 to 10 are not shown ("suppressed"), and neither is any other count from which one of them could be worked out ' +
    '(complementary suppression, decided per grid cell = group x calendar month, on both groupings and the month\'s total together, ' +
    'checked by solving every relation between the counts). Zero is shown. A rate or length of stay is shown only when every month ' +
    'of its row shows the counts behind it; a cell\'s length of stay is shown only when its discharges and its number of same-day stays are counts ' +
    'that may be shown (the two length-of-stay conventions differ by exactly the same-day stays). No row names a patient.',
  source: SOURCES.cmsCellSize,
};

export const RELEASE_GRID_DEFINITION: MeasureDefinition = {
  measure: 'release grid (de-identified output)',
  rule:
    `${RELEASE_GRID_RULE} Other dates are refused with a 400 naming the field. Every number shown is the sum of the published grid cells ` +
    'it covers: a group over several months adds up its published months; a total adds up the published month totals (the same ' +
    'total for every grouping). So two reports, whatever their ranges, groupings, runs or length-of-stay convention, differ by sums of ' +
    'published cells, and no suppressed count can be found by subtraction. Numbers over several months are therefore lower bounds ' +
    'when cells were withheld: cellsWithheld counts the months of the row whose discharges were suppressed. A correction of the records ' +
    'after a month was first released does not change it in de-identified reports: each month is kept as first released (suppression.monthsReleasedAt ' +
    'says when); identified reports show the records as they are now.',
  source: SOURCES.cmsCellSize,
};

/** Every definition a report under these settings carries (the JSON's `definitions`, and GET /reports/outcomes/definition). */
export function outcomesDefinitions(losConvention: LosConvention, deidentified: boolean): MeasureDefinition[] {
  return [
    DISCHARGES_DEFINITION, INDEX_STAY_DEFINITION, READMISSION_DEFINITION, PLANNED_READMISSION_DEFINITION, ...lengthOfStayDefinitions(losConvention),
    MORTALITY_DEFINITION, DISPOSITION_DEFINITION, DAY_ARITHMETIC_DEFINITION, ...(deidentified ? [SUPPRESSION_DEFINITION, RELEASE_GRID_DEFINITION] : []),
  ];
}

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
    private readonly releases: OutcomeReleases,
  ) {}

  async build(user: AuthUser, params: OutcomesParamsDto): Promise<ReportDocument<OutcomesJson>> {
    const groupBy = params.groupBy ?? 'month';
    const deidentified = deidentifiedFor(user, params.deidentified);
    const range = deidentified ? gridRange(params, this.clock.now()) : resolveRange(params, this.clock.now());
    const losConvention = this.config.get('LOS_CONVENTION');
    const views = deidentified ? await this.gridViews(range, groupBy, losConvention) : await this.identifiedViews(range, groupBy, losConvention);
    const parameters: OutcomesParameters = { ...range, groupBy, deidentified };
    const json: OutcomesJson = {
      report: 'outcomes',
      title: 'Inpatient outcomes: 30-day readmission, length of stay, in-hospital mortality, discharge dispositions',
      parameters,
      generatedAt: this.clock.nowIso(),
      deidentified,
      lengthOfStayConvention: losConvention,
      readmissionCohort: READMISSION_COHORT,
      groups: views.groups,
      total: views.total,
      suppression: deidentified ? { rule: SUPPRESSION_DEFINITION.rule, suppressedCells: views.suppressedCells, monthsReleasedAt: views.releasedAt ?? {} } : null,
      definitions: outcomesDefinitions(losConvention, deidentified),
    };
    return {
      type: 'outcomes',
      json,
      table: outcomesTable(json),
      chart: outcomesChart(json),
      filename: `outcomes-${range.from}-${range.to}-${groupBy}${deidentified ? '-deidentified' : ''}`,
    };
  }

  /** GET /reports/outcomes/definition: what a report asked with these settings would state, without running it. */
  definition(user: AuthUser, params: { deidentified?: boolean }) {
    const deidentified = deidentifiedFor(user, params.deidentified);
    const losConvention = this.config.get('LOS_CONVENTION');
    return {
      report: 'outcomes' as const,
      deidentified,
      lengthOfStayConvention: losConvention,
      readmissionCohort: READMISSION_COHORT,
      releaseGrid: deidentified ? { unit: 'calendar month', rule: RELEASE_GRID_RULE, latestClosedMonth: latestClosedMonth(this.clock.now()) } : null,
      definitions: outcomesDefinitions(losConvention, deidentified),
    };
  }

  private async identifiedViews(range: DateRange, groupBy: OutcomeGrouping, losConvention: LosConvention) {
    const { groups, total } = await this.counts(range, groupBy, losConvention);
    return { groups: groups.map((g) => viewOf(g)), total: viewOf(total), suppressedCells: 0, releasedAt: undefined };
  }

  /**
   * De-identified: the month grid cells of the range as first released (outcome-releases.ts; months never released
   * before are counted now and stored), suppressed month by month, rows built from published cells.
   */
  async gridViews(range: DateRange, groupBy: OutcomeGrouping, losConvention: LosConvention) {
    const months = monthsOf(range);
    let released = await this.releases.load(months);
    const missing = months.filter((m) => !released.has(m));
    if (missing.length > 0) {
      const span = { from: `${missing[0]}-01`, to: lastDayOfMonth(`${missing[missing.length - 1]}-01`) };
      const q = outcomeCellsQuery(reportSql(this.db.dialect), span);
      const counted = monthGrids(span, await this.db.query<OutcomeCellRow>(q.text, q.params));
      await this.releases.store(counted.filter((g) => missing.includes(g.month)));
      released = await this.releases.load(months);
    }
    const grids = months.map((m) => underConvention(released.get(m)!.grid, losConvention));
    const releases = months.map((m) => monthRelease(released.get(m)!.grid));
    const views = gridReport(grids, groupBy, (names) => sortGroups(groupBy, names), releases);
    return { ...views, releasedAt: Object.fromEntries(months.map((m) => [m, released.get(m)!.releasedAt])) };
  }

  /** The counts per group and in total, from the database; every month of the range present when grouping by month. */
  async counts(range: DateRange, groupBy: OutcomeGrouping, losConvention: LosConvention): Promise<{ groups: OutcomeCounts[]; total: OutcomeCounts }> {
    const q = outcomesQuery(reportSql(this.db.dialect), { ...range, groupBy, losConvention });
    const rows = await this.db.query<OutcomesRow>(q.text, q.params);
    const totalRow = rows.find((r) => bool(r.is_total));
    const total = totalRow ? countsOf(totalRow, 'Total') : emptyCounts('Total');
    const byGroup = new Map(rows.filter((r) => !bool(r.is_total)).map((r) => [String(r.grp), countsOf(r, String(r.grp))]));
    const names = groupBy === 'month' ? monthsOf(range) : sortGroups(groupBy, [...byGroup.keys()]);
    return { groups: names.map((g) => byGroup.get(g) ?? emptyCounts(g)), total };
  }
}

/** Sorted here, not by SQL: the two databases collate text differently. Chapters go in code order (A00 first). */
function sortGroups(groupBy: OutcomeGrouping, names: string[]): string[] {
  const sortKey = (g: string) => (groupBy === 'diagnosisChapter' ? `${/\(([A-Z0-9]{3})-[A-Z0-9]{3}\)$/.exec(g)?.[1] ?? '~'} ${g}` : g);
  return [...names].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

const MEASURE_COLUMNS = [
  'discharges', 'indexStays', 'readmissions', 'readmissionRate', 'averageLengthOfStay', 'medianLengthOfStay', 'deaths',
  'mortalityEligibleDischarges', 'mortalityRate',
] as const;

/**
 * One row per group, then the total; dispositions as columns `disposition:home`, ...; de-identified output adds
 * `cellsWithheld`; the last column names the length-of-stay convention, so the file says what its averages mean.
 */
export function outcomesTable(json: OutcomesJson): ReportTable {
  const extra = json.deidentified ? ['cellsWithheld'] : [];
  const columns = ['group', ...MEASURE_COLUMNS, ...DISPOSITIONS.map((d) => `disposition:${d}`), ...extra, 'lengthOfStayConvention'];
  const row = (g: OutcomeGroupView) => [
    g.group, ...MEASURE_COLUMNS.map((m) => g[m]), ...DISPOSITIONS.map((d) => g.dispositions[d]),
    ...(json.deidentified ? [(g as OutcomeGroupView & { cellsWithheld?: number }).cellsWithheld ?? 0] : []), json.lengthOfStayConvention,
  ];
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
