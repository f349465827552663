// A refusal, explained: the 403 answer's own message and reasons, then the same policy asked through
// GET /access/explain (it runs the function the real check ran, without touching any chart data).

import { api, messageOf } from './api.js';
import { h, replace } from './dom.js';
import { session } from './session.js';

/** The permission to ask about: the first record permission the role holds (the one its view would use). */
export function recordPermissionOf() {
  return ['clinical:read', 'record:him', 'coding:read', 'demographics:read', 'self:record'].find((p) => session.can(p)) ?? 'clinical:read';
}

/** The refusal block; the explanation fills in when GET /access/explain answers. */
export function refusal(result, { patientId, permission = recordPermissionOf() } = {}) {
  const reasons = result.data?.reasons ?? [];
  const explanation = h('div', { class: 'explain', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Asking the policy…'));
  const block = h('section', { class: 'refusal', 'aria-labelledby': 'refusal-title' },
    h('h2', { id: 'refusal-title' }, h('span', { class: 'badge badge-denied' }, `Refused · ${result.status}`), ' ', messageOf(result)),
    reasons.length ? h('div', {}, h('h3', {}, 'Reasons in the refusal'), h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {}, r)))) : null,
    h('h3', {}, 'The policy explains'),
    h('p', { class: 'hint' }, h('code', {}, `GET /access/explain?permission=${permission}${patientId ? `&patientId=${patientId}` : ''}`)),
    explanation);
  explain(permission, patientId).then((node) => replace(explanation, node));
  return block;
}

/** The policy's decision for a permission (and a patient) as a small block. */
export async function explain(permission, patientId) {
  const result = await api('GET', '/access/explain', { query: { permission, patientId } });
  if (!result.ok) return h('p', { class: 'form-error' }, `The explanation was refused: ${messageOf(result)}`);
  const d = result.data;
  return h('div', { class: 'decision' },
    h('p', {}, 'Decision: ', h('span', { class: ['badge', d.decision === 'allow' ? 'badge-ok' : 'badge-denied'] }, d.decision),
      ` for role ${d.role}, permission ${d.permission}`, d.breakGlass ? ' (under break-the-glass)' : ''),
    h('ul', { class: 'reasons' }, (d.reasons ?? []).map((r) => h('li', {}, r))));
}
