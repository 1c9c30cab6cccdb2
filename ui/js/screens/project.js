// Progetto personalizzato: objectives, results, commitments of each member,
// supports, meetings; the status moves; printing the patto; recording, member by
// member, the signatures brought back on paper. Every act with legal weight
// (recording a signature, annulling one, going back to bozza, sending the text to
// signing or printing a draft) asks first, through the one dialog, and says what
// will happen; a signature is undone only by annulling it with a reason.

import { api } from '../api.js';
import { viewerHref } from '../document-files.js';
import { h, replace } from '../dom.js';
import { confirmDialog, askText } from '../dialog.js';
import { formatDate, formatDateTime } from '../format.js';
import { Form, saveBar } from '../forms.js';
import { ENUMS, label, t } from '../i18n.js';
import { closedDays, confirmOfficeDays } from '../office-days.js';
import { caseHeader } from './case-header.js';
import { drawMonitoring } from './project-monitoring.js';
import { enrolmentsCard } from './enrolments.js';
import { fieldHistoryPanel } from './field-history.js';

const fullName = (m) => [m.last_name, m.first_name].filter(Boolean).join(' ');

// docs/ipc.md: →sottoscritto happens only by signatures.
const MOVES = {
  bozza: ['da_firmare'],
  da_firmare: ['bozza'],
  sottoscritto: ['in_corso'],
  // Concluded only through "Chiudi il progetto" (each objective's outcome).
  in_corso: [],
  concluso: [],
};
const EDITABLE = new Set(['bozza', 'da_firmare']);
// Annulling a signature: while the project waits for signatures (the service
// refuses it once sottoscritto).
const ANNULLABLE = new Set(['bozza', 'da_firmare']);

/**
 * A new project. When the équipe wrote a quadro di analisi, its agreed
 * priorities are the first objectives (the operator can reword them).
 */
function blankProject(household, analysis, quadro = null) {
  const priorities = quadro && quadro.priorities.length > 0 ? [...quadro.priorities] : [''];
  return {
    id: null,
    household_id: household.id,
    analysis_id: analysis.id,
    status: 'bozza',
    signing_deadline: analysis.signing_deadline ?? null,
    objectives: priorities,
    expected_results: [''],
    commitments: [],
    supports: [],
    meetings: [],
    required_signers: [],
    signatures: [],
    annulled_signatures: [],
  };
}

/** What is sent: blank lines of the lists dropped (an empty textarea is not an objective). */
function forSave(model) {
  const copy = structuredClone(model);
  copy.objectives = copy.objectives.map((s) => (s ?? '').trim()).filter(Boolean);
  copy.expected_results = copy.expected_results.map((s) => (s ?? '').trim()).filter(Boolean);
  return copy;
}

