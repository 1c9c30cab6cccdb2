// The frame of the app: sidebar, a tiny hash router, the unsaved-changes guard,
// messages. Each screen is a module in screens/ with mount(view, ctx).

import { api } from './api.js';
import { confirmDialog } from './dialog.js';
import { h, replace } from './dom.js';
import { formatDate } from './format.js';
import { t } from './i18n.js';
import * as deadlines from './screens/deadlines.js';

// The board is the first screen and comes with the frame; the others load when
// first visited, so the window is ready sooner.
const lazy = (load, name = 'mount') => ({ mount: async (view, ctx) => (await load())[name](view, ctx) });
const households = lazy(() => import('./screens/households.js'));
const household = lazy(() => import('./screens/household.js'));
const analysis = lazy(() => import('./screens/analysis.js'));
const project = lazy(() => import('./screens/project.js'));
const documents = lazy(() => import('./screens/documents.js'));
const convocation = lazy(() => import('./screens/convocation.js'));
const calls = lazy(() => import('./screens/calls.js'));
const callsNew = lazy(() => import('./screens/calls.js'), 'mountNew');
const callDetail = lazy(() => import('./screens/calls-detail.js'));

const ROUTES = [
  { path: /^\/scadenze$/, screen: deadlines, nav: 'deadlines' },
  { path: /^\/nuclei$/, screen: households, nav: 'households' },
  { path: /^\/nuclei\/nuovo$/, screen: household, nav: 'newHousehold', params: () => ({ id: null }) },
  { path: /^\/nuclei\/([^/]+)$/, screen: household, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/analisi$/, screen: analysis, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/progetto$/, screen: project, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/documenti$/, screen: documents, nav: 'households', params: (m) => ({ id: m[1] }) },
  {
    path: /^\/nuclei\/([^/]+)\/convocazione$/,
    screen: convocation,
    nav: 'households',
    params: (m) => ({ id: m[1] }),
  },
  { path: /^\/avvisi$/, screen: calls, nav: 'calls' },
  { path: /^\/avvisi\/nuovo$/, screen: callsNew, nav: 'calls' },
  { path: /^\/avvisi\/([^/]+)$/, screen: callDetail, nav: 'calls', params: (m) => ({ id: m[1], tab: 'domande' }) },
  {
    path: /^\/avvisi\/([^/]+)\/(graduatoria|versioni|ricorsi)$/,
    screen: callDetail,
    nav: 'calls',
    params: (m) => ({ id: m[1], tab: m[2] }),
  },
];
const DEFAULT_ROUTE = '/scadenze';

const state = {
  session: null,
  dirty: false,
  currentHash: null,
  // Set while the router itself puts back the previous hash: that change is not a navigation.
  restoring: false,
  renderSeq: 0,
};

const els = {};

function currentPath() {
  const raw = decodeURIComponent(location.hash.replace(/^#/, ''));
  return raw === '' ? DEFAULT_ROUTE : raw;
}

function match(path) {
  for (const route of ROUTES) {
    const m = route.path.exec(path);
    if (m) return { route, params: route.params ? route.params(m) : {} };
  }
  return null;
}

export function navigate(path) {
  const target = `#${path}`;
  if (location.hash === target) {
    render();
  } else {
    location.hash = target;
  }
}

function setDirty(value) {
  state.dirty = Boolean(value);
  document.body.dataset.dirty = state.dirty ? 'true' : 'false';
}

// ---- messages ---------------------------------------------------------------

let toastTimer = null;
function toast(message) {
  replace(els.toast, message);
  els.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    els.toast.hidden = true;
  }, 4000);
}

/** A non-field error at the top of the page; null clears it. */
function showError(error, { focus = true } = {}) {
  if (!error) {
    els.banner.hidden = true;
    replace(els.banner);
    return;
  }
  replace(
    els.banner,
    h('strong', {}, t('errors.title'), ': '),
    h('span', { 'data-testid': 'error-message' }, error.message || t('errors.generic')),
  );
  els.banner.dataset.code = error.code || 'internal';
  els.banner.hidden = false;
  if (focus) els.banner.focus();
}

// ---- the unsaved-changes guard -----------------------------------------------

