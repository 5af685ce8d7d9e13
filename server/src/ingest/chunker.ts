/**
 * Page-aware chunking. Each page is split on its own (paragraphs, then lines, then sentences, then words) with
 * LangChain's RecursiveCharacterTextSplitter, so every chunk cites exactly one page and carries its character
 * span inside that page's text for highlighting.
 */
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { PageChunk } from '../store/documents.js';

export type { PageChunk };

/** A table row: a line with at least two figures (amounts, percentages, bracketed negatives), not just dates. */
const FIGURE = /(?:^|\s)[($€£¥-]*\d[\d,.]*%?\)?(?=\s|$)/g;
/** A column-header row of periods, such as "July 1, 2023 June 25, 2022" or "2023 2022". */
const isPeriodRow = (line: string) => (line.match(/\b(19|20)\d\d\b/g)?.length ?? 0) >= 2 && !/\d,\d{3}/.test(line);
const isRow = (line: string) => (line.match(FIGURE)?.length ?? 0) >= 2 && !isPeriodRow(line);

interface Line {
  start: number;
  text: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const part of text.split('\n')) {
    out.push({ start, text: part });
    start += part.length + 1;
  }
  return out;
}

/**
 * For a character offset in a page, the header of the table it falls in: up to three non-row lines just above
 * the table's first row (where financial statements name their columns and periods). Null when the offset is
 * not inside a table.
 */
export function tableHeaderAt(text: string, offset: number): string | null {
  const ls = lines(text);
  const i = ls.findIndex((l, k) => offset >= l.start && (k === ls.length - 1 || offset < ls[k + 1]!.start));
  if (i < 0) return null;
  // Inside a table: this line or one of the next two is a row.
  if (!ls.slice(i, i + 3).some((l) => isRow(l.text))) return null;
  // Walk up to the table's first row, across short label lines ("Net sales:") between rows.
  let first = isRow(ls[i]!.text) ? i : i + ls.slice(i, i + 3).findIndex((l) => isRow(l.text));
  let gap = 0;
  for (let k = first - 1; k >= 0 && gap <= 2; k--) {
    if (isRow(ls[k]!.text)) {
      first = k;
      gap = 0;
    } else if (ls[k]!.text.trim()) gap++;
  }
  const header: string[] = [];
  for (let k = first - 1; k >= 0 && header.length < 3; k--) {
    const t = ls[k]!.text.trim();
    if (!t) continue;
    if (isRow(t)) break;
    header.unshift(t);
  }
  return header.length ? header.join('\n') : null;
}

/** The page's title: its first line, when short enough to be one. */
function pageTitle(text: string): string | null {
  const first = text.trimStart().split('\n', 1)[0]?.trim() ?? '';
  return first && first.length <= 120 ? first : null;
}

/** What is indexed and embedded for a chunk: its heading (page title, table header) and its text. */
export function indexedText(c: { text: string; heading: string | null }): string {
  return c.heading ? `${c.heading}\n${c.text}` : c.text;
}

const SEPARATORS = ['\n\n', '\n', '. ', '。', '！', '？', '; ', '；', ', ', '，', ' ', ''];

export class PageChunker {
  private readonly splitter: RecursiveCharacterTextSplitter;

  constructor(
    readonly chunkSize: number,
    readonly chunkOverlap: number,
  ) {
    this.splitter = new RecursiveCharacterTextSplitter({ chunkSize, chunkOverlap, separators: SEPARATORS, keepSeparator: true });
  }

  async chunkPage(pageNumber: number, text: string): Promise<PageChunk[]> {
    if (!text.trim()) return [];
    const raw = text.length <= this.chunkSize ? [text] : await this.splitter.splitText(text);
    const all = raw.map((p) => p.trim()).filter(Boolean);
    const placed = placeChunks(text, all, this.chunkOverlap);
    const pieces = placed ? all.filter((_, i) => placed[i] !== null) : all;
    const starts = placed ? placed.filter((s): s is number => s !== null) : locateGreedily(text, all);
    const title = pageTitle(text);
    return pieces.map((piece, i) => {
      const start = starts[i]!;
      const parts: string[] = [];
      if (title && !piece.startsWith(title)) parts.push(title);
      const table = tableHeaderAt(text, start);
      if (table && !piece.startsWith(table.split('\n')[0]!)) parts.push(table);
      return {
        pageStart: pageNumber,
        pageEnd: pageNumber,
        charStart: start,
        charEnd: Math.min(text.length, start + piece.length),
        text: piece,
        heading: parts.length ? parts.join('\n') : null,
      };
    });
  }
}

/**
 * Where each chunk sits in the page text. The splitter returns strings only, and one string can occur several
 * times on a page (table rows, boilerplate), so the positions are solved from what the splitter guarantees:
 * the first chunk starts at the first non-space character; each next one starts after the previous start, at
 * most `overlap` characters before the previous end, does not end before it, and starts no later than the next
 * non-space character after it (no text is skipped); the last one ends where the text's content ends.
 * With a small overlap the splitter can also emit a short piece and then the same text again as the start of the
 * next piece ("a", then "a\nxxx…"): both would begin at the same character, so when nothing else fits, such a
 * piece is dropped (null) and the next one takes its place.
 * Depth-first over the candidate occurrences, remembering dead ends. Null when no placement fits.
 */
export function placeChunks(text: string, pieces: string[], overlap: number): (number | null)[] | null {
  const contentEnd = text.trimEnd().length;
  const nextContent = (from: number) => {
    const i = text.slice(from).search(/\S/);
    return i < 0 ? text.length : from + i;
  };
  const dead = new Set<string>();
  const place = (k: number, prevStart: number, prevEnd: number): (number | null)[] | null => {
    if (k === pieces.length) return prevEnd === contentEnd ? [] : null;
    const key = `${k}:${prevStart}:${prevEnd}`;
    if (dead.has(key)) return null;
    const piece = pieces[k]!;
    const lo = prevStart < 0 ? 0 : Math.max(prevStart + 1, prevEnd - overlap, prevEnd - piece.length);
    const hi = nextContent(prevEnd);
    for (let p = text.indexOf(piece, lo); p >= 0 && p <= hi; p = text.indexOf(piece, p + 1)) {
      const rest = place(k + 1, p, p + piece.length);
      if (rest) return [p, ...rest];
    }
    if (pieces[k + 1]?.startsWith(piece)) {
      const rest = place(k + 1, prevStart, prevEnd);
      if (rest) return [null, ...rest];
    }
    dead.add(key);
    return null;
  };
  return place(0, -1, 0);
}

/** Fallback when the pieces are not exact substrings in order: first occurrence after the previous start. */
function locateGreedily(text: string, pieces: string[]): number[] {
  let searchFrom = 0;
  return pieces.map((piece) => {
    let start = text.indexOf(piece, searchFrom);
    if (start < 0) start = text.indexOf(piece);
    // The splitter re-joined pieces with a different separator: locate by the first words instead.
    if (start < 0) start = Math.max(0, text.indexOf(piece.slice(0, 40), searchFrom));
    searchFrom = start + 1;
    return start;
  });
}
