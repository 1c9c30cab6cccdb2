// "Conservazione e cancellazione" (issue 16 item 4, GDPR art. 5(1)(e), 17):
// for the coordinatore, the cases past their retention term under the
// schedule in force today, each erasable after a confirmation (the case
// number typed again), and the verbali of the erasures done: what was
// removed (kinds and counts, never the data), when, by whom, under which
// entry of the schedule, and when the last automatic backup holding the
// case leaves the rotation.

import { api } from '../api.js';
import { askText } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { t } from '../i18n.js';

function countsText(counts) {
  return counts.map((c) => `${t(`retention.what.${c.what}`)}: ${c.count}`).join('; ');
}

function reportBlock(ctx, r) {
  return h(
    'div',
    { class: 'card', 'data-testid': 'retention-report' },
    h('h3', {}, t(`retention.reportTitle.${r.mode}`, { case: r.case_number })),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('retention.decidedBy')),
      h('dd', {}, `${r.by_name ?? r.by} — ${formatDateTime(r.at)}`),
      h('dt', {}, t('retention.entry')),
      h('dd', {}, `${r.schedule_entry} (${r.schedule_id} v${r.schedule_version})`),
      h('dt', {}, t('retention.closedOn')),
      h('dd', {}, `${formatDate(r.closed_on)} — ${t('retention.keptUntil')} ${formatDate(r.kept_until)}`),
      h('dt', {}, t('retention.removed')),
      h('dd', { 'data-testid': 'retention-report-counts' }, countsText(r.counts)),
      h('dt', {}, t('retention.backups')),
      h('dd', {}, r.backups_clean_from ? t('retention.backupsClean', { n: r.backups_kept, date: formatDate(r.backups_clean_from) }) : t('retention.backupsNone')),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-testid': 'retention-report-print',
          onclick: () => api.retentionReportPrint(r.id).then(() => ctx.toast(t('retention.printed')), (e) => ctx.showError(e)),
        },
        t('retention.print'),
      ),
    ),
  );
}

function recordReportBlock(ctx, r) {
  const kind = t(`retentionRecords.kind.${r.record_kind}`);
  return h(
    'div',
    { class: 'card', 'data-testid': 'retention-record-report' },
    h('h3', {}, r.call_id ? t('retentionRecords.reportTitle', { kind, subject: r.subject, mode: r.mode }) : t('retentionRecords.reportTitleLog', { kind, mode: r.mode })),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('retention.decidedBy')),
      h('dd', {}, `${r.by_name ?? r.by} — ${formatDateTime(r.at)}`),
      h('dt', {}, t('retention.entry')),
      h('dd', {}, `${r.schedule_entry} (${r.schedule_id} v${r.schedule_version})`),
      h('dt', {}, t('retentionRecords.colFrom')),
      h('dd', {}, `${formatDate(r.closed_on)} — ${t('retention.keptUntil')} ${formatDate(r.kept_until)}`),
      h('dt', {}, t('retention.removed')),
      h('dd', { 'data-testid': 'retention-record-report-counts' }, r.counts.map((c) => `${t(`retentionRecords.what.${c.what}`)}: ${c.count}`).join('; ')),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-testid': 'retention-record-report-print',
          onclick: () => api.retentionRecordReportPrint(r.id).then(() => ctx.toast(t('retention.printed')), (e) => ctx.showError(e)),
        },
        t('retentionRecords.print'),
      ),
    ),
  );
}

// The batches of what is not a case past its term, and their verbali.
function recordsSection(ctx, due, done, reload) {
  const erase = async (r) => {
    const vars = { kind: t(`retentionRecords.kind.${r.kind}`), subject: r.subject, count: r.count, confirm: r.confirm };
    const typed = await askText({
      name: 'retention-erase-records',
      title: t(`retentionRecords.confirmTitle.${r.mode}`, vars),
      body: t(`retentionRecords.confirmBody.${r.mode}`, vars),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: t(`retentionRecords.action.${r.mode}`), id: 'confirm', className: 'danger' },
      input: { label: t('retentionRecords.confirmInput') },
    });
    if (typed === null) return;
    ctx.showError(null);
    try {
      await api.retentionEraseRecords(r.kind, r.call_id, typed);
      await reload();
    } catch (err) {
      ctx.showError(err);
    }
  };
  const list =
    due.records.length === 0
      ? h('p', { 'data-testid': 'retention-records-none' }, t('retentionRecords.none'))
      : h(
          'table',
          { class: 'data', 'data-testid': 'retention-records-table' },
          h('thead', {}, h('tr', {}, ['colKind', 'colSubject', 'colCount', 'colFrom', 'colUntil', 'colAction'].map((k) => h('th', { scope: 'col' }, t(`retentionRecords.${k}`))))),
          h(
            'tbody',
            {},
            due.records.map((r) =>
              h(
                'tr',
                { 'data-testid': 'retention-record-row', 'data-kind': r.kind },
                // The act is in the schedule's list above; here on hover too.
                h('td', { title: `${r.entry} — ${r.act}` }, t(`retentionRecords.kind.${r.kind}`)),
                h('td', {}, r.before_day ? t('retentionRecords.logSubject', { from: formatDate(r.closed_on), until: formatDate(r.before_day) }) : r.subject),
                h('td', { class: 'nowrap' }, r.held > 0 ? `${r.count} (${t('retentionRecords.held', { n: r.held })})` : String(r.count)),
                h('td', { class: 'nowrap' }, formatDate(r.closed_on)),
                h('td', { class: 'nowrap' }, formatDate(r.kept_until)),
                h(
                  'td',
                  { class: 'nowrap' },
                  h('button', { type: 'button', class: r.mode === 'anonimizzazione' ? 'secondary' : 'danger', 'data-testid': 'retention-record-erase', onclick: () => erase(r) }, t(`retentionRecords.action.${r.mode}`)),
                ),
              ),
            ),
          ),
        );
  return [
    h('h3', {}, t('retentionRecords.title')),
    h('p', { class: 'muted' }, t('retentionRecords.hint')),
    list,
    h('h3', {}, t('retentionRecords.reportsTitle')),
    h('div', { 'data-testid': 'retention-record-reports' }, done.map((r) => recordReportBlock(ctx, r))),
  ];
}

