import type { MeasureDefinition } from './definitions';
import type { ReportType } from './report-types';

/** A value withheld under the cell-size rule: `{ "suppressed": true }` in JSON, `suppressed` in CSV. */
export interface Suppressed {
  suppressed: true;
}
export const SUPPRESSED: Suppressed = Object.freeze({ suppressed: true as const });
export type Published<T> = T | Suppressed;

export function isSuppressed(v: unknown): v is Suppressed {
  return typeof v === 'object' && v !== null && (v as Suppressed).suppressed === true;
}

export type CellValue = string | number | boolean | null | Suppressed;

/** The CSV form of a report: one header row, then data rows. */
export interface ReportTable {
  columns: string[];
  rows: CellValue[][];
}

/** A chart for a slide: lines over time, or bars by group. Axis names carry their units. */
export interface ChartSpec {
  kind: 'line' | 'bar';
  title: string;
  subtitle?: string;
  xName: string;
  categories: string[];
  yAxes: { name: string; max?: number }[];
  series: { name: string; data: (number | null)[]; yAxis?: number; stack?: string }[];
}

/** The common header of every report's JSON. */
export interface ReportHeader<P> {
  report: ReportType;
  title: string;
  parameters: P;
  generatedAt: string;
  deidentified: boolean;
  definitions: MeasureDefinition[];
}

/** A report, computed once, ready to be rendered in any format. */
export interface ReportDocument<J extends ReportHeader<object> = ReportHeader<object>> {
  type: ReportType;
  json: J;
  table: ReportTable;
  chart: ChartSpec;
  /** File name without extension, e.g. outcomes-2026-01-01-2026-06-30-month. */
  filename: string;
}
