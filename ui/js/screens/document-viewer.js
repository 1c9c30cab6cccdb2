// The app's own viewer of a case's document (#/nuclei/:id/documenti/:doc):
// every page drawn on a canvas from the PDF the service sends in memory
// (document_view), with the number of pages, the zoom, "Salva una copia…",
// "Stampa" (the system's print dialog, only the pages) and "Apri con il
// programma del computer". Nothing decrypted is written to a file here.

import { api } from '../api.js';
import { openWithSystem, saveDocumentCopy } from '../document-files.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { bytesFromBase64, CSS_PER_POINT, isCancelled, openPdf } from '../pdf-pages.js';
import { printPages } from '../print-pages.js';
import { onSessionEnd } from '../session-state.js';
import { caseHeader } from './case-header.js';

const ZOOMS = [50, 75, 100, 125, 150, 200, 300];
const DEFAULT_ZOOM = 100;

// The document on screen: let go of when the operator leaves it, and at lock
// and logout (the next operator finds nothing of it in memory).
let shown = null;
function close() {
  const s = shown;
  shown = null;
  if (s) s.destroy().catch(() => {});
}
onSessionEnd(close);

export async function mount(view, ctx) {
  close();
  const [household, viewed] = await Promise.all([api.householdGet(ctx.params.id), api.documentView(ctx.params.doc)]);
  if (!ctx.isCurrent()) return;
  const doc = viewed.document;

  const status = h('p', { class: 'viewer-status', role: 'status', 'data-testid': 'viewer-status' }, t('viewer.loading'));
  const pagesBox = h('div', { class: 'viewer-pages', 'data-testid': 'viewer-pages', 'aria-label': t('viewer.pagesLabel', { title: doc.title }) });
  const zoomSelect = h(
    'select',
    { id: 'viewer-zoom', 'data-testid': 'viewer-zoom' },
    ZOOMS.map((z) => h('option', { value: String(z), selected: z === DEFAULT_ZOOM }, `${z}%`)),
  );
  const zoomOut = h('button', { type: 'button', class: 'secondary', 'data-testid': 'viewer-zoom-out', 'aria-label': t('viewer.zoomOut'), title: t('viewer.zoomOut') }, '−');
  const zoomIn = h('button', { type: 'button', class: 'secondary', 'data-testid': 'viewer-zoom-in', 'aria-label': t('viewer.zoomIn'), title: t('viewer.zoomIn') }, '+');
  const printButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'viewer-print', disabled: true }, t('viewer.print'));
  const toolbar = h(
    'div',
    { class: 'viewer-toolbar', role: 'toolbar', 'aria-label': t('viewer.toolbar'), 'data-testid': 'viewer-toolbar' },
    h('span', { class: 'viewer-count', 'data-testid': 'viewer-page-count' }),
    h('span', { class: 'viewer-zoom' }, zoomOut, h('label', { for: 'viewer-zoom', class: 'visually-hidden' }, t('viewer.zoom')), zoomSelect, zoomIn),
    h(
      'span',
      { class: 'viewer-actions' },
      printButton,
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'viewer-save-copy', onclick: () => saveDocumentCopy(doc, ctx) }, t('documents.saveCopy')),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'viewer-system-open', onclick: () => openWithSystem(doc, ctx) }, t('viewer.systemOpen')),
    ),
  );
  const back = h('a', { href: `#/nuclei/${encodeURIComponent(household.id)}/documenti`, class: 'viewer-back', 'data-testid': 'viewer-back' }, t('viewer.back'));
  replace(
    view,
    h('section', { class: 'viewer', 'data-testid': 'screen-visualizzatore', 'data-document-id': doc.id }, caseHeader(household, 'documents', doc.title, ctx.session?.operator?.role), back, toolbar, status, pagesBox),
  );

  let pdf;
  try {
    pdf = await openPdf(bytesFromBase64(viewed.pdf_base64));
  } catch (e) {
    console.error(e);
    replace(status, t('viewer.cannotShow'));
    status.dataset.state = 'error';
    return;
  }
  if (!ctx.isCurrent()) {
    pdf.destroy().catch(() => {});
    return;
  }
  shown = pdf;
  // Leaving the page lets go of the document (the router has no "unmount").
  const leave = () => {
    if (ctx.isCurrent()) return;
    window.removeEventListener('hashchange', leave);
    if (shown === pdf) close();
  };
  window.addEventListener('hashchange', leave);

  replace(toolbar.querySelector('[data-testid="viewer-page-count"]'), pdf.pageCount === 1 ? t('viewer.onePage') : t('viewer.pages', { n: pdf.pageCount }));
  const canvases = [];
  for (let n = 1; n <= pdf.pageCount; n += 1) {
    const canvas = h('canvas', { class: 'viewer-page', role: 'img', 'aria-label': t('viewer.pageLabel', { n, total: pdf.pageCount }), 'data-testid': 'viewer-page', 'data-page': n });
    canvases.push(canvas);
    pagesBox.appendChild(canvas);
  }

  let zoom = DEFAULT_ZOOM;
  let drawing = 0;
  const draw = async () => {
    const mine = ++drawing;
    pdf.cancel();
    view.dataset.drawn = 'false';
    try {
      for (let n = 1; n <= pdf.pageCount; n += 1) {
        const page = await pdf.page(n);
        if (mine !== drawing) return;
        await page.draw(canvases[n - 1], (zoom / 100) * CSS_PER_POINT);
      }
      if (mine !== drawing) return;
      status.hidden = true;
      view.dataset.drawn = 'true';
      printButton.disabled = false;
    } catch (e) {
      if (isCancelled(e) || mine !== drawing) return;
      console.error(e);
      status.hidden = false;
      replace(status, t('viewer.cannotShow'));
      status.dataset.state = 'error';
    }
  };
  const setZoom = (z) => {
    zoom = z;
    zoomSelect.value = String(z);
    zoomOut.disabled = z === ZOOMS[0];
    zoomIn.disabled = z === ZOOMS[ZOOMS.length - 1];
    draw();
  };
  zoomSelect.addEventListener('change', () => setZoom(Number(zoomSelect.value)));
  zoomOut.addEventListener('click', () => setZoom(ZOOMS[Math.max(0, ZOOMS.indexOf(zoom) - 1)]));
  zoomIn.addEventListener('click', () => setZoom(ZOOMS[Math.min(ZOOMS.length - 1, ZOOMS.indexOf(zoom) + 1)]));
  printButton.addEventListener('click', async () => {
    ctx.showError(null);
    printButton.disabled = true;
    try {
      await printPages(pdf);
    } catch (e) {
      if (!isCancelled(e)) {
        console.error(e);
        ctx.showError({ code: 'internal', message: t('viewer.cannotPrint') });
      }
    } finally {
      printButton.disabled = false;
    }
  });
  setZoom(DEFAULT_ZOOM);
}