function confirmLeave() {
  // Staying is the safe answer: it is the highlighted button, leaving is red.
  return confirmDialog({
    name: 'unsaved',
    title: t('unsaved.title'),
    body: t('unsaved.body'),
    cancel: { label: t('unsaved.stay'), id: 'stay', className: 'primary' },
    confirm: { label: t('unsaved.leave'), id: 'leave', className: 'danger' },
  });
}

async function onHashChange() {
  if (state.restoring) {
    state.restoring = false;
    return;
  }
  if (state.dirty && state.currentHash !== null && location.hash !== state.currentHash) {
    const target = location.hash;
    // Put the page's address back while the operator decides.
    state.restoring = true;
    history.replaceState(null, '', state.currentHash);
    state.restoring = false;
    const leave = await confirmLeave();
    if (!leave) return;
    setDirty(false);
    location.hash = target;
    return;
  }
  render();
}

// ---- rendering ---------------------------------------------------------------

function renderSidebar(activeNav) {
  for (const link of els.nav.querySelectorAll('a[data-nav]')) {
    if (link.dataset.nav === activeNav) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

async function render() {
  const seq = ++state.renderSeq;
  const path = currentPath();
  const found = match(path);
  if (!found) {
    navigate(DEFAULT_ROUTE);
    return;
  }
  state.currentHash = `#${path}`;
  setDirty(false);
  showError(null);
  renderSidebar(found.route.nav);
  const view = h('div', { class: 'screen' }, h('p', { class: 'muted' }, t('app.loading')));
  replace(els.main, view);
  const ctx = {
    params: found.params,
    session: state.session,
    navigate,
    toast,
    showError,
    setDirty,
    // A screen that finished loading after the operator moved on must not draw.
    isCurrent: () => seq === state.renderSeq,
  };
  try {
    await found.route.screen.mount(view, ctx);
  } catch (e) {
    if (seq !== state.renderSeq) return;
    replace(view);
    showError(e && e.message ? e : { code: 'internal', message: t('errors.generic') });
    if (!(e && e.code)) console.error(e);
  }
  if (seq === state.renderSeq) {
    els.main.dataset.route = path;
    const heading = view.querySelector('h1');
    // Screen readers land on the new page's title, unless the screen chose a control.
    if (heading && !view.contains(document.activeElement)) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
}

function buildFrame() {
  const navLink = (nav, path, testid) =>
    h('li', {}, h('a', { href: `#${path}`, 'data-nav': nav, 'data-testid': testid }, t(`nav.${nav}`)));
  els.nav = h(
    'nav',
    { class: 'sidebar', 'aria-label': t('nav.label') },
    h('div', { class: 'brand' }, h('span', { class: 'brand-name' }, t('app.name')), h('span', { class: 'brand-tag' }, t('app.tagline'))),
    h(
      'ul',
      {},
      navLink('deadlines', '/scadenze', 'nav-scadenze'),
      navLink('households', '/nuclei', 'nav-nuclei'),
      navLink('newHousehold', '/nuclei/nuovo', 'nav-nuovo-nucleo'),
      navLink('calls', '/avvisi', 'nav-avvisi'),
    ),
  );
  els.session = h('div', { class: 'session', 'data-testid': 'session' });
  els.nav.appendChild(els.session);
  els.banner = h('div', { class: 'banner error', role: 'alert', tabindex: '-1', hidden: true, 'data-testid': 'error-banner' });
  els.toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true, 'data-testid': 'toast' });
  els.main = h('main', { id: 'main', 'data-testid': 'main' });
  const content = h('div', { class: 'content' }, els.banner, els.main);
  replace(document.getElementById('app'), els.nav, content, els.toast);
}

function renderSession(session) {
  replace(
    els.session,
    h('div', { 'data-testid': 'session-operator' }, t('app.operator', { name: session.operator?.name ?? '' })),
    h('div', {}, session.office?.name ?? ''),
    h('div', { 'data-testid': 'session-today' }, t('app.today', { date: formatDate(session.today) })),
  );
}

async function start() {
  buildFrame();
  window.addEventListener('hashchange', onHashChange);
  window.addEventListener('beforeunload', (e) => {
    if (state.dirty) {
      e.preventDefault();
      e.returnValue = '';
    }
  });
  try {
    state.session = await api.session();
    renderSession(state.session);
  } catch (e) {
    showError(e);
  }
  await render();
  document.body.dataset.ready = 'true';
  api.uiReady();
}

start();
