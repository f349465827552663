// Token expiry without losing the screen: a modal dialog over the current screen asks the same user to sign in
// again. Requests that met the 401 wait for it (one dialog for all of them) and are then sent again.

import { signIn, messageOf } from './api.js';
import { DEMO_PASSWORD } from '../demo-users.js';
import { field, h, replace } from './dom.js';
import { session } from './session.js';

let pending = null;

/** Resolves true once the user has signed in again, false when they chose to sign in as someone else. */
export function promptRelogin() {
  if (!pending) pending = open().finally(() => { pending = null; });
  return pending;
}

function open() {
  return new Promise((resolve) => {
    const user = session.user();
    const password = h('input', { type: 'password', autocomplete: 'current-password', value: DEMO_PASSWORD, required: true });
    const status = h('p', { class: 'form-error', role: 'alert' });
    const dialog = h('dialog', { class: 'relogin', 'aria-labelledby': 'relogin-title' });
    const finish = (ok) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    const form = h('form', {
      onsubmit: async (event) => {
        event.preventDefault();
        replace(status);
        const result = await signIn(user.username, password.value);
        if (result.ok) finish(true);
        else replace(status, `Sign-in refused: ${messageOf(result)}`);
      },
    },
    h('h2', { id: 'relogin-title' }, 'Your session has expired'),
    h('p', {}, `The token of ${user?.displayName ?? user?.username ?? 'this tab'} is no longer valid (tokens last JWT_TTL seconds, 15 minutes by default). `,
      'Sign in again to carry on where you were: the request that was refused will be sent again.'),
    field(`Password for ${user?.username}`, password),
    status,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, `Sign in again as ${user?.username}`),
      h('button', {
        type: 'button', class: 'secondary',
        onclick: () => {
          session.clear();
          finish(false);
          location.hash = '#/login';
        },
      }, 'Sign in as someone else')));
    // Escape would leave the screen waiting on a dialog that is gone: treat it as "someone else" is too harsh, so keep it open.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    dialog.append(form);
    document.body.append(dialog);
    dialog.showModal();
    password.focus();
  });
}
