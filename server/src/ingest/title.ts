/**
 * A PDF's own title, when it is one a person would recognise: its metadata /Title, or its XMP dc:title when the
 * /Title is not usable. Many PDFs carry a converter's file name ("Microsoft Word - report.docx"), a path, an
 * accession number ("0000320193-23-000077"), a placeholder ("Untitled") or their own file name there; those are
 * not shown.
 */
const MAX_TITLE_CHARS = 200;
const PLACEHOLDERS = new Set(['untitled', 'untitled document', 'title', 'no title', 'document', 'unknown', 'pdf', 'slide 1', 'powerpoint presentation', 'print', 'default', 'doc', 'none', 'null', 'n/a']);
const CONVERTER_PREFIX = /^(microsoft (word|powerpoint|excel)|word|untitled|print|printing|adobe acrobat)\s*-\s*/i;
const FILE_NAME = /\.(pdf|docx?|xlsx?|pptx?|odt|rtf|txt|tex|dvi|ps|indd|pages|key|html?|qxd|wpd|cdr)$/i;

const stem = (name: string) => name.replace(/\.pdf$/i, '').replace(/[_\s]+/g, ' ').trim().toLowerCase();

/** The title to show for a document, or null. `fileName`: the name it was uploaded as. */
export function sensibleTitle(raw: string | null | undefined, fileName: string): string | null {
  if (!raw) return null;
  const title = raw.replace(/\s+/g, ' ').trim();
  if (title.length < 4 || title.length > MAX_TITLE_CHARS) return null;
  if (CONVERTER_PREFIX.test(title) || FILE_NAME.test(title) || /^[a-z]:\\|^\/|\\/i.test(title)) return null;
  if (PLACEHOLDERS.has(title.toLowerCase())) return null;
  // Words, not a code: a run of three letters, and a single token only when it is all letters ("Kubernetes").
  if (!/\p{L}{3}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2}/u.test(title)) return null;
  if (!/\s/.test(title) && /[\d_]/.test(title)) return null;
  if (title.toLowerCase().replace(/[_\s]+/g, ' ') === stem(fileName)) return null;
  return title;
}

/** The best title candidate in a PDF's metadata: the first sensible one of /Title and XMP dc:title, else /Title. */
export function pickTitle(candidates: (string | null | undefined)[], fileName: string): string | null {
  for (const c of candidates) if (sensibleTitle(c, fileName)) return c!;
  return candidates.find((c): c is string => !!c) ?? null;
}
