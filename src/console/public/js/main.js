// The console's entry point: the header, the navigation and a small hash router (#/patients, #/patients/4,
// #/audit...). Each screen is a module with render(root, params, context) that may return a cleanup function
// (to stop its polling). The screens shown follow the signed-in role's current permissions.

import { refreshPermissions } from './lib/api.js';
import { h, replace } from './lib/dom.js';
import { session } from './lib/session.js';
import { apiPanel } from './views/api-panel.js';
import * as audit from './views/audit.js';
import * as chart from './views/chart.js';
import * as login from './views/login.js';
import * as matrix from './views/matrix.js';
import * as me from './views/me.js';
import * as patients from './views/patients.js';
import * as reports from './views/reports.js';
import * as roi from './views/roi.js';

const RECORD_READERS = ['patient:search', 'clinical:read', 'coding:read', 'demographics:read', 'record:him'];
const SCREENS = [
  { path: 'patients', label: 'Patients and charts', view: patients, show: () => session.canAny(...RECORD_READERS) },
  { path: 'audit', label: 'Audit', view: audit, show: () => session.canAny('audit:read', 'audit:verify') },
  { path: 'reports', label: 'Reports', view: reports, show: () => session.canAny('report:outcomes', 'report:audit', 'report:roi') },
  { path: 'roi', label: 'Release of information', view: roi, show: () => session.can('roi:process') },
  { path: 'me', label: 'My record', view: me, show: () => session.can('self:record') },
  { path: 'matrix', label: 'Role matrix', view: matrix, show: () => true },
  { path: 'login', label: 'Sign in', view: login, show: () => true },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;
let navigation = 0;

/** The first screen the role can use: where signing in lands. */
export function homeOf() {
  return `#/${SCREENS.find((s) => s.show()).path}`;
}

function parse(hash) {
  const [first, second] = hash.replace(/^#\//, '').split('/');
  if (first === 'patients' && second) return { screen: { path: 'patients', view: chart }, params: { id: second } };
  return { screen: SCREENS.find((s) => s.path === first) ?? null, params: {} };
}

async function route() {
  // Only "#/..." is a screen; other fragments (the skip link's #main) stay in-page jumps.
  if (location.hash && !location.hash.startsWith('#/')) return;
  if (!session.token()) {
    if (location.hash !== '#/login') {
      location.hash = '#/login';
      return;
    }
  } else {
    // The matrix may have changed since the last screen: ask for the role's permissions again.
    const ticket = ++navigation;
    await refreshPermissions();
    if (ticket !== navigation) return; // a newer navigation has started meanwhile
  }
  const { screen, params } = parse(location.hash || homeOf());
  if (!screen) {
    location.hash = session.token() ? homeOf() : '#/login';
    return;
  }
  cleanup?.();
  cleanup = null;
  main.replaceChildren();
  renderChrome(screen.path);
  cleanup = screen.view.render(main, params, { homeOf }) ?? null;
  (main.querySelector('h1') ?? main).focus();
}

function renderChrome(current) {
  const signedIn = Boolean(session.token());
  replace(nav, h('ul', {}, SCREENS.filter((s) => (signedIn ? s.show() : s.path === 'login')).map((s) =>
    h('li', {}, h('a', { href: `#/${s.path}`, 'aria-current': s.path === current ? 'page' : null }, s.label)))));
  const user = session.user();
  const who = document.getElementById('who');
  replace(who, user ? [h('strong', {}, user.displayName), ` · ${user.username} · ${user.role.replace(/_/g, ' ')}`] : 'Not signed in');
  document.getElementById('sign-out').hidden = !signedIn;
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.clear();
  if (location.hash === '#/login') route();
  else location.hash = '#/login';
});
apiPanel({ aside: document.getElementById('api-panel'), toggle: document.getElementById('api-toggle'), count: document.getElementById('api-count') });
session.onChange(() => renderChrome(parse(location.hash).screen?.path));
window.addEventListener('hashchange', route);
route();
