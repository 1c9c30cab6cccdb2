// The frame of the app: sidebar, a tiny hash router, the unsaved-changes guard,
// messages. Each screen is a module in screens/ with mount(view, ctx).
// Before it, the gate (access.js): the app starts locked, and comes back to
// the lock screen when the shell locks the session (idle, "Blocca").

import { forcedPasswordScreen, loginScreen, setupScreen } from './access.js';
import { api, setSessionHooks } from './api.js';
import { deniedPage } from './denied.js';
import { confirmDialog } from './dialog.js';
import { h, replace } from './dom.js';
import { formatDate } from './format.js';
import { armIdle, disarmIdle, touchIdle } from './idle.js';
import { endSession } from './session-state.js';
import { syncFrame } from './sync-state.js';
import * as deadlines from './screens/deadlines.js';
import { roleLabel, t } from './i18n.js';

// The board is the first screen and comes with the frame; the others load when
// first visited, so the window is ready sooner.
const lazy = (load, name = 'mount') => ({ mount: async (view, ctx) => (await load())[name](view, ctx) });
const households = lazy(() => import('./screens/households.js'));
const household = lazy(() => import('./screens/household.js'));
const analysis = lazy(() => import('./screens/analysis.js'));
const quadro = lazy(() => import('./screens/quadro.js'));
const project = lazy(() => import('./screens/project.js'));
const documents = lazy(() => import('./screens/documents.js'));
const documentViewer = lazy(() => import('./screens/document-viewer.js'));
const convocation = lazy(() => import('./screens/convocation.js'));
const calls = lazy(() => import('./screens/calls.js'));
const callsNew = lazy(() => import('./screens/calls.js'), 'mountNew');
const callDetail = lazy(() => import('./screens/calls-detail.js'));
const operators = lazy(() => import('./screens/operators.js'));
const housing = lazy(() => import('./screens/housing.js'));
const password = lazy(() => import('./screens/password.js'));
const conflicts = lazy(() => import('./screens/conflicts.js'));
const sync = lazy(() => import('./screens/sync.js'));
const about = lazy(() => import('./screens/about.js'));
const finance = lazy(() => import('./screens/finance.js'));
const programmes = lazy(() => import('./screens/programmes.js'));
const programmeEdit = lazy(() => import('./screens/programmes.js'), 'mountEditRoute');
const dataRequests = lazy(() => import('./screens/data-requests.js'));

const ROUTES = [
  { path: /^\/scadenze$/, screen: deadlines, nav: 'deadlines' },
  { path: /^\/nuclei$/, screen: households, nav: 'households' },
  { path: /^\/nuclei\/nuovo$/, screen: household, nav: 'newHousehold', params: () => ({ id: null }) },
  { path: /^\/nuclei\/([^/]+)$/, screen: household, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/analisi$/, screen: analysis, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/quadro$/, screen: quadro, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/progetto$/, screen: project, nav: 'households', params: (m) => ({ id: m[1] }) },
  { path: /^\/nuclei\/([^/]+)\/documenti$/, screen: documents, nav: 'households', params: (m) => ({ id: m[1] }) },
  {
    path: /^\/nuclei\/([^/]+)\/documenti\/([^/]+)$/,
    screen: documentViewer,
    nav: 'households',
    params: (m) => ({ id: m[1], doc: m[2] }),
  },
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
    path: /^\/avvisi\/([^/]+)\/(graduatoria|versioni|ricorsi|rimborsi)$/,
    screen: callDetail,
    nav: 'calls',
    params: (m) => ({ id: m[1], tab: m[2] }),
  },
  {
    path: /^\/avvisi\/([^/]+)\/rimborsi\/([^/]+)$/,
    screen: callDetail,
    nav: 'calls',
    params: (m) => ({ id: m[1], tab: 'contributo', award: m[2] }),
  },
  { path: /^\/finanziamenti$/, screen: finance, nav: 'finance', params: () => ({ id: null }) },
  { path: /^\/finanziamenti\/([^/]+)$/, screen: finance, nav: 'finance', params: (m) => ({ id: m[1] }) },
  { path: /^\/programmi$/, screen: programmes, nav: 'programmes', params: () => ({ id: null }) },
  { path: /^\/programmi\/([^/]+)$/, screen: programmes, nav: 'programmes', params: (m) => ({ id: m[1] }) },
  { path: /^\/programmi\/([^/]+)\/modifica$/, screen: programmeEdit, nav: 'programmes', params: (m) => ({ id: m[1] }) },
  { path: /^\/alloggi$/, screen: housing, nav: 'housing' },
  { path: /^\/richieste$/, screen: dataRequests, nav: 'dataRequests' },
  { path: /^\/operatori$/, screen: operators, nav: 'operators' },
  { path: /^\/sincronizzazione$/, screen: sync, nav: 'sync' },
  { path: /^\/conflitti$/, screen: conflicts, nav: 'conflicts' },
  { path: /^\/conflitti\/([^/]+)$/, screen: conflicts, nav: 'conflicts', params: (m) => ({ household: m[1] }) },
  { path: /^\/password$/, screen: password, nav: null },
  { path: /^\/informazioni$/, screen: about, nav: 'about' },
];
const DEFAULT_ROUTE = '/scadenze';

