// Sincronizzazione: a package of this copy's changes written to a file (a USB
// stick, when there is no network to the office), and a package from the other
// side applied; the files are chosen in the system's dialogs. The conflicts
// the packages bring are the coordinator's (Conflitti).

import { api, files } from '../api.js';
import { askText } from '../dialog.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

const PACKAGE_FILTER = [{ name: 'Pacchetto di Sportello', extensions: ['sportello'] }];
const COORDINATORS = ['coordinatore', 'amministratore'];

export async function mount(view, ctx) {
  const result = h('div', { class: 'sync-result', 'data-testid': 'sync-result', role: 'status' });

  async function exportPackage(device) {
    ctx.showError(null);
    const path = await files.saveAs({ title: t('sync.exportTitle'), defaultPath: 'pacchetto.sportello', filters: PACKAGE_FILTER });
    if (!path) return;
    try {
      const done = await api.syncExportFile(path, device);
      replace(result, t('sync.exported', { path: done.path, kb: Math.max(1, Math.round(done.bytes / 1024)) }));
    } catch (e) {
      if (e.field === 'device' && e.code === 'invalid' && !device) {
        // The office's copy has several devices: which one is this package for?
        const name = await askText({
          name: 'sync-device',
          title: t('sync.deviceTitle'),
          body: t('sync.deviceBody'),
          input: { label: t('sync.deviceLabel') },
          cancel: { label: t('common.cancel'), id: 'no' },
          confirm: { label: t('sync.export'), id: 'yes' },
        });
        if (name) await exportPackage(name);
        return;
      }
      ctx.showError(e);
    }
  }

  async function importPackage() {
    ctx.showError(null);
    const path = await files.open({ title: t('sync.importTitle'), filters: PACKAGE_FILTER });
    if (!path) return;
    try {
      const n = await api.syncImportFile(path);
      document.dispatchEvent(new Event('sportello:sync-changed'));
      replace(
        result,
        h('p', { 'data-testid': 'sync-imported' }, t('sync.imported', n)),
        n.conflicts + n.duplicates > 0 && COORDINATORS.includes(ctx.session?.operator?.role)
          ? h('p', {}, h('a', { href: '#/conflitti', 'data-testid': 'sync-to-conflicts' }, t('sync.toConflicts')))
          : null,
      );
    } catch (e) {
      ctx.showError(e);
    }
  }

  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-sincronizzazione' },
      h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, t('sync.title')), h('p', { class: 'muted' }, t('sync.subtitle'))),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, t('sync.fileTitle')),
        h('p', { class: 'muted' }, t('sync.fileHelp')),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'sync-export', onclick: () => exportPackage(null) }, t('sync.export')),
          h('button', { type: 'button', class: 'primary', 'data-testid': 'sync-import', onclick: importPackage }, t('sync.import')),
        ),
        result,
      ),
      COORDINATORS.includes(ctx.session?.operator?.role)
        ? h('p', {}, h('a', { href: '#/conflitti', 'data-testid': 'sync-conflicts-link' }, t('sync.toConflicts')))
        : null,
    ),
  );
}
