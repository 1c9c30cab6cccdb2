// Requisiti misure di sostegno: the eligibility panel of the household page.
// Misure 1-7 (rules.md §3) on a reference date (today unless changed), each with
// sì/no, the reasons in Italian, the trace of every condition (expandable) and
// the rule sets it was decided under; "Stampa esito" files the one-page PDF.
// The two facts the household form does not hold (other subsidies, urgent need)
// are edited here. DOM APIs only: every value goes in as text.

import { api } from '../api.js';
import { viewerPath } from '../document-files.js';
import { h, replace } from '../dom.js';
import { formatDate, formatDateTime, parseDate } from '../format.js';
import { t } from '../i18n.js';

const MARKS = { passed: '✓', failed: '✗', info: '·' };

function traceList(steps) {
  return h(
    'ol',
    { class: 'trace', 'data-testid': 'eligibility-trace' },
    steps.map((s) =>
      h(
        'li',
        { class: `trace-step ${s.outcome}` },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, MARKS[s.outcome] ?? '·'),
        h('span', { class: 'sr-only' }, t(`eligibility.outcome.${s.outcome}`), ': '),
        s.text,
        // The act in words; the rule set's file id and the parameter's path
        // stay in the data (the office's files), not on the screen.
        s.source ? h('span', { class: 'source' }, ` — ${s.source.act}`) : null,
      ),
    ),
  );
}

function measureItem(m) {
  return h(
    'li',
    { class: `measure ${m.eligible ? 'yes' : 'no'}`, 'data-testid': 'eligibility-measure', 'data-measure': m.measure, 'data-eligible': String(m.eligible) },
    h(
      'div',
      { class: 'measure-head' },
      h('span', { class: 'measure-title' }, m.title),
      h('span', { class: `badge ${m.eligible ? 'signed' : 'pending'}`, 'data-testid': 'eligibility-answer' }, m.eligible ? t('eligibility.yes') : t('eligibility.no')),
    ),
    m.reasons.length
      ? h(
          'ul',
          { class: 'reasons', 'data-testid': 'eligibility-reasons' },
          m.reasons.map((r) => h('li', { 'data-code': r.code }, r.text)),
        )
      : null,
    h('details', { class: 'trace-box' }, h('summary', {}, t('eligibility.trace')), traceList(m.trace)),
  );
}

function resultView(check) {
  const yes = check.measures.filter((m) => m.eligible).map((m) => m.measure.replace('misura-', ''));
  return h(
    'div',
    { class: 'eligibility-result', 'data-testid': 'eligibility-result', 'data-check-id': check.id },
    h(
      'p',
      { class: 'summary-line', 'data-testid': 'eligibility-summary' },
      t('eligibility.summary', { date: formatDate(check.reference_date) }),
      ' ',
      h('strong', {}, yes.length ? t('eligibility.eligibleList', { list: yes.join(', ') }) : t('eligibility.noneEligible')),
    ),
    h('ul', { class: 'measures' }, check.measures.map(measureItem)),
    check.notes.length
      ? h('div', { class: 'notes' }, h('h3', {}, t('eligibility.notes')), h('ul', {}, check.notes.map((n) => h('li', {}, n))))
      : null,
    h(
      'div',
      { class: 'rule-sets' },
      h('h3', {}, t('eligibility.ruleSets')),
      h(
        'ul',
        { 'data-testid': 'eligibility-rule-sets' },
        check.rule_sets.map((r) =>
          h('li', { 'data-rule-set': r.id }, h('strong', {}, `${r.title} (${t('eligibility.version', { n: r.version })})`), r.acts.length ? `: ${r.acts.join('; ')}` : ''),
        ),
      ),
    ),
    h('p', { class: 'muted' }, t('eligibility.checkedBy', { when: formatDateTime(check.created_at), who: check.operator })),
  );
}

/**
 * The panel for a saved household. `ctx` is the screen's context (toast,
 * showError, session); returns the element and loads the facts itself.
 */
