// The audit trail as it grows: GET /audit/events (newest first) with filters, polled. Rows that arrived since
// the last look are highlighted. Every search is itself audited (action search), so the trail grows as you watch.

import { api, messageOf } from '../lib/api.js';
import { field, h, replace } from '../lib/dom.js';
import { dateTime, text } from '../lib/format.js';
import { poll } from '../lib/poller.js';
import { table } from '../lib/table.js';

const ACTIONS = ['login', 'login-failed', 'read', 'search', 'create', 'update', 'export', 'disclose', 'break-glass', 'break-glass-review',
  'permission-change', 'access-denied', 'verify', 'checkpoint', 'user-change', 'amendment', 'roi-transition', 'demo-reset', 'scenario', 'explain'];
const ROLES = ['physician', 'nurse', 'registrar', 'him_technician', 'coder', 'roi_specialist', 'privacy_officer', 'quality_analyst', 'instructor', 'patient', 'admin'];
const filters = { action: '', outcome: '', role: '', patientId: '', actorId: '', breakGlass: '' };

export function auditTrail() {
  const results = h('div');
  const live = h('input', { type: 'checkbox', checked: true });
  let newest = 0;

  const select = (name, label, options) => {
    const el = h('select', { onchange: () => { filters[name] = el.value; newest = 0; refresh(); } },
      h('option', { value: '' }, 'any'), options.map((o) => h('option', { value: o, selected: filters[name] === o }, o)));
    return field(label, el);
  };
  const number = (name, label) => {
    const el = h('input', { type: 'number', min: '1', value: filters[name], onchange: () => { filters[name] = el.value; newest = 0; refresh(); } });
    return field(label, el);
  };

  const refresh = async () => {
    const result = await api('GET', '/audit/events', { query: { ...filters, pageSize: 20 } });
    if (!result.ok) {
      replace(results, h('p', { class: 'form-error', role: 'alert' }, `The trail could not be read: ${messageOf(result)}`));
      return;
    }
    const previous = newest;
    newest = Math.max(newest, ...result.data.items.map((e) => e.seq));
    replace(results,
      h('p', { class: 'hint' }, `${result.data.total} matching rows, newest first; up to row #${result.data.upToSeq}.`),
      eventsTable(result.data.items, 'Latest audit events', (e) => (previous && e.seq > previous ? 'new-row' : null)));
  };

  const stop = poll(() => (live.checked ? refresh() : undefined), 5000);
  const element = h('section', { class: 'card', 'aria-labelledby': 'trail-title' },
    h('h2', { id: 'trail-title' }, 'The trail'),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); refresh(); } },
      select('action', 'Action', ACTIONS), select('outcome', 'Outcome', ['success', 'denied', 'error']), select('role', 'Role', ROLES),
      number('patientId', 'Patient id'), number('actorId', 'User id'), select('breakGlass', 'Break-the-glass', ['true', 'false']),
      h('div', { class: 'field checkbox' }, h('label', {}, live, ' Live (every 5 s)')),
      h('button', { class: 'secondary' }, 'Refresh now')),
    results);
  return { element, stop, refresh };
}

/** Audit rows as a table (also used for anomaly evidence). */
export function eventsTable(items, caption, rowClass) {
  return table({
    caption, rows: items, rowClass, scroll: true, captionHidden: true, empty: 'No audit rows match.',
    columns: [
      { label: 'Row', cell: (e) => `#${e.seq}` },
      { label: 'When', cell: (e) => dateTime(e.occurredAt) },
      { label: 'Who', cell: (e) => (e.actor?.username ? `${e.actor.username} (${e.actor.role})` : '—') },
      { label: 'Action', cell: (e) => e.action },
      { label: 'What', cell: (e) => [e.resourceType, e.resourceId].filter(Boolean).join(' ') || '—' },
      { label: 'Patient', cell: (e) => text(e.patientId) },
      { label: 'Outcome', cell: (e) => h('span', { class: ['badge', e.outcome === 'success' ? 'badge-ok' : 'badge-denied'] }, e.outcome) },
      { label: 'Reason', cell: (e) => text(e.reason) },
      { label: 'Flags', cell: (e) => (e.breakGlass ? h('span', { class: 'badge badge-warn' }, 'break-glass') : '') },
    ],
  });
}
