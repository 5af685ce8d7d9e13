/**
 * Finds the pages that point to other pages: a table of contents, a list of figures or tables, a back-of-book
 * index. Their words repeat every heading of the document, so without a mark they outrank the pages that say
 * something; search ranks them below body pages that match as well (`search-index.ts`), and they stay findable.
 *
 * A page is one of them when most of its text (by non-space characters) is entries: a title and a page
 * reference at the end of a line, joined by a leader ("1.1 Übersicht … 5", also several on one line), by a space
 * ("2.4 TEX-Erweiterungen 15"), on a line of its own under the title (pdf.js reads a 10-Q's contents table so), or
 * by a comma as an index writes them ("Abbildung, 12, 45–47"), with the lines of references that continue an
 * index entry. A reference is a page number (at most four digits, no separators) or a page range, or a small
 * roman numeral. Body pages have such lines too (a running header "Chapter 3 41", a page number at the foot,
 * table rows of small counts); three guards keep them out: the entries must be most of the page, there must be
 * at least four, and entries with neither leader nor comma must have page numbers that rise (a contents table
 * runs in page order, table rows of counts do not) over at least three different pages.
 */
import { collapseLeaders, LEADER } from '@pagewise/shared';

export type PageKind = 'contents' | 'index';

/** Share of the page's non-space characters that entries must cover. */
const MIN_SHARE = 0.6;
const MIN_ENTRIES = 4;
/** Share of consecutive plain entries whose page numbers must not fall. */
const MIN_RISING = 0.8;
/** A title line above an entry that belongs to it (a title that wraps), at most this long. */
const MAX_TITLE_CHARS = 120;
/** Longest line read as one entry with its references at the end. */
const MAX_ENTRY_CHARS = 300;

const REF = String.raw`(?:\d{1,4}(?:\s?[–-]\s?\d{1,4}|\s?ff?\.?)?|[ivxlc]{1,6})`;
/** References in a list are apart after their comma ("12, 45"), unlike the thousands of "7,707". */
const REF_LIST = String.raw`${REF}(?:,\s${REF})*`;
/** Leader entries inside a line: "… 5", "…5", "… 7094, 7373". */
const LEADER_ENTRY = new RegExp(String.raw`${LEADER}\s?(${REF_LIST})(?=\s|$)`, 'gu');
/** A line that ends with references after a space or a comma: the title, the separator, the references. */
const TRAILING_REFS = new RegExp(String.raw`^(.*?)(\s|,\s)(${REF_LIST})$`, 'u');
const ONLY_REF = new RegExp(String.raw`^${REF}$`, 'u');
const REF_LIST_LINE = new RegExp(String.raw`^${REF}(?:,\s${REF})+,?$`, 'u');
const LETTER = /\p{L}/u;
/** A line ending in a date such as "May 1, 2022" or "April 30, 2023": no index entry. */
const DATE = /\d{1,2},\s(?:19|20)\d\d$/;

type LineKind = 'leader' | 'plain' | 'index' | 'number' | 'refs' | 'text';

interface Line {
  text: string;
  chars: number;
  kind: LineKind;
  /** Entries on the line (several leader entries can share one). */
  entries: number;
  /** The last page reference of a plain or number entry, for the order check. */
  page: number | null;
}

const nonSpace = (s: string) => s.replace(/\s+/g, '').length;
const arabic = (ref: string): number | null => (/^\d+$/.test(ref) ? Number(ref) : null);

