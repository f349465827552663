// Tables: a caption, column headers with scope, one row per item. Cells take text or nodes.

import { h } from './dom.js';

/**
 * table({ caption, columns: [{ label, cell: (row) => node|string, class }], rows, empty, rowClass, scroll })
 * `scroll: true` wraps a wide table in a focusable, labelled region so it can be scrolled by keyboard.
 */
export function table({ caption, columns, rows, empty = 'Nothing to show.', rowClass, scroll = false, captionHidden = false }) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  const t = h('table', {},
    caption ? h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
    h('tbody', {}, rows.map((row) => h('tr', { class: rowClass?.(row) }, columns.map((c) => h('td', { class: c.class }, c.cell(row)))))));
  if (!scroll) return t;
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': typeof caption === 'string' ? caption : 'Table' }, t);
}
