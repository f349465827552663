// Building DOM without innerHTML: every value from the API becomes a text node, never markup.
// No style attributes either: the Content-Security-Policy forbids them; looks come from classes in console.css.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'indeterminate']);

/**
 * h('button', { class: 'primary', onclick: fn, 'aria-label': 'x' }, 'text', child, [more])
 * Props: class, text, on<event> handlers, DOM properties (value, checked, disabled, hidden, selected), and any
 * other attribute (true sets an empty attribute; false, null and undefined leave it out).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes, strings and numbers (as text), arrays (flattened); skips null, undefined and false. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

/** A unique id for label/aria wiring. */
let counter = 0;
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Says something to screen readers (the polite live region of index.html). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 30);
}

/** A labelled form field: label + control (+ optional hint), returned as one block. */
export function field(label, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}
