import type { Permission } from '../access/catalogue';

/** The reports, each with the permission that runs it (and downloads its stored runs). */
export const REPORT_TYPES = ['outcomes', 'audit-summary', 'roi'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_PERMISSION: Readonly<Record<ReportType, Permission>> = {
  outcomes: 'report:outcomes',
  'audit-summary': 'report:audit',
  roi: 'report:roi',
};

export const REPORT_FORMATS = ['json', 'csv', 'svg'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
};