const state = {
  session: null,
  // app_state of the shell: database, idle time, whether it is locked.
  appState: null,
  // Who was in when the session locked: the same operator comes back to the same page.
  lockedUser: null,
  // The username typed at the login (the session names the operator, not the login).
  username: null,
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
  const dirty = Boolean(value);
  // The shell asks before closing the window only while there is something to lose.
  if (dirty !== state.dirty && state.session) api.uiDirty(dirty);
  state.dirty = dirty;
  document.body.dataset.dirty = state.dirty ? 'true' : 'false';
}

// ---- messages ---------------------------------------------------------------

let toastTimer = null;
function toast(message) {
  // A late answer after lock or logout has no page to speak on.
  if (!els.toast) return;
  replace(els.toast, message);
  els.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    els.toast.hidden = true;
  }, 4000);
}

/** A non-field error at the top of the page; null clears it. */
function showError(error, { focus = true } = {}) {
  if (!els.banner) return;
  if (!error) {
    els.banner.hidden = true;
    replace(els.banner);
    return;
  }
  // "Correggere i campi segnalati" goes away by itself once the last field
  // marked is corrected (see onFieldFixed).
  els.banner.dataset.kind = error.message === t('common.fixErrors') ? 'fields' : 'page';
  replace(
    els.banner,
    h('span', { class: 'banner-text' }, h('strong', {}, t('errors.title'), ': '), h('span', { 'data-testid': 'error-message' }, error.message || t('errors.generic'))),
    h('button', { type: 'button', class: 'banner-close', 'data-testid': 'error-close', onclick: () => showError(null) }, t('common.close')),
  );
  els.banner.dataset.code = error.code || 'internal';
  els.banner.hidden = false;
  if (focus) els.banner.focus();
}

/** A field's error was cleared (forms.js): no field left marked, no banner about them. */
function onFieldFixed() {
  if (!els.banner || els.banner.hidden || els.banner.dataset.kind !== 'fields') return;
  if (!els.main.querySelector('[aria-invalid="true"]')) showError(null);
}

/**
 * Ctrl+S (⌘S): the save button of the form being typed in, or else the page's
 * one; a button that is disabled (e.g. while saving) is left alone.
 */
function onSaveShortcut(e) {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 's') return;
  // Never the webview's own "save page".
  e.preventDefault();
  if (!state.session || !els.main || document.querySelector('.modal-backdrop')) return;
  // Inside a form that is not a "save" one (an import, a publication) it does nothing.
  const form = document.activeElement?.closest?.('form');
  const save = form ? form.querySelector('[data-save]') : els.main.querySelector('[data-save]');
  if (!save || save.disabled) return;
  save.click();
}