function classify(text: string): Line {
  const line: Line = { text, chars: nonSpace(text), kind: 'text', entries: 0, page: null };
  const leaders = [...text.matchAll(LEADER_ENTRY)];
  if (leaders.length) return { ...line, kind: leaders.some((m) => /,/.test(m[1]!)) ? 'index' : 'leader', entries: leaders.length };
  if (REF_LIST_LINE.test(text)) return { ...line, kind: 'refs' };
  if (ONLY_REF.test(text)) return { ...line, kind: 'number', page: arabic(text) };
  // An entry is a short line; a long one (a paragraph pdf.js gave as one line) is body text, and is not searched.
  const m = text.length <= MAX_ENTRY_CHARS ? TRAILING_REFS.exec(text) : null;
  if (!m || !LETTER.test(m[1]!)) return line;
  if (m[2]!.startsWith(',') || m[3]!.includes(',')) return DATE.test(text) ? line : { ...line, kind: 'index', entries: 1 };
  return { ...line, kind: 'plain', entries: 1, page: arabic(m[3]!) };
}

/** Whether `before` is the line numbered one less than `page`: a listing's empty numbered line, no entry. */
const numbersLines = (before: string, page: number | null) => page !== null && new RegExp(`^${page - 1}(\\s|$)`).test(before);

/**
 * Marks the lines that belong to an entry: the entry line itself, and above it the one or two title lines of an
 * entry whose reference stands alone on its line (only when that number is not one of a column of numbers, as
 * in a table), or the one wrapped title line of any other entry.
 */
function cover(lines: Line[]): { covered: boolean[]; numberEntries: Set<Line> } {
  const covered = lines.map((l) => l.kind !== 'text' && l.kind !== 'number');
  const numberEntries = new Set<Line>();
  lines.forEach((l, i) => {
    const prev = lines[i - 1];
    if (l.kind === 'number') {
      if (prev?.kind !== 'text' || lines[i + 1]?.kind === 'number' || numbersLines(prev.text, l.page)) return;
      numberEntries.add(l);
      covered[i] = true;
      let title = 0;
      for (let k = i - 1; k >= 0 && k >= i - 2 && lines[k]!.kind === 'text' && !covered[k]; k--) {
        if ((title += lines[k]!.chars) > MAX_TITLE_CHARS) break;
        covered[k] = true;
      }
    } else if (covered[i] && l.kind !== 'refs' && prev?.kind === 'text' && prev.chars <= MAX_TITLE_CHARS && !covered[i - 1]) {
      covered[i - 1] = true;
    }
  });
  return { covered, numberEntries };
}

/** Whether plain entries run in page order over at least three different pages. */
function rising(entries: Line[]): boolean {
  const pages = entries.map((e) => e.page).filter((p): p is number => p !== null);
  if (new Set(pages).size < 3) return false;
  let up = 0;
  for (let i = 1; i < pages.length; i++) if (pages[i]! >= pages[i - 1]!) up++;
  return up >= MIN_RISING * (pages.length - 1);
}

/** What the detector counted on a page: the share of its text that is entries, and the entries by kind. */
export interface PageEntries {
  share: number;
  leader: number;
  index: number;
  plain: number;
  rising: boolean;
}

export function countEntries(text: string): PageEntries {
  const lines = text
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean)
    .map(classify);
  const total = lines.reduce((n, l) => n + l.chars, 0);
  const { covered, numberEntries } = cover(lines);
  const count = (kind: LineKind) => lines.reduce((n, l) => n + (l.kind === kind ? l.entries : 0), 0);
  const plain = lines.filter((l) => l.kind === 'plain' || numberEntries.has(l));
  return {
    share: total ? lines.reduce((n, l, i) => n + (covered[i] ? l.chars : 0), 0) / total : 0,
    leader: count('leader'),
    index: count('index'),
    plain: plain.length,
    rising: rising(plain),
  };
}

/** What kind of page `text` (as stored, leaders as drawn) is: `contents`, `index`, or null for a body page. */
export function pageKind(text: string): PageKind | null {
  const { share, leader, index, plain, rising } = countEntries(collapseLeaders(text));
  const entries = leader + index + plain;
  if (entries < MIN_ENTRIES || share < MIN_SHARE) return null;
  if (index * 2 >= entries) return 'index';
  if (leader * 2 >= entries) return 'contents';
  return rising ? 'contents' : null;
}
