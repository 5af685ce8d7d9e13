/**
 * Page-aware chunking. Each page is split on its own (paragraphs, then lines, then sentences, then words) with
 * LangChain's RecursiveCharacterTextSplitter, so every chunk cites exactly one page and carries its character
 * span inside that page's text for highlighting.
 */
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

export interface PageChunk {
  pageStart: number;
  pageEnd: number;
  charStart: number;
  charEnd: number;
  text: string;
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
    const pieces = raw.map((p) => p.trim()).filter(Boolean);
    const starts = placeChunks(text, pieces, this.chunkOverlap) ?? locateGreedily(text, pieces);
    return pieces.map((piece, i) => {
      const start = starts[i]!;
      return { pageStart: pageNumber, pageEnd: pageNumber, charStart: start, charEnd: Math.min(text.length, start + piece.length), text: piece };
    });
  }
}

/**
 * Where each chunk sits in the page text. The splitter returns strings only, and one string can occur several
 * times on a page (table rows, boilerplate), so the positions are solved from what the splitter guarantees:
 * the first chunk starts at the first non-space character; each next one starts after the previous start, at
 * most `overlap` characters before the previous end, does not end before it, and starts no later than the next
 * non-space character after it (no text is skipped); the last one ends where the text's content ends.
 * Depth-first over the candidate occurrences, remembering dead ends. Null when no placement fits.
 */
export function placeChunks(text: string, pieces: string[], overlap: number): number[] | null {
  const contentEnd = text.trimEnd().length;
  const nextContent = (from: number) => {
    const i = text.slice(from).search(/\S/);
    return i < 0 ? text.length : from + i;
  };
  const dead = new Set<string>();
  const place = (k: number, prevStart: number, prevEnd: number): number[] | null => {
    if (k === pieces.length) return prevEnd === contentEnd ? [] : null;
    const key = `${k}:${prevStart}`;
    if (dead.has(key)) return null;
    const piece = pieces[k]!;
    const lo = k === 0 ? 0 : Math.max(prevStart + 1, prevEnd - overlap, prevEnd - piece.length);
    const hi = nextContent(prevEnd);
    for (let p = text.indexOf(piece, lo); p >= 0 && p <= hi; p = text.indexOf(piece, p + 1)) {
      const rest = place(k + 1, p, p + piece.length);
      if (rest) return [p, ...rest];
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
