// Quadro di analisi: the équipe multidisciplinare's in-depth assessment, when
// the analisi preliminare sends the household to it (d.lgs. 147/2017 art. 5).
// Who sat in the équipe, the six areas again in depth (needs, resources, the
// services that take each on), the priorities and the outcome agreed. The
// project is written on it: its priorities become the first objectives.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate } from '../format.js';
import { Form, onSubmit, saveBar } from '../forms.js';
import { ENUMS, label, t } from '../i18n.js';
import { caseHeader } from './case-header.js';

const fullName = (m) => [m.last_name, m.first_name].filter(Boolean).join(' ');
const options = (kind) => ENUMS[kind].map((v) => [v, label(kind, v)]);

/** A first quadro: the areas as the analysis left them, the social worker in the équipe. */
function blankQuadro(household, analysis, operatorName) {
  return {
    id: null,
    household_id: household.id,
    meeting_date: null,
    operator: null,
    equipe: [
      { name: operatorName || null, service: 'servizio_sociale', organisation: null, role: null },
      { name: null, service: null, organisation: null, role: null },
    ],
    participants: [...analysis.participants],
    areas: analysis.domains.map((d) => ({ domain: d.domain, need: d.need, needs: d.notes || null, resources: d.resources || null, services: null })),
    priorities: [''],
    outcome: null,
    outcome_reason: null,
  };
}

/** All six areas in the law's order, whatever the stored record holds. */
function normalise(quadro) {
  const byKey = new Map((quadro.areas || []).map((a) => [a.domain, a]));
  quadro.areas = ENUMS.domain.map((domain) => byKey.get(domain) || { domain, need: null, needs: null, resources: null, services: null });
  if (quadro.equipe.length === 0) quadro.equipe.push({ name: null, service: null, organisation: null, role: null });
  if (quadro.priorities.length === 0) quadro.priorities.push('');
}

/** What is sent: blank priorities dropped (an empty box is not a priority). */
function forSave(model) {
  const copy = structuredClone(model);
  copy.priorities = copy.priorities.map((s) => (s ?? '').trim()).filter(Boolean);
  return copy;
}

