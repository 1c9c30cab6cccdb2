// "Stampa" of the viewer: the system's print dialog (window.print()) with
// only the document's pages. Each page is drawn again at print resolution
// into a box of its own, a child of <body>; while it is there the print
// style sheet (css/viewer.css) hides everything else, so the sheet that comes
// out is the document, not the app around it. The box goes once the dialog
// is closed, and at lock and logout.

import { h } from './dom.js';
import { onSessionEnd } from './session-state.js';

/** Dots per inch of the printed pages (150: sharp text, modest memory). */
const PRINT_DPI = 150;

let box = null;

/** Removes the printed pages (after the dialog; before another print). */
export function clearPrint() {
  if (box) box.remove();
  box = null;
  document.body.classList.remove('printing-document');
}
onSessionEnd(clearPrint);

/** Draws every page of `pdf` (pdf-pages.js) for the printer and opens the print dialog. */
export async function printPages(pdf) {
  clearPrint();
  const pages = h('div', { class: 'print-pages', 'data-testid': 'print-pages', 'aria-hidden': 'true' });
  for (let n = 1; n <= pdf.pageCount; n += 1) {
    const page = await pdf.page(n);
    const canvas = h('canvas', { class: 'print-page', 'data-testid': 'print-page' });
    await page.draw(canvas, PRINT_DPI / 72, { density: 1 });
    // Sized by the print style sheet (the page's width), not in screen pixels.
    canvas.style.width = '';
    canvas.style.height = '';
    pages.appendChild(canvas);
  }
  box = pages;
  document.body.appendChild(pages);
  document.body.classList.add('printing-document');
  window.addEventListener('afterprint', clearPrint, { once: true });
  window.print();
}
