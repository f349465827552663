// One chart, exactly as this role receives it (GET /patients/:id/record). A refusal shows the policy's
// explanation; where the role may break the glass (break-glass:use), a form asks for the reason first.

import { api, messageOf } from '../lib/api.js';
import { announce, append, field, h, replace } from '../lib/dom.js';
import { refusal } from '../lib/refusal.js';
import { session } from '../lib/session.js';
import { recordView } from './record-sections.js';

export function render(root, { id }) {
  const patientId = Number(id);
  const title = h('h1', { tabindex: '-1' }, `Chart of patient ${patientId}`);
  const body = h('div', { class: 'chart', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Opening the chart…'));

  const load = async () => {
    body.setAttribute('aria-busy', 'true');
    const result = await api('GET', `/patients/${patientId}/record`);
    body.setAttribute('aria-busy', 'false');
    if (result.ok) {
      const d = result.data.demographics;
      replace(title, d?.familyName ? `${d.givenName} ${d.familyName} · patient ${patientId}` : `Chart of patient ${patientId}`);
      replace(body, recordView(result.data));
      body.dataset.state = 'shown';
      announce(`Chart of patient ${patientId} open, view ${result.data.view}`);
      return;
    }
    body.dataset.state = 'refused';
    if (result.status === 403) {
      replace(body, refusal(result, { patientId }), session.can('break-glass:use') ? breakGlassForm(patientId, load) : null);
      announce(`Refused: ${messageOf(result)}`);
    } else if (result.status === 404) {
      replace(body, h('p', { class: 'card' }, `There is no patient ${patientId}.`));
    } else {
      replace(body, h('p', { class: 'form-error', role: 'alert' }, `The chart could not be read: ${messageOf(result)}`));
    }
  };

  append(root,
    h('p', {}, h('a', { href: '#/patients' }, '← Back to the patient list')),
    title,
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'secondary', onclick: load }, 'Read the chart again')),
    body);
  load();
}

/** Break the glass: POST /access/break-glass with a reason of at least 10 characters, then read the chart again. */
function breakGlassForm(patientId, reload) {
  const reason = h('textarea', { rows: '2', minlength: '10', maxlength: '500', required: true });
  const status = h('p', { class: 'form-error', role: 'alert' });
  return h('section', { class: 'card break-glass', 'aria-labelledby': 'break-glass-title' },
    h('h2', { id: 'break-glass-title' }, 'Break the glass'),
    h('p', {}, 'In an emergency your role may open this chart outside the care team for BREAK_GLASS_MINUTES (60 by default). ',
      'Every access under the grant is flagged in the audit trail, and the privacy officer reviews it.'),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        replace(status);
        const result = await api('POST', '/access/break-glass', { body: { patientId, reason: reason.value.trim() } });
        if (result.ok || result.status === 409) {
          if (result.status === 409) announce(messageOf(result));
          await reload();
        } else {
          const details = Array.isArray(result.data?.details) ? result.data.details.map((d) => `${d.field} ${d.problems.join(', ')}`).join('; ') : '';
          replace(status, `Refused: ${messageOf(result)}${details ? ` (${details})` : ''}`);
        }
      },
    }, field('Reason (at least 10 characters)', reason, 'Say why this cannot wait, e.g. "Unresponsive in the ED, need allergies"'), status,
    h('button', { class: 'danger' }, 'Break the glass and open the chart')));
}
