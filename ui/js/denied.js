// The page shown instead of a screen the operator may not open (a `forbidden`
// answer while the screen loads): what was refused and why (the service's
// message), whom to ask, and the way back.

import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * `error`: the refusal ({code, message}); `back()`: to the page before;
 * `home`: the address of the first screen (the board).
 */
export function deniedPage(error, { back, home }) {
  return h(
    'section',
    { class: 'denied', 'data-testid': 'screen-denied', 'data-code': error.code },
    h('h1', {}, t('denied.title')),
    h('p', { class: 'callout warn', 'data-testid': 'denied-message' }, error.message),
    h('p', { 'data-testid': 'denied-whom' }, t('denied.whom')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', 'data-testid': 'denied-back', onclick: back }, t('denied.back')),
      h('a', { class: 'button secondary', href: home, 'data-testid': 'denied-home' }, t('denied.home')),
    ),
  );
}
