// The one modal dialog of the app, built from DOM nodes (dom.js, never markup
// from strings): every yes/no question (unsaved changes, closing the window,
// revoking an operator, publishing a ranking) and every question that asks for a
// text (a reason, a note) goes through it.
//
// Keyboard: the safe button has the focus, so an Enter pressed out of habit
// never confirms; Escape answers "no"; Tab and Shift+Tab stay inside the dialog
// (the page behind is inert); on closing, the focus goes back where it was.

import { h } from './dom.js';
import { t } from './i18n.js';
import { onSessionEnd } from './session-state.js';

let nextId = 0;
// The dialogs on screen: a lock or a logout closes them (answering "no"), so no
// question of one operator stays over the lock screen or reaches the next one.
const openDialogs = new Set();
onSessionEnd(() => {
  for (const refuse of [...openDialogs]) refuse();
});

/**
 * Opens the dialog. Resolves with the answer: for a yes/no question true or
 * false; with `input`, the text typed (trimmed) or null when cancelled.
 *
 * `name` makes the ids and test ids: `${name}-dialog`, `${name}-title`,
 * `${name}-body`, `${name}-input`, `${name}-error`, and `${name}-${cancel.id}` /
 * `${name}-${confirm.id}` on the buttons (the real-window tests find them by these).
 *
 * @param {{name: string, title: string, body?: string,
 *          cancel: {label: string, id?: string, className?: string},
 *          confirm: {label: string, id?: string, className?: string},
 *          input?: {label: string, multiline?: boolean, required?: boolean, value?: string}}} options
 * @returns {Promise<boolean | string | null>}
 */
export function openDialog({ name, title, body, cancel, confirm, input }) {
  const uid = `dlg${++nextId}`;
  return new Promise((resolve) => {
    const returnFocus = document.activeElement;
    const app = document.getElementById('app');
    const wasInert = app ? app.inert : false;

    let field = null;
    let error = null;
    if (input) {
      field = h(input.multiline ? 'textarea' : 'input', {
        id: `${uid}-input`,
        type: input.multiline ? null : 'text',
        rows: input.multiline ? 3 : null,
        autocomplete: 'off',
        'aria-describedby': `${uid}-error`,
        'data-testid': `${name}-input`,
        value: input.value ?? '',
      });
      error = h('div', { class: 'field-error', id: `${uid}-error`, 'data-testid': `${name}-error`, hidden: true });
      field.addEventListener('input', () => {
        error.hidden = true;
        field.removeAttribute('aria-invalid');
      });
    }

    const close = (answer) => {
      openDialogs.delete(refuse);
      backdrop.remove();
      document.removeEventListener('keydown', onKey, true);
      if (app) app.inert = wasInert;
      if (returnFocus && returnFocus.isConnected && typeof returnFocus.focus === 'function') returnFocus.focus();
      resolve(answer);
    };
    const accept = () => {
      if (!field) {
        close(true);
        return;
      }
      const value = field.value.trim();
      if (input.required && value === '') {
        error.textContent = t('common.required');
        error.hidden = false;
        field.setAttribute('aria-invalid', 'true');
        field.focus();
        return;
      }
      close(value);
    };
    const refuse = () => close(field ? null : false);

    const button = (b, onclick, fallbackClass, fallbackId) =>
      h('button', { type: 'button', class: b.className || fallbackClass, 'data-testid': `${name}-${b.id || fallbackId}`, onclick }, b.label);
    const safe = button(cancel, refuse, 'secondary', 'no');
    const ok = button(confirm, accept, 'primary', 'yes');
    const modal = h(
      'div',
      {
        class: 'modal',
        role: input ? 'dialog' : 'alertdialog',
        'aria-modal': 'true',
        'aria-labelledby': `${uid}-title`,
        'aria-describedby': body ? `${uid}-body` : null,
        'data-testid': `${name}-dialog`,
      },
      h('h2', { id: `${uid}-title`, 'data-testid': `${name}-title` }, title),
      body ? h('p', { id: `${uid}-body`, 'data-testid': `${name}-body` }, body) : null,
      field ? h('div', { class: 'field wide' }, h('label', { for: `${uid}-input` }, input.label), field, error) : null,
      h('div', { class: 'actions' }, safe, ok),
    );
    const backdrop = h('div', { class: 'modal-backdrop' }, modal);

    const focusables = () =>
      [...modal.querySelectorAll('button, input, textarea, select, a[href], [tabindex]:not([tabindex="-1"])')].filter((el) => !el.disabled);
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        refuse();
      } else if (e.key === 'Tab') {
        // The focus never leaves the dialog: from the last control back to the first.
        const list = focusables();
        if (list.length === 0) return;
        const first = list[0];
        const last = list[list.length - 1];
        const inside = modal.contains(document.activeElement);
        if (e.shiftKey && (!inside || document.activeElement === first)) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (!inside || document.activeElement === last)) {
          e.preventDefault();
          first.focus();
        }
      } else if (e.key === 'Enter' && field && document.activeElement === field && !input.multiline) {
        e.preventDefault();
        accept();
      }
    };
    openDialogs.add(refuse);
    document.addEventListener('keydown', onKey, true);
    // The page behind neither takes the focus nor answers the pointer.
    if (app) app.inert = true;
    document.body.appendChild(backdrop);
    // A text to type: the focus goes to it; a question: to the safe button.
    (field || safe).focus();
  });
}

/**
 * A yes/no question: resolves true when the operator confirms, false on the
 * safe button or Escape.
 */
export function confirmDialog(options) {
  const { input, ...rest } = options;
  return openDialog(rest);
}

/** A question that asks for a text (e.g. a reason): resolves the text, or null when cancelled. */
export function askText(options) {
  return openDialog({ ...options, input: { required: true, ...options.input } });
}