/**
 * A control that takes the focus (Tab, a message sending the operator to it)
 * is not left under the sticky save bar nor under the floating message.
 */
function keepInSight(e) {
  const target = e.target;
  if (!els.main || !(target instanceof Element) || !els.main.contains(target)) return;
  const r = target.getBoundingClientRect();
  const bar = target.closest('form')?.querySelector('.form-actions.sticky');
  if (bar && !bar.contains(target)) {
    const barTop = bar.getBoundingClientRect().top;
    if (r.bottom > barTop) window.scrollBy(0, r.bottom - barTop + 16);
  }
  if (els.banner && !els.banner.hidden) {
    const bannerBottom = els.banner.getBoundingClientRect().bottom;
    if (r.top < bannerBottom) window.scrollBy(0, r.top - bannerBottom - 16);
  }
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
  // Behind the lock screen nothing is drawn: the address waits for the login.
  if (!state.session) return;
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

const MAY_SEE_OPERATORS = ['coordinatore', 'amministratore'];

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
    if (e && e.code === 'forbidden') {
      // Not an error to dismiss: a page that says whom to ask, and the way back.
      replace(view, deniedPage(e, { back: leaveDenied, home: `#${DEFAULT_ROUTE}` }));
    } else {
      replace(view);
      showError(e && e.message ? e : { code: 'internal', message: t('errors.generic') });
      if (!(e && e.code)) console.error(e);
    }
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

/** "Torna alla pagina precedente" of the access-denied page (the board when there is none). */
function leaveDenied() {
  if (history.length > 1) {
    history.back();
  } else {
    navigate(DEFAULT_ROUTE);
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
      // A funded project's finances are the office's accounts (finance_*: COORD).
      MAY_SEE_OPERATORS.includes(state.session?.operator?.role) ? navLink('finance', '/finanziamenti', 'nav-finanziamenti') : null,
      navLink('programmes', '/programmi', 'nav-programmi'),
      navLink('housing', '/alloggi', 'nav-alloggi'),
      // The data subjects' requests (GDPR): the coordinator answers for the office.
      MAY_SEE_OPERATORS.includes(state.session?.operator?.role) ? navLink('dataRequests', '/richieste', 'nav-richieste') : null,
      navLink('sync', '/sincronizzazione', 'nav-sincronizzazione'),
      // The conflicts are the coordinator's to decide (docs/sync.md).
      MAY_SEE_OPERATORS.includes(state.session?.operator?.role) ? navLink('conflicts', '/conflitti', 'nav-conflitti') : null,
      MAY_SEE_OPERATORS.includes(state.session?.operator?.role)
        ? h('li', {}, h('a', { href: '#/operatori', 'data-nav': 'operators', 'data-testid': 'nav-operatori' }, t('operators.nav')))
        : null,
      navLink('about', '/informazioni', 'nav-informazioni'),
    ),
  );
  els.session = h('div', { class: 'session', 'data-testid': 'session' });
  // Where this copy stands with the office's hub, on every screen.
  els.nav.appendChild(syncFrame(state.session));
  els.nav.appendChild(els.session);
  els.banner = h('div', { class: 'banner error', role: 'alert', tabindex: '-1', hidden: true, 'data-testid': 'error-banner' });
  els.toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true, 'data-testid': 'toast' });
  els.main = h('main', { id: 'main', 'data-testid': 'main' });
  const content = h('div', { class: 'content' }, userBar(), els.banner, els.main);
  const root = document.getElementById('app');
  root.className = 'app';
  replace(root, els.nav, content, els.toast);
}

// ---- the user menu ------------------------------------------------------------------

