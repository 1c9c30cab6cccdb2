// A modal yes/no question, built with dom.js. Escape and the first button
// answer "no": the safe choice is the default.

import { h } from './dom.js';

/** confirmDialog({title, body, yes, no, danger, testid}) → Promise<boolean> */
export function confirmDialog({ title, body, yes, no, danger = true, testid = 'confirm' }) {
  return new Promise((resolve) => {
    const close = (answer) => {
      backdrop.remove();
      document.removeEventListener('keydown', onKey, true);
      resolve(answer);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close(false);
      }
    };
    const stay = h('button', { type: 'button', class: 'primary', 'data-testid': `${testid}-no`, onclick: () => close(false) }, no);
    const backdrop = h(
      'div',
      { class: 'modal-backdrop' },
      h(
        'div',
        { class: 'modal', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': `${testid}-title`, 'aria-describedby': `${testid}-body`, 'data-testid': `${testid}-dialog` },
        h('h2', { id: `${testid}-title` }, title),
        h('p', { id: `${testid}-body` }, body),
        h(
          'div',
          { class: 'actions' },
          stay,
          h('button', { type: 'button', class: danger ? 'danger' : 'secondary', 'data-testid': `${testid}-yes`, onclick: () => close(true) }, yes),
        ),
      ),
    );
    document.addEventListener('keydown', onKey, true);
    document.body.appendChild(backdrop);
    stay.focus();
  });
}
