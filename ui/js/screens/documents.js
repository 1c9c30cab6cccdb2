// Documenti: the PDFs printed for a case (patto, convocazione, esiti), newest first.

import { api, files } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { label, t } from '../i18n.js';
import { caseHeader } from './case-header.js';

export async function mount(view, ctx) {
  const [household, docs] = await Promise.all([api.householdGet(ctx.params.id), api.documentsList(ctx.params.id)]);
  if (!ctx.isCurrent()) return;
  const sorted = [...docs].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const open = async (doc) => {
    ctx.showError(null);
    try {
      await api.documentOpen(doc.id);
      ctx.toast(t('documents.opened'));
    } catch (e) {
      ctx.showError(e);
    }
  };
  // "Salva una copia…": e.g. the signed patto, to send by PEC. The place is
  // chosen in the system's dialog; the copy is the operator's deliberate act.
  const saveCopy = async (doc) => {
    ctx.showError(null);
    try {
      const path = await files.saveAs({
        title: t('documents.saveCopyTitle'),
        defaultPath: doc.file_name,
        filters: [{ name: 'PDF', extensions: ['pdf'] }],
      });
      if (!path) return;
      await api.documentSave(doc.id, path);
      ctx.toast(t('documents.copySaved', { path }));
    } catch (e) {
      ctx.showError(e);
    }
  };
  const body =
    sorted.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'documents-empty' }, t('documents.empty'))
      : h(
          'table',
          { class: 'data', 'data-testid': 'documents-table' },
          h(
            'thead',
            {},
            h('tr', {}, ['colKind', 'colTitle', 'colCreated', 'colFile'].map((k) => h('th', { scope: 'col' }, t(`documents.${k}`))), h('td', {})),
          ),
          h(
            'tbody',
            {},
            sorted.map((doc) =>
              h(
                'tr',
                { 'data-testid': 'document-row', 'data-document-id': doc.id, 'data-kind': doc.kind },
                h('td', {}, label('documentKind', doc.kind)),
                h('td', { 'data-testid': 'document-title' }, doc.title),
                h('td', { class: 'nowrap' }, formatDateTime(doc.created_at)),
                h('td', { class: 'mono' }, doc.file_name),
                h(
                  'td',
                  { class: 'nowrap' },
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'document-open', onclick: () => open(doc) }, t('common.open')),
                  ' ',
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'document-save-copy', onclick: () => saveCopy(doc) }, t('documents.saveCopy')),
                ),
              ),
            ),
          ),
        );
  replace(view, h('section', { 'data-testid': 'screen-documenti' }, caseHeader(household, 'documents', t('documents.title'), ctx.session?.operator?.role), body));
}
