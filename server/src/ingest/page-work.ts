/**
 * The per-page work the extraction worker does besides reading (issue 19), so that the server process only
 * writes: the page's kind (contents, index), its passages, and with the built-in embedder their vectors. The
 * vectors are the passages' own; the server mixes in the document context (`withContext`), which needs the
 * document's opening pages and may come from another worker.
 */
import { BuiltinEmbedder } from '../index/embedders/builtin.js';
import type { PageChunk } from '../store/documents.js';
import { indexedText, PageChunker } from './chunker.js';
import { pageKind, type PageKind } from './page-kind.js';

/** How to cut pages into passages, and whether to embed them with the built-in embedder. */
export interface PageWork {
  chunkSize: number;
  chunkOverlap: number;
  embedBuiltin: boolean;
}

export interface PagePassages {
  kind: PageKind | null;
  chunks: PageChunk[];
  /** The built-in embedding of each chunk (base64 of its float32 values, for the JSON channel); null when not asked. */
  vectors: string[] | null;
}

let chunker: PageChunker | null = null;
let builtin: BuiltinEmbedder | null = null;

export async function passagesOf(pageNumber: number, text: string, work: PageWork): Promise<PagePassages> {
  if (chunker?.chunkSize !== work.chunkSize || chunker.chunkOverlap !== work.chunkOverlap) {
    chunker = new PageChunker(work.chunkSize, work.chunkOverlap);
  }
  const chunks = await chunker.chunkPage(pageNumber, text);
  let vectors: string[] | null = null;
  if (work.embedBuiltin) {
    builtin ??= new BuiltinEmbedder();
    vectors = chunks.map((c) => encodeVector(builtin!.embedOne(indexedText(c))));
  }
  return { kind: pageKind(text), chunks, vectors };
}

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeVector(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  // Copied out: a small Buffer may sit at an offset of a shared pool that is not a multiple of 4.
  return new Float32Array(new Uint8Array(bytes).buffer);
}
