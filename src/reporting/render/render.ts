import { createHash } from 'node:crypto';
import type { ReportDocument } from '../report-document';
import { CONTENT_TYPES, ReportFormat } from '../report-types';
import { renderSvg } from './chart';
import { renderCsv } from './csv';

export interface RenderedReport {
  format: ReportFormat;
  contentType: string;
  body: string;
  sha256: string;
  filename: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** One rendering of a report. JSON is pretty-printed with a final newline, the form a stored run keeps. */
export function renderReport(doc: ReportDocument, format: ReportFormat): RenderedReport {
  const body = format === 'json' ? `${JSON.stringify(doc.json, null, 2)}\n` : format === 'csv' ? renderCsv(doc.table) : renderSvg(doc.chart);
  return { format, contentType: CONTENT_TYPES[format], body, sha256: sha256Hex(body), filename: `${doc.filename}.${format}` };
}
