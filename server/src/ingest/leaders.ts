/**
 * Dot leaders: the rows of dots that join an entry to its page number in a table of contents, a list of figures or
 * an index ("1.1 Übersicht . . . . . . 5", "绪论……………1", "Tabelle · · · · · 12"). As text they are noise: dozens
 * of dots per line that fill passages, snippets and the embedder's character trigrams. A run of them is
 * collapsed into one "…", so the entry reads "1.1 Übersicht … 5" and its words and page number stay.
 *
 * A leader is a run of dots, single spaces allowed between them: ".", the middle dots "·", "‧", "∙", "⋅", "・", and
 * the ellipses "…" and "⋯". It takes four dots, or three with spaces between them (". . ."), or three ellipses;
 * so an ellipsis ("...", "…", Chinese "……") stays as it is. The viewer's highlight matcher reads any run of dots
 * in the PDF's text layer and in the passage alike (client/src/components/highlight.ts).
 */

const DOT = '[.\\u00b7\\u2027\\u2219\\u22c5\\u30fb\\u2026\\u22ef]';
/** A run of dots with at most one space between two of them. */
const RUN = new RegExp(`${DOT}(?: ?${DOT})+`, 'gu');
const ELLIPSIS = /[\u2026\u22ef]/gu;

/** The collapsed form of a leader. */
export const LEADER = '\u2026';

function isLeader(run: string): boolean {
  const ellipses = run.match(ELLIPSIS)?.length ?? 0;
  const dots = run.replace(/ /g, '').length - ellipses;
  if (dots === 0) return ellipses >= 3;
  const all = dots + 3 * ellipses;
  return all >= 4 || (all >= 3 && run.includes(' '));
}

/** Replaces every dot leader in `text` by one "…"; the text around it is left as it was. */
export function collapseLeaders(text: string): string {
  return text.replace(RUN, (run) => (isLeader(run) ? LEADER : run));
}
