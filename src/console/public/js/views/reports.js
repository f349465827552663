// Reports: outcomes, the audit summary and the ROI report, each as the SVG chart the API draws (format=svg,
// shown through an <img> so its markup never enters the page), the numbers as tables, and the definitions.
// A quality analyst always gets de-identified outcomes; the answer says so and states the suppression rule.

import { api, messageOf } from '../lib/api.js';
import { announce, append, field, h, replace } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { session } from '../lib/session.js';
import { definitions, reportTables } from './report-tables.js';

const REPORTS = [
  { type: 'outcomes', path: '/reports/outcomes', permission: 'report:outcomes', label: 'Patient outcomes' },
  { type: 'audit-summary', path: '/reports/audit-summary', permission: 'report:audit', label: 'Audit summary' },
  { type: 'roi', path: '/reports/roi', permission: 'report:roi', label: 'Release of information' },
];
const state = { type: null, from: '', to: '', groupBy: 'month', interval: '', deidentified: false };
let objectUrl = null;

export function render(root) {
  const allowed = REPORTS.filter((r) => session.can(r.permission));
  if (!allowed.some((r) => r.type === state.type)) state.type = allowed[0]?.type ?? null;
  const output = h('div', { class: 'report-output', 'aria-live': 'polite' });
  append(root, h('h1', { tabindex: '-1' }, 'Reports'));
  if (!allowed.length) {
    append(root, h('p', { class: 'card' }, `The role ${session.user().role} may run no report.`));
    return undefined;
  }

  const input = (key, props) => {
    const el = h('input', { ...props, value: state[key], onchange: () => { state[key] = el.value; } });
    return el;
  };
  const choose = (key, options) => {
    const el = h('select', { onchange: () => { state[key] = el.value; showOptions(); } },
      options.map(([v, label]) => h('option', { value: v, selected: state[key] === v }, label)));
    return el;
  };
  const groupBy = field('Group by', choose('groupBy', [['month', 'month of discharge'], ['department', 'department'], ['diagnosisChapter', 'ICD-10-CM chapter']]));
  const interval = field('Interval', choose('interval', [['', 'automatic'], ['day', 'day'], ['month', 'month']]));
  const deid = h('input', { type: 'checkbox', checked: state.deidentified, onchange: () => { state.deidentified = deid.checked; } });
  const deidField = h('div', { class: 'field checkbox' }, h('label', {}, deid, ' De-identified (small cells suppressed)'));
  const showOptions = () => {
    groupBy.hidden = state.type !== 'outcomes';
    interval.hidden = state.type !== 'audit-summary';
    deidField.hidden = state.type === 'audit-summary';
  };

  const form = h('form', {
    class: 'filters',
    onsubmit: (e) => {
      e.preventDefault();
      run(output);
    },
  },
  field('Report', choose('type', allowed.map((r) => [r.type, r.label]))),
  field('From', input('from', { type: 'date' })), field('To', input('to', { type: 'date' })),
  groupBy, interval, deidField,
  h('button', { class: 'primary' }, 'Run the report'));
  showOptions();
  append(root, form, output);
  run(output);
  return undefined;
}

async function run(output) {
  const spec = REPORTS.find((r) => r.type === state.type);
  const query = { from: state.from, to: state.to };
  if (spec.type === 'outcomes') query.groupBy = state.groupBy;
  if (spec.type === 'audit-summary') query.interval = state.interval;
  if (spec.type !== 'audit-summary' && state.deidentified) query.deidentified = 'true';
  replace(output, h('p', { class: 'loading' }, 'Running the report…'));
  const started = performance.now();
  const [json, svg] = await Promise.all([api('GET', spec.path, { query }), api('GET', spec.path, { query: { ...query, format: 'svg' }, as: 'blob' })]);
  if (!json.ok) {
    replace(output, h('p', { class: 'form-error', role: 'alert' }, `Refused: ${messageOf(json)}`));
    return;
  }
  const r = json.data;
  if (objectUrl) URL.revokeObjectURL(objectUrl);
  objectUrl = svg.ok ? URL.createObjectURL(svg.data) : null;
  const timing = h('p', { class: 'hint chart-timing' });
  const img = objectUrl ? h('img', { class: 'chart', src: objectUrl, alt: `${r.title}. The table below gives the same numbers.`, width: '1280', height: '720' }) : null;
  img?.addEventListener('load', () => {
    const ms = Math.round(performance.now() - started);
    img.dataset.renderMs = String(ms);
    replace(timing, `Chart drawn ${ms} ms after the click (both requests included).`);
  });
  replace(output,
    h('h2', {}, r.title),
    h('p', {}, `${r.parameters.from} to ${r.parameters.to} · generated ${dateTime(r.generatedAt)} `,
      r.deidentified ? h('span', { class: 'badge badge-ok' }, 'de-identified') : h('span', { class: 'badge badge-warn' }, 'identifiable counts')),
    r.deidentified && r.suppression ? h('p', { class: 'card suppression' }, h('strong', {}, 'Suppression: '), r.suppression.rule, ` (${r.suppression.suppressedCells} cells suppressed)`) : null,
    h('figure', { class: 'chart-figure' }, img ?? h('p', { class: 'form-error' }, `No chart: ${messageOf(svg)}`), h('figcaption', {}, r.title), timing),
    h('h3', {}, 'The numbers'),
    reportTables(r),
    h('h3', {}, 'Definitions'),
    definitions(r));
  announce(`${r.title} ready`);
}
