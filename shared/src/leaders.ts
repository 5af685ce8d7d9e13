/**
 * Dot leaders: the rows of dots that join an entry to its page number in a table of contents, a list of figures or
 * an index ("1.1 Übersicht . . . . . . 5", "绪论……………1", "Tabelle · · · · · 12"). `collapseLeaders` makes each run
 * one "…", so that the contents detector (server/src/ingest/page-kind.ts) reads "1.1 Übersicht … 5" whatever the typesetter drew.
 *
 * A leader is a run of dots, single spaces allowed between them: ".", the middle dots "·", "‧", "∙", "⋅", "・", and
 * the ellipses "…" and "⋯". It takes four dots, or three with spaces between them (". . ."), or three ellipses;
 * so an ellipsis ("...", "…", Chinese "……") stays as it is.
 *
 * Stored page text keeps its leaders as drawn; the web client collapses them where it shows a passage (citation
 * previews, search hits). Collapsing them in stored text as well (passages and snippets reading
 * "1.1 Übersicht … 5") was measured and not kept: on the question set of tests/eval/questions it lowered page hit@5
 * from 0.627 to 0.621 and evidence@5 from 0.575 to 0.562 (one ingestion worker, so that runs repeat exactly),
 * also when only contents and index pages were collapsed (0.614): without their dots those pages match more
 * questions, in the built-in embedder above all.
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
