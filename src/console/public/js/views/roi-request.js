// One release-of-information request: where it stands, its due date, the actions the state machine accepts now
// (allowedActions, POST /roi/requests/:id/transitions with the version read), and its history.

import { api, messageOf } from '../lib/api.js';
import { announce, field, h, replace } from '../lib/dom.js';
import { date, dateTime, text } from '../lib/format.js';
import { table } from '../lib/table.js';

// The denial grounds the API accepts (45 CFR 164.524(a) for the patient's own request; third-party codes otherwise).
const DENIAL_CODES = {
  self: ['psychotherapy-notes', 'litigation-compilation', 'correctional-institution', 'research-participation', 'privacy-act',
    'confidential-source', 'endangerment', 'reference-to-another-person', 'personal-representative'],
  thirdParty: ['authorization-invalid', 'authorization-expired', 'authorization-revoked', 'no-legal-basis', 'identity-not-verified', 'no-records'],
};
const NEEDS = { deny: ['reason', 'denialCode'], cancel: ['reason'], extend: ['reason', 'extensionDays'] };

export async function requestDetail(id, { onChange }) {
  const result = await api('GET', `/roi/requests/${id}`);
  if (!result.ok) return h('p', { class: 'form-error', role: 'alert' }, `Request ${id}: ${messageOf(result)}`);
  const r = result.data;
  return h('section', { class: 'card roi-detail', 'aria-labelledby': 'roi-detail-title' },
    h('h2', { id: 'roi-detail-title', tabindex: '-1' }, `Request ${r.id} · patient ${r.patientId} · ${r.status}`),
    h('dl', { class: 'facts' },
      [['Requester', `${r.requesterName} (${r.requesterType})`], ['Purpose', r.purpose], ['Legal basis', r.legalBasis],
        ['Accounting', r.accounting.exempt ? `exempt: ${r.accounting.exemption}` : 'listed in the accounting of disclosures'],
        ['Record types', r.recordTypes.join(', ')], ['Received', dateTime(r.receivedAt)],
        ['Due', `${date(r.dueAt)}${r.extended ? ` (extended ${r.extensionDays} days: ${r.extensionReason})` : ''}`],
        ['Days left', r.overdue ? `overdue by ${-r.daysLeft} days` : text(r.daysLeft)],
        r.denial ? ['Denial', `${r.denial.code}: ${r.denial.notice.basis}`] : null,
        r.fee ? ['Fee', `$${(r.fee.totalCents / 100).toFixed(2)} (${r.fee.basis})`] : null,
        r.authorizationCheck && !r.authorizationCheck.valid
          ? ['Authorization', r.authorizationCheck.problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; ')] : null,
      ].filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h3', {}, 'Actions you may take now'),
    r.allowedActions.length ? actions(r, onChange) : h('p', {}, 'None: the request is final.'),
    h('h3', {}, 'History'),
    table({
      caption: `History of request ${r.id}`, captionHidden: true, rows: r.history,
      columns: [
        { label: 'When', cell: (e) => dateTime(e.at) }, { label: 'Action', cell: (e) => e.action },
        { label: 'From', cell: (e) => text(e.from) }, { label: 'To', cell: (e) => e.to },
        { label: 'Who', cell: (e) => e.actor.username ?? String(e.actor.id) }, { label: 'Reason', cell: (e) => text(e.reason) },
      ],
    }));
}

function actions(r, onChange) {
  const status = h('p', { class: 'form-error', role: 'alert' });
  const reason = h('input', { type: 'text', maxlength: '2000' });
  const codes = r.requesterType === 'self' ? DENIAL_CODES.self : DENIAL_CODES.thirdParty;
  const denialCode = h('select', {}, codes.map((c) => h('option', { value: c }, c)));
  const extensionDays = h('input', { type: 'number', min: '1', max: '30', value: '30' });
  const needsInput = r.allowedActions.some((a) => NEEDS[a]);

  const send = async (action) => {
    replace(status);
    const body = { action, version: r.version };
    if (NEEDS[action]?.includes('reason')) body.reason = reason.value.trim();
    if (NEEDS[action]?.includes('denialCode')) body.denialCode = denialCode.value;
    if (NEEDS[action]?.includes('extensionDays')) body.extensionDays = Number(extensionDays.value);
    const result = await api('POST', `/roi/requests/${r.id}/transitions`, { body });
    if (!result.ok) {
      const details = Array.isArray(result.data?.details) ? result.data.details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ') : '';
      replace(status, `${action} refused: ${messageOf(result)}${details ? ` (${details})` : ''}`);
      return;
    }
    announce(`Request ${r.id}: ${action} done, now ${result.data.status}`);
    onChange();
  };

  return h('div', { class: 'roi-actions' },
    h('div', { class: 'button-row' }, r.allowedActions.map((a) => h('button', { type: 'button', class: NEEDS[a] ? 'secondary' : 'primary', onclick: () => send(a) }, a))),
    needsInput ? h('div', { class: 'filters' },
      field('Reason (deny, cancel, extend)', reason),
      r.allowedActions.includes('deny') ? field('Denial ground', denialCode) : null,
      r.allowedActions.includes('extend') ? field('Extension days', extensionDays) : null) : null,
    status);
}
