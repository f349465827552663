// Release of information: the queue, soonest due first, with days left (GET /roi/requests); a request opens
// with the actions the state machine accepts now; ROI staff log new requests (POST /roi/requests).

import { api, messageOf } from '../lib/api.js';
import { announce, append, field, h, replace } from '../lib/dom.js';
import { date, text } from '../lib/format.js';
import { session } from '../lib/session.js';
import { table } from '../lib/table.js';
import { requestDetail } from './roi-request.js';

const REQUESTER_TYPES = ['provider', 'insurer', 'attorney', 'law_enforcement', 'other', 'self'];
const RECORD_TYPES = ['encounters', 'diagnoses', 'procedures', 'observations', 'notes'];
// Who receives the release: the legal basis is established from it (an insurer must say whether it is a health plan).
const RECIPIENT_KINDS = [
  'health-care-provider', 'health-plan', 'provider-billing', 'life-insurer', 'employer', 'attorney', 'law-enforcement', 'court',
  'public-health-authority', 'individual', 'other',
];
const state = { status: 'open', selected: null };

export function render(root) {
  const queue = h('div', { 'aria-live': 'polite' });
  const detail = h('div');
  append(root, h('h1', { tabindex: '-1' }, 'Release of information'));
  if (!session.can('roi:process')) {
    append(root, h('p', { class: 'card' }, `The role ${session.user().role} does not process requests (no roi:process).`));
    return;
  }

  const open = async (id) => {
    state.selected = id;
    replace(detail, await requestDetail(id, { onChange: () => { load(); open(id); } }));
    detail.querySelector('h2')?.focus();
  };

  const load = async () => {
    const result = await api('GET', '/roi/requests', { query: { status: state.status === 'all' || state.status === 'overdue' ? '' : state.status, overdue: state.status === 'overdue' ? 'true' : '' } });
    if (!result.ok) {
      replace(queue, h('p', { class: 'form-error', role: 'alert' }, `Refused: ${messageOf(result)}`));
      return;
    }
    replace(queue, table({
      caption: 'The queue, soonest due first', rows: result.data.items, empty: 'No request in this queue. Log one below.', scroll: true,
      rowClass: (r) => (r.overdue ? 'overdue' : null),
      columns: [
        { label: 'Request', cell: (r) => h('button', { type: 'button', class: 'link', onclick: () => open(r.id) }, `Request ${r.id}`) },
        { label: 'Patient', cell: (r) => String(r.patientId) },
        { label: 'Requester', cell: (r) => `${r.requesterName} (${r.requesterType.replace(/_/g, ' ')})` },
        { label: 'Status', cell: (r) => r.status },
        { label: 'Received', cell: (r) => date(r.receivedAt) },
        { label: 'Due', cell: (r) => date(r.dueAt) },
        { label: 'Days left', cell: (r) => (r.overdue ? h('span', { class: 'badge badge-denied' }, `overdue ${-r.daysLeft} d`) : text(r.daysLeft)) },
      ],
    }));
  };

  const statusSelect = h('select', { onchange: () => { state.status = statusSelect.value; load(); } },
    [['open', 'open'], ['overdue', 'overdue'], ['all', 'all']].map(([v, l]) => h('option', { value: v, selected: state.status === v }, l)));
  append(root,
    h('div', { class: 'toolbar' }, field('Show', statusSelect), h('button', { type: 'button', class: 'secondary', onclick: load }, 'Reload the queue')),
    queue, detail,
    session.can('roi:create') ? newRequestForm(async (id) => { await load(); await open(id); }) : null);
  load().then(() => state.selected && open(state.selected));
}

function newRequestForm(onCreated) {
  const patientId = h('input', { type: 'number', min: '1', required: true, value: '5' });
  const requesterType = h('select', {}, REQUESTER_TYPES.map((t) => h('option', { value: t }, t.replace(/_/g, ' '))));
  const recipientKind = h('select', {},
    h('option', { value: '' }, 'as the requester type implies'), RECIPIENT_KINDS.map((k) => h('option', { value: k }, k.replace(/-/g, ' '))));
  const requesterName = h('input', { type: 'text', maxlength: '200', value: 'Springfield Clinic' });
  const purpose = h('input', { type: 'text', maxlength: '500', required: true, value: 'Continuity of care' });
  const format = h('select', {}, h('option', { value: 'electronic' }, 'electronic'), h('option', { value: 'paper' }, 'paper'));
  const types = RECORD_TYPES.map((t) => h('input', { type: 'checkbox', value: t, checked: t === 'encounters' || t === 'diagnoses' }));
  const status = h('p', { class: 'form-error', role: 'alert' });
  return h('section', { class: 'card', 'aria-labelledby': 'new-roi-title' },
    h('h2', { id: 'new-roi-title' }, 'Log a request'),
    h('form', {
      class: 'filters',
      onsubmit: async (e) => {
        e.preventDefault();
        replace(status);
        const body = {
          patientId: Number(patientId.value), requesterType: requesterType.value, purpose: purpose.value.trim(), format: format.value,
          recordTypes: types.filter((t) => t.checked).map((t) => t.value),
        };
        if (requesterName.value.trim()) body.requesterName = requesterName.value.trim();
        if (recipientKind.value) body.recipientKind = recipientKind.value;
        const result = await api('POST', '/roi/requests', { body });
        if (!result.ok) {
          const details = Array.isArray(result.data?.details) ? result.data.details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ') : '';
          replace(status, `Refused: ${messageOf(result)}${details ? ` (${details})` : ''}`);
          return;
        }
        announce(`Request ${result.data.id} logged, due ${date(result.data.dueAt)}`);
        onCreated(result.data.id);
      },
    },
    field('Patient id', patientId), field('Requester type', requesterType), field('Recipient', recipientKind), field('Requester name', requesterName),
    field('Purpose', purpose), field('Format', format),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Record types'), types.map((t) => h('label', {}, t, ` ${t.value}`))),
    h('button', { class: 'primary' }, 'Log the request')),
    status);
}
