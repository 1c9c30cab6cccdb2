// Who is in charge of a case: the line of the case header, and the
// coordinator's control to reassign it (household_assign).

import { api } from '../api.js';
import { askText } from '../dialog.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

/** "Lucia Gallo — Équipe Sud", "Lucia Gallo (senza équipe)", or "nessuno". */
export function responsabileText(household) {
  const r = household?.responsabile;
  if (!r) return t('caseScope.nobody');
  return r.equipe ? t('caseScope.withEquipe', { name: r.name, equipe: r.equipe }) : `${r.name} (${t('caseScope.noEquipe')})`;
}

/** Coordinators and administrators see every case and distribute them. */
export function seesWholeOffice(session) {
  const role = session?.operator?.role;
  return role === 'coordinatore' || role === 'amministratore';
}

/**
 * The select to reassign the case, for coordinators. `onAssigned(household)`
 * gets the household as saved.
 */
export function assignControl(household, ctx, onAssigned) {
  const select = h('select', { id: 'case-assign', 'data-testid': 'case-assign-select' }, h('option', { value: '' }, t('caseScope.choose')));
  const button = h('button', { type: 'button', class: 'secondary', 'data-testid': 'case-assign' }, t('caseScope.assign'));
  let busy = false;
  button.addEventListener('click', async () => {
    if (busy || !select.value) return;
    busy = true;
    button.disabled = true;
    ctx.showError(null);
    try {
      const saved = await api.householdAssign(household.id, select.value);
      ctx.toast(t('caseScope.assigned', { name: saved.responsabile?.name ?? '' }));
      onAssigned(saved);
    } catch (e) {
      ctx.showError(e);
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
  api
    .operatorsList()
    .then((accounts) => {
      const options = accounts
        .filter((a) => a.active && a.has_password)
        .map((a) =>
          h(
            'option',
            { value: a.id, selected: a.id === household.responsabile?.id },
            a.equipe ? `${a.name} — ${a.equipe}` : `${a.name} (${a.role_label})`,
          ),
        );
      replace(select, h('option', { value: '' }, t('caseScope.choose')), options);
    })
    .catch((e) => ctx.showError(e));
  return h(
    'div',
    { class: 'case-assign', 'data-testid': 'case-assign-control' },
    h('label', { for: 'case-assign' }, t('caseScope.assignLabel')),
    ' ',
    select,
    ' ',
    button,
  );
}

/**
 * The coordinator's button to restrict the processing of the case (GDPR art.
 * 18: kept, not used) or to lift the restriction, each with its reason
 * asked and kept. `onChanged(household)` gets the household as saved.
 */
export function restrictionControl(household, ctx, onChanged) {
  const restricted = Boolean(household.restriction);
  const button = h(
    'button',
    { type: 'button', class: restricted ? 'secondary' : 'secondary danger', 'data-testid': restricted ? 'case-restriction-lift' : 'case-restrict' },
    t(restricted ? 'restriction.lift' : 'restriction.restrict'),
  );
  button.addEventListener('click', async () => {
    ctx.showError(null);
    const reason = await askText({
      name: 'restriction',
      title: t(restricted ? 'restriction.liftTitle' : 'restriction.restrictTitle'),
      body: t(restricted ? 'restriction.liftBody' : 'restriction.restrictBody'),
      input: { label: t('restriction.reason'), multiline: false },
      cancel: { label: t('common.cancel') },
      confirm: { label: t(restricted ? 'restriction.lift' : 'restriction.restrict'), className: restricted ? null : 'danger' },
    });
    if (reason === null) return;
    try {
      const saved = restricted ? await api.householdRestrictionLift(household.id, reason) : await api.householdRestrict(household.id, reason);
      ctx.toast(t(restricted ? 'restriction.lifted' : 'restriction.restricted'));
      onChanged(saved);
    } catch (e) {
      ctx.showError(e);
    }
  });
  return h('div', { class: 'case-restriction', 'data-testid': 'case-restriction-control' }, button);
}
