// The screens before the app: login (with the recovery key and, for a damaged
// database, the restore of a backup), the lock screen, the first run with the
// recovery key sheet, and the forced password change. Each draws into `root`
// and calls back with a session when the operator is in.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { formatDate, formatDateTime } from './format.js';
import { t } from './i18n.js';

// ---- small form pieces ----------------------------------------------------------

let nextId = 0;

/** A labelled input with its error slot; `field` is the contract's field name. */
function field(form, { label, field: name, type = 'text', hint, testid, autocomplete, value, multiline }) {
  const id = `acc${++nextId}`;
  const control = h(multiline ? 'textarea' : 'input', {
    id,
    type: multiline ? null : type,
    rows: multiline ? 2 : null,
    autocomplete: autocomplete || 'off',
    spellcheck: 'false',
    'data-field': name,
    'data-testid': testid,
    value: value ?? '',
    'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}`,
  });
  const error = h('div', { class: 'field-error', id: `${id}-error`, 'data-testid': `error:${name}`, hidden: true });
  form.fields.set(name, { control, error });
  control.addEventListener('input', () => setFieldError(form, name, null));
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null,
    error,
  );
}

function newForm() {
  return {
    fields: new Map(),
    message: h('div', { class: 'banner error', role: 'alert', hidden: true, 'data-testid': 'gate-error' }),
  };
}

function value(form, name) {
  return form.fields.get(name)?.control.value ?? '';
}

function setFieldError(form, name, message) {
  const f = form.fields.get(name);
  if (!f) return false;
  f.error.hidden = !message;
  replace(f.error, message || '');
  if (message) f.control.setAttribute('aria-invalid', 'true');
  else f.control.removeAttribute('aria-invalid');
  return true;
}

/** An error from the shell: beside its field when there is one, else above the form. */
function showError(form, error) {
  for (const name of form.fields.keys()) setFieldError(form, name, null);
  if (!error) {
    form.message.hidden = true;
    replace(form.message);
    return;
  }
  if (error.field && setFieldError(form, error.field, error.message)) {
    form.message.hidden = true;
    form.fields.get(error.field).control.focus();
    return;
  }
  replace(form.message, h('span', { 'data-testid': 'gate-error-message' }, error.message));
  form.message.dataset.code = error.code || 'internal';
  form.message.hidden = false;
}

function busy(button, on, text) {
  if (on) {
    button.dataset.label = button.textContent;
    button.textContent = text;
    button.disabled = true;
  } else {
    button.textContent = button.dataset.label || button.textContent;
    button.disabled = false;
  }
}

// The gate's card is the page's main landmark (the app's frame, with its own
// <main>, is not drawn behind the gate).
function card(testid, ...children) {
  return h(
    'main',
    { class: 'gate-card', 'data-testid': testid },
    h('div', { class: 'gate-brand' }, h('span', { class: 'brand-name' }, t('app.name')), h('span', { class: 'brand-tag' }, t('app.tagline'))),
    children,
  );
}

// ---- login and lock ---------------------------------------------------------------

/**
 * The login screen. opts: {appState, reason ('idle'|'locked'|null: the lock
 * screen), lostChanges, username, onSession(session, {recovered})}.
 */
