// A stored document: where the app shows it (the viewer's address), and
// outside the app: "Salva una copia…" (a file where the operator chooses, in
// the system's save dialog) and "Apri con il programma del computer" (the
// system's PDF viewer). Both the documents list and the
// viewer offer them; what fails is said on the page (ctx.showError), with
// what to do instead.

import { api, files } from './api.js';
import { t } from './i18n.js';

/** The route of the app's own viewer for a document of a household. */
export function viewerPath(householdId, documentId) {
  return `/nuclei/${encodeURIComponent(householdId)}/documenti/${encodeURIComponent(documentId)}`;
}

/** The same, as a link's address. */
export function viewerHref(householdId, documentId) {
  return `#${viewerPath(householdId, documentId)}`;
}

/** "Salva una copia…": e.g. the signed patto, to send by PEC. */
export async function saveDocumentCopy(doc, ctx) {
  ctx.showError(null);
  try {
    const path = await files.saveAs({
      title: t('documents.saveCopyTitle'),
      defaultPath: doc.file_name,
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    });
    if (!path) return;
    await api.documentSave(doc.id, path);
    ctx.toast(t('documents.copySaved', { path }));
  } catch (e) {
    ctx.showError(e);
  }
}

/** The system's PDF viewer, for whoever prefers it. */
export async function openWithSystem(doc, ctx) {
  ctx.showError(null);
  try {
    await api.documentOpen(doc.id);
    ctx.toast(t('documents.opened'));
  } catch (e) {
    ctx.showError(e);
  }
}
