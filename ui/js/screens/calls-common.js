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

export function rulesLabel(ref) {
  return ref ? `${ref.id} v${ref.version}` : '';
}

/** "9.100" → "9,100". */
export function scoreIt(score) {
  return score === null || score === undefined ? '' : String(score).replace('.', ',');
}

export function windowText(c) {
  return tc('window', { from: formatDate(c.window_from), to: formatDate(c.window_to) });
}

/** The call's heading with its tabs. */
export function callHeader(c, active) {
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
        rules: rulesLabel(c.rule_set),
        budget: formatMoney(c.budget),
        window: windowText(c),
      }),
    ),
    h('p', { class: 'muted' }, tc('office', { office: c.office })),
    h('nav', { class: 'tabs', 'aria-label': c.title }, tab('domande', ''), tab('graduatoria', '/graduatoria'), tab('versioni', '/versioni'), tab('ricorsi', '/ricorsi')),
  );
}

/** A failed save: beside the field when the form has it, at the top otherwise. */
export function fail(ctx, form) {
  return (err) => (form ? showFormError(form, ctx, err) : ctx.showError(err));
}

export const yesNo = (v) => (v ? t('common.yes') : t('common.no'));