export function loginScreen(root, opts) {
  const keysMissing = Boolean(opts.appState?.keys_missing);
  let recovery = keysMissing;
  const draw = () => {
    const form = newForm();
    const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
    const restoreArea = h('div', { 'data-testid': 'restore-area' });
    const credentials = () =>
      recovery ? { recovery_key: value(form, 'recovery_key') } : { username: value(form, 'username').trim(), password: value(form, 'password') };
    const onSubmit = async (e) => {
      e.preventDefault();
      showError(form, null);
      replace(restoreArea);
      busy(submit, true, t('login.submitting'));
      const creds = credentials();
      try {
        const session = await api.login(creds);
        opts.onSession(session, { recovered: recovery, username: creds.username });
      } catch (err) {
        busy(submit, false);
        showError(form, err);
        if (err.code === 'corrupt') offerRestore(restoreArea, creds, opts.onSession);
      }
    };
    const heading = opts.reason
      ? [
          h('h1', { 'data-testid': 'lock-title' }, t('lock.title')),
          h('p', { class: 'callout', 'data-testid': 'lock-message' }, t(opts.reason === 'idle' ? 'lock.idle' : 'lock.locked')),
          opts.lostChanges ? h('p', { class: 'callout warn', 'data-testid': 'lock-lost-changes' }, t('lock.lostChanges')) : null,
          h('p', { class: 'muted' }, t('lock.back')),
        ]
      : [h('h1', { 'data-testid': 'login-title' }, t('login.title')), h('p', { class: 'muted' }, t('login.intro'))];
    const fields = recovery
      ? [
          keysMissing ? h('p', { class: 'callout warn', 'data-testid': 'keys-missing' }, t('login.keysMissing')) : null,
          h('p', { class: 'muted' }, t('login.recoveryIntro')),
          field(form, { label: t('login.recoveryKey'), field: 'recovery_key', testid: 'login-recovery-key', hint: t('login.recoveryHint'), multiline: true }),
        ]
      : [
          field(form, { label: t('login.username'), field: 'username', testid: 'login-username', autocomplete: 'username', value: opts.username }),
          field(form, { label: t('login.password'), field: 'password', type: 'password', testid: 'login-password', autocomplete: 'current-password' }),
        ];
    const toggle = keysMissing
      ? null
      : h(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-testid': recovery ? 'login-use-password' : 'login-forgot',
            onclick: () => {
              recovery = !recovery;
              draw();
            },
          },
          recovery ? t('login.backToPassword') : t('login.forgot'),
        );
    const databaseLine = opts.appState?.database_path
      ? h('p', { class: 'hint gate-db', 'data-testid': 'login-database' }, t('login.database', { path: opts.appState.database_path }))
      : null;
    replace(
      root,
      card(
        opts.reason ? 'screen-lock' : 'screen-login',
        heading,
        h('form', { class: 'form', novalidate: true, onsubmit: onSubmit, 'data-testid': 'login-form' }, form.message, fields, h('div', { class: 'actions' }, submit, toggle)),
        restoreArea,
        databaseLine,
      ),
    );
    const first = recovery ? form.fields.get('recovery_key') : form.fields.get(opts.username ? 'password' : 'username');
    first?.control.focus();
  };
  draw();
}

/** The damaged-database part of the login screen: the backups an administrator may restore. */
async function offerRestore(area, creds, onSession) {
  const intro = [h('h2', {}, t('damaged.title')), h('p', {}, t('damaged.intro'))];
  let backups;
  try {
    backups = await api.restoreBackups(creds);
  } catch (err) {
    const text = err.code === 'forbidden' ? t('damaged.noAdmin') : err.message;
    replace(area, h('div', { class: 'card damaged', 'data-testid': 'restore-refused' }, intro, h('p', { class: 'field-error' }, text)));
    return;
  }
  if (backups.length === 0) {
    replace(area, h('div', { class: 'card damaged', 'data-testid': 'restore-none' }, intro, h('p', {}, t('damaged.none'))));
    return;
  }
  const form = newForm();
  const choices = backups.map((b, i) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'radio', name: 'backup', value: b.file_name, checked: i === 0, 'data-testid': 'restore-choice' }),
      ' ',
      t('damaged.takenAt', { date: b.taken_at ? formatDateTime(b.taken_at) : b.file_name }),
    ),
  );
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'restore-submit' }, t('damaged.restore'));
  const onSubmit = async (e) => {
    e.preventDefault();
    const chosen = choices.map((c) => c.querySelector('input')).find((i) => i.checked);
    showError(form, null);
    busy(submit, true, t('damaged.restoring'));
    try {
      const session = await api.restoreBackup(creds, chosen.value);
      onSession(session, { recovered: Boolean(creds.recovery_key), username: creds.username });
    } catch (err) {
      busy(submit, false);
      showError(form, err);
    }
  };
  replace(
    area,
    h(
      'form',
      { class: 'card damaged', 'data-testid': 'restore-form', onsubmit: onSubmit },
      intro,
      form.message,
      h('fieldset', { class: 'field' }, h('legend', {}, t('damaged.choose')), h('div', { class: 'checks column' }, choices)),
      h('div', { class: 'actions' }, submit),
    ),
  );
}

// ---- first run --------------------------------------------------------------------

