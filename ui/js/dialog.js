// The yes/no dialog over the page, built from DOM nodes (dom.js, never markup
// from strings): the unsaved-changes guard and the confirmation of steps that
// cannot be undone (publishing a ranking) share it.

import { h } from './dom.js';

/**
 * Asks a question; resolves true when the operator confirms, false on the safe
 * button or Escape. The safe button takes the focus, so an Enter pressed out of
 * habit never confirms.
 *
 * `name` makes the ids and test ids: `${name}-dialog`, `${name}-title`,
 * `${name}-body`, and `${name}-${cancel.id}` / `${name}-${confirm.id}` on the
 * buttons (the real-window tests find them by these).
 *
 * @param {{name: string, title: string, body: string,
 *          cancel: {label: string, id: string, className?: string},
 *          confirm: {label: string, id: string, className?: string}}} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ name, title, body, cancel, confirm }) {
  return new Promise((resolve) => {
    const close = (answer) => {
      dialog.remove();
      document.removeEventListener('keydown', onKey, true);
      resolve(answer);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close(false);
      }
    };
    const button = (b, answer, fallbackClass) =>
      h('button', { type: 'button', class: b.className || fallbackClass, 'data-testid': `${name}-${b.id}`, onclick: () => close(answer) }, b.label);
    const safe = button(cancel, false, 'secondary');
    const dialog = h(
      'div',
      { class: 'modal-backdrop' },
      h(
        'div',
        {
          class: 'modal',
          role: 'alertdialog',
          'aria-modal': 'true',
          'aria-labelledby': `${name}-title`,
          'aria-describedby': `${name}-body`,
          'data-testid': `${name}-dialog`,
        },
        h('h2', { id: `${name}-title` }, title),
        h('p', { id: `${name}-body` }, body),
        h('div', { class: 'actions' }, safe, button(confirm, true, 'primary')),
      ),
    );
    document.addEventListener('keydown', onKey, true);
    document.body.appendChild(dialog);
    safe.focus();
  });
}
