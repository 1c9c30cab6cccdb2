// Interventions of the funded programmes (issue 12): the card of a household's
// enrolments, on the project tab (where a member is enrolled from the signed
// patto) and on the household page (what each member is doing, read only).
//
// Enrolling asks the intervention's own terms (a tirocinio's host, tutor,
// hours, indennità and who pays it; a course's hours; the Centro per
// l'impiego of an orientamento; the place and hours of an activity di bene
// comune) and the member's situation at entry that the ESF indicators read,
// started from what the case already says (`hints`) and never guessed: an
// answer left "non so" stays unknown. The exit is recorded once, after a
// confirmation: a closed enrolment is not changed.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { label, t } from '../i18n.js';

const te = (key, vars) => t(`enrol.${key}`, vars);

const ANSWERS = () => [
  ['', te('unknown')],
  ['si', te('yes')],
  ['no', te('no')],
];
const YES_NO = ['in_education', 'foreign_background', 'disability', 'other_disadvantaged', 'homeless', 'rural', 'household_jobless', 'dependent_children', 'single_adult', 'third_country_national', 'minority'];

const answerOf = (v) => (v === true ? 'si' : v === false ? 'no' : null);

/** One line of the terms, in words. */
function termsText(e) {
  const x = e.enrolment.terms;
  switch (x.kind) {
    case 'tirocinio':
      return te('termsTirocinio', { host: x.host, tutor: x.tutor, hours: x.hours_week, allowance: formatMoney(x.allowance), payer: x.allowance_payer, end: formatDate(x.planned_end) });
    case 'corso':
      return te('termsCorso', { done: x.hours_attended, planned: e.hours_planned ?? '—' });
    case 'orientamento':
    case 'consulenza':
      return te('termsAgency', { agency: x.agency });
    case 'bene_comune':
      return te('termsBeneComune', { place: x.place, hours: x.hours_week });
    default:
      return '';
  }
}

/**
 * The card. `editable`: the project tab's (enrol and record exits); the
 * household page shows it read only, with a link to the project.
 */
