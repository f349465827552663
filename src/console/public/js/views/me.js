// The patient's own view: the designated record set (GET /me/record), who opened it (GET /me/access-log) and the
// accounting of disclosures (GET /me/disclosures), 45 CFR 164.524 and 164.528.

import { api, messageOf } from '../lib/api.js';
import { append, h, replace } from '../lib/dom.js';
import { dateTime, text } from '../lib/format.js';
import { table } from '../lib/table.js';
import { recordView } from './record-sections.js';

export function render(root) {
  const log = h('section', { class: 'card', 'aria-labelledby': 'log-title' }, h('h2', { id: 'log-title' }, 'Who opened my record'));
  const disclosures = h('section', { class: 'card', 'aria-labelledby': 'disclosures-title' }, h('h2', { id: 'disclosures-title' }, 'My accounting of disclosures'));
  const record = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Reading your record…'));
  append(root, h('h1', { tabindex: '-1' }, 'My record'), log, disclosures, h('h2', {}, 'My designated record set'), record);

  api('GET', '/me/access-log', { query: { pageSize: 20 } }).then((r) => append(log, r.ok
    ? table({
      caption: 'The latest accesses to my record', captionHidden: true, rows: r.data.items, empty: 'Nobody has opened your record.',
      columns: [
        { label: 'When', cell: (e) => dateTime(e.at) }, { label: 'Who', cell: (e) => `${e.who?.name ?? '—'} (${e.who?.role ?? '—'})` },
        { label: 'Action', cell: (e) => e.action }, { label: 'What', cell: (e) => `${e.what?.resourceType ?? ''} ${e.what?.resourceId ?? ''}` },
        { label: 'Purpose', cell: (e) => text(e.purposeOfUse) }, { label: 'Outcome', cell: (e) => e.outcome },
        { label: 'Break-the-glass', cell: (e) => (e.breakGlass ? h('span', { class: 'badge badge-warn' }, 'yes') : 'no') },
      ],
    })
    : h('p', { class: 'form-error' }, messageOf(r))));

  api('GET', '/me/disclosures').then((r) => append(disclosures, r.ok
    ? [h('p', { class: 'hint' }, `${dateTime(r.data.from)} to ${dateTime(r.data.to)}; disclosures exempt from the accounting (treatment, payment, operations...) are not listed.`),
      table({
        caption: 'Disclosures of my record', captionHidden: true, rows: r.data.items, empty: 'No disclosure to list.',
        columns: [
          { label: 'When', cell: (d) => dateTime(d.date) }, { label: 'To', cell: (d) => text(d.recipient?.name) },
          { label: 'Purpose', cell: (d) => text(d.purpose) }, { label: 'What', cell: (d) => text(d.description) },
        ],
      })]
    : h('p', { class: 'form-error' }, messageOf(r))));

  api('GET', '/me/record').then((r) => replace(record, r.ok ? recordView(r.data) : h('p', { class: 'form-error', role: 'alert' }, messageOf(r))));
}
