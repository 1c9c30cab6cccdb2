// Shared by the screens of "Avvisi e graduatorie": their commands (docs/ipc.md,
// section "Avvisi e graduatorie"), a shorthand for their strings (the
// catalogue's `calls` block in i18n.js), and small pieces of page.

import { callsApi } from '../api.js';
import { h } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { showFormError } from '../forms.js';
import { label, t } from '../i18n.js';

// The commands live with all the others in api.js.
export { callsApi };

// The strings of these screens, in one place (a translation is this block).

/** tc('ranking.totals', {...}): a string of these screens. */
export function tc(key, vars) {
  return t(`calls.${key}`, vars);
}

export function measureLabel(measure) {
  return label('callMeasure', measure);
}

export function statusLabel(status) {
  return label('callStatus', status);
}

/** A reason code of the ranking (OUTSIDE_WINDOW…) in words. */
export function reasonLabel(code) {
  return label('callReason', code);
}

/** The rules in words: the call's rule set by its title, with the version of
 * `ref` (a published version keeps the one it was computed under). Never the
 * file's id. */
export function rulesLabel(c, ref) {
  const r = ref || c.rule_set;
  return r ? tc('rules', { title: c.rule_set_title || r.id, n: r.version }) : '';
}

/** "9.100" → "9,100". */
export function scoreIt(score) {
  return score === null || score === undefined ? '' : String(score).replace('.', ',');
}

export function windowText(c) {
  return tc('window', { from: formatDate(c.window_from), to: formatDate(c.window_to) });
}

/** Where the call stands, in words: in istruttoria, or published (and until
 * when appeals run, and whether a new version is due). */
function stateLine(c, today) {
  if (!c.versions) return tc('stateDraft');
  const parts = [tc('statePublished', { date: formatDate(c.published_on), n: c.versions })];
  parts.push(today && c.appeal_deadline < today ? tc('stateAppealsClosed', { date: formatDate(c.appeal_deadline) }) : tc('stateAppealsOpen', { date: formatDate(c.appeal_deadline) }));
  if (c.pending_appeals) parts.push(c.pending_appeals === 1 ? tc('pendingAppeal') : tc('pendingAppeals', { n: c.pending_appeals }));
  if (c.upheld_not_published && c.upheld_not_published.length) parts.push(tc('stateUpheld', { n: c.versions + 1 }));
  return parts.join(' ');
}

/** The call's heading with its tabs. */
export function callHeader(c, active, today) {
  const tab = (key, path) =>
    h(
      'a',
      {
        href: `#/avvisi/${encodeURIComponent(c.id)}${path}`,
        'data-testid': `call-tab-${key}`,
        'aria-current': active === key ? 'page' : null,
      },
      tc(`tabs.${key}`),
    );
  return h(
    'header',
    { class: 'screen-head' },
    h('h1', { 'data-testid': 'call-title' }, c.title),
    h(
      'p',
      { class: 'muted', 'data-testid': 'call-head' },
      tc('head', {
        measure: c.measure_title || measureLabel(c.measure),
        rules: rulesLabel(c),
        budget: formatMoney(c.budget),
        window: windowText(c),
      }),
    ),
    h('p', { class: 'muted' }, tc('office', { office: c.office })),
    h('p', { class: c.versions ? 'call-state published' : 'call-state', 'data-testid': 'call-state-head', 'data-versions': String(c.versions) }, stateLine(c, today)),
    h('nav', { class: 'tabs', 'aria-label': c.title }, tab('domande', ''), tab('graduatoria', '/graduatoria'), tab('versioni', '/versioni'), tab('ricorsi', '/ricorsi'), tab('rimborsi', '/rimborsi')),
  );
}

/** A failed save: beside the field when the form has it, at the top otherwise. */
export function fail(ctx, form) {
  return (err) => (form ? showFormError(form, ctx, err) : ctx.showError(err));
}

export const yesNo = (v) => (v ? t('common.yes') : t('common.no'));
