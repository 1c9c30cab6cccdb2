// Analisi preliminare: the interview, the six domains of d.lgs. 147/2017 art. 5,
// employability of each adult, the outcome. Saving it starts the signing clock.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate, isMinor } from '../format.js';
import { Form, onSubmit, saveBar } from '../forms.js';
import { ENUMS, label, t } from '../i18n.js';
import { caseHeader } from './case-header.js';

const fullName = (m) => [m.last_name, m.first_name].filter(Boolean).join(' ');

function options(kind) {
  return ENUMS[kind].map((v) => [v, label(kind, v)]);
}

function blankAnalysis(household) {
  return {
    id: null,
    household_id: household.id,
    interview_date: null,
    participants: [],
    operator: null,
    domains: [],
    employability: [],
    outcome: null,
    outcome_reason: null,
    signing_deadline: null,
  };
}

/** All six domains, in the contract's order, whatever the stored record holds. */
function normaliseDomains(analysis) {
  const byKey = new Map((analysis.domains || []).map((d) => [d.domain, d]));
  analysis.domains = ENUMS.domain.map((domain) => byKey.get(domain) || { domain, need: null, resources: null, notes: null });
}

/** One employability entry per adult on the interview day (today until it is set). */
function normaliseEmployability(analysis, household, today) {
  const day = analysis.interview_date || today;
  const byMember = new Map((analysis.employability || []).map((e) => [e.member_id, e]));
  analysis.employability = household.members
    .filter((m) => m.id && !isMinor(m.birth_date, day))
    .map((m) => byMember.get(m.id) || { member_id: m.id, profile: null, notes: null });
}

