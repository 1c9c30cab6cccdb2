// Documenti: the PDFs printed for a case (patto, convocazione, esiti), newest
// first. "Apri" shows one in the app's own viewer (document-viewer.js).

import { api } from '../api.js';
import { saveDocumentCopy, viewerHref } from '../document-files.js';
import { h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { label, t } from '../i18n.js';
import { caseHeader } from './case-header.js';

export async function mount(view, ctx) {
  const [household, docs] = await Promise.all([api.householdGet(ctx.params.id), api.documentsList(ctx.params.id)]);
  if (!ctx.isCurrent()) return;
  const sorted = [...docs].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
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
                  h('a', { class: 'button secondary', href: viewerHref(ctx.params.id, doc.id), 'data-testid': 'document-open' }, t('common.open')),
                  ' ',
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'document-save-copy', onclick: () => saveDocumentCopy(doc, ctx) }, t('documents.saveCopy')),
                ),
              ),
            ),
          ),
        );
  replace(view, h('section', { 'data-testid': 'screen-documenti' }, caseHeader(household, 'documents', t('documents.title'), ctx.session?.operator?.role), body));
}