// The ARIA menu button pattern: Enter, Space or ↓ open the menu on its first
// item, ↑ on its last; inside, ↑/↓ move (round), Home/End go to the ends, a
// letter goes to the next item starting with it, Escape closes it and gives the
// focus back to the button, Tab closes it and moves on.
function userBar() {
  const op = state.session?.operator ?? {};
  const item = (el) => h('li', { role: 'none' }, el);
  const menu = h(
    'ul',
    { id: 'user-menu', class: 'user-menu', role: 'menu', 'aria-labelledby': 'user-button', hidden: true, 'data-testid': 'user-menu' },
    item(h('a', { role: 'menuitem', tabindex: '-1', href: '#/password', 'data-testid': 'user-change-password', onclick: () => close(false) }, t('user.changePassword'))),
    item(h('button', { type: 'button', role: 'menuitem', tabindex: '-1', 'data-testid': 'user-lock', onclick: () => chosen('locked') }, t('user.lock'))),
    item(h('button', { type: 'button', role: 'menuitem', tabindex: '-1', 'data-testid': 'user-logout', onclick: () => chosen('logout') }, t('user.logout'))),
  );
  const button = h(
    'button',
    {
      id: 'user-button',
      type: 'button',
      class: 'user-button',
      'aria-haspopup': 'menu',
      'aria-controls': 'user-menu',
      'aria-expanded': 'false',
      'data-testid': 'user-button',
      onclick: () => (menu.hidden ? open(0) : close(true)),
    },
    h('span', { class: 'user-name', 'data-testid': 'user-name' }, op.name ?? ''),
    h('span', { class: 'user-role', 'data-testid': 'user-role' }, roleLabel(op.role)),
    h('span', { 'aria-hidden': 'true' }, ' ▾'),
  );
  const items = () => [...menu.querySelectorAll('[role="menuitem"]')];
  const focusItem = (i) => {
    const list = items();
    list[(i + list.length) % list.length]?.focus();
  };
  function open(index) {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    focusItem(index);
    document.addEventListener('pointerdown', outside, true);
  }
  function close(focusButton) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside, true);
    if (focusButton) button.focus();
  }
  function outside(e) {
    if (!menu.contains(e.target) && !button.contains(e.target)) close(false);
  }
  function chosen(how) {
    // The focus goes back to the button first: "Blocca" then cancelled on the
    // unsaved-changes question leaves the operator where the menu was.
    close(true);
    leave(how);
  }
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(0);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      open(-1);
    }
  });
  menu.addEventListener('keydown', (e) => {
    const list = items();
    const at = list.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusItem(at + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      focusItem(at - 1);
    } else if (e.key === 'Home') {
      e.preventDefault();
      focusItem(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      focusItem(-1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'Tab') {
      close(false);
    } else if (e.key === ' ' && document.activeElement?.tagName === 'A') {
      // A link does not answer Space by itself; a menu item does.
      e.preventDefault();
      document.activeElement.click();
    } else if (e.key.length === 1 && /\S/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const letter = e.key.toLocaleLowerCase('it');
      for (let k = 1; k <= list.length; k += 1) {
        const candidate = list[(at + k) % list.length];
        if (candidate.textContent.trim().toLocaleLowerCase('it').startsWith(letter)) {
          e.preventDefault();
          candidate.focus();
          break;
        }
      }
    }
  });
  return h('header', { class: 'topbar', 'aria-label': t('user.menu') }, h('div', { class: 'user' }, button, menu));
}

/** "Blocca" and "Esci": unsaved changes are asked about first. */
async function leave(how) {
  if (state.dirty && !(await confirmLeave())) return;
  setDirty(false);
  if (how === 'locked') {
    await api.lock().catch(() => {});
    showLock('locked');
  } else {
    await api.logout().catch(() => {});
    state.lockedUser = null;
    state.username = null;
    forgetScreens();
    // The address of the last case is the operator's too.
    history.replaceState(null, '', location.pathname + location.search);
    showLogin();
  }
}

/**
 * Lock and logout: every module forgets what it keeps (session-state.js), and
 * the frame's page, messages and references go with the DOM, so that nothing
 * of this operator reaches the next one's screens or commands.
 */
function forgetScreens() {
  endSession();
  clearTimeout(toastTimer);
  state.renderSeq += 1;
  state.currentHash = null;
  for (const key of Object.keys(els)) delete els[key];
}

// ---- the gate: login, lock, first run ---------------------------------------------

function gateRoot() {
  state.session = null;
  disarmIdle();
  const root = document.getElementById('app');
  root.className = 'gate';
  replace(root);
  return root;
}

function showLogin() {
  loginScreen(gateRoot(), { appState: state.appState, reason: null, onSession: enter });
}

/** The lock screen, over the page that was open (kept in the address). */
function showLock(reason) {
  if (!state.session) return;
  const lostChanges = state.dirty;
  const username = state.username;
  state.lockedUser = state.session.operator?.id ?? null;
  state.dirty = false;
  document.body.dataset.dirty = 'false';
  api.uiDirty(false);
  forgetScreens();
  loginScreen(gateRoot(), { appState: state.appState, reason, lostChanges, username, onSession: enter });
}

async function onIdle() {
  // The shell locks on its own at the same moment; saying it too is harmless.
  await api.lock('idle').catch(() => {});
  showLock('idle');
}

function onLocked(error) {
  showLock(/inattivit/.test(error.message) ? 'idle' : 'locked');
}

/** In: the must-change-password screen first if needed, then the app where it was. */
async function enter(session, { recovered = false, username = null } = {}) {
  if (username) state.username = username;
  if (session.must_change_password) {
    state.session = session;
    forcedPasswordScreen(gateRoot(), {
      // The session still carries the flag it had at login: the change just made answers it.
      onDone: (s) => enter({ ...s, must_change_password: false }, { username }),
    });
    return;
  }
  const sameOperator = state.lockedUser !== null && state.lockedUser === session.operator?.id;
  state.lockedUser = null;
  state.session = session;
  state.dirty = false;
  buildFrame();
  renderSession(session);
  armIdle(state.appState?.idle_lock_seconds ?? 600, onIdle);
  if (recovered) {
    history.replaceState(null, '', '#/operatori');
    toast(t('login.recovered'));
  } else if (!sameOperator && location.hash !== '' && location.hash !== `#${DEFAULT_ROUTE}`) {
    // Another operator after a lock starts from the board, not from someone else's case.
    history.replaceState(null, '', `#${DEFAULT_ROUTE}`);
  }
  await render();
}

/** The shell's close button with unsaved changes (see main.rs): ask, then quit. */
async function onCloseRequested() {
  const quit = await confirmDialog({
    name: 'close',
    title: t('close.title'),
    body: t('close.body'),
    cancel: { label: t('close.stay'), id: 'no', className: 'primary' },
    confirm: { label: t('close.leave'), id: 'yes', className: 'danger' },
  });
  if (!quit) return;
  await api.appQuit();
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
  window.addEventListener('hashchange', onHashChange);
  window.addEventListener('beforeunload', (e) => {
    if (state.dirty) {
      e.preventDefault();
      e.returnValue = '';
    }
  });
  window.sportelloCloseRequested = onCloseRequested;
  document.addEventListener('keydown', onSaveShortcut);
  document.addEventListener('focusin', keepInSight);
  document.addEventListener('sportello:field-fixed', onFieldFixed);
  setSessionHooks({ activity: touchIdle, locked: onLocked });
  try {
    state.appState = await api.appState();
    if (!state.appState.locked) {
      // The window was reloaded while the session is open.
      await enter(await api.session());
    } else if (state.appState.needs_setup) {
      setupScreen(gateRoot(), { appState: state.appState, onSession: enter });
    } else {
      showLogin();
    }
  } catch (e) {
    const root = gateRoot();
    replace(root, h('p', { class: 'banner error', role: 'alert', 'data-testid': 'error-message' }, e.message || t('errors.generic')));
  }
  document.body.dataset.ready = 'true';
  api.uiReady();
}

start();