export async function mount(view, ctx) {
  const household = await api.householdGet(ctx.params.id);
  const stored = await api.analysisGet(ctx.params.id);
  if (!ctx.isCurrent()) return;
  const today = ctx.session?.today ?? new Date().toISOString().slice(0, 10);
  const model = stored ? structuredClone(stored) : blankAnalysis(household);
  normaliseDomains(model);
  normaliseEmployability(model, household, today);

  const form = new Form({ onChange: () => ctx.setDirty(true) });
  // The outcome as last saved (the select may show one not saved yet).
  let savedOutcome = stored?.outcome ?? null;
  const formEl = h('form', { class: 'form', novalidate: true, 'data-testid': 'analysis-form' });
  const deadlineBox = h('div', { 'data-testid': 'signing-deadline-box' });
  const membersById = new Map(household.members.map((m) => [m.id, m]));

  function drawDeadline() {
    if (!model.signing_deadline) {
      replace(deadlineBox);
      deadlineBox.className = '';
      return;
    }
    deadlineBox.className = 'callout';
    // Sent to the équipe (as saved): the next step is its quadro di analisi.
    const toQuadro =
      savedOutcome === 'equipe_multidisciplinare'
        ? h(
            'p',
            { 'data-testid': 'analysis-to-quadro' },
            t('analysis.toQuadro'),
            ' ',
            h('a', { class: 'button secondary', href: `#/nuclei/${encodeURIComponent(household.id)}/quadro`, 'data-testid': 'go-to-quadro' }, t('analysis.openQuadro')),
          )
        : null;
    replace(
      deadlineBox,
      h('p', { 'data-testid': 'signing-deadline', 'data-date': model.signing_deadline }, t('analysis.deadline', { date: formatDate(model.signing_deadline) })),
      h('p', { class: 'muted' }, t('analysis.deadlineHint')),
      toQuadro,
    );
  }

  function participantsField() {
    const slot = h('div', { class: 'field-error', 'data-testid': 'error:participants', hidden: true });
    const boxes = household.members.map((m, i) => {
      const id = `participant-${i}`;
      const box = h('input', {
        id,
        type: 'checkbox',
        'data-field': i === 0 ? 'participants' : null,
        'data-testid': `analysis-participant-${i}`,
        checked: model.participants.includes(m.id),
      });
      box.addEventListener('change', () => {
        const set = new Set(model.participants);
        if (box.checked) set.add(m.id);
        else set.delete(m.id);
        // Keep the household's order, not the order of the clicks.
        model.participants = household.members.map((x) => x.id).filter((x) => set.has(x));
        form.clearField('participants');
        ctx.setDirty(true);
      });
      return h('label', { for: id, class: 'check' }, box, ' ', fullName(m));
    });
    form.fields.set('participants', { control: boxes[0]?.querySelector('input') ?? formEl, slot });
    return h('fieldset', { class: 'field wide' }, h('legend', {}, t('analysis.participants')), h('div', { class: 'checks' }, boxes), slot);
  }

  function draw() {
    form.reset();
    const interview = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('analysis.title')),
      h(
        'div',
        { class: 'grid' },
        form.date(model, 'interview_date', {
          label: t('analysis.interviewDate'),
          field: 'interview_date',
          testid: 'analysis-interview-date',
          required: true,
        }),
        model.operator ? h('div', { class: 'field' }, h('span', { class: 'label' }, t('analysis.operator')), h('span', {}, String(model.operator))) : null,
        participantsField(),
      ),
    );
    const domains = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('analysis.sectionDomains')),
      model.domains.map((d, i) =>
        h(
          'div',
          { class: 'domain', 'data-testid': `domain-${d.domain}` },
          // Under the page's h1 (the fieldsets' legends are not headings).
          h('h2', { class: 'domain-title' }, label('domain', d.domain)),
          h(
            'div',
            { class: 'grid' },
            form.select(d, 'need', {
              label: t('analysis.need'),
              field: `domains[${i}].need`,
              testid: `domain-${d.domain}-need`,
              options: options('need'),
              required: true,
            }),
            form.text(d, 'resources', {
              label: t('analysis.resources'),
              field: `domains[${i}].resources`,
              testid: `domain-${d.domain}-resources`,
              multiline: true,
              rows: 2,
              wide: true,
            }),
            form.text(d, 'notes', {
              label: t('analysis.notes'),
              field: `domains[${i}].notes`,
              testid: `domain-${d.domain}-notes`,
              multiline: true,
              rows: 2,
              wide: true,
            }),
          ),
        ),
      ),
    );
    const employability = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('analysis.sectionEmployability')),
      model.employability.length === 0
        ? h('p', { class: 'muted' }, t('analysis.noAdults'))
        : model.employability.map((e, i) =>
            h(
              'div',
              { class: 'grid', 'data-testid': `employability-${i}` },
              h('div', { class: 'field' }, h('span', { class: 'label' }, t('household.member', { n: i + 1 })), h('strong', {}, fullName(membersById.get(e.member_id) || {}))),
              form.select(e, 'profile', {
                label: t('analysis.profile'),
                field: `employability[${i}].profile`,
                testid: `employability-${i}-profile`,
                options: options('profile'),
                required: true,
              }),
              form.text(e, 'notes', {
                label: t('analysis.notes'),
                field: `employability[${i}].notes`,
                testid: `employability-${i}-notes`,
                wide: true,
              }),
            ),
          ),
    );
    const outcome = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('analysis.sectionOutcome')),
      h(
        'div',
        { class: 'grid' },
        form.select(model, 'outcome', {
          label: t('analysis.outcome'),
          field: 'outcome',
          testid: 'analysis-outcome',
          options: options('outcome'),
          required: true,
          wide: true,
        }),
        form.text(model, 'outcome_reason', {
          label: t('analysis.outcomeReason'),
          field: 'outcome_reason',
          testid: 'analysis-outcome-reason',
          multiline: true,
          required: true,
          wide: true,
        }),
      ),
    );
    const saveBtn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'analysis-save', 'data-save': true }, t('common.save'));
    replace(formEl, interview, domains, employability, outcome, saveBar(saveBtn));
  }

  onSubmit(
    formEl,
    form,
    ctx,
    async () => {
      const saved = await api.analysisSave(model);
      savedOutcome = saved.outcome;
      Object.assign(model, structuredClone(saved));
      normaliseDomains(model);
      normaliseEmployability(model, household, today);
      ctx.setDirty(false);
      ctx.toast(t('analysis.saved'));
      draw();
      drawDeadline();
      deadlineBox.scrollIntoView({ block: 'nearest' });
    },
    { button: () => formEl.querySelector('[data-testid="analysis-save"]') },
  );

  draw();
  drawDeadline();
  replace(view, h('section', { 'data-testid': 'screen-analisi' }, caseHeader(household, 'analysis', t('analysis.title'), ctx.session?.operator?.role), deadlineBox, formEl));
}
