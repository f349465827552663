// Sign in as a role: one card per demo user, with what that role shows. The token is kept for this tab only.

import { DEMO_PASSWORD, DEMO_USERS } from '../demo-users.js';
import { messageOf, signIn } from '../lib/api.js';
import { append, field, h, replace } from '../lib/dom.js';
import { session } from '../lib/session.js';

export function render(root, _params, { homeOf }) {
  const password = h('input', { type: 'password', autocomplete: 'current-password', value: DEMO_PASSWORD, required: true });
  const status = h('p', { class: 'form-error', role: 'alert' });
  const current = session.user();

  const choose = async (username, button) => {
    replace(status);
    button.disabled = true;
    const result = await signIn(username, password.value);
    button.disabled = false;
    if (!result.ok) {
      replace(status, `${username}: ${messageOf(result)}`);
      return;
    }
    location.hash = homeOf();
  };

  append(root,
    h('h1', { tabindex: '-1' }, 'Sign in as a role'),
    h('p', { class: 'lead' }, 'Pick a demo user. Each role sees a different slice of the same hospital, and every request it makes is decided by the ',
      'access policy and written to the audit trail. Your sign-in lasts as long as this browser tab.'),
    current ? h('p', { class: 'card' }, `Signed in as ${current.displayName} (${current.username}, ${current.role}). Choosing another user replaces this tab's session.`) : null,
    h('div', { class: 'password-row' }, field('Password', password, `Every demo user has the password ${DEMO_PASSWORD}.`)),
    status,
    h('ul', { class: 'user-cards' }, DEMO_USERS.map((u) => {
      const button = h('button', { type: 'button', class: 'primary', 'aria-describedby': `shows-${u.username}` }, `Sign in as ${u.username}`);
      button.addEventListener('click', () => choose(u.username, button));
      return h('li', { class: 'user-card' },
        h('h2', {}, u.username),
        h('p', { class: 'role' }, u.role.replace(/_/g, ' ')),
        h('p', { id: `shows-${u.username}` }, u.shows),
        button);
    })));
}
