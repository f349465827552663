// Snooping detection: GET /audit/anomalies runs named rules over the trail; each finding lists its evidence as
// sequence numbers, which "Show evidence" turns into the audit rows themselves (GET /audit/events).

import { api, messageOf } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { dateTime, plural } from '../lib/format.js';
import { eventsTable } from './audit-trail.js';

export function anomalies() {
  const results = h('div', { 'aria-live': 'polite' });
  const run = async () => {
    replace(results, h('p', { class: 'loading' }, 'Running the rules…'));
    const result = await api('GET', '/audit/anomalies');
    if (!result.ok) {
      replace(results, h('p', { class: 'form-error', role: 'alert' }, `Refused: ${messageOf(result)}`));
      return;
    }
    const r = result.data;
    replace(results,
      h('p', { class: 'hint' }, `${plural(r.total, 'finding')} in ${plural(r.eventsScanned, 'event')} from ${dateTime(r.from)} to ${dateTime(r.to)} (${r.timeZone}).`),
      r.items.length ? h('ol', { class: 'findings' }, r.items.map(finding)) : h('p', { class: 'empty' }, 'No finding: nothing the rules flag in this window.'));
  };
  const element = h('section', { class: 'card', 'aria-labelledby': 'anomalies-title' },
    h('h2', { id: 'anomalies-title' }, 'Anomaly findings'),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', onclick: run }, 'Run the anomaly rules')),
    results);
  run();
  return { element, run };
}

function finding(f) {
  const evidence = h('div', { class: 'evidence' });
  const label = plural(f.evidence.length, 'evidence row');
  const button = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, `Show the ${label}`);
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-expanded') === 'true') {
      button.setAttribute('aria-expanded', 'false');
      replace(button, `Show the ${label}`);
      replace(evidence);
      return;
    }
    button.setAttribute('aria-expanded', 'true');
    replace(button, `Hide the ${label}`);
    replace(evidence, h('p', { class: 'loading' }, 'Reading the rows…'));
    replace(evidence, await evidenceRows(f));
  });
  return h('li', { class: ['finding', `severity-${f.severity}`], 'data-rule': f.rule },
    h('h3', {}, h('span', { class: 'badge badge-denied' }, f.severity), ` ${f.title}`),
    h('p', {}, f.summary),
    h('p', { class: 'hint' }, `Rule ${f.rule} · ${dateTime(f.firstAt)} to ${dateTime(f.lastAt)} · evidence rows ${f.evidence.map((s) => `#${s}`).join(', ')}`),
    button, evidence);
}

/**
 * The evidence rows: the trail up to the last evidence row (upToSeq), narrowed to the finding's user (or patient),
 * read page by page until the first evidence row is passed.
 */
async function evidenceRows(f) {
  const wanted = new Set(f.evidence);
  const upToSeq = Math.max(...f.evidence);
  const lowest = Math.min(...f.evidence);
  const query = { upToSeq, pageSize: 200, ...(f.actor?.id ? { actorId: f.actor.id } : f.patientId ? { patientId: f.patientId } : {}) };
  const rows = [];
  for (let page = 1; page <= 5; page += 1) {
    const result = await api('GET', '/audit/events', { query: { ...query, page } });
    if (!result.ok) return h('p', { class: 'form-error', role: 'alert' }, `The rows could not be read: ${messageOf(result)}`);
    rows.push(...result.data.items.filter((e) => wanted.has(e.seq)));
    const oldest = result.data.items.at(-1)?.seq ?? 0;
    if (oldest <= lowest || result.data.items.length < query.pageSize) break;
  }
  rows.sort((a, b) => a.seq - b.seq);
  const missing = f.evidence.filter((s) => !rows.some((e) => e.seq === s));
  return h('div', {},
    eventsTable(rows, `Evidence of the finding ${f.rule}`),
    missing.length ? h('p', { class: 'hint' }, `Not found under this filter: ${missing.map((s) => `#${s}`).join(', ')}`) : null);
}