export async function mount(view, ctx) {
  const household = await api.householdGet(ctx.params.id);
  const [analysis, stored, project] = await Promise.all([api.analysisGet(ctx.params.id), api.quadroGet(ctx.params.id), api.projectGet(ctx.params.id)]);
  if (!ctx.isCurrent()) return;
  const header = caseHeader(household, 'analysis', t('quadro.title'), ctx.session?.operator?.role);
  const base = `#/nuclei/${encodeURIComponent(household.id)}`;

  if (!analysis || (analysis.outcome !== 'equipe_multidisciplinare' && !stored)) {
    const text = analysis ? t('quadro.notRouted', { outcome: label('outcome', analysis.outcome) }) : t('quadro.needAnalysis');
    replace(
      view,
      h(
        'div',
        {},
        header,
        h(
          'section',
          { 'data-testid': 'screen-quadro' },
          h('p', { class: 'callout', 'data-testid': 'quadro-not-routed' }, text),
          h('a', { class: 'button secondary', href: `${base}/analisi` }, t('quadro.toAnalysis')),
        ),
      ),
    );
    return;
  }

  // Like the analysis: fixed once someone signed the project built on it.
  const locked = !!project && (!['bozza', 'da_firmare'].includes(project.status) || (project.signatures || []).length > 0);
  const model = stored ? structuredClone(stored) : blankQuadro(household, analysis, ctx.session?.operator?.name);
  normalise(model);
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const formEl = h('form', { class: 'form', novalidate: true, 'data-testid': 'quadro-form' });
  const nextEl = h('div', { 'data-testid': 'quadro-next' });

  function participantsField() {
    const boxes = household.members
      .filter((m) => m.id)
      .map((m, i) => {
        const id = `quadro-participant-${i}`;
        const box = h('input', { id, type: 'checkbox', 'data-testid': `quadro-participant-${i}`, checked: model.participants.includes(m.id), disabled: locked });
        box.addEventListener('change', () => {
          const set = new Set(model.participants);
          if (box.checked) set.add(m.id);
          else set.delete(m.id);
          model.participants = household.members.map((x) => x.id).filter((x) => set.has(x));
          ctx.setDirty(true);
        });
        return h('label', { for: id, class: 'check' }, box, ' ', fullName(m));
      });
    return h('fieldset', { class: 'field wide' }, h('legend', {}, t('quadro.participants')), h('div', { class: 'checks' }, boxes));
  }

  // The lists (équipe, priorities): a row removed hands the focus to the
  // list's "add" button; a row added takes it.
  function removeButton(list, i, base) {
    if (locked || list.length < 2) return null;
    const onclick = () => {
      list.splice(i, 1);
      ctx.setDirty(true);
      draw();
      formEl.querySelector(`[data-testid="${base}-add"]`)?.focus();
    };
    return h('button', { type: 'button', class: 'link danger', 'data-testid': `${base}-${i}-remove`, onclick }, t('common.remove'));
  }

  function addButton(list, base, text, blank, focusSuffix) {
    if (locked) return null;
    const onclick = () => {
      list.push(blank());
      ctx.setDirty(true);
      draw();
      formEl.querySelector(`[data-testid="${base}-${list.length - 1}${focusSuffix}"]`)?.focus();
    };
    return h('button', { type: 'button', class: 'secondary', 'data-testid': `${base}-add`, onclick }, text);
  }

  function equipeRows() {
    const slot = h('div', { class: 'field-error', 'data-testid': 'error:equipe', hidden: true });
    const rows = model.equipe.map((m, i) =>
      h(
        'div',
        { class: 'grid list-item', 'data-testid': `equipe-${i}` },
        form.text(m, 'name', { label: t('quadro.memberName'), field: `equipe[${i}].name`, testid: `equipe-${i}-name`, disabled: locked }),
        form.select(m, 'service', { label: t('quadro.service'), field: `equipe[${i}].service`, testid: `equipe-${i}-service`, options: options('equipeService'), disabled: locked }),
        form.text(m, 'organisation', { label: t('quadro.organisation'), field: `equipe[${i}].organisation`, testid: `equipe-${i}-organisation`, disabled: locked }),
        form.text(m, 'role', { label: t('quadro.role'), field: `equipe[${i}].role`, testid: `equipe-${i}-role`, disabled: locked }),
        removeButton(model.equipe, i, 'equipe'),
      ),
    );
    const add = addButton(model.equipe, 'equipe', t('quadro.addMember'), () => ({ name: null, service: null, organisation: null, role: null }), '-name');
    form.fields.set('equipe', { control: formEl.querySelector('[data-testid="equipe-0-name"]') ?? formEl, slot });
    return h('fieldset', { class: 'card' }, h('legend', {}, t('quadro.sectionEquipe')), h('p', { class: 'muted small' }, t('quadro.equipeHint')), rows, slot, add);
  }

  function priorityRows() {
    const slot = h('div', { class: 'field-error', 'data-testid': 'error:priorities', hidden: true });
    const rows = model.priorities.map((_, i) =>
      h(
        'div',
        { class: 'list-item' },
        form.text(model.priorities, i, {
          label: t('quadro.priority', { n: i + 1 }),
          field: `priorities[${i}]`,
          testid: `priority-${i}`,
          multiline: true,
          rows: 2,
          wide: true,
          emptyAsNull: false,
          disabled: locked,
        }),
        removeButton(model.priorities, i, 'priority'),
      ),
    );
    const add = addButton(model.priorities, 'priority', t('quadro.addPriority'), () => '', '');
    form.fields.set('priorities', { control: formEl.querySelector('[data-testid="priority-0"]') ?? formEl, slot });
    return h('div', {}, rows, slot, add);
  }

  function draw() {
    form.reset();
    const meeting = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('quadro.title')),
      h('p', { class: 'muted' }, t('quadro.fromAnalysis', { date: formatDate(analysis.interview_date), deadline: formatDate(analysis.signing_deadline) })),
      h(
        'div',
        { class: 'grid' },
        form.date(model, 'meeting_date', { label: t('quadro.meetingDate'), field: 'meeting_date', testid: 'quadro-meeting-date', required: true, disabled: locked }),
        model.operator ? h('div', { class: 'field' }, h('span', { class: 'label' }, t('analysis.operator')), h('span', {}, String(model.operator))) : null,
        participantsField(),
      ),
    );
    const areas = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('quadro.sectionAreas')),
      model.areas.map((a, i) => {
        const first = analysis.domains.find((d) => d.domain === a.domain);
        return h(
          'div',
          { class: 'domain', 'data-testid': `quadro-area-${a.domain}` },
          h('h2', { class: 'domain-title' }, label('domain', a.domain)),
          first ? h('p', { class: 'muted small' }, t('quadro.analysisSaid', { need: label('need', first.need).toLowerCase() })) : null,
          h(
            'div',
            { class: 'grid' },
            form.select(a, 'need', { label: t('analysis.need'), field: `areas[${i}].need`, testid: `quadro-area-${a.domain}-need`, options: options('need'), required: true, disabled: locked }),
            form.text(a, 'needs', { label: t('quadro.needs'), field: `areas[${i}].needs`, testid: `quadro-area-${a.domain}-needs`, multiline: true, rows: 2, wide: true, disabled: locked }),
            form.text(a, 'resources', { label: t('quadro.resources'), field: `areas[${i}].resources`, testid: `quadro-area-${a.domain}-resources`, multiline: true, rows: 2, wide: true, disabled: locked }),
            form.text(a, 'services', { label: t('quadro.services'), field: `areas[${i}].services`, testid: `quadro-area-${a.domain}-services`, wide: true, disabled: locked }),
          ),
        );
      }),
    );
    const outcome = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('quadro.sectionOutcome')),
      h('h2', { class: 'domain-title' }, t('quadro.priorities')),
      h('p', { class: 'muted small' }, t('quadro.prioritiesHint')),
      priorityRows(),
      h(
        'div',
        { class: 'grid' },
        form.select(model, 'outcome', { label: t('quadro.outcome'), field: 'outcome', testid: 'quadro-outcome', options: options('quadroOutcome'), required: true, wide: true, disabled: locked }),
        form.text(model, 'outcome_reason', { label: t('analysis.outcomeReason'), field: 'outcome_reason', testid: 'quadro-outcome-reason', multiline: true, required: true, wide: true, disabled: locked }),
      ),
    );
    const saveBtn = locked ? null : h('button', { type: 'submit', class: 'primary', 'data-testid': 'quadro-save', 'data-save': true }, t('common.save'));
    replace(formEl, meeting, equipeRows(), areas, outcome, saveBtn ? saveBar(saveBtn) : null);
  }

  function drawNext() {
    if (!model.id) {
      replace(nextEl);
      nextEl.className = '';
      return;
    }
    nextEl.className = 'callout';
    replace(
      nextEl,
      model.outcome === 'patto_inclusione'
        ? h('p', {}, t('quadro.nextProject'), ' ', h('a', { href: `${base}/progetto`, 'data-testid': 'quadro-to-project' }, t('quadro.toProject')))
        : h('p', {}, t('quadro.nextElsewhere', { outcome: label('quadroOutcome', model.outcome) })),
    );
  }

  onSubmit(
    formEl,
    form,
    ctx,
    async () => {
      const saved = await api.quadroSave(forSave(model));
      Object.assign(model, structuredClone(saved));
      normalise(model);
      ctx.setDirty(false);
      ctx.toast(t('quadro.saved'));
      draw();
      drawNext();
      nextEl.scrollIntoView({ block: 'nearest' });
    },
    { button: () => formEl.querySelector('[data-testid="quadro-save"]') },
  );

  draw();
  drawNext();
  const lockedNote = locked ? h('p', { class: 'callout', role: 'note', 'data-testid': 'quadro-locked' }, t('quadro.locked')) : null;
  replace(view, h('section', { 'data-testid': 'screen-quadro' }, header, lockedNote, nextEl, formEl));
}
