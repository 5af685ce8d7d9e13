/**
 * How a page is named everywhere a person reads it (citation chips and their previews, source lists, search
 * hits, the viewer, extractive answers): the printed page label, with the physical page beside it when the two
 * differ. "p. ii (2)" is the second sheet of the PDF, printed "ii"; "p. 7" is both.
 */

/** The label part: "ii (2)", or "7" when the label is the physical number or there is none. */
export function pageName(page: number, label: string | null | undefined): string {
  const printed = label?.trim();
  return printed && printed !== String(page) ? `${printed} (${page})` : String(page);
}

/** "p. ii (2)", or "p. 7". */
export function pageRef(page: number, label: string | null | undefined): string {
  return `p. ${pageName(page, label)}`;
}
