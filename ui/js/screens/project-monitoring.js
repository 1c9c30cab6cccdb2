// The project tab's monitoring (issue 12 item 3): after the patto is signed,
// the meetings held (who was there, each commitment's progress, the next
// meeting), their history, the versions a re-design replaced, "Riprogetta"
// and "Chiudi il progetto". A meeting is never edited: a wrong one is
// annulled with a reason. Every act asks first through the one dialog and
// says what will happen.

import { api } from '../api.js';
import { viewerHref } from '../document-files.js';
import { h, replace } from '../dom.js';
import { askText, confirmDialog } from '../dialog.js';
import { formatDate, formatDateTime } from '../format.js';
import { Form } from '../forms.js';
import { ENUMS, label, t } from '../i18n.js';
import { confirmOfficeDays } from '../office-days.js';

const MONITORED = new Set(['sottoscritto', 'in_corso']);

const fullName = (m) => (m ? `${m.first_name} ${m.last_name}` : '');

/**
 * Draws the monitoring part into `el`.
 *
 * @param {HTMLElement} el
 * @param {{model: object, household: object, ctx: object, today: string,
 *          dirty: boolean, guarded: (fn: () => Promise<void>) => void,
 *          onProject: (project: object) => void}} opts
 */
export function drawMonitoring(el, opts) {
  const { model, household, ctx, today, dirty, guarded, onProject } = opts;
  el.hidden = !model.id;
  if (!model.id) return;
  const members = new Map(household.members.map((m) => [m.id, m]));
  const monitored = MONITORED.has(model.status);
  const concluded = model.status === 'concluso';
  const formSlot = h('div', { 'data-testid': 'monitoring-form-slot' });

  // ---- the next meeting -------------------------------------------------------------
  let nextLine;
  if (!monitored && !concluded && (model.monitoring || []).length === 0) {
    nextLine = h('p', { class: 'muted', 'data-testid': 'next-meeting' }, t('monitoring.notYet'));
  } else if (model.next_meeting && !concluded) {
    const overdue = model.next_meeting < today;
    nextLine = h(
      'p',
      { class: overdue ? 'callout' : 'deadline-note', 'data-testid': 'next-meeting', 'data-date': model.next_meeting, 'data-overdue': String(overdue) },
      t(overdue ? 'monitoring.nextOverdue' : 'monitoring.next', { date: formatDate(model.next_meeting) }),
    );
  } else {
    nextLine = concluded ? null : h('p', { class: 'muted', 'data-testid': 'next-meeting' }, t('monitoring.noNext'));
  }

  // ---- actions ----------------------------------------------------------------------
  const actions = [];
  if (monitored && !dirty) {
    actions.push(
      h(
        'button',
        { type: 'button', class: 'primary', 'data-testid': 'meeting-new', onclick: () => replace(formSlot, meetingForm()) },
        t('monitoring.newMeeting'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-testid': 'project-redesign',
          onclick: () =>
            guarded(async () => {
              const reason = await askText({
                name: 'redesign',
                title: t('monitoring.confirmRedesign.title'),
                body: t('monitoring.confirmRedesign.body', { n: model.version, next: model.version + 1 }),
                input: { label: t('monitoring.confirmRedesign.reason'), multiline: true },
                cancel: { label: t('monitoring.confirmRedesign.no') },
                confirm: { label: t('monitoring.confirmRedesign.yes') },
              });
              if (reason === null) return;
              onProject(await api.projectRedesign(model.id, reason));
              ctx.toast(t('monitoring.redesigned'));
            }),
        },
        t('monitoring.redesign'),
      ),
    );
  }
  if (!concluded && !dirty) {
    actions.push(
      h(
        'button',
        { type: 'button', class: 'secondary danger', 'data-testid': 'project-close', onclick: () => replace(formSlot, closureForm()) },
        t('monitoring.close'),
      ),
    );
  }

  // ---- a meeting held ------------------------------------------------------------------
  function meetingForm() {
    const form = new Form({});
    const meeting = {
      held_on: today,
      members_present: new Set(),
      operators: ctx.session?.operator?.name ?? '',
      others: [{ name: null, role: null }],
      progress: model.commitments.map((c) => ({ commitment_id: c.id, progress: null, note: null })),
      note: null,
      next_meeting_on: null,
    };
    const othersEl = h('div', { class: 'list' });
    const drawOthers = () =>
      replace(
        othersEl,
        meeting.others.map((o, i) =>
          h(
            'div',
            { class: 'grid row-card' },
            form.text(o, 'name', { label: t('monitoring.otherName'), field: `others[${i}].name`, testid: `other-${i}-name` }),
            form.text(o, 'role', { label: t('monitoring.otherRole'), field: `others[${i}].role`, testid: `other-${i}-role` }),
          ),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-testid': 'other-add',
            onclick: () => {
              meeting.others.push({ name: null, role: null });
              drawOthers();
            },
          },
          t('monitoring.addOther'),
        ),
      );
    drawOthers();
    const present = household.members
      .filter((m) => m.id)
      .map((m, j) => {
        const id = `present-${j}`;
        const box = h('input', { id, type: 'checkbox', 'data-testid': `present-${j}` });
        box.addEventListener('change', () => {
          if (box.checked) meeting.members_present.add(m.id);
          else meeting.members_present.delete(m.id);
        });
        return h('label', { for: id, class: 'check' }, box, ' ', fullName(m));
      });
    const progress = model.commitments.map((c, i) =>
      h(
        'fieldset',
        { class: 'card commitment', 'data-testid': `progress-${i}`, 'data-commitment-id': c.id },
        h('legend', {}, t('monitoring.of', { name: fullName(members.get(c.member_id)) })),
        h('p', { 'data-testid': `progress-${i}-action` }, c.action),
        h('p', { class: 'muted small' }, label('commitmentStatus', c.status)),
        h(
          'div',
          { class: 'grid' },
          form.select(meeting.progress[i], 'progress', {
            label: t('monitoring.progress'),
            field: `progress[${i}].progress`,
            testid: `progress-${i}-status`,
            options: ENUMS.progress.map((v) => [v, label('progress', v)]),
            required: true,
          }),
          form.text(meeting.progress[i], 'note', {
            label: t('monitoring.progressNote'),
            field: `progress[${i}].note`,
            testid: `progress-${i}-note`,
            multiline: true,
            rows: 2,
            wide: true,
          }),
        ),
      ),
    );
    const send = () => {
      if (!form.validate()) {
        ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
        return;
      }
      guarded(async () => {
        if (meeting.next_meeting_on && !(await confirmOfficeDays([meeting.next_meeting_on], t('officeDays.meetings')))) return;
        const ok = await confirmDialog({
          name: 'meeting-confirm',
          title: t('monitoring.confirmRecord.title'),
          body: t('monitoring.confirmRecord.body', { date: formatDate(meeting.held_on) }),
          cancel: { label: t('monitoring.confirmRecord.no') },
          confirm: { label: t('monitoring.confirmRecord.yes') },
        });
        if (!ok) return;
        const input = {
          held_on: meeting.held_on,
          members_present: [...meeting.members_present],
          operators: String(meeting.operators ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          others: meeting.others.filter((o) => (o.name ?? '').trim() || (o.role ?? '').trim()),
          progress: meeting.progress,
          note: meeting.note,
          next_meeting_on: meeting.next_meeting_on,
        };
        try {
          onProject(await api.monitoringRecord(model.id, input));
          ctx.toast(t('monitoring.recorded'));
        } catch (err) {
          if (form.showError(err)) return;
          throw err;
        }
      });
    };
    return h(
      'fieldset',
      { class: 'card', 'data-testid': 'meeting-form' },
      h('legend', {}, t('monitoring.formTitle')),
      h(
        'div',
        { class: 'grid' },
        form.date(meeting, 'held_on', { label: t('monitoring.heldOn'), field: 'held_on', testid: 'meeting-held-on', required: true }),
        form.text(meeting, 'operators', {
          label: t('monitoring.operators'),
          field: 'operators[0]',
          testid: 'meeting-operators',
          hint: t('monitoring.operatorsHint'),
          required: true,
          wide: true,
        }),
        h('fieldset', { class: 'field wide' }, h('legend', {}, t('monitoring.present')), h('div', { class: 'checks' }, present)),
      ),
      h('h3', {}, t('monitoring.others')),
      othersEl,
      h('h3', {}, t('monitoring.progressTitle')),
      progress,
      h(
        'div',
        { class: 'grid' },
        form.text(meeting, 'note', { label: t('monitoring.note'), field: 'note', testid: 'meeting-note', multiline: true, rows: 3, wide: true }),
        form.date(meeting, 'next_meeting_on', { label: t('monitoring.nextOn'), field: 'next_meeting_on', testid: 'meeting-next' }),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', 'data-testid': 'meeting-record', onclick: send }, t('monitoring.record')),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'meeting-cancel', onclick: () => replace(formSlot) }, t('monitoring.cancel')),
      ),
    );
  }

  // ---- the closure ------------------------------------------------------------------------
  function closureForm() {
    const form = new Form({});
    const closure = {
      closed_on: today,
      reason: null,
      note: null,
      objectives: model.objectives.map(() => ({ outcome: null, note: null })),
    };
    const send = () => {
      if (!form.validate()) {
        ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
        return;
      }
      guarded(async () => {
        const ok = await confirmDialog({
          name: 'close-confirm',
          title: t('monitoring.confirmClose.title'),
          body: t('monitoring.confirmClose.body', { date: formatDate(closure.closed_on) }),
          cancel: { label: t('monitoring.confirmClose.no') },
          confirm: { label: t('monitoring.confirmClose.yes'), className: 'danger' },
        });
        if (!ok) return;
        try {
          onProject(await api.projectClose(model.id, closure));
          ctx.toast(t('monitoring.closedToast'));
        } catch (err) {
          if (form.showError(err)) return;
          throw err;
        }
      });
    };
    return h(
      'fieldset',
      { class: 'card', 'data-testid': 'closure-form' },
      h('legend', {}, t('monitoring.closeTitle')),
      h(
        'div',
        { class: 'grid' },
        form.date(closure, 'closed_on', { label: t('monitoring.closedOn'), field: 'closed_on', testid: 'closure-date', required: true }),
        form.select(closure, 'reason', {
          label: t('monitoring.closeReason'),
          field: 'reason',
          testid: 'closure-reason',
          options: ENUMS.closureReason.map((v) => [v, label('closureReason', v)]),
          required: true,
        }),
        form.text(closure, 'note', { label: t('monitoring.closeNote'), field: 'note', testid: 'closure-note', multiline: true, rows: 2, wide: true }),
      ),
      model.objectives.map((text, i) =>
        h(
          'fieldset',
          { class: 'card', 'data-testid': `closure-objective-${i}` },
          h('legend', {}, t('project.objective', { n: i + 1 })),
          h('p', {}, text),
          h(
            'div',
            { class: 'grid' },
            form.select(closure.objectives[i], 'outcome', {
              label: t('monitoring.objectiveOutcome'),
              field: `objectives[${i}].outcome`,
              testid: `closure-objective-${i}-outcome`,
              options: ENUMS.objectiveOutcome.map((v) => [v, label('objectiveOutcome', v)]),
              required: true,
            }),
            form.text(closure.objectives[i], 'note', {
              label: t('monitoring.objectiveNote'),
              field: `objectives[${i}].note`,
              testid: `closure-objective-${i}-note`,
              wide: true,
            }),
          ),
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary danger', 'data-testid': 'closure-confirm', onclick: send }, t('monitoring.closeConfirm')),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'closure-cancel', onclick: () => replace(formSlot) }, t('monitoring.cancel')),
      ),
    );
  }

  // ---- the history -----------------------------------------------------------------------
  const held = [...(model.monitoring || [])].reverse();
  const history = h(
    'div',
    { 'data-testid': 'meetings-held' },
    h('h3', {}, t('monitoring.history')),
    held.length === 0
      ? h('p', { class: 'muted' }, t('monitoring.noHistory'))
      : h(
          'ul',
          { class: 'plain' },
          held.map((m) => {
            const names = [
              ...m.members_present.map((id) => fullName(members.get(id))),
              ...m.operators,
              ...m.others.map((o) => `${o.name} (${o.role})`),
            ];
            return h(
              'li',
              { class: `card meeting-held${m.annulled ? ' annulled' : ''}`, 'data-testid': 'meeting-held', 'data-meeting-id': m.id, 'data-annulled': String(Boolean(m.annulled)) },
              h(
                'p',
                {},
                h('strong', {}, t('monitoring.heldLine', { date: formatDate(m.held_on) })),
                ' · ',
                t('monitoring.version', { n: m.version }),
                ' · ',
                h('span', { class: 'muted' }, t('monitoring.recordedBy', { name: m.recorded_by_name })),
              ),
              h('p', { class: 'small' }, t('monitoring.participants', { names: names.join(', ') })),
              h(
                'ul',
                { class: 'plain' },
                m.progress.map((p) =>
                  h(
                    'li',
                    { 'data-testid': 'meeting-progress', 'data-progress': p.progress },
                    h('span', { class: `badge status-${p.progress}` }, label('progress', p.progress)),
                    ' ',
                    p.action,
                    p.note ? h('div', { class: 'muted small' }, p.note) : null,
                  ),
                ),
              ),
              m.note ? h('p', {}, m.note) : null,
              m.next_meeting_on ? h('p', { class: 'small' }, t('monitoring.nextFixed', { date: formatDate(m.next_meeting_on) })) : null,
              m.annulled
                ? h(
                    'p',
                    { class: 'callout', 'data-testid': 'meeting-annulled' },
                    t('monitoring.annulled', { reason: m.annulled.reason, name: m.annulled.annulled_by_name, at: formatDateTime(m.annulled.annulled_at) }),
                  )
                : !concluded && !dirty
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'link danger',
                        'data-testid': 'meeting-annul',
                        onclick: () =>
                          guarded(async () => {
                            const reason = await askText({
                              name: 'meeting-annul',
                              title: t('monitoring.confirmAnnul.title', { date: formatDate(m.held_on) }),
                              body: t('monitoring.confirmAnnul.body'),
                              input: { label: t('monitoring.confirmAnnul.reason'), multiline: true },
                              cancel: { label: t('monitoring.confirmAnnul.no') },
                              confirm: { label: t('monitoring.confirmAnnul.yes'), className: 'danger' },
                            });
                            if (reason === null) return;
                            onProject(await api.monitoringAnnul(model.id, m.id, reason));
                            ctx.toast(t('monitoring.annulledToast'));
                          }),
                      },
                      t('monitoring.annul'),
                    )
                  : null,
            );
          }),
        ),
  );

  // ---- the versions replaced and the closure ------------------------------------------------
  const versions = (model.versions || []).length
    ? h(
        'div',
        { 'data-testid': 'project-versions' },
        h('h3', {}, t('monitoring.versions')),
        [...model.versions].reverse().map((v) =>
          h(
            'details',
            { class: 'card', 'data-testid': 'project-version', 'data-version': String(v.number) },
            h(
              'summary',
              {},
              v.signed_on
                ? t('monitoring.versionLine', { n: v.number, signed: formatDate(v.signed_on), replaced: formatDate(v.replaced_on), name: v.replaced_by_name })
                : t('monitoring.versionUnsigned', { n: v.number, replaced: formatDate(v.replaced_on), name: v.replaced_by_name }),
            ),
            h('p', {}, t('monitoring.versionReason', { reason: v.reason })),
            h('h4', {}, t('project.objectives')),
            h('ul', {}, v.objectives.map((o) => h('li', {}, o))),
            h('h4', {}, t('project.commitments')),
            h(
              'ul',
              {},
              v.commitments.map((c) =>
                h('li', {}, `${fullName(members.get(c.member_id))}: ${c.action} — ${label('commitmentStatus', c.status)}`),
              ),
            ),
            v.document_id
              ? h('a', { href: viewerHref(household.id, v.document_id), 'data-testid': 'version-document' }, t('monitoring.versionDocument'))
              : null,
          ),
        ),
      )
    : null;
  const closure = model.closure
    ? h(
        'div',
        { class: 'callout ok', 'data-testid': 'project-closure' },
        h('p', {}, h('strong', {}, t('monitoring.closed', { date: formatDate(model.closure.closed_on), reason: label('closureReason', model.closure.reason) }))),
        model.closure.note ? h('p', {}, model.closure.note) : null,
        h(
          'ul',
          { class: 'plain' },
          model.closure.objectives.map((o) =>
            h(
              'li',
              { 'data-testid': 'closure-outcome', 'data-outcome': o.outcome },
              h('span', { class: 'badge' }, label('objectiveOutcome', o.outcome)),
              ' ',
              o.objective,
              o.note ? h('div', { class: 'muted small' }, o.note) : null,
            ),
          ),
        ),
        h('p', { class: 'muted small' }, t('monitoring.closedBy', { name: model.closure.recorded_by_name })),
      )
    : null;

  replace(
    el,
    h('h2', {}, t('monitoring.title'), ' ', h('span', { class: 'muted small', 'data-testid': 'project-version-number' }, t('monitoring.version', { n: model.version || 1 }))),
    closure,
    nextLine,
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    formSlot,
    history,
    versions,
  );
}
