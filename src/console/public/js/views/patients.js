// Patients: search by name prefix, MRN or birth date (GET /patients), or open a chart by id. The last search is
// kept while the tab is open, so going back from a chart finds the list as it was.

import { api, messageOf } from '../lib/api.js';
import { append, field, h, replace } from '../lib/dom.js';
import { date, text } from '../lib/format.js';
import { session } from '../lib/session.js';
import { table } from '../lib/table.js';

const state = { search: '', page: 1, answer: null };
const PAGE_SIZE = 15;

export function render(root) {
  const results = h('div', { 'aria-live': 'polite' });
  const searchInput = h('input', { type: 'search', value: state.search, maxlength: '100', autocomplete: 'off' });
  const idInput = h('input', { type: 'number', min: '1', inputmode: 'numeric' });

  const load = async () => {
    if (!session.can('patient:search')) {
      replace(results, h('p', { class: 'card' }, `The role ${session.user().role} may not search patients (no patient:search). Open a chart by id to see what the policy says.`));
      return;
    }
    replace(results, h('p', { class: 'loading' }, 'Searching…'));
    const result = await api('GET', '/patients', { query: { search: state.search, page: state.page, pageSize: PAGE_SIZE } });
    if (!result.ok) {
      replace(results, h('p', { class: 'form-error', role: 'alert' }, `Search refused: ${messageOf(result)}`));
      return;
    }
    state.answer = result.data;
    replace(results, resultsTable(result.data, load));
  };

  append(root,
    h('h1', { tabindex: '-1' }, 'Patients and charts'),
    h('div', { class: 'toolbar' },
      h('form', {
        class: 'inline-form', role: 'search',
        onsubmit: (e) => {
          e.preventDefault();
          state.search = searchInput.value.trim();
          state.page = 1;
          load();
        },
      }, field('Name, MRN or birth date', searchInput, 'A name prefix (Riv), an MRN (MRN00000004) or a date (1979-06-14)'), h('button', { class: 'primary' }, 'Search')),
      h('form', {
        class: 'inline-form',
        onsubmit: (e) => {
          e.preventDefault();
          if (idInput.value) location.hash = `#/patients/${Number(idInput.value)}`;
        },
      }, field('Patient id', idInput, 'Try 1 (care team), 2 (a nurse\'s own record), 4 (VIP)'), h('button', { class: 'secondary' }, 'Open chart'))),
    results);
  load();
}

function resultsTable(page, reload) {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const pager = h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'secondary', disabled: page.page <= 1, onclick: () => { state.page -= 1; reload(); } }, 'Previous page'),
    h('span', {}, `Page ${page.page} of ${pages} · ${page.total} patients`),
    h('button', { type: 'button', class: 'secondary', disabled: page.page >= pages, onclick: () => { state.page += 1; reload(); } }, 'Next page'));
  return h('div', {},
    table({
      caption: state.search ? `Patients matching "${state.search}"` : 'All patients',
      rows: page.items,
      empty: 'No patient matches.',
      columns: [
        { label: 'Id', cell: (p) => String(p.id) },
        { label: 'MRN', cell: (p) => masked(p, p.mrn) },
        { label: 'Name', cell: (p) => masked(p, p.givenName === undefined ? null : `${text(p.familyName)}, ${text(p.givenName)}`) },
        { label: 'Birth date', cell: (p) => masked(p, p.birthDate === undefined ? null : date(p.birthDate)) },
        { label: 'Sex', cell: (p) => text(p.sex) },
        { label: 'VIP', cell: (p) => (p.vip ? h('span', { class: 'badge badge-warn' }, 'VIP') : 'no') },
        { label: 'Chart', cell: (p) => h('a', { href: `#/patients/${p.id}`, class: 'button-link' }, `Open chart ${p.id}`) },
      ],
    }),
    pager);
}

/** A VIP hit without a care relation comes back without name, birth date or MRN, with the reason. */
function masked(hit, value) {
  if (hit.confidential && (value === null || value === undefined)) return h('span', { class: 'redacted' }, h('span', { class: 'badge badge-redacted' }, 'masked'), ` ${hit.confidential}`);
  return text(value);
}
