import { collapseLeaders, pageRef, type Citation, type Source } from '@pagewise/shared';
import type { ReactNode } from 'react';
import { CitationChip } from './CitationChip';

/** Words that carry no search meaning in a question (English and German), left unmarked. */
const UNMARKED = new Set(
  (
    'the and for are was were what when where which who whom why how does did has have had with from that this these those ' +
    'into than then there their them they you your our its not but can could would should will about over under ' +
    'der die das und oder ist sind war waren wie was wer wann welche welcher welches mit von für auf aus bei nach ' +
    'einer eine einen dem den des ein nicht auch'
  ).split(' '),
);

/** The question's words worth marking in a passage: letters or digits, three or more (two for numbers). */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => (/^\p{N}+$/u.test(w) ? w.length >= 2 : w.length >= 3) && !UNMARKED.has(w)))];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every occurrence of a query term (and its plural or -ed/-ing form) in a `<mark>`. */
export function markTerms(text: string, terms: string[]): ReactNode[] {
  if (terms.length === 0) return [text];
  const alternatives = [...terms].sort((a, b) => b.length - a.length).map(escape).join('|');
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?:s|es|ed|ing)?(?![\\p{L}\\p{N}])`, 'giu');
  const out: ReactNode[] = [];
  let at = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(<mark key={m.index}>{m[0]}</mark>);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/**
 * The passages of an answer written without a model, each whole and collapsible, with the question's words
 * marked, its place named the one way pages are named, its citation chip (as in a written answer: preview, and
 * focus comes back to it from the viewer) and a button that opens that page.
 */
export function Passages({ sources, query, onOpen }: { sources: (Source | Citation)[]; query: string; onOpen: (s: Source) => void }) {
  const terms = queryTerms(query);
  return (
    <div className="passages">
      {sources.map((s) => {
        const where = pageRef(s.page, s.pageLabel);
        return (
          <details key={s.n} className="passage" data-cite={s.n} open>
            <summary>
              [{s.n}] {s.documentName}, {where}
            </summary>
            <p className="passage-text">{markTerms(collapseLeaders(s.text), terms)}</p>
            <span className="passage-foot">
              <CitationChip source={s} onOpen={onOpen} />
              <button type="button" className="link" onClick={() => onOpen(s)}>
                Open {where}
              </button>
            </span>
          </details>
        );
      })}
    </div>
  );
}
