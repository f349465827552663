// The API behind the page: every request this tab made (method, path, status, time), newest first, each with
// "Copy as curl". On screen the token is shortened (the panel may be projected); the clipboard gets it whole.

import { apiLog, curlFor } from '../lib/api-log.js';
import { copyText } from '../lib/clipboard.js';
import { h } from '../lib/dom.js';

const SHOWN = 100;

export function apiPanel({ aside, toggle, count }) {
  const list = h('ol', { class: 'api-list', reversed: true });
  aside.append(
    h('div', { class: 'api-head' },
      h('h2', { id: 'api-panel-title' }, 'API calls of this tab'),
      h('button', { type: 'button', class: 'secondary', onclick: () => apiLog.clear() }, 'Clear')),
    h('p', { class: 'hint' }, 'The console uses only the public API. "Copy as curl" copies the full command, token included.'),
    list);

  const setOpen = (open) => {
    aside.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('api-open', open);
  };
  toggle.addEventListener('click', () => setOpen(aside.hidden));

  apiLog.onChange((entry) => {
    count.textContent = String(apiLog.count());
    if (!entry) {
      list.replaceChildren();
      return;
    }
    list.prepend(row(entry));
    while (list.children.length > SHOWN) list.lastElementChild.remove();
  });
  return { setOpen };
}

function row(e) {
  const path = e.url;
  const ok = e.status >= 200 && e.status < 300;
  return h('li', { class: 'api-entry', 'data-method': e.method, 'data-path': path, 'data-status': String(e.status) },
    h('div', { class: 'api-line' },
      h('span', { class: 'method' }, e.method), ' ',
      h('code', { class: 'path' }, path), ' ',
      h('span', { class: ['badge', ok ? 'badge-ok' : 'badge-denied'] }, e.status === 0 ? 'no answer' : String(e.status)), ' ',
      h('span', { class: 'hint' }, `${e.ms} ms · ${e.at.toLocaleTimeString()}`)),
    h('div', { class: 'api-actions' },
      h('button', { type: 'button', class: 'secondary small', onclick: () => copyText(curlFor(e), 'curl command'), 'aria-label': `Copy as curl: ${e.method} ${path}` }, 'Copy as curl'),
      h('details', {}, h('summary', {}, 'Show curl'), h('pre', { class: 'code' }, curlFor(e, { showToken: false })))));
}
