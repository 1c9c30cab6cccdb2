// Cambia password (from the user menu): any operator, for themselves.

import { h, replace } from '../dom.js';
import { passwordForm } from '../access.js';
import { t } from '../i18n.js';

export async function mount(view, ctx) {
  const form = passwordForm({
    forced: false,
    onDone: () => {
      ctx.setDirty(false);
      ctx.toast(t('password.done'));
      ctx.navigate('/scadenze');
    },
  });
  form.addEventListener('input', () => ctx.setDirty(true));
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-password', class: 'narrow' },
      h('div', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, t('password.title'))),
      h('div', { class: 'card' }, form),
    ),
  );
}
