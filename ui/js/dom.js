// The only way the UI builds elements. Text goes in as text nodes, attributes through
// setAttribute: nothing the operator or the database typed is ever parsed as HTML.

import { t } from './i18n.js';

// Properties that must be set on the element itself: as attributes they would only
// give the initial state of a form control.
const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate']);

/**
 * h('button', {class: 'primary', onclick: save, 'data-testid': 'save'}, 'Salva')
 * Children: strings and numbers (as text), nodes, arrays of them; null/false skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (PROPERTIES.has(name)) {
      el[name] = value;
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

// A data table never widens the page: with large text (200 %) or long
// contents it scrolls sideways in a box of its own, and that box takes the
// focus only while it scrolls (so the keyboard can scroll it, WCAG 2.1.1),
// named for the screen reader after the table's own name. Every table goes
// through append (h, replace), so every table is boxed here, once.
const scrollBoxes = typeof ResizeObserver === 'function'
  ? new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.target.closest('.table-scroll');
      if (box) markScrolling(box);
    }
  })
  : null;

function markScrolling(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  if (scrolls === box.hasAttribute('tabindex')) return;
  if (scrolls) {
    const table = box.querySelector('table');
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'region');
    const named = table && table.getAttribute('aria-labelledby');
    if (named) {
      box.setAttribute('aria-labelledby', named);
    } else {
      box.setAttribute('aria-label', t('app.tableScrolls'));
    }
  } else {
    for (const name of ['tabindex', 'role', 'aria-label', 'aria-labelledby']) box.removeAttribute(name);
  }
}

function boxed(table) {
  const box = document.createElement('div');
  box.className = 'table-scroll';
  box.appendChild(table);
  if (scrollBoxes) {
    scrollBoxes.observe(box);
    scrollBoxes.observe(table);
  }
  return box;
}

/** Appends children (same rules as h) to an element. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof HTMLTableElement && child.classList.contains('data') && !el.classList.contains('table-scroll')) {
      el.appendChild(boxed(child));
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
  return el;
}

/** Replaces everything inside el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Sets the text of an element (never markup). */
export function text(el, value) {
  el.textContent = value === null || value === undefined ? '' : String(value);
  return el;
}
