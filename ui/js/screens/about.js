// Informazioni: which program, which schema, where the database and the log
// are, the rule sets the program knows (with their periods); for an
// administrator, the diagnostics bundle for the IT office (no personal data:
// table sizes, the database check, the log of commands and times); an update
// from a USB stick (about-update.js).

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate } from '../format.js';
import { t } from '../i18n.js';
import { updateCard } from './about-update.js';

export async function mount(view, ctx) {
  const about = await api.about();
  if (!ctx.isCurrent()) return;
  const row = (label, value, testid) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'mono', 'data-testid': testid }, value));
  const facts = h(
    'table',
    { class: 'data', 'data-testid': 'about-facts' },
    h(
      'tbody',
      {},
      row(t('about.version'), `${about.program} ${about.version}`, 'about-version'),
      row(t('about.schema'), String(about.schema_version), 'about-schema'),
      row(t('about.platform'), about.platform, 'about-platform'),
      row(t('about.database'), about.database, 'about-database'),
      row(t('about.logDir'), about.log_dir, 'about-log'),
    ),
  );
  const period = (s) => (s.valid_to ? t('about.period', { from: formatDate(s.valid_from), to: formatDate(s.valid_to) }) : t('about.from', { from: formatDate(s.valid_from) }));
  const rules = h(
    'table',
    { class: 'data', 'data-testid': 'about-rules' },
    h('thead', {}, h('tr', {}, ['colTitle', 'colPeriod', 'colId'].map((k) => h('th', { scope: 'col' }, t(`about.${k}`))))),
    h(
      'tbody',
      {},
      about.rule_sets.map((s) => h('tr', {}, h('td', {}, s.title), h('td', { class: 'nowrap' }, period(s)), h('td', { class: 'mono' }, `${s.id} v${s.version}`))),
    ),
  );
  const parts = [
    h('h1', { tabindex: '-1' }, t('about.title')),
    h('div', { class: 'card' }, facts),
    h('div', { class: 'card' }, h('h2', {}, t('about.rulesTitle')), rules),
    updateCard(ctx),
  ];
  if (ctx.session?.operator?.role === 'amministratore') {
    const result = h('p', { role: 'status', 'data-testid': 'diagnostics-result' });
    parts.push(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, t('about.diagnosticsTitle')),
        h('p', { class: 'muted' }, t('about.diagnosticsHint')),
        h(
          'div',
          { class: 'form-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'data-testid': 'diagnostics-export',
              onclick: async () => {
                ctx.showError(null);
                try {
                  const done = await api.diagnosticsExport();
                  replace(result, t('about.diagnosticsDone', { path: done.path }));
                } catch (e) {
                  ctx.showError(e);
                }
              },
            },
            t('about.diagnosticsButton'),
          ),
        ),
        result,
      ),
    );
  }
  replace(view, parts);
}
