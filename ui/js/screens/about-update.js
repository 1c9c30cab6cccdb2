// "Aggiornamento da chiavetta" on the Informazioni screen: the operator
// picks the package on the stick in the system's dialog, the program checks
// its signature (NAME.sig beside it) against the publisher's key built in and
// says what it found; an administrator may then install it, after a
// confirmation. Every check happens in the program (update_check,
// update_install), never here: the screen only shows the verdict.

import { api, files } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

const PACKAGE_FILTER = [{ name: 'Pacchetto di aggiornamento', extensions: ['deb', 'msi'] }];

export function updateCard(ctx) {
  const isAdmin = ctx.session?.operator?.role === 'amministratore';
  const found = h('div', { 'data-testid': 'update-found' });
  const status = h('p', { role: 'status', 'data-testid': 'update-status' });

  async function choose() {
    ctx.showError(null);
    replace(status, null);
    const path = await files.open({ title: t('about.updateChoose'), filters: PACKAGE_FILTER });
    if (!path) return;
    try {
      show(await api.updateCheck(path), path);
    } catch (e) {
      replace(found, null);
      ctx.showError(e);
    }
  }

  function show(r, path) {
    const row = (label, value, testid) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'mono', 'data-testid': testid }, value));
    const declared = r.version ? `${r.version} (${r.target})` : t('about.updateUnknown');
    const verdict = r.valid
      ? h('p', { class: 'ok', 'data-testid': 'update-verdict' }, t('about.updateValid', { version: r.version }))
      : h('p', { class: 'field-error', role: 'alert', 'data-testid': 'update-verdict' }, t('about.updateRefused', { reason: r.reason?.message ?? '' }));
    const install =
      r.valid && isAdmin
        ? h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'primary', 'data-testid': 'update-install', onclick: () => installIt(r, path) }, t('about.updateInstall')))
        : null;
    replace(
      found,
      h(
        'table',
        { class: 'data', 'data-testid': 'update-facts' },
        h(
          'tbody',
          {},
          row(t('about.updateFile'), r.file, 'update-file'),
          row(t('about.updateDeclared'), declared, 'update-version'),
          row(t('about.updateRunning'), r.running_version, 'update-running'),
          row(t('about.updateSha'), r.sha256, 'update-sha'),
        ),
      ),
      verdict,
      r.valid && !isAdmin ? h('p', { class: 'muted' }, t('about.updateAdminOnly')) : null,
      install,
    );
  }

  async function installIt(r, path) {
    ctx.showError(null);
    const ok = await confirmDialog({
      name: 'update',
      title: t('about.updateConfirmTitle'),
      body: t('about.updateConfirmBody', { version: r.version, running: r.running_version }),
      cancel: { label: t('common.cancel'), id: 'no' },
      confirm: { label: t('about.updateInstall'), id: 'yes' },
    });
    if (!ok) return;
    replace(status, t('about.updateInstalling'));
    try {
      const done = await api.updateInstall(path);
      replace(status, t('about.updateDone', { version: done.version }));
    } catch (e) {
      replace(status, null);
      ctx.showError(e);
    }
  }

  return h(
    'div',
    { class: 'card', 'data-testid': 'update-card' },
    h('h2', {}, t('about.updateTitle')),
    h('p', { class: 'muted' }, t('about.updateHint')),
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'secondary', 'data-testid': 'update-choose', onclick: choose }, t('about.updateChoose'))),
    found,
    status,
  );
}