export async function mount(view, ctx) {
  const household = await api.householdGet(ctx.params.id);
  const [analysis, stored] = await Promise.all([api.analysisGet(ctx.params.id), api.projectGet(ctx.params.id)]);
  if (!ctx.isCurrent()) return;
  const today = ctx.session?.today ?? new Date().toISOString().slice(0, 10);
  const membersById = new Map(household.members.map((m) => [m.id, m]));
  const memberOptions = household.members.filter((m) => m.id).map((m) => [m.id, fullName(m)]);
  let model = stored ? structuredClone(stored) : null;
  let dirty = false;
  let busy = false;
  let lastDocument = null;

  const markDirty = (value) => {
    dirty = value;
    ctx.setDirty(value);
    drawActions();
  };
  const form = new Form({ onChange: () => markDirty(true) });
  const section = h('section', { 'data-testid': 'screen-progetto' });
  const actionsEl = h('div', { class: 'card status-bar', 'data-testid': 'project-actions' });
  const noticeEl = h('p', { class: 'callout', 'data-testid': 'project-readonly', role: 'note', hidden: true });
  const formEl = h('form', { class: 'form', novalidate: true, 'data-testid': 'project-form' });
  const signaturesEl = h('section', { class: 'card', 'data-testid': 'signatures' });
  // Monitoring after the signatures (issue 12 item 3): project-monitoring.js.
  const monitoringEl = h('section', { class: 'card', 'data-testid': 'monitoring' });

  const fail = (err) => {
    if (form.showError(err)) {
      ctx.showError({ code: err.code, message: t('common.fixErrors') }, { focus: false });
    } else {
      ctx.showError(err);
    }
  };

  async function guarded(fn) {
    if (busy) return;
    busy = true;
    ctx.showError(null);
    try {
      await fn();
    } catch (err) {
      fail(err);
    } finally {
      busy = false;
    }
  }

  // The meeting dates as last saved: only a date newly set is asked about.
  let savedMeetingDates = new Set();
  function adopt(saved) {
    model = structuredClone(saved);
    savedMeetingDates = new Set((model.meetings || []).map((m) => m.date));
    if (model.objectives.length === 0) model.objectives.push('');
    if (model.expected_results.length === 0) model.expected_results.push('');
  }

  // ---- status, printing ----------------------------------------------------------

  // "Nome Cognome", as on the signature line.
  const signerName = (memberId) => {
    const m = membersById.get(memberId);
    return m ? `${m.first_name} ${m.last_name}` : '';
  };
  // The signatures that count now (annulled ones are listed apart).
  const counting = () => model.signatures || [];

  /**
   * Asks before a move that changes what is signed. Resolves the reason
   * ('' when none is needed) or null when the operator does not confirm.
   */
  async function askMove(to) {
    if (to === 'bozza') {
      const signed = counting();
      if (signed.length > 0) {
        return askText({
          name: 'to-bozza',
          title: t('project.confirmBozza.title'),
          body: t('project.confirmBozza.bodySigned', { names: signed.map((s) => signerName(s.signer_id)).join(', ') }),
          input: { label: t('project.confirmBozza.reason'), multiline: true },
          cancel: { label: t('project.confirmBozza.no') },
          confirm: { label: t('project.confirmBozza.yes'), className: 'danger' },
        });
      }
      const ok = await confirmDialog({
        name: 'to-bozza',
        title: t('project.confirmBozza.title'),
        body: t('project.confirmBozza.body'),
        cancel: { label: t('project.confirmBozza.no') },
        confirm: { label: t('project.confirmBozza.yes') },
      });
      return ok ? '' : null;
    }
    if (to === 'da_firmare') {
      const ok = await confirmDialog({
        name: 'to-da-firmare',
        title: t('project.confirmFreeze.title'),
        body: t('project.confirmFreeze.body'),
        cancel: { label: t('project.confirmFreeze.no') },
        confirm: { label: t('project.confirmFreeze.yes') },
      });
      return ok ? '' : null;
    }
    return '';
  }

  function drawActions() {
    if (!model) return;
    const saved = Boolean(model.id);
    const blocked = !saved || dirty;
    const moves = MOVES[model.status] || [];
    replace(
      actionsEl,
      h(
        'div',
        { class: 'status-line' },
        h('span', { class: 'label' }, t('project.status'), ': '),
        h('span', { class: `badge status-${model.status}`, 'data-testid': 'project-status', 'data-status': model.status }, label('projectStatus', model.status)),
        model.signing_deadline
          ? h('span', { class: 'deadline-note', 'data-testid': 'project-deadline' }, t('project.deadline', { date: formatDate(model.signing_deadline) }))
          : null,
      ),
      h(
        'div',
        { class: 'actions' },
        moves.map((to) =>
          h(
            'button',
            {
              type: 'button',
              class: to === 'bozza' ? 'secondary' : 'primary',
              'data-testid': `status-to-${to}`,
              disabled: blocked,
              onclick: () =>
                guarded(async () => {
                  const reason = await askMove(to);
                  if (reason === null) return;
                  const updated = await api.projectSetStatus(model.id, to, reason || undefined);
                  adopt(updated);
                  ctx.toast(t('project.statusChanged', { status: label('projectStatus', model.status) }));
                  drawAll();
                }),
            },
            t(`project.toStatus.${to}`),
          ),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-testid': 'agreement-print',
            disabled: blocked,
            onclick: () =>
              guarded(async () => {
                // Printing a draft freezes it: the printed text is the one signed.
                if (model.status === 'bozza') {
                  const ok = await confirmDialog({
                    name: 'print-draft',
                    title: t('project.confirmFreeze.title'),
                    body: t('project.confirmFreeze.bodyPrint'),
                    cancel: { label: t('project.confirmFreeze.no') },
                    confirm: { label: t('project.confirmFreeze.yesPrint') },
                  });
                  if (!ok) return;
                }
                lastDocument = await api.agreementPrint(model.id);
                // Printing a draft makes it "da firmare": read the project again.
                const fresh = await api.projectGet(household.id);
                if (fresh) adopt(fresh);
                ctx.toast(t('project.printed', { title: lastDocument.title }));
                drawAll();
              }),
          },
          t('project.print'),
        ),
      ),
      dirty && saved ? h('p', { class: 'hint' }, t('project.saveFirst')) : null,
      lastDocument
        ? h(
            'p',
            { class: 'document-created', 'data-testid': 'document-created', 'data-document-id': lastDocument.id },
            t('project.printed', { title: lastDocument.title }),
            ' ',
            h('a', { href: viewerHref(lastDocument.household_id, lastDocument.id), 'data-testid': 'document-open' }, t('common.open')),
          )
        : null,
    );
  }

  // ---- the editable content --------------------------------------------------------

  const isEditable = () => EDITABLE.has(model.status) && counting().length === 0;

  // The line at the top of the screen saying why the fields are read-only and
  // how to change them.
  function drawNotice() {
    let text = null;
    let reason = null;
    if (!EDITABLE.has(model.status)) {
      text = t('project.readOnly', { status: label('projectStatus', model.status).toLowerCase() });
      reason = 'status';
    } else if (counting().length > 0) {
      text = t(model.status === 'bozza' ? 'project.staleSignatures' : 'project.signedReadOnly');
      reason = 'signed';
    }
    noticeEl.hidden = text === null;
    noticeEl.dataset.reason = reason ?? '';
    replace(noticeEl, text ?? '');
  }

  function stringList(key, fieldBase, itemLabel, addLabel, testBase, editable) {
    const list = model[key];
    return h(
      'div',
      { class: 'list' },
      list.map((_, i) =>
        h(
          'div',
          { class: 'list-item' },
          form.text(list, i, {
            label: t(itemLabel, { n: i + 1 }),
            field: `${fieldBase}[${i}]`,
            testid: `${testBase}-${i}`,
            multiline: true,
            rows: 2,
            wide: true,
            emptyAsNull: false,
            disabled: !editable,
          }),
          editable && list.length > 1
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'link danger',
                  'data-testid': `${testBase}-${i}-remove`,
                  onclick: () => {
                    list.splice(i, 1);
                    markDirty(true);
                    drawForm();
                    focusAfterRemove(`${testBase}-add`);
                  },
                },
                t('common.remove'),
              )
            : null,
        ),
      ),
      editable
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'data-testid': `${testBase}-add`,
              onclick: () => {
                list.push('');
                markDirty(true);
                drawForm();
                formEl.querySelector(`[data-field="${fieldBase}[${list.length - 1}]"]`)?.focus();
              },
            },
            t(addLabel),
          )
        : null,
    );
  }

  // The removed item's button is gone with it: the focus goes to the list's
  // "add" button rather than to the top of the page.
  function focusAfterRemove(addTestid) {
    formEl.querySelector(`[data-testid="${addTestid}"]`)?.focus();
  }

  function removeButton(list, i, testid, addTestid) {
    return h(
      'button',
      {
        type: 'button',
        class: 'link danger',
        'data-testid': testid,
        onclick: () => {
          list.splice(i, 1);
          markDirty(true);
          drawForm();
          focusAfterRemove(addTestid);
        },
      },
      t('common.remove'),
    );
  }

  function addButton(list, make, testid, text, focusField) {
    return h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-testid': testid,
        onclick: () => {
          list.push(make());
          markDirty(true);
          drawForm();
          formEl.querySelector(`[data-field="${focusField(list.length - 1)}"]`)?.focus();
        },
      },
      text,
    );
  }

  function commitmentCard(c, i, editable) {
    const f = (name) => `commitments[${i}].${name}`;
    const tid = (name) => `commitment-${i}-${name}`;
    const boxes = [];
    const others = household.members
      .filter((m) => m.id)
      .map((m, j) => {
        const id = `commitment-${i}-other-${j}`;
        const box = h('input', {
          id,
          type: 'checkbox',
          'data-testid': `commitment-${i}-other-${j}`,
          checked: (c.other_member_ids || []).includes(m.id),
          disabled: !editable || m.id === c.member_id,
        });
        box.addEventListener('change', () => {
          const set = new Set(c.other_member_ids || []);
          if (box.checked) set.add(m.id);
          else set.delete(m.id);
          c.other_member_ids = household.members.map((x) => x.id).filter((x) => set.has(x));
          markDirty(true);
        });
        boxes.push({ box, memberId: m.id });
        return h('label', { for: id, class: 'check' }, box, ' ', fullName(m));
      });
    // Choosing the member bound changes only these boxes, in place: redrawing the
    // form would take the focus from the list just used (the next Tab must go to
    // the next field, not to the top of the page).
    const syncOthers = () => {
      for (const { box, memberId } of boxes) {
        const bound = memberId === c.member_id;
        box.disabled = !editable || bound;
        if (bound) box.checked = false;
      }
    };
    return h(
      'fieldset',
      { class: 'card commitment', 'data-testid': `commitment-${i}` },
      h('legend', {}, t('project.commitment', { n: i + 1 })),
      h(
        'div',
        { class: 'grid' },
        form.text(c, 'action', {
          label: t('project.action'),
          field: f('action'),
          testid: tid('action'),
          multiline: true,
          rows: 2,
          wide: true,
          required: true,
          disabled: !editable,
        }),
        form.select(c, 'member_id', {
          label: t('project.member'),
          field: f('member_id'),
          testid: tid('member'),
          options: memberOptions,
          required: true,
          disabled: !editable,
          onChange: () => {
            // The member bound is not also "another member involved".
            c.other_member_ids = (c.other_member_ids || []).filter((x) => x !== c.member_id);
            syncOthers();
          },
        }),
        form.date(c, 'due_date', { label: t('project.dueDate'), field: f('due_date'), testid: tid('due-date'), required: true, disabled: !editable }),
        form.select(c, 'status', {
          label: t('project.commitmentStatus'),
          field: f('status'),
          testid: tid('status'),
          options: ENUMS.commitmentStatus.map((v) => [v, label('commitmentStatus', v)]),
          allowEmpty: false,
          disabled: !editable,
        }),
        h('fieldset', { class: 'field wide' }, h('legend', {}, t('project.otherMembers')), h('div', { class: 'checks' }, others)),
      ),
      editable ? h('div', { class: 'card-actions' }, removeButton(model.commitments, i, tid('remove'), 'commitment-add')) : null,
    );
  }

  function supportCard(s, i, editable) {
    const f = (name) => `supports[${i}].${name}`;
    return h(
      'div',
      { class: 'grid row-card', 'data-testid': `support-${i}` },
      form.text(s, 'description', {
        label: t('project.support', { n: i + 1 }),
        field: f('description'),
        testid: `support-${i}-description`,
        required: true,
        wide: true,
        disabled: !editable,
      }),
      form.text(s, 'provider', { label: t('project.provider'), field: f('provider'), testid: `support-${i}-provider`, disabled: !editable }),
      editable ? h('div', { class: 'card-actions' }, removeButton(model.supports, i, `support-${i}-remove`, 'support-add')) : null,
    );
  }

  function meetingCard(m, i, editable) {
    const f = (name) => `meetings[${i}].${name}`;
    const tid = (name) => `meeting-${i}-${name}`;
    return h(
      'fieldset',
      { class: 'card', 'data-testid': `meeting-${i}` },
      h('legend', {}, t('project.meeting', { n: i + 1 })),
      h(
        'div',
        { class: 'grid' },
        form.date(m, 'date', { label: t('project.meetingDate'), field: f('date'), testid: tid('date'), required: true, disabled: !editable }),
        form.time(m, 'time', { label: t('project.meetingTime'), field: f('time'), testid: tid('time'), disabled: !editable }),
        form.integer(m, 'duration_minutes', {
          label: t('project.duration'),
          field: f('duration_minutes'),
          testid: tid('duration'),
          min: 1,
          max: 480,
          message: t('project.badDuration'),
          disabled: !editable,
        }),
        form.text(m, 'place', { label: t('project.place'), field: f('place'), testid: tid('place'), disabled: !editable }),
        form.text(m, 'notes', { label: t('project.notes'), field: f('notes'), testid: tid('notes'), multiline: true, rows: 2, wide: true, disabled: !editable }),
        form.text(m, 'evaluation', { label: t('project.evaluation'), field: f('evaluation'), testid: tid('evaluation'), multiline: true, rows: 2, wide: true, disabled: !editable }),
      ),
      editable ? h('div', { class: 'card-actions' }, removeButton(model.meetings, i, tid('remove'), 'meeting-add')) : null,
    );
  }

  function drawForm() {
    form.reset();
    // Once anyone has signed (a signature that counts), the text is what was
    // signed: read-only here, as the service refuses the save.
    const editable = isEditable();
    const parts = [];
    drawNotice();
    parts.push(
      h('fieldset', { class: 'card' }, h('legend', {}, t('project.objectives')), stringList('objectives', 'objectives', 'project.objective', 'project.addObjective', 'objective', editable)),
      h('fieldset', { class: 'card' }, h('legend', {}, t('project.results')), stringList('expected_results', 'expected_results', 'project.result', 'project.addResult', 'result', editable)),
      h(
        'section',
        { class: 'group' },
        h('h2', {}, t('project.commitments')),
        model.commitments.map((c, i) => commitmentCard(c, i, editable)),
        editable
          ? addButton(
              model.commitments,
              () => ({ id: null, action: '', member_id: null, other_member_ids: [], due_date: null, status: 'da_avviare' }),
              'commitment-add',
              t('project.addCommitment'),
              (i) => `commitments[${i}].action`,
            )
          : null,
      ),
      h(
        'fieldset',
        { class: 'card' },
        h('legend', {}, t('project.supports')),
        model.supports.map((s, i) => supportCard(s, i, editable)),
        editable
          ? addButton(model.supports, () => ({ id: null, description: '', provider: null }), 'support-add', t('project.addSupport'), (i) => `supports[${i}].description`)
          : null,
      ),
      h(
        'section',
        { class: 'group' },
        h('h2', {}, t('project.meetings')),
        model.meetings.length === 0 && !editable ? h('p', { class: 'muted' }, t('project.noMeetings')) : null,
        model.meetings.map((m, i) => meetingCard(m, i, editable)),
        editable
          ? addButton(
              model.meetings,
              () => ({ id: null, date: null, time: null, duration_minutes: 60, place: null, notes: null, evaluation: null }),
              'meeting-add',
              t('project.addMeeting'),
              (i) => `meetings[${i}].date`,
            )
          : null,
      ),
    );
    if (editable) {
      parts.push(saveBar(h('button', { type: 'submit', class: 'primary', 'data-testid': 'project-save', 'data-save': true }, t('common.save'))));
    }
    replace(formEl, parts);
  }

  // ---- signatures --------------------------------------------------------------------

  function drawSignatures() {
    // Nothing to sign before the project exists.
    signaturesEl.hidden = !model.id;
    if (!model.id) return;
    const signers = model.required_signers || [];
    const signed = new Map((model.signatures || []).map((s) => [s.member_id, s]));
    const canRecord = model.id && model.status === 'da_firmare';
    const rows = signers.map((s, i) => {
      const signature = signed.get(s.member_id);
      const member = membersById.get(s.member_id);
      const who = s.for_minor && member ? t('project.forMinor', { name: `${member.first_name} ${member.last_name}` }) : null;
      let state;
      if (signature) {
        state = h(
          'div',
          { class: 'sign-state' },
          h('span', { class: 'badge signed', 'data-testid': `signer-${i}-signed` }, t('project.signedOn', { date: formatDate(signature.signed_on) })),
          signature.late
            ? h(
                'span',
                { class: 'badge late', 'data-testid': `signer-${i}-late`, title: t('project.late', { date: formatDate(model.signing_deadline) }) },
                ' ',
                t('project.late', { date: formatDate(model.signing_deadline) }),
              )
            : null,
          ANNULLABLE.has(model.status) && !dirty
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'link danger',
                  'data-testid': `signer-${i}-annul`,
                  onclick: () =>
                    guarded(async () => {
                      const name = s.signer_name;
                      const reason = await askText({
                        name: 'annul',
                        title: t('project.confirmAnnul.title', { name }),
                        body: t('project.confirmAnnul.body', { date: formatDate(signature.signed_on) }),
                        input: { label: t('project.confirmAnnul.reason'), multiline: true },
                        cancel: { label: t('project.confirmAnnul.no') },
                        confirm: { label: t('project.confirmAnnul.yes'), className: 'danger' },
                      });
                      if (reason === null) return;
                      adopt(await api.signatureAnnul(model.id, s.member_id, reason));
                      ctx.toast(t('project.annulled'));
                      drawAll();
                    }),
                },
                t('project.annul'),
              )
            : null,
        );
      } else if (canRecord && !dirty) {
        const day = { signed_on: today };
        const mini = new Form({});
        const dateField = mini.date(day, 'signed_on', {
          label: t('project.signDate'),
          field: 'signed_on',
          testid: `signer-${i}-date`,
          required: true,
        });
        state = h(
          'div',
          { class: 'sign-form' },
          dateField,
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              'data-testid': `signer-${i}-record`,
              onclick: () => {
                if (!mini.validate()) return;
                guarded(async () => {
                  // Dates are ISO strings: their order is the days' order.
                  const late = model.signing_deadline && day.signed_on > model.signing_deadline;
                  const last = signers.every((r) => r.member_id === s.member_id || signed.has(r.member_id));
                  // A signature on a day the office is closed (a home visit
                  // on a Saturday happens): said in the same question.
                  const closed = await closedDays([day.signed_on]);
                  const ok = await confirmDialog({
                    name: 'sign-confirm',
                    title: t('project.confirmSign.title'),
                    body:
                      t('project.confirmSign.body', { name: s.signer_name, date: formatDate(day.signed_on) }) +
                      (late ? t('project.confirmSign.late', { deadline: formatDate(model.signing_deadline) }) : '') +
                      (last ? t('project.confirmSign.last') : '') +
                      closed.map((message) => ` ${t('officeDays.signature', { message })}`).join(''),
                    cancel: { label: t('project.confirmSign.no') },
                    confirm: { label: t('project.confirmSign.yes') },
                  });
                  if (!ok) return;
                  try {
                    const updated = await api.signatureRecord(model.id, s.member_id, day.signed_on);
                    adopt(updated);
                    ctx.toast(t('project.recorded'));
                    drawAll();
                  } catch (err) {
                    if (err.field && mini.setFieldError('signed_on', err.message)) return;
                    throw err;
                  }
                });
              },
            },
            t('project.record'),
          ),
        );
      } else {
        state = h('span', { class: 'badge pending' }, t('project.notSigned'));
      }
      return h(
        'tr',
        { 'data-testid': 'signer-row', 'data-member-id': s.member_id, 'data-signed': signature ? 'true' : 'false' },
        h('td', {}, h('strong', { 'data-testid': `signer-${i}-name` }, s.signer_name), who ? h('div', { class: 'muted' }, who) : null),
        h('td', {}, state),
      );
    });
    replace(
      signaturesEl,
      h('h2', {}, t('project.signatures')),
      signers.length === 0
        ? h('p', { class: 'muted' }, t('project.noSigners'))
        : h(
            'table',
            { class: 'data', 'data-testid': 'signers-table' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('project.signer')), h('th', { scope: 'col' }, t('project.signDate')))),
            h('tbody', {}, rows),
          ),
      annulledTable(),
      signers.length > 0 && signers.every((s) => signed.has(s.member_id))
        ? h('p', { class: 'callout ok', 'data-testid': 'all-signed' }, t('project.allSigned'))
        : !canRecord && signers.length > 0 && ['bozza'].includes(model.status)
          ? h('p', { class: 'hint' }, t('project.signHint'))
          : null,
    );
  }

  // The signatures annulled, with why, who and when: the case keeps them.
  function annulledTable() {
    const annulled = model.annulled_signatures || [];
    if (annulled.length === 0) return null;
    const cols = (k) => t(`project.annulledCols.${k}`);
    return h(
      'div',
      { class: 'annulled', 'data-testid': 'annulled-signatures' },
      h('h3', {}, t('project.annulledTitle')),
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h('tr', {}, ['signer', 'signedOn', 'annulledAt', 'by', 'reason'].map((k) => h('th', { scope: 'col' }, cols(k)))),
        ),
        h(
          'tbody',
          {},
          annulled.map((a) =>
            h(
              'tr',
              { 'data-testid': 'annulled-row', 'data-member-id': a.member_id },
              h('td', {}, signerName(a.signer_id)),
              h(
                'td',
                {},
                formatDate(a.signed_on),
                a.late ? h('span', { class: 'badge late', 'data-testid': 'annulled-late' }, ' ', t('project.lateBadge')) : null,
              ),
              h('td', {}, formatDateTime(a.annulled_at)),
              h('td', {}, a.annulled_by_name),
              h('td', { 'data-testid': 'annulled-reason' }, a.reason),
            ),
          ),
        ),
      ),
    );
  }

  function drawAll() {
    drawActions();
    drawForm();
    drawSignatures();
    drawMonitoring(monitoringEl, {
      model,
      household,
      ctx,
      today,
      dirty,
      guarded,
      onProject: (updated) => {
        adopt(updated);
        drawAll();
      },
    });
  }

  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.showError(null);
    if (!form.validate()) {
      ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
      return;
    }
    guarded(async () => {
      // A monitoring meeting newly set on a day the office is closed: asked.
      const fresh = (model.meetings || []).map((m) => m.date).filter((d) => d && !savedMeetingDates.has(d));
      if (!(await confirmOfficeDays(fresh, t('officeDays.meetings')))) return;
      const saved = await api.projectSave(forSave(model));
      adopt(saved);
      markDirty(false);
      ctx.toast(t('project.saved'));
      drawAll();
    });
  });

  const header = caseHeader(household, 'project', t('project.title'), ctx.session?.operator?.role);
  if (model) {
    adopt(model);
    drawAll();
    // Storico modifiche (art. 16): the case's changes, the project's among them.
    replace(view, h('div', {}, header, section, fieldHistoryPanel(household, ctx)));
    // Interventions of the funded programmes: members enrolled from the signed patto.
    const enrolments = ['sottoscritto', 'in_corso'].includes(model.status) ? enrolmentsCard(household, ctx, { editable: true }) : null;
    replace(section, noticeEl, actionsEl, signaturesEl, monitoringEl, enrolments, formEl);
    return;
  }
  if (!analysis) {
    replace(
      view,
      h(
        'div',
        {},
        header,
        h(
          'section',
          { 'data-testid': 'screen-progetto' },
          h('p', { class: 'callout', 'data-testid': 'project-needs-analysis' }, t('project.needAnalysis')),
          h('a', { class: 'button secondary', href: `#/nuclei/${encodeURIComponent(household.id)}/analisi` }, t('project.goToAnalysis')),
        ),
      ),
    );
    return;
  }
  // Sent to the équipe: the project rests on its quadro di analisi, and is
  // written here only when the équipe agreed on a patto (the service says so too).
  const quadro = analysis.outcome === 'equipe_multidisciplinare' ? await api.quadroGet(household.id) : null;
  if (!ctx.isCurrent()) return;
  if (analysis.outcome === 'equipe_multidisciplinare' && (!quadro || quadro.outcome !== 'patto_inclusione')) {
    const text = quadro ? t('quadro.projectNotHere', { outcome: label('quadroOutcome', quadro.outcome) }) : t('quadro.projectNeedsQuadro');
    replace(
      view,
      h(
        'div',
        {},
        header,
        h(
          'section',
          { 'data-testid': 'screen-progetto' },
          h('p', { class: 'callout', 'data-testid': 'project-needs-quadro' }, text),
          h('a', { class: 'button secondary', 'data-testid': 'go-to-quadro', href: `#/nuclei/${encodeURIComponent(household.id)}/quadro` }, t('quadro.goTo')),
        ),
      ),
    );
    return;
  }
  const createBtn = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      'data-testid': 'project-create',
      onclick: () => {
        model = blankProject(household, analysis, quadro);
        markDirty(true);
        drawAll();
        replace(section, noticeEl, actionsEl, signaturesEl, monitoringEl, formEl);
        formEl.querySelector('[data-field="objectives[0]"]')?.focus();
      },
    },
    t('project.create'),
  );
  const basis = quadro
    ? h(
        'p',
        { class: 'muted', 'data-testid': 'project-quadro-basis' },
        t('quadro.projectBasis', { date: formatDate(quadro.meeting_date) }),
        ' ',
        h('a', { href: `#/nuclei/${encodeURIComponent(household.id)}/quadro` }, t('quadro.open')),
      )
    : null;
  replace(section, h('p', { class: 'muted' }, t('project.none')), basis, createBtn);
  replace(view, h('div', {}, header, section));
}
