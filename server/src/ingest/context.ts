/** The document context: what a document is, embedded once and mixed into every passage vector. */
const CONTEXT_OPENING_CHARS = 600;
/** The document context is taken from the first page with text among these. */
export const OPENING_PAGES = 3;

/**
 * What a document is, in a few hundred characters: its file name, its title metadata when that is words (not an
 * accession number), and its opening text, where reports, filings and manuals name their subject.
 */
export function documentContext(name: string, title: string | null, firstText: string): string {
  const stem = name.replace(/\.pdf$/i, '').replace(/[_]+/g, ' ');
  const usefulTitle = title && /[A-Za-z\u00c0-\uffff]{3}/.test(title) && title !== stem ? title : null;
  const opening = firstText.replace(/\s+/g, ' ').slice(0, CONTEXT_OPENING_CHARS);
  return [stem, usefulTitle, opening].filter(Boolean).join('\n');
}
