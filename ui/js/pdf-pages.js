// A PDF's pages drawn on canvases, with the vendored pdf.js
// (ui/vendor/pdfjs, see its README). The only module that knows pdf.js: it
// loads it when a document is first shown, opens a PDF from its bytes in
// memory (nothing is fetched, nothing written), and draws a page at a scale.
//
// pdf.js runs its parser in a module worker from the app's own files (the
// CSP's worker-src 'self'); eval stays off (the CSP forbids it anyway).

const LIBRARY = new URL('../vendor/pdfjs/pdf.min.mjs', import.meta.url).href;
const WORKER = new URL('../vendor/pdfjs/pdf.worker.min.mjs', import.meta.url).href;

/** CSS pixels per PDF point at 100 % (96 dpi screens, 72 points per inch). */
export const CSS_PER_POINT = 96 / 72;

let library = null;
async function pdfjs() {
  if (!library) {
    library = import(LIBRARY).then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = WORKER;
      return lib;
    });
    // A failed load is tried again next time, not remembered.
    library.catch(() => {
      library = null;
    });
  }
  return library;
}

/** Base64 (standard alphabet) to bytes. */
export function bytesFromBase64(b64) {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Opens a PDF from its bytes. The answer: {pageCount, page(n), destroy()}.
 * `page(n)` gives {width, height} in points and `draw(canvas, scale)`, which
 * sizes the canvas for the screen's pixel density and draws the page at
 * `scale` CSS pixels per point. `destroy()` lets go of the document and the
 * worker's copy of it.
 */
export async function openPdf(bytes) {
  const lib = await pdfjs();
  const task = lib.getDocument({
    data: bytes,
    isEvalSupported: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    // Nothing leaves the app: no font or character map is fetched from anywhere.
    useSystemFonts: false,
  });
  const doc = await task.promise;
  const running = new Set();
  return {
    pageCount: doc.numPages,
    async page(n) {
      const page = await doc.getPage(n);
      const [x0, y0, x1, y1] = page.view;
      return {
        width: Math.abs(x1 - x0),
        height: Math.abs(y1 - y0),
        async draw(canvas, scale, { density = window.devicePixelRatio || 1 } = {}) {
          const viewport = page.getViewport({ scale: scale * density });
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.style.width = `${Math.floor(viewport.width / density)}px`;
          canvas.style.height = `${Math.floor(viewport.height / density)}px`;
          const context = canvas.getContext('2d', { alpha: false });
          context.fillStyle = '#fff';
          context.fillRect(0, 0, canvas.width, canvas.height);
          const render = page.render({ canvasContext: context, viewport });
          running.add(render);
          try {
            await render.promise;
          } finally {
            running.delete(render);
          }
        },
      };
    },
    /** Stops the drawings under way (a new zoom, leaving the page). */
    cancel() {
      for (const r of running) r.cancel();
      running.clear();
    },
    async destroy() {
      for (const r of running) r.cancel();
      running.clear();
      await task.destroy();
    },
  };
}

/** Whether a drawing was stopped on purpose (not an error to show). */
export function isCancelled(e) {
  return e && (e.name === 'RenderingCancelledException' || e.name === 'AbortException');
}
