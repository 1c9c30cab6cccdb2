// The only way the UI builds elements. Text goes in as text nodes, attributes through
// setAttribute: nothing the operator or the database typed is ever parsed as HTML.

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

/** Appends children (same rules as h) to an element. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Node) {
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