export function enrolmentsCard(household, ctx, { editable = false } = {}) {
  const box = h('section', { class: 'card enrolments', 'data-testid': 'enrolments' }, h('h2', {}, te('title')), h('p', { class: 'muted' }, t('app.loading')));
  const formBox = h('div', { 'data-testid': 'enrol-form-box' });

  const draw = (x) => {
    const rows = x.enrolments.map((e, i) => {
      const open = !e.enrolment.exit;
      const status = open
        ? h('span', { class: 'badge ok', 'data-testid': `enrolment-${i}-status` }, te('inProgress'))
        : h('span', { class: 'badge', 'data-testid': `enrolment-${i}-status` }, te('ended', { date: formatDate(e.enrolment.exit.date), outcome: e.outcome_label }));
      return h(
        'tr',
        { 'data-testid': 'enrolment-row', 'data-kind': e.kind },
        h('td', { 'data-testid': `enrolment-${i}-member` }, e.member_name),
        h(
          'td',
          {},
          h('strong', { 'data-testid': `enrolment-${i}-title` }, e.intervention_title),
          h('div', { class: 'muted' }, `${e.kind_label} — ${e.programme_title}${e.run_by ? ` — ${e.run_by}` : ''}`),
          h('div', { class: 'muted', 'data-testid': `enrolment-${i}-terms` }, termsText(e)),
          e.support ? h('div', { class: 'muted' }, te('forSupport', { support: e.support })) : null,
        ),
        h('td', { class: 'nowrap' }, formatDate(e.enrolment.entry_date)),
        h(
          'td',
          {},
          status,
          editable && open
            ? h('div', {}, h('button', { type: 'button', class: 'secondary small', 'data-testid': `enrolment-${i}-exit`, onclick: () => exitForm(e) }, te('recordExit')))
            : null,
        ),
      );
    });
    const table = rows.length
      ? h(
          'table',
          { class: 'data', 'data-testid': 'enrolments-table' },
          h('thead', {}, h('tr', {}, [te('colMember'), te('colIntervention'), te('colEntry'), te('colStatus')].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, rows),
        )
      : h('p', { class: 'muted', 'data-testid': 'enrolments-none' }, te('none'));
    let action = null;
    if (editable && x.project_signed && x.offer.length) {
      action = h('button', { type: 'button', class: 'primary', 'data-testid': 'enrol-open', 'aria-expanded': 'false', onclick: () => toggleForm(x, action) }, te('enrol'));
    } else if (editable && !x.project_signed) {
      action = h('p', { class: 'muted', 'data-testid': 'enrol-needs-signature' }, te('needsSignature'));
    } else if (editable) {
      action = h('p', { class: 'muted', 'data-testid': 'enrol-no-offer' }, te('noOffer'));
    } else if (x.project_id) {
      action = h('p', {}, h('a', { href: `#/nuclei/${encodeURIComponent(household.id)}/progetto`, 'data-testid': 'enrolments-open-project' }, te('openProject')));
    }
    replace(box, h('h2', {}, te('title')), table, action, formBox);
  };

  const reload = () =>
    api
      .householdEnrolments(household.id)
      .then(draw)
      .catch((e) => {
        replace(box, h('h2', {}, te('title')));
        ctx.showError(e, { focus: false });
      });

  function toggleForm(x, button) {
    if (formBox.firstChild) {
      replace(formBox);
      button.setAttribute('aria-expanded', 'false');
      ctx.setDirty(false);
      button.focus();
      return;
    }
    button.setAttribute('aria-expanded', 'true');
    enrolForm(x);
  }

  /**
   * The enrol form. Choosing the intervention draws its terms again (their
   * own small form); choosing the member fills the ESF answers the case
   * knows. Neither redraws the choice itself: the focus stays on it.
   */
  function enrolForm(x) {
    const model = {
      member_id: null,
      intervention_id: null,
      support_id: null,
      entry_date: ctx.session?.today ?? null,
      host: null,
      tutor: null,
      planned_end: null,
      hours_week: null,
      allowance: null,
      allowance_payer: null,
      agency: null,
      place: null,
      hours_attended: 0,
      labour_status: null,
      unemployed_since: null,
      isced: null,
      ...Object.fromEntries(YES_NO.map((k) => [k, null])),
    };
    const form = new Form({ onChange: () => ctx.setDirty(true) });
    let termsForm = new Form({ onChange: () => ctx.setDirty(true) });
    const termsBox = h('div', { 'data-testid': 'enrol-terms-box' });
    const adults = household.members.filter((m) => m.id);

    const drawTerms = () => {
      termsForm = new Form({ onChange: () => ctx.setDirty(true) });
      const f = termsForm;
      const chosen = x.offer.find((o) => o.id === model.intervention_id) || null;
      const kind = chosen?.kind;
      const terms = [];
      if (kind === 'tirocinio') {
        terms.push(
          f.text(model, 'host', { label: te('host'), field: 'host', testid: 'enrol-host', required: true, wide: true, hint: te('hostHint') }),
          f.text(model, 'tutor', { label: te('tutor'), field: 'tutor', testid: 'enrol-tutor', required: true }),
          f.date(model, 'planned_end', { label: te('plannedEnd'), field: 'planned_end', testid: 'enrol-planned-end', required: true }),
          f.integer(model, 'hours_week', { label: te('hoursWeek'), field: 'hours_week', testid: 'enrol-hours-week', required: true, min: 1, max: 40, message: te('hoursRange') }),
          f.money(model, 'allowance', { label: te('allowance'), field: 'allowance', testid: 'enrol-allowance', required: true }),
          f.text(model, 'allowance_payer', { label: te('allowancePayer'), field: 'allowance_payer', testid: 'enrol-allowance-payer', required: true, hint: te('allowancePayerHint') }),
        );
      } else if (kind === 'corso') {
        terms.push(f.integer(model, 'hours_attended', { label: te('hoursAttended', { planned: chosen.hours_planned }), field: 'hours_attended', testid: 'enrol-hours-attended', min: 0, max: chosen.hours_planned ?? 2000, emptyValue: 0, message: te('hoursAttendedRange', { planned: chosen.hours_planned }) }));
      } else if (kind === 'orientamento' || kind === 'consulenza') {
        terms.push(f.text(model, 'agency', { label: te(kind === 'orientamento' ? 'agencyCpi' : 'agencySpecialist'), field: 'agency', testid: 'enrol-agency', required: true, wide: true }));
      } else if (kind === 'bene_comune') {
        terms.push(
          f.text(model, 'place', { label: te('place'), field: 'place', testid: 'enrol-place', required: true, wide: true }),
          f.integer(model, 'hours_week', { label: te('hoursWeek'), field: 'hours_week', testid: 'enrol-hours-week', required: true, min: 1, max: 40, message: te('hoursRange') }),
        );
      }
      replace(termsBox, chosen ? h('fieldset', { class: 'grid', 'data-testid': 'enrol-terms' }, h('legend', {}, te('termsLegend', { kind: chosen.kind_label })), terms.length ? terms : h('p', { class: 'muted wide' }, te('noTerms'))) : null);
    };

    /** The answers the case knows for the member chosen, into the ESF fields. */
    const fromHints = (memberId) => {
      const hint = x.hints.find((hh) => hh.member_id === memberId);
      if (!hint) return;
      const set = (key, value) => {
        if (value === null || value === undefined) return;
        model[key] = value;
        const control = el.querySelector(`[data-field="${key}"]`);
        if (control) control.value = value;
      };
      set('labour_status', hint.labour_status);
      set('isced', hint.isced === null || hint.isced === undefined ? null : String(hint.isced));
      for (const k of ['foreign_background', 'third_country_national', 'disability', 'dependent_children']) set(k, answerOf(hint[k]));
    };

    const isced = [['', te('unknown')], ...Array.from({ length: 9 }, (_, n) => [String(n), label('isced', String(n))])];
    const el = h(
      'form',
      { class: 'form', novalidate: true, 'data-testid': 'enrol-form' },
      h('h3', {}, te('enrolTitle')),
      h(
        'div',
        { class: 'grid' },
        form.select(model, 'member_id', {
          label: te('member'),
          field: 'member_id',
          testid: 'enrol-member',
          required: true,
          options: adults.map((m) => [m.id, `${m.first_name} ${m.last_name}`]),
          onChange: (id) => fromHints(id),
        }),
        form.select(model, 'intervention_id', {
          label: te('intervention'),
          field: 'intervention_id',
          testid: 'enrol-intervention',
          required: true,
          options: x.offer.map((o) => [o.id, `${o.title} (${o.kind_label}) — ${o.programme_title}`]),
          onChange: () => drawTerms(),
        }),
        form.select(model, 'support_id', {
          label: te('support'),
          field: 'support_id',
          testid: 'enrol-support',
          emptyLabel: te('noSupport'),
          options: x.supports.map((s) => [s.id, s.description]),
        }),
        form.date(model, 'entry_date', { label: te('entryDate'), field: 'entry_date', testid: 'enrol-entry-date', required: true }),
      ),
      termsBox,
      h(
        'fieldset',
        { class: 'grid', 'data-testid': 'enrol-esf' },
        h('legend', {}, te('esfLegend')),
        h('p', { class: 'muted wide' }, te('esfHint')),
        form.select(model, 'labour_status', {
          label: te('labourStatus'),
          field: 'labour_status',
          testid: 'enrol-labour-status',
          emptyLabel: te('unknown'),
          options: ['occupato', 'disoccupato', 'inattivo'].map((v) => [v, label('esfLabour', v)]),
        }),
        form.date(model, 'unemployed_since', { label: te('unemployedSince'), field: 'unemployed_since', testid: 'enrol-unemployed-since', hint: te('unemployedSinceHint') }),
        form.select(model, 'isced', { label: te('isced'), field: 'isced', testid: 'enrol-isced', allowEmpty: false, options: isced }),
        YES_NO.map((k) =>
          form.select(model, k, { label: te(`q_${k}`), field: k, testid: `enrol-${k.replaceAll('_', '-')}`, allowEmpty: false, options: ANSWERS() }),
        ),
      ),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'enrol-save' }, te('save'))),
    );
    // Both forms are checked at once, and a refusal lands on whichever has its field.
    const both = {
      validate: () => [form.validate(), termsForm.validate()].every(Boolean),
      showError: (err) => form.showError(err) || termsForm.showError(err),
    };
    onSubmit(el, both, ctx, async () => {
      const saved = await api.enrolmentSave({ ...model, household_id: household.id, project_id: x.project_id });
      ctx.setDirty(false);
      ctx.toast(te('saved', { name: saved.member_name, title: saved.intervention_title }));
      replace(formBox);
      await reload();
    });
    replace(formBox, el);
    el.querySelector('[data-testid="enrol-member"]')?.focus();
  }

  /** The exit of an open enrolment, confirmed: it closes it. */
  function exitForm(e) {
    const model = { exit_date: ctx.session?.today ?? null, outcome: null, outcome_note: null, exit_status: null };
    const form = new Form({ onChange: () => ctx.setDirty(true) });
    const el = h(
      'form',
      { class: 'form', novalidate: true, 'data-testid': 'exit-form' },
      h('h3', {}, te('exitTitle', { name: e.member_name, title: e.intervention_title })),
      h(
        'div',
        { class: 'grid' },
        form.date(model, 'exit_date', { label: te('exitDate'), field: 'exit_date', testid: 'exit-date', required: true }),
        form.select(model, 'outcome', { label: te('outcome'), field: 'outcome', testid: 'exit-outcome', required: true, options: ['completato', 'ritirato', 'assunto', 'altro_servizio'].map((v) => [v, label('enrolmentOutcome', v)]) }),
        form.text(model, 'outcome_note', { label: te('outcomeNote'), field: 'outcome_note', testid: 'exit-note', wide: true, hint: te('outcomeNoteHint') }),
        form.select(model, 'exit_status', {
          label: te('exitStatus'),
          field: 'exit_status',
          testid: 'exit-status',
          emptyLabel: te('unknown'),
          options: ['in_cerca_di_lavoro', 'in_istruzione_formazione', 'qualifica_ottenuta', 'occupato', 'altro'].map((v) => [v, label('esfExit', v)]),
        }),
      ),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'exit-save' }, te('recordExit'))),
    );
    onSubmit(el, form, ctx, async () => {
      const ok = await confirmDialog({
        name: 'exit-confirm',
        title: te('exitConfirmTitle'),
        body: te('exitConfirmBody', { name: e.member_name, title: e.intervention_title, date: formatDate(model.exit_date), outcome: label('enrolmentOutcome', model.outcome) }),
        cancel: { label: te('cancel') },
        confirm: { label: te('recordExit') },
      });
      if (!ok) return;
      const x = e.enrolment;
      const t0 = x.terms;
      const saved = await api.enrolmentSave({
        id: x.id,
        household_id: x.household_id,
        member_id: x.member_id,
        intervention_id: x.intervention_id,
        project_id: x.project_id,
        support_id: x.support_id,
        entry_date: x.entry_date,
        host: t0.host ?? null,
        tutor: t0.tutor ?? null,
        planned_end: t0.planned_end ?? null,
        hours_week: t0.hours_week ?? null,
        allowance: t0.allowance ?? null,
        allowance_payer: t0.allowance_payer ?? null,
        agency: t0.kind === 'bene_comune' ? null : t0.agency ?? null,
        place: t0.place ?? null,
        hours_attended: t0.hours_attended ?? null,
        labour_status: x.esf.labour_status,
        unemployed_since: x.esf.unemployed_since,
        isced: x.esf.isced === null ? null : String(x.esf.isced),
        ...Object.fromEntries(YES_NO.map((k) => [k, answerOf(x.esf[k])])),
        ...model,
      });
      ctx.setDirty(false);
      ctx.toast(te('exitSaved', { name: saved.member_name }));
      replace(formBox);
      await reload();
    });
    replace(formBox, el);
    el.querySelector('[data-testid="exit-date"]')?.focus();
  }

  reload();
  return box;
}