/** The first run: the administrator's account, then the recovery key sheet. */
export function setupScreen(root, { appState, onSession }) {
  const form = newForm();
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'setup-submit' }, t('setup.submit'));
  const onSubmit = async (e) => {
    e.preventDefault();
    showError(form, null);
    const input = {
      username: value(form, 'username').trim(),
      name: value(form, 'name'),
      password: value(form, 'password'),
      password_repeat: value(form, 'password_repeat'),
    };
    if (input.password !== input.password_repeat) {
      showError(form, { code: 'invalid', field: 'password_repeat', message: t('setup.mismatch') });
      return;
    }
    busy(submit, true, t('setup.submitting'));
    try {
      const created = await api.setupCreate(input);
      const session = await api.session();
      recoveryKeySheet(root, { key: created.recovery_key, appState, session, onDone: () => onSession(session, { username: input.username }) });
    } catch (err) {
      busy(submit, false);
      showError(form, err);
    }
  };
  replace(
    root,
    card(
      'screen-setup',
      h('h1', {}, t('setup.title')),
      h('p', {}, t('setup.intro')),
      h(
        'form',
        { class: 'form', novalidate: true, onsubmit: onSubmit },
        form.message,
        field(form, { label: t('setup.username'), field: 'username', testid: 'setup-username', hint: t('setup.usernameHint'), autocomplete: 'username' }),
        field(form, { label: t('setup.name'), field: 'name', testid: 'setup-name' }),
        field(form, { label: t('setup.password'), field: 'password', type: 'password', testid: 'setup-password', hint: t('setup.passwordHint'), autocomplete: 'new-password' }),
        field(form, { label: t('setup.passwordRepeat'), field: 'password_repeat', type: 'password', testid: 'setup-password-repeat', autocomplete: 'new-password' }),
        h('div', { class: 'actions' }, submit),
      ),
      appState?.database_path ? h('p', { class: 'hint gate-db' }, t('login.database', { path: appState.database_path })) : null,
    ),
  );
  form.fields.get('username').control.focus();
}

/** Shown once: the recovery key in large groups, to print or copy by hand. */
function recoveryKeySheet(root, { key, appState, session, onDone }) {
  const groups = String(key).split('-');
  const confirm = h('input', { type: 'checkbox', 'data-testid': 'recovery-confirm' });
  const next = h('button', { type: 'button', class: 'primary', disabled: true, 'data-testid': 'recovery-continue', onclick: onDone }, t('recovery.continue'));
  confirm.addEventListener('change', () => {
    next.disabled = !confirm.checked;
  });
  replace(
    root,
    h(
      'main',
      { class: 'gate-card recovery-sheet', 'data-testid': 'screen-recovery-key' },
      h('h1', {}, t('recovery.title')),
      h('p', { class: 'print-only' }, t('recovery.sheetTitle')),
      h('p', { class: 'callout warn' }, t('recovery.intro')),
      h(
        'div',
        { class: 'recovery-key', 'data-testid': 'recovery-key', 'aria-label': t('recovery.title') },
        groups.map((g) => h('span', { class: 'recovery-group' }, g)),
      ),
      h('p', {}, t('recovery.why')),
      h('ol', {}, t('recovery.steps').map((s) => h('li', {}, s))),
      h(
        'p',
        { class: 'print-only' },
        t('recovery.sheetDatabase', { path: appState?.database_path ?? '' }),
        h('br', {}),
        t('recovery.sheetDate', { date: formatDate(session?.today) }),
      ),
      h(
        'div',
        { class: 'no-print recovery-actions' },
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'recovery-print', onclick: () => window.print() }, t('recovery.print')),
        h('label', { class: 'check' }, confirm, ' ', t('recovery.confirm')),
        next,
      ),
    ),
  );
}

// ---- passwords -------------------------------------------------------------------------

/**
 * The password change form: forced (the only screen after a login with a
 * password set by an administrator) or from the user menu.
 */
export function passwordForm({ forced, onDone }) {
  const form = newForm();
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'password-submit' }, t('password.submit'));
  const onSubmit = async (e) => {
    e.preventDefault();
    showError(form, null);
    const [oldPassword, newPassword, repeat] = ['old_password', 'new_password', 'new_password_repeat'].map((n) => value(form, n));
    if (newPassword !== repeat) {
      showError(form, { code: 'invalid', field: 'new_password_repeat', message: t('password.mismatch') });
      return;
    }
    busy(submit, true, t('password.submit'));
    try {
      const session = await api.passwordChange(oldPassword, newPassword);
      onDone(session);
    } catch (err) {
      busy(submit, false);
      showError(form, err);
    }
  };
  return h(
    'form',
    { class: 'form password-form', novalidate: true, onsubmit: onSubmit, 'data-testid': forced ? 'password-forced' : 'password-form' },
    form.message,
    field(form, { label: t('password.old'), field: 'old_password', type: 'password', testid: 'password-old', autocomplete: 'current-password' }),
    field(form, { label: t('password.new'), field: 'new_password', type: 'password', testid: 'password-new', hint: t('password.newHint'), autocomplete: 'new-password' }),
    field(form, { label: t('password.repeat'), field: 'new_password_repeat', type: 'password', testid: 'password-repeat', autocomplete: 'new-password' }),
    h('div', { class: 'actions' }, submit),
  );
}

export function forcedPasswordScreen(root, { onDone }) {
  replace(
    root,
    card('screen-password-forced', h('h1', {}, t('password.forcedTitle')), h('p', { class: 'callout warn' }, t('password.forcedIntro')), passwordForm({ forced: true, onDone })),
  );
  root.querySelector('input')?.focus();
}
