// The chain-verification badge: GET /audit/verify recomputes the HMAC chain; the badge is green while it holds and
// turns red naming the first broken row (changed, deleted, cut tail...). Polled, so a tamper shows up by itself.

import { api, messageOf } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { poll } from '../lib/poller.js';

export function verifyBadge() {
  const badge = h('div', { class: 'verify-badge pending', role: 'status', 'aria-live': 'polite' }, 'Checking the chain…');
  let lastValid = null;
  const check = async () => {
    const result = await api('GET', '/audit/verify');
    if (!result.ok) {
      badge.className = 'verify-badge pending';
      replace(badge, `Chain not checked: ${messageOf(result)}`);
      return;
    }
    const v = result.data;
    if (v.valid) {
      badge.className = 'verify-badge valid';
      replace(badge, h('span', { class: 'verify-icon', 'aria-hidden': 'true' }, '✓'), ` Chain verified: ${v.checked} rows, head #${v.headSequence}`);
    } else {
      badge.className = 'verify-badge broken';
      replace(badge, h('span', { class: 'verify-icon', 'aria-hidden': 'true' }, '✗'),
        ` Chain broken at row ${v.firstBrokenSequence} (${v.problem})`, v.message ? h('span', { class: 'verify-message' }, v.message) : null);
    }
    badge.dataset.valid = String(v.valid);
    if (v.firstBrokenSequence) badge.dataset.brokenAt = String(v.firstBrokenSequence);
    else delete badge.dataset.brokenAt;
    lastValid = v.valid;
  };
  // Every verify recomputes the whole chain and is itself audited: every 10 s is enough for a class to watch.
  const stop = poll(check, 10_000);
  return { element: badge, stop, check, valid: () => lastValid };
}
