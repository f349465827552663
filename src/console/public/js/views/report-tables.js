// The numbers behind each report's chart, as tables (the chart's text alternative). Suppressed cells of a
// de-identified report read "suppressed", as the API sends them.

import { h } from '../lib/dom.js';
import { text } from '../lib/format.js';
import { table } from '../lib/table.js';

function value(v, kind) {
  if (v && typeof v === 'object' && v.suppressed) return h('span', { class: 'badge badge-redacted' }, 'suppressed');
  if (v === null || v === undefined) return '—';
  if (kind === 'rate') return `${(Number(v) * 100).toFixed(1)} %`;
  return text(v);
}

const col = (label, key, kind) => ({ label, cell: (row) => value(row[key], kind) });

const OUTCOMES = [
  col('Group', 'group'), col('Discharges', 'discharges'), col('Index stays', 'indexStays'), col('Readmissions', 'readmissions'),
  col('30-day readmission', 'readmissionRate', 'rate'), col('Average stay (days)', 'averageLengthOfStay'), col('Median stay', 'medianLengthOfStay'),
  col('Deaths', 'deaths'), col('Mortality', 'mortalityRate', 'rate'),
];

const ROI = [
  col('Requester', 'requesterType'), col('Received', 'received'), col('Fulfilled', 'fulfilled'), col('Median days', 'medianTurnaroundDays'),
  col('90th percentile days', 'p90TurnaroundDays'), col('Within 30 days', 'shareFulfilledWithin30Days', 'rate'), col('Overdue now', 'overdueNow'),
];

/** The table(s) of one report answer. */
export function reportTables(report) {
  if (report.report === 'outcomes') {
    return table({ caption: 'Outcomes by group', rows: [...report.groups, report.total], columns: OUTCOMES, scroll: true });
  }
  if (report.report === 'roi') {
    return table({ caption: 'Requests by requester type', rows: [...report.byRequesterType, report.total], columns: ROI, scroll: true });
  }
  if (report.report === 'audit-summary') {
    const t = report.totals;
    const bg = report.breakGlass;
    return h('div', {},
      h('p', {}, `${t.total} audit rows: ${t.success} success, ${t.denied} denied, ${t.error} error. Break-the-glass: ${bg.uses} uses, `,
        `${bg.reviewed} reviewed (${bg.justified} justified, ${bg.violations} violations), ${bg.awaitingReview} awaiting review.`),
      table({ caption: 'Accesses by role', rows: report.byRole, scroll: true, columns: [col('Role', 'role'), col('Success', 'success'), col('Denied', 'denied'), col('Error', 'error'), col('Total', 'total')] }),
      table({ caption: 'Denials by reason', rows: report.denials.byReason, empty: 'No denial in the range.', columns: [col('Reason', 'reason'), col('Count', 'count')] }),
      table({ caption: 'Anomaly findings by rule', rows: report.anomalies.byRule, columns: [col('Rule', 'rule'), col('Findings', 'count')] }));
  }
  return h('p', {}, 'No table for this report.');
}

/** Each measure's rule, numerator, denominator and source. */
export function definitions(report) {
  return h('dl', { class: 'definitions' }, (report.definitions ?? []).map((d) => [
    h('dt', {}, d.measure),
    h('dd', {}, d.rule,
      d.numerator ? h('span', { class: 'def-part' }, `Numerator: ${d.numerator}.`) : null,
      d.denominator ? h('span', { class: 'def-part' }, `Denominator: ${d.denominator}.`) : null,
      d.source ? h('span', { class: 'def-part hint' }, `Source: ${d.source}`) : null),
  ]));
}
