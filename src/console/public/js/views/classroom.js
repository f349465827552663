// The instructor's controls (demo:reset): plant a scenario (POST /demo/scenarios/:name) or put the database back
// to the seed (POST /demo/reset). The tamper scenario changes nothing by itself: it answers the SQL that someone
// with access to the database file would run; run it in a terminal on the server and the badge turns red.

import { api, messageOf } from '../lib/api.js';
import { copyText } from '../lib/clipboard.js';
import { announce, h, replace } from '../lib/dom.js';

const SCENARIOS = [
  { name: 'snooping', label: 'Plant: snooping nurse', hint: 'nurse.patel opens a same-surname patient, the VIP and a coworker at night' },
  { name: 'break-glass', label: 'Plant: break-the-glass', hint: 'a justified emergency access and one that is not, never reviewed' },
  { name: 'tamper', label: 'Tamper: show the SQL', hint: 'the statements that alter one audit row; verify then names it' },
];

export function classroom({ onChange }) {
  const output = h('div', { class: 'scenario-output', 'aria-live': 'polite' });
  const busy = (on) => element.querySelectorAll('button').forEach((b) => { b.disabled = on; });

  const runScenario = async (name) => {
    busy(true);
    replace(output, h('p', { class: 'loading' }, `Planting ${name}…`));
    const result = await api('POST', `/demo/scenarios/${name}`);
    busy(false);
    if (!result.ok) {
      replace(output, h('p', { class: 'form-error', role: 'alert' }, `Refused: ${messageOf(result)}`));
      return;
    }
    replace(output, scenarioResult(result.data));
    announce(`Scenario ${name} planted`);
    onChange();
  };

  const reset = async () => {
    if (!window.confirm('Reset the demo? Every change and the whole audit trail go back to the seed.')) return;
    busy(true);
    replace(output, h('p', { class: 'loading' }, 'Resetting (a few seconds)…'));
    const result = await api('POST', '/demo/reset', { body: {} });
    busy(false);
    replace(output, result.ok
      ? h('p', {}, `Reset done in ${result.data.seconds} s: ${result.data.patients} patients; the new chain starts at row #${result.data.chainStartsAt.seq}.`)
      : h('p', { class: 'form-error', role: 'alert' }, `Reset refused: ${messageOf(result)}`));
    onChange();
  };

  const element = h('section', { class: 'card classroom', 'aria-labelledby': 'classroom-title' },
    h('h2', { id: 'classroom-title' }, 'Classroom controls'),
    h('ul', { class: 'scenario-buttons' }, SCENARIOS.map((s) => h('li', {},
      h('button', { type: 'button', class: 'primary', 'aria-describedby': `scenario-${s.name}`, onclick: () => runScenario(s.name) }, s.label),
      h('span', { class: 'hint', id: `scenario-${s.name}` }, s.hint))),
    h('li', {}, h('button', { type: 'button', class: 'danger', onclick: reset }, 'Reset the demo'),
      h('span', { class: 'hint' }, 'back to the seed, audit trail included'))),
    output);
  return { element };
}

function scenarioResult(r) {
  return h('div', { class: 'scenario-result', 'data-scenario': r.scenario },
    h('h3', {}, r.title),
    h('ol', { class: 'story' }, r.story.map((line) => h('li', {}, line))),
    r.planted?.seqs?.length ? h('p', {}, `Planted rows: ${r.planted.seqs.map((s) => `#${s}`).join(', ')} (recorded as row #${r.recordedAs}).`) : null,
    h('p', {}, 'Look for: ', r.lookFor.join('; ')),
    r.scenario === 'tamper' ? tamperVariants(r.details) : null);
}

function tamperVariants(details) {
  return h('div', { class: 'tamper' },
    h('p', {}, `Target: row #${details.target.seq} (${details.target.actor}, ${details.target.action}). Run one command in a terminal on the server, then watch the badge.`),
    details.variants.map((v) => h('div', { class: 'variant', 'data-variant': v.name },
      h('h4', {}, `${v.name}: ${v.what}`),
      h('p', { class: 'hint' }, `Verify will then answer: ${v.expect.problem} at row ${v.expect.firstBrokenSequence}`),
      h('pre', { class: 'code', tabindex: '0', 'aria-label': `Command for ${v.name}` }, v.command),
      h('button', { type: 'button', class: 'secondary', onclick: () => copyText(v.command, 'Command') }, `Copy the ${v.name} command`))));
}
