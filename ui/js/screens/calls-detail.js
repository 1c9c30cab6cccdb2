// One call, one tab at a time: its applications (call-applications.js), the
// draft ranking and its publication (call-ranking.js), the published versions
// and what changed (call-versions.js), the appeals (call-appeals.js), the
// awards, claims and elenchi di liquidazione (call-reimbursements.js).

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { appeals } from './call-appeals.js';
import { applications } from './call-applications.js';
import { ranking } from './call-ranking.js';
import { awardPage, reimbursements } from './call-reimbursements.js';
import { versions } from './call-versions.js';
import { callHeader, callsApi } from './calls-common.js';

const TABS = { domande: applications, graduatoria: ranking, versioni: versions, ricorsi: appeals, rimborsi: reimbursements, contributo: awardPage };

export async function mount(view, ctx) {
  const c = await callsApi.get(ctx.params.id);
  if (!ctx.isCurrent()) return;
  const tab = ctx.params.tab || 'domande';
  const body = h('div', { 'data-testid': `call-body-${tab}` }, h('p', { class: 'muted' }, t('app.loading')));
  replace(view, h('section', { 'data-testid': 'screen-avviso', 'data-tab': tab }, callHeader(c, tab === 'contributo' ? 'rimborsi' : tab, ctx.session?.today), body));
  const reload = () => ctx.navigate(location.hash.replace(/^#/, ''));
  await TABS[tab](body, c, ctx, reload);
}
