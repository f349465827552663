// One record answer, shown as the role receives it (GET /patients/:id/record, GET /me/record): each section the
// view holds, every redacted field marked with its reason, the view's limits ("withheld") listed, and the
// sections the view does not include named as such. Nothing is hidden or added by the console.

import { h } from '../lib/dom.js';
import { date, dateTime, text } from '../lib/format.js';
import { table } from '../lib/table.js';

const SECTIONS = [
  {
    key: 'encounters', title: 'Encounters',
    columns: [
      ['id', 'Id'], ['class', 'Class'], ['admittedAt', 'Admitted', dateTime], ['dischargedAt', 'Discharged', dateTime],
      ['department', 'Department'], ['reason', 'Reason'], ['disposition', 'Disposition'],
    ],
  },
  {
    key: 'diagnoses', title: 'Diagnoses',
    columns: [['id', 'Id'], ['encounterId', 'Encounter'], ['code', 'ICD-10-CM'], ['description', 'Description'], ['primary', 'Primary', text]],
  },
  {
    key: 'procedures', title: 'Procedures',
    columns: [['id', 'Id'], ['encounterId', 'Encounter'], ['code', 'Code'], ['description', 'Description'], ['performedAt', 'Performed', dateTime]],
  },
  {
    key: 'observations', title: 'Observations',
    columns: [['id', 'Id'], ['encounterId', 'Encounter'], ['display', 'Observation'], ['value', 'Value', null, (o) => `${text(o.value)} ${o.unit ?? ''}`], ['observedAt', 'Observed', dateTime]],
  },
  {
    key: 'notes', title: 'Notes',
    columns: [['id', 'Id'], ['encounterId', 'Encounter'], ['noteType', 'Type'], ['authoredAt', 'Written', dateTime], ['text', 'Text', null, noteText]],
  },
];

/** The record: who sees it and why, its limits, then each section. */
export function recordView(record) {
  const withheld = record.withheld ?? [];
  return [
    accessSummary(record),
    limits(withheld),
    demographics(record.demographics),
    ...SECTIONS.map((s) => section(s, record, withheld.filter((w) => w.section === s.key))),
  ];
}

function accessSummary(record) {
  const access = record.access ?? {};
  return h('section', { class: 'card access-summary', 'aria-labelledby': 'access-title' },
    h('h2', { id: 'access-title' }, 'Why you see this'),
    h('p', {}, 'View: ', h('strong', {}, record.view),
      access.breakGlass ? h('span', { class: 'badge badge-warn' }, 'break-the-glass access: flagged in the audit trail') : null),
    h('ul', { class: 'reasons' }, (access.reasons ?? []).map((r) => h('li', {}, r))));
}

function limits(withheld) {
  return h('section', { class: 'card limits', 'aria-labelledby': 'limits-title' },
    h('h2', { id: 'limits-title' }, 'What this view leaves out'),
    withheld.length
      ? h('ul', { class: 'withheld-list' }, withheld.map((w) => h('li', {},
        h('span', { class: 'badge badge-withheld' }, 'withheld'), ' ', h('strong', {}, w.section), ` (${w.code}): ${w.reason}`)))
      : h('p', {}, 'No rule leaves items out of this view. Sections it does not include are named below.'),
    h('p', { class: 'hint' }, 'Withheld items are absent: the answer never says whether any existed (45 CFR 164.502(b), 42 CFR 2.13(c)).'));
}

function demographics(d) {
  if (!d) return null;
  const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  const address = d.address ? [d.address.line, d.address.city, d.address.state, d.address.postalCode].filter(Boolean).join(', ') : null;
  return h('section', { class: 'card', 'aria-labelledby': 'demographics-title' },
    h('h2', { id: 'demographics-title' }, 'Demographics'),
    h('dl', { class: 'facts' },
      row('MRN', cell(d, 'mrn')), row('Name', `${text(d.givenName)} ${text(d.familyName)}`), row('Birth date', cell(d, 'birthDate', date)),
      row('Sex', cell(d, 'sex')), row('Address', text(address)), row('Phone', cell(d, 'phone')), row('VIP', d.vip ? 'yes' : 'no'),
      d.deceasedAt ? row('Deceased', dateTime(d.deceasedAt)) : null));
}

function section(spec, record, withheld) {
  const titleId = `section-${spec.key}`;
  const items = record[spec.key];
  const notes = withheld.map((w) => h('p', { class: 'withheld-note' }, h('span', { class: 'badge badge-withheld' }, 'withheld'), ` ${w.reason} (${w.code})`));
  if (!Array.isArray(items)) {
    return h('section', { class: 'card section-absent', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, spec.title), h('p', {}, h('span', { class: 'badge badge-withheld' }, 'not in this view'), ` The ${record.view} view does not include ${spec.key}.`));
  }
  const redacted = items.filter((i) => i.redactions?.length).length;
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, `${spec.title} `, h('span', { class: 'count' }, items.length),
      redacted ? h('span', { class: 'badge badge-redacted' }, `${redacted} with redacted fields`) : null),
    notes,
    table({
      caption: `${spec.title} of patient ${record.patientId}`, captionHidden: true, rows: items, scroll: true, empty: `No ${spec.key} in this view.`,
      rowClass: (item) => (item.redactions?.length ? 'has-redactions' : null),
      columns: spec.columns.map(([key, label, fmt, custom]) => ({ label, cell: (item) => cell(item, key, fmt, custom) }))
        .concat([{ label: 'Sensitivity', cell: sensitivity }]),
    }));
}

/** A field's value, or a marker naming why it was redacted (the field is null in the answer). */
function cell(item, key, fmt, custom) {
  const redaction = item.redactions?.find((r) => r.field === key);
  if (redaction) return h('span', { class: 'redacted' }, h('span', { class: 'badge badge-redacted' }, 'redacted'), ` ${redaction.reason} (${redaction.code})`);
  if (custom) return custom(item);
  return (fmt ?? text)(item[key]);
}

function sensitivity(item) {
  if (!item.sensitivity || item.sensitivity === 'normal') return 'normal';
  return h('span', { class: 'badge badge-warn' }, [item.sensitivity, item.sensitivityCategory].filter(Boolean).join(' · '));
}

function noteText(note) {
  const redaction = note.redactions?.find((r) => r.field === 'text');
  if (redaction || note.text === null || note.text === undefined) return cell(note, 'text');
  const first = String(note.text).split('\n')[0];
  return h('details', { class: 'note-text' }, h('summary', {}, first), h('pre', {}, note.text));
}