export function eligibilityPanel(household, ctx) {
  const today = ctx.session?.today ?? new Date().toISOString().slice(0, 10);
  const facts = { other_subsidies: false, urgent_need: '' };

  const subsidies = h('input', { type: 'checkbox', id: 'elig-subsidies', 'data-testid': 'eligibility-other-subsidies' });
  const need = h('textarea', { id: 'elig-need', rows: 2, 'data-testid': 'eligibility-urgent-need', 'data-field': 'urgent_need' });
  const factsStatus = h('p', { class: 'muted', 'data-testid': 'eligibility-facts-status' });
  const dateInput = h('input', { type: 'text', id: 'elig-date', inputmode: 'numeric', placeholder: t('common.dateHint'), value: formatDate(today), 'data-testid': 'eligibility-date', 'data-field': 'reference_date' });
  const dateError = h('p', { class: 'field-error', hidden: true, 'data-testid': 'eligibility-date-error' });
  const result = h('div', { 'aria-live': 'polite' });
  let busy = false;

  const showFacts = (f) => {
    facts.other_subsidies = !!f.other_subsidies;
    facts.urgent_need = f.urgent_need ?? '';
    subsidies.checked = facts.other_subsidies;
    need.value = facts.urgent_need;
    replace(factsStatus, f.updated_at ? t('eligibility.factsUpdated', { when: formatDateTime(f.updated_at), who: f.updated_by ?? '' }) : t('eligibility.factsNever'));
  };

  const factsChanged = () => subsidies.checked !== facts.other_subsidies || need.value.trim() !== (facts.urgent_need ?? '').trim();

  const referenceDate = () => {
    const iso = parseDate(dateInput.value);
    dateError.hidden = iso !== null;
    dateInput.setAttribute('aria-invalid', iso === null ? 'true' : 'false');
    if (iso === null) replace(dateError, t('common.badDate'));
    return iso;
  };

  // Facts typed but not saved must count in the answer: save them first.
  const saveFacts = async () => {
    if (!factsChanged()) return;
    const saved = await api.eligibilityFactsSave({ household_id: household.id, other_subsidies: subsidies.checked, urgent_need: need.value });
    showFacts(saved);
  };

  const act = async (button, work) => {
    if (busy) return;
    ctx.showError(null);
    const on = referenceDate();
    if (!on) {
      dateInput.focus();
      return;
    }
    busy = true;
    button.disabled = true;
    try {
      await saveFacts();
      await work(on);
    } catch (e) {
      if (e.field === 'reference_date') {
        dateError.hidden = false;
        replace(dateError, e.message);
        dateInput.setAttribute('aria-invalid', 'true');
      }
      ctx.showError(e);
    } finally {
      busy = false;
      button.disabled = false;
    }
  };

  const checkBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'eligibility-check' }, t('eligibility.check'));
  checkBtn.addEventListener('click', () =>
    act(checkBtn, async (on) => {
      const check = await api.eligibilityCheck(household.id, on);
      replace(result, resultView(check));
    }),
  );
  const printBtn = h('button', { type: 'button', class: 'secondary', 'data-testid': 'eligibility-print' }, t('eligibility.print'));
  printBtn.addEventListener('click', () =>
    act(printBtn, async (on) => {
      const doc = await api.esitoPrint(household.id, on);
      ctx.toast(t('eligibility.printed', { title: doc.title }));
      // Shown at once in the app's own viewer (print, save a copy from there).
      ctx.navigate(viewerPath(household.id, doc.id));
    }),
  );

  api
    .eligibilityFactsGet(household.id)
    .then(showFacts)
    .catch((e) => ctx.showError(e));

  return h(
    'section',
    { class: 'card eligibility', 'data-testid': 'eligibility-panel', 'aria-labelledby': 'elig-title' },
    h('h2', { id: 'elig-title' }, t('eligibility.title')),
    h('p', { class: 'hint' }, t('eligibility.intro')),
    h(
      'div',
      { class: 'grid' },
      h('div', { class: 'field wide' }, h('label', { class: 'check' }, subsidies, ' ', t('eligibility.otherSubsidies'))),
      h('div', { class: 'field wide' }, h('label', { for: 'elig-need' }, t('eligibility.urgentNeed')), need, h('span', { class: 'hint' }, t('eligibility.urgentNeedHint'))),
      factsStatus,
      h('div', { class: 'field' }, h('label', { for: 'elig-date' }, t('eligibility.referenceDate')), dateInput, dateError),
    ),
    h('div', { class: 'form-actions' }, checkBtn, printBtn),
    result,
  );
}
