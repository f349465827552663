// The role matrix: roles x permissions (GET /access/matrix, GET /access/roles). With role:manage (the
// instructor) each cell is a toggle: PUT /access/roles/:role/permissions replaces the role's list, the change is
// audited (permission-change), and every student's next request is decided by the new matrix.
// Keyboard: Tab reaches the grid once; arrow keys, Home and End move between cells; Space or Enter toggles.

import { api, messageOf } from '../lib/api.js';
import { announce, append, h, replace } from '../lib/dom.js';
import { poll } from '../lib/poller.js';
import { session } from '../lib/session.js';

export function render(root) {
  const grid = h('div', { class: 'matrix-wrap' }, h('p', { class: 'loading' }, 'Loading the matrix…'));
  const status = h('p', { class: 'status', role: 'status' });
  const descriptions = h('div');
  let last = '';
  const editable = session.can('role:manage');

  const load = async () => {
    const [matrix, roles] = await Promise.all([api('GET', '/access/matrix'), api('GET', '/access/roles')]);
    if (!matrix.ok || !roles.ok) {
      replace(grid, h('p', { class: 'form-error', role: 'alert' }, `The matrix could not be read: ${messageOf(matrix.ok ? roles : matrix)}`));
      return;
    }
    const snapshot = JSON.stringify(matrix.data);
    if (snapshot === last) return;
    last = snapshot;
    const focused = document.activeElement?.dataset?.cell;
    replace(grid, matrixTable(matrix.data, editable, (role, permission, held) => toggle(roles.data, role, permission, held)));
    replace(descriptions, roleList(roles.data));
    const again = focused && grid.querySelector(`[data-cell="${CSS.escape(focused)}"]`);
    if (again) {
      grid.querySelectorAll('[data-cell]').forEach((b) => b.setAttribute('tabindex', '-1'));
      again.setAttribute('tabindex', '0');
      again.focus();
    }
  };

  const toggle = async (roles, roleName, permission, held) => {
    const role = roles.find((r) => r.name === roleName);
    const permissions = held ? role.permissions.filter((p) => p !== permission) : [...role.permissions, permission];
    replace(status, `Saving ${roleName}: ${held ? 'removing' : 'adding'} ${permission}…`);
    const result = await api('PUT', `/access/roles/${encodeURIComponent(roleName)}/permissions`, { body: { permissions } });
    if (!result.ok) {
      const details = Array.isArray(result.data?.details) ? ` (${result.data.details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ')})` : '';
      replace(status, h('span', { class: 'form-error' }, `Refused: ${messageOf(result)}${details}`));
      return;
    }
    const message = `${roleName} ${held ? 'no longer has' : 'now has'} ${permission}. Audited as permission-change; students' next requests follow it.`;
    replace(status, message);
    announce(message);
    await load();
  };

  append(root,
    h('h1', { tabindex: '-1' }, 'Role matrix'),
    h('p', { class: 'lead' }, editable
      ? 'Toggle a cell to give a role a permission or take it away. The change is audited and takes effect on the next request of every user of that role.'
      : 'What each role may do. The instructor can change it during class: this screen follows the changes.'),
    status,
    h('div', { class: 'matrix-layout' }, grid, h('div', {}, h('h2', {}, 'The roles'), descriptions)));
  return poll(load, 10_000);
}

function matrixTable(data, editable, onToggle) {
  const mine = session.user()?.role;
  const table = h('table', { class: 'matrix' },
    h('caption', {}, 'Permissions (rows) held by each role (columns)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Permission'),
      data.roles.map((r) => h('th', { scope: 'col', class: ['role-col', r === mine && 'mine'] }, h('span', {}, r.replace(/_/g, ' ')))))),
    h('tbody', {}, data.permissions.map((p, row) => h('tr', {},
      h('th', { scope: 'row' }, h('code', {}, p)),
      data.roles.map((r, col) => {
        const held = Boolean(data.matrix[r]?.[p]);
        const label = `${r} ${held ? 'has' : 'does not have'} ${p}`;
        if (!editable) return h('td', { class: ['cell', held && 'held', r === mine && 'mine'] }, h('span', { 'aria-hidden': 'true' }, held ? '✓' : '·'), h('span', { class: 'visually-hidden' }, label));
        return h('td', { class: ['cell', held && 'held', r === mine && 'mine'] },
          h('button', {
            type: 'button', class: 'cell-toggle', 'aria-pressed': String(held), 'aria-label': `${r}: ${p}`, title: label,
            tabindex: row === 0 && col === 0 ? '0' : '-1', 'data-cell': `${r}|${p}`, 'data-row': row, 'data-col': col,
            onclick: () => onToggle(r, p, held),
          }, h('span', { 'aria-hidden': 'true' }, held ? '✓' : '·')));
      })))));
  if (editable) table.addEventListener('keydown', (e) => moveFocus(e, table, data.permissions.length, data.roles.length));
  return table;
}

/** Roving focus inside the grid: one Tab stop, arrows to move. */
function moveFocus(event, table, rows, cols) {
  const cell = event.target.closest('[data-cell]');
  if (!cell) return;
  let row = Number(cell.dataset.row);
  let col = Number(cell.dataset.col);
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  if (moves[event.key]) {
    row = Math.min(rows - 1, Math.max(0, row + moves[event.key][0]));
    col = Math.min(cols - 1, Math.max(0, col + moves[event.key][1]));
  } else if (event.key === 'Home') col = 0;
  else if (event.key === 'End') col = cols - 1;
  else return;
  event.preventDefault();
  const next = table.querySelector(`[data-row="${row}"][data-col="${col}"]`);
  if (!next) return;
  table.querySelectorAll('[data-cell]').forEach((b) => b.setAttribute('tabindex', '-1'));
  next.setAttribute('tabindex', '0');
  next.focus();
}

function roleList(roles) {
  const mine = session.user()?.role;
  return h('dl', { class: 'role-list' }, roles.map((r) => [
    h('dt', {}, r.name.replace(/_/g, ' '), r.name === mine ? h('span', { class: 'badge badge-ok' }, 'your role') : null),
    h('dd', {}, r.description, h('br'), h('span', { class: 'hint' }, `${r.permissions.length} permissions`)),
  ]));
}