export function retentionCard(ctx) {
  const body = h('div', { 'data-testid': 'retention-body' });
  const reports = h('div', { 'data-testid': 'retention-reports' });

  // mode: 'cancellazione' | 'anonimizzazione'.
  const erase = async (c, mode, reload) => {
    const typed = await askText({
      name: 'retention-erase',
      title: t(`retention.confirmTitle.${mode}`, { case: c.case_number }),
      body: t(`retention.confirmBody.${mode}`, { case: c.case_number }),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: t(`retention.action.${mode}`), id: 'confirm', className: 'danger' },
      input: { label: t('retention.confirmInput') },
    });
    if (typed === null) return;
    ctx.showError(null);
    try {
      const report = await api.retentionErase(c.household_id, mode, typed);
      await reload();
      replace(reports, reportBlock(ctx, report), ...Array.from(reports.childNodes));
    } catch (err) {
      ctx.showError(err);
    }
  };

  const reload = async () => {
    const [due, done, doneRecords] = await Promise.all([api.retentionDue(), api.retentionReports(), api.retentionRecordReports()]);
    const schedule = h('p', { class: 'muted', 'data-testid': 'retention-schedule' }, t('retention.schedule', { title: due.schedule.rule_set_title }));
    const terms = h(
      'ul',
      { 'data-testid': 'retention-terms' },
      due.schedule.terms.map((x) => h('li', {}, t('retention.term', { kind: t(`retention.kind.${x.kind}`), years: x.years, act: x.act.title }))),
    );
    const list =
      due.due.length === 0
        ? h('p', { 'data-testid': 'retention-none' }, t('retention.none'))
        : h(
            'table',
            { class: 'data', 'data-testid': 'retention-table' },
            h('thead', {}, h('tr', {}, ['colCase', 'colLast', 'colUntil', 'colAction'].map((k) => h('th', { scope: 'col' }, t(`retention.${k}`))))),
            h(
              'tbody',
              {},
              due.due.map((c) =>
                h(
                  'tr',
                  { 'data-testid': 'retention-row' },
                  h('td', { class: 'mono' }, c.case_number),
                  h('td', { class: 'nowrap' }, formatDate(c.last_activity)),
                  h('td', { class: 'nowrap' }, formatDate(c.kept_until)),
                  h(
                    'td',
                    { class: 'nowrap' },
                    h('button', { type: 'button', class: 'secondary', 'data-testid': 'retention-anonymise', onclick: () => erase(c, 'anonimizzazione', reload) }, t('retention.action.anonimizzazione')),
                    ' ',
                    h('button', { type: 'button', class: 'danger', 'data-testid': 'retention-erase', onclick: () => erase(c, 'cancellazione', reload) }, t('retention.action.cancellazione')),
                  ),
                ),
              ),
            ),
          );
    const held = due.held.map((c) => h('p', { class: 'callout', 'data-testid': 'retention-held' }, t(`retention.held.${c.reason}`, { case: c.case_number })));
    replace(body, schedule, terms, list, ...held, ...recordsSection(ctx, due, doneRecords, reload));
    replace(reports, ...done.map((r) => reportBlock(ctx, r)));
  };

  const card = h(
    'section',
    { class: 'card', 'data-testid': 'retention-card' },
    h('h2', {}, t('retention.title')),
    h('p', { class: 'muted' }, t('retention.hint')),
    body,
    h('h3', {}, t('retention.reportsTitle')),
    reports,
  );
  reload().catch((err) => ctx.showError(err));
  return card;
}
