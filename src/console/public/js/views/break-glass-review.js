// Break-the-glass grants waiting for review (GET /access/break-glass?reviewed=false): the privacy officer records
// justified or violation with a note (POST /access/break-glass/:id/review).

import { api, messageOf } from '../lib/api.js';
import { announce, field, h, replace } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';

export function breakGlassReview() {
  const list = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const result = await api('GET', '/access/break-glass', { query: { reviewed: 'false' } });
    if (!result.ok) {
      replace(list, h('p', { class: 'form-error', role: 'alert' }, `Refused: ${messageOf(result)}`));
      return;
    }
    replace(list, result.data.items.length
      ? h('ul', { class: 'grants' }, result.data.items.map((g) => grant(g, load)))
      : h('p', { class: 'empty' }, 'No grant is waiting for review.'));
  };
  const element = h('section', { class: 'card', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, 'Break-the-glass review'),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'secondary', onclick: load }, 'Reload the queue')),
    list);
  load();
  return { element, load };
}

function grant(g, reload) {
  const note = h('textarea', { rows: '2', maxlength: '2000', required: true });
  const outcome = h('select', {}, h('option', { value: 'justified' }, 'justified'), h('option', { value: 'violation' }, 'violation'));
  const status = h('p', { class: 'form-error', role: 'alert' });
  return h('li', { class: 'grant' },
    h('h3', {}, `Grant ${g.id}: ${g.user?.username ?? g.user?.id} on patient ${g.patientId}`),
    h('p', {}, `"${g.reason}" · granted ${dateTime(g.grantedAt)}, ${g.active ? 'still active' : `expired ${dateTime(g.expiresAt)}`} · ${g.accessCount} accesses under it`),
    h('form', {
      class: 'inline-form',
      onsubmit: async (e) => {
        e.preventDefault();
        const result = await api('POST', `/access/break-glass/${g.id}/review`, { body: { outcome: outcome.value, note: note.value.trim() } });
        if (!result.ok) {
          replace(status, `Refused: ${messageOf(result)}`);
          return;
        }
        announce(`Grant ${g.id} reviewed as ${outcome.value}`);
        reload();
      },
    }, field('Outcome', outcome), field('Note', note), h('button', { class: 'primary' }, `Record the review of grant ${g.id}`)),
    status);
}
