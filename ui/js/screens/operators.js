// Operatori: the accounts that can open the database. An amministratore adds
// operators, sets a new password for one who forgot it and revokes accounts;
// a coordinatore sees the list. The service decides who may do what: a
// refused action shows its `forbidden` message as it is.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { roleLabel, t } from '../i18n.js';
import { exposureCard } from './exposure.js';
import { informativaSettingsCard, processingRegisterCard } from './informativa.js';
import { retentionCard } from './retention.js';

const ROLES = ['operatore', 'coordinatore', 'amministratore'];

let nextId = 0;
function input(attrs) {
  return h('input', { id: `op${++nextId}`, autocomplete: 'off', spellcheck: 'false', ...attrs });
}
function labelled(labelText, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hint ? h('div', { class: 'hint' }, hint) : null);
}

export async function mount(view, ctx) {
  const accounts = await api.operatorsList();
  if (!ctx.isCurrent()) return;
  const admin = ctx.session?.operator?.role === 'amministratore';
  const me = ctx.session?.operator?.id;
  const reload = () => ctx.navigate('/operatori');

  const setPassword = (account, cell) => {
    const pw = input({ type: 'password', autocomplete: 'new-password', 'data-testid': 'operator-new-password' });
    const save = async (e) => {
      e.preventDefault();
      ctx.showError(null);
      try {
        await api.operatorSetPassword(account.username, pw.value);
        ctx.toast(t('operators.passwordSet', { name: account.name }));
        reload();
      } catch (err) {
        ctx.showError(err);
      }
    };
    replace(
      cell,
      h(
        'form',
        { class: 'inline-form', onsubmit: save, 'data-testid': 'operator-password-form' },
        labelled(t('operators.newPassword', { name: account.name }), pw, t('operators.newPasswordHint')),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'operator-password-save' }, t('operators.setPassword')), h('button', { type: 'button', class: 'link', onclick: reload }, t('operators.cancel'))),
      ),
    );
    pw.focus();
  };

  // The codice fiscale: the SIUSS flow names who prepared it (CFOperatore).
  const setCf = (account, cell) => {
    const cf = input({ type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 16, 'data-testid': 'operator-cf-input', value: account.codice_fiscale ?? '' });
    const save = async (e) => {
      e.preventDefault();
      ctx.showError(null);
      try {
        await api.operatorSave({ username: account.username, name: account.name, role: account.role, codice_fiscale: cf.value.trim() });
        ctx.toast(t('operators.cfSaved', { name: account.name }));
        reload();
      } catch (err) {
        ctx.showError(err);
        cf.focus();
      }
    };
    replace(
      cell,
      h(
        'form',
        { class: 'inline-form', onsubmit: save, 'data-testid': 'operator-cf-form' },
        labelled(t('operators.cfOf', { name: account.name }), cf, t('operators.cfHint')),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'operator-cf-save' }, t('operators.cfSave')), h('button', { type: 'button', class: 'link', onclick: reload }, t('operators.cancel'))),
      ),
    );
    cf.focus();
  };

  const revoke = async (account) => {
    const yes = await confirmDialog({
      title: t('operators.revokeTitle'),
      body: t('operators.revokeBody', { name: account.name, username: account.username }),
      cancel: { label: t('operators.cancel'), id: 'no', className: 'primary' },
      confirm: { label: t('operators.revokeConfirm'), id: 'yes', className: 'danger' },
      name: 'revoke',
    });
    if (!yes) return;
    ctx.showError(null);
    try {
      await api.operatorRevoke(account.username);
      ctx.toast(t('operators.revoked_done', { name: account.name }));
      reload();
    } catch (err) {
      ctx.showError(err);
    }
  };

  const rows = accounts.map((a) => {
    const actions = h('div', { class: 'actions-cell' });
    if (admin && a.active && a.username !== 'recupero') {
      replace(
        actions,
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'operator-set-password', onclick: () => setPassword(a, actions) }, t('operators.setPassword')),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'operator-set-cf', onclick: () => setCf(a, actions) }, t('operators.setCf')),
        a.id === me ? null : h('button', { type: 'button', class: 'link danger', 'data-testid': 'operator-revoke', onclick: () => revoke(a) }, t('operators.revoke')),
      );
    }
    return h(
      'tr',
      { 'data-testid': 'operator-row', 'data-username': a.username, 'data-active': String(a.active) },
      h('td', { class: 'mono' }, a.username),
      h('td', { 'data-testid': 'operator-name' }, a.name),
      h('td', {}, roleLabel(a.role)),
      h('td', { class: 'mono', 'data-testid': 'operator-cf' }, a.codice_fiscale ?? '—'),
      h('td', {}, a.active ? t('operators.active') : t('operators.revoked')),
      h('td', { 'data-testid': 'operator-must-change' }, a.must_change_password ? t('common.yes') : t('common.no')),
      h('td', {}, actions),
    );
  });

  const table = h(
    'table',
    { class: 'data', 'data-testid': 'operators-table' },
    h('thead', {}, h('tr', {}, ['colUsername', 'colName', 'colRole', 'colCf', 'colActive', 'colMustChange', 'colActions'].map((k) => h('th', { scope: 'col' }, t(`operators.${k}`))))),
    h('tbody', {}, rows),
  );

  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-operatori' },
      h('div', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, t('operators.title')), h('p', { class: 'muted' }, t('operators.subtitle'))),
      admin ? null : h('p', { class: 'callout', 'data-testid': 'operators-read-only' }, t('operators.readOnly')),
      table,
      admin ? addForm(ctx, reload) : null,
      exposureCard(ctx, accounts),
      informativaSettingsCard(ctx, admin),
      processingRegisterCard(ctx),
      retentionCard(ctx),
    ),
  );
}

