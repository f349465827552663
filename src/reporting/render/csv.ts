import { stringify } from 'csv-stringify/sync';
import { neutralizeCell } from '../../common/csv-cells';
import { CellValue, isSuppressed, ReportTable } from '../report-document';

/** CSV text of a cell: a withheld value is the word `suppressed`, never a number; no value is an empty field. */
export function csvCell(v: CellValue): string | number {
  if (isSuppressed(v)) return 'suppressed';
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v;
}

/**
 * RFC 4180 CSV (CRLF line ends, quoted where needed), header row first. Deterministic. Text cells that a
 * spreadsheet would run as a formula (a department named `=HYPERLINK(...)`) are neutralized (common/csv-cells.ts).
 */
export function renderCsv(table: ReportTable): string {
  return stringify([table.columns, ...table.rows.map((row) => row.map((v) => neutralizeCell(csvCell(v))))], { record_delimiter: 'windows' });
}
