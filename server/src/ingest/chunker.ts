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
    const pieces = text.length <= this.chunkSize ? [text] : await this.splitter.splitText(text);
    const out: PageChunk[] = [];
    let searchFrom = 0;
    for (const raw of pieces) {
      const piece = raw.trim();
      if (!piece) continue;
      let start = text.indexOf(piece, searchFrom);
      if (start < 0) start = text.indexOf(piece);
      if (start < 0) {
        // The splitter re-joined pieces with a different separator: locate by the first words instead.
        const head = piece.slice(0, 40);
        start = Math.max(0, text.indexOf(head, searchFrom));
      }
      const end = Math.min(text.length, start + piece.length);
      out.push({ pageStart: pageNumber, pageEnd: pageNumber, charStart: start, charEnd: end, text: piece });
      // The next chunk overlaps this one by at most chunkOverlap characters, so it cannot start before
      // end - chunkOverlap: searching from there keeps repeated passages (boilerplate, table rows) at their
      // own place instead of an earlier identical one.
      searchFrom = Math.max(start + 1, end - this.chunkOverlap);
    }
    return out;
  }
}