function addForm(ctx, reload) {
  const username = input({ type: 'text', 'data-testid': 'operator-username', 'data-field': 'username' });
  const name = input({ type: 'text', 'data-testid': 'operator-name-input', 'data-field': 'name' });
  const role = h('select', { id: `op${++nextId}`, 'data-testid': 'operator-role', 'data-field': 'role' }, ROLES.map((r) => h('option', { value: r }, roleLabel(r))));
  const password = input({ type: 'password', autocomplete: 'new-password', 'data-testid': 'operator-password', 'data-field': 'password' });
  const cf = input({ type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 16, 'data-testid': 'operator-cf-new', 'data-field': 'codice_fiscale' });
  const fields = { username, name, role, password, codice_fiscale: cf };
  let dirty = false;
  for (const c of Object.values(fields)) {
    c.addEventListener('input', () => {
      if (!dirty) ctx.setDirty(true);
      dirty = true;
    });
  }
  const save = async (e) => {
    e.preventDefault();
    ctx.showError(null);
    try {
      const op = await api.operatorSave({ username: username.value.trim(), name: name.value, role: role.value, password: password.value, codice_fiscale: cf.value.trim() });
      ctx.setDirty(false);
      ctx.toast(t('operators.added', { name: op.name }));
      reload();
    } catch (err) {
      ctx.showError(err);
      fields[err.field]?.focus();
    }
  };
  return h(
    'form',
    { class: 'card form', onsubmit: save, 'data-testid': 'operator-add', novalidate: true },
    h('h2', {}, t('operators.addTitle')),
    h(
      'div',
      { class: 'grid' },
      labelled(t('operators.username'), username, t('setup.usernameHint')),
      labelled(t('operators.name'), name),
      labelled(t('operators.role'), role),
      labelled(t('operators.cf'), cf, t('operators.cfHint')),
      labelled(t('operators.initialPassword'), password, t('operators.initialPasswordHint')),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'operator-add-submit' }, t('operators.add'))),
  );
}
