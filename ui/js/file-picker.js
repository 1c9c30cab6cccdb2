// Choosing a file from the computer, in Italian. The browser's own control
// says "Choose File" / "No file chosen" in the system's language and cannot
// be translated: it stays in the page, hidden, and a button "Scegli file"
// opens its dialog; beside it the name of the file chosen.
//
// Keyboard: the button is an ordinary button (Tab, Enter, Space). Its name for
// screen readers is the field's label and its own text; the file's name
// describes it.

import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * filePicker({id: 'import-file', label: 'File CSV delle domande', accept: '.csv'})
 * → {element, file()}. `id` (and the test ids) name the hidden input; the
 * button is `${id}-button`, the name shown `${id}-name`.
 */
export function filePicker({ id, label, accept }) {
  const input = h('input', { type: 'file', id, accept, hidden: true, tabindex: '-1', 'data-testid': id });
  const labelEl = h('label', { id: `${id}-label`, for: `${id}-button` }, label);
  const name = h('span', { id: `${id}-name`, class: 'file-name', 'data-testid': `${id}-name`, 'aria-live': 'polite' }, t('filePicker.none'));
  const button = h(
    'button',
    {
      type: 'button',
      id: `${id}-button`,
      class: 'secondary file-button',
      'data-testid': `${id}-button`,
      'aria-labelledby': `${id}-label ${id}-button`,
      'aria-describedby': `${id}-name`,
      onclick: () => input.click(),
    },
    t('filePicker.choose'),
  );
  const chosen = () => (input.files && input.files[0]) || null;
  input.addEventListener('change', () => {
    const f = chosen();
    name.textContent = f ? f.name : t('filePicker.none');
    name.classList.toggle('muted', !f);
  });
  name.classList.add('muted');
  return {
    element: h('div', { class: 'field' }, labelEl, h('div', { class: 'file-picker' }, input, button, name)),
    file: chosen,
  };
}
