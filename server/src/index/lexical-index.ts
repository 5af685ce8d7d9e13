/**
 * BM25 keyword search over SQLite FTS5. Rows are pre-tokenized by `tokenize` so all languages share one path.
 * Each row has the chunk's own terms and, in a second column weighted lower, its document's context (name,
 * title, opening text), so "Apple's gross margin" finds Apple's filing even on pages that never say "Apple".
 */
import type { Db } from '../store/db.js';
import { CJK_LETTERS } from '../cjk.js';
import { isStopword, tokenize } from './tokenize.js';

export interface LexicalHit {
  chunkId: number;
  score: number;
}

const CJK_RUNS_RE = new RegExp(`[${CJK_LETTERS}]+`, 'gu');
/** A query term counts for the document prior when at most this share of documents mention it in their context. */
const DISCRIMINATIVE_SHARE = 0.34;
/** Words that open questions and requests without naming anything (beyond the tokenizer's stop words). */
const SENTENCE_OPENERS = new Set(
  (
    'compare describe explain list summarize summarise tell give show find name please according based given ' +
    'vergleiche beschreibe erkläre nenne zeige gib finde bitte laut'
  ).split(' '),
);

/**
 * The words of a question that can name a document: capitalised (not at the start of a sentence), all-caps,
 * mixed-case or containing digits ("Apple", "NVIDIA", "xeCJK", "Q2", "2023", "10-Q"). Topic words ("runway",
 * "fence", Chinese text without case) also occur in the openings of documents that are not the subject, and
 * boosting those documents pushes the right passage out; they are left to passage ranking.
 */
export function nameWords(text: string): string {
  const out: string[] = [];
  // Latin-script words and numbers; CJK text (no case) is a separator here, so "苹果2023年" yields "2023".
  const latin = text.replace(CJK_RUNS_RE, ' ');
  for (const m of latin.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\-.]*/gu)) {
    const w = m[0].replace(/[.-]+$/, '');
    if (isStopword(w)) continue;
    const before = latin.slice(0, m.index).trimEnd();
    // A capital at the start of a sentence says nothing of itself; words that open requests are not names
    // ("Apple revenue in 2023?" names Apple; "Compare …" names nothing).
    const sentenceStart = (before === '' || /[.?!:;]$/.test(before)) && SENTENCE_OPENERS.has(w.toLowerCase());
    const capitalised = /^\p{Lu}/u.test(w) && /\p{Ll}/u.test(w.slice(1)) && !/\p{Lu}/u.test(w.slice(1));
    const mixed = /\p{Lu}/u.test(w.slice(1)) && /\p{Ll}/u.test(w);
    const lowerFirstMixed = /^\p{Ll}/u.test(w) && /\p{Lu}/u.test(w);
    const allCaps = /\p{Lu}/u.test(w) && !/\p{Ll}/u.test(w) && /\p{L}{2}/u.test(w);
    const digits = /\d/.test(w);
    if (digits || mixed || lowerFirstMixed || allCaps || (capitalised && !sentenceStart)) out.push(w);
  }
  return out.join(' ');
}

/** bm25 column weights: chunk text, document context. */
const TEXT_WEIGHT = 1.0;
const CONTEXT_WEIGHT = 0.35;

export class LexicalIndex {
  constructor(private readonly db: Db) {}

  /** Call inside the transaction that inserts the chunk rows. */
  add(entries: { chunkId: number; text: string; context: string }[]): void {
    const stmt = this.db.prepare('INSERT INTO chunks_fts (rowid, terms, context) VALUES (?, ?, ?)');
    // Every chunk of a document carries the same context: tokenize it once per batch.
    const contexts = new Map<string, string>();
    for (const e of entries) {
      let context = contexts.get(e.context);
      if (context === undefined) contexts.set(e.context, (context = tokenize(e.context).join(' ')));
      stmt.run(e.chunkId, tokenize(e.text).join(' '), context);
    }
  }

  /** Index what a document is about (its context), for the document-level prior. */
  setDocumentContext(documentId: string, context: string): void {
    const row = this.db.prepare('SELECT rowid FROM documents WHERE id = ?').get(documentId) as { rowid: number } | undefined;
    if (!row) return;
    this.db.prepare('DELETE FROM documents_fts WHERE rowid = ?').run(row.rowid);
    this.db.prepare('INSERT INTO documents_fts (rowid, context) VALUES (?, ?)').run(row.rowid, tokenize(context).join(' '));
  }

  deleteDocumentContext(documentId: string): void {
    const row = this.db.prepare('SELECT rowid FROM documents WHERE id = ?').get(documentId) as { rowid: number } | undefined;
    if (row) this.db.prepare('DELETE FROM documents_fts WHERE rowid = ?').run(row.rowid);
  }

  /**
   * BM25 of the query against each ready document's context, scaled to [0, 1] by the best one. Terms every
   * document shares (boilerplate) carry no weight; names that single a document out ("Apple", "NVIDIA") do.
   */
  documentScores(text: string, documentIds?: string[]): Map<string, number> {
    // Only terms that single out a few documents count (names, tickers, titles); terms most documents share
    // in their opening (report boilerplate, a poem's common characters) would favour documents at random.
    const docs = (this.db.prepare(`SELECT COUNT(*) AS n FROM documents WHERE status = 'ready'`).get() as { n: number }).n;
    const countStmt = this.db.prepare('SELECT COUNT(*) AS n FROM documents_fts WHERE documents_fts MATCH ?');
    const maxDf = Math.max(1, Math.floor(docs * DISCRIMINATIVE_SHARE));
    const terms = [...new Set(tokenize(nameWords(text)))].filter((t) => {
      const df = (countStmt.get(`"${t.replace(/"/g, '""')}"`) as { n: number }).n;
      return df > 0 && df <= maxDf;
    });
    if (terms.length === 0) return new Map();
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    const filter = documentIds ? 'AND d.id IN (SELECT value FROM json_each(@docs))' : '';
    const rows = this.db
      .prepare(
        `SELECT d.id, bm25(documents_fts) AS rank FROM documents_fts f
         JOIN documents d ON d.rowid = f.rowid AND d.status = 'ready'
         WHERE documents_fts MATCH @match ${filter}`,
      )
      .all({ match, ...(documentIds ? { docs: JSON.stringify(documentIds) } : {}) }) as { id: string; rank: number }[];
    const best = Math.max(0, ...rows.map((r) => -r.rank));
    return new Map(best > 0 ? rows.map((r) => [r.id, -r.rank / best]) : []);
  }

  delete(chunkIds: number[]): void {
    const stmt = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const id of chunkIds) stmt.run(id);
  }

  /**
   * Best-first hits among the chunks `accept` takes (those of ready documents, of the requested ones). FTS5 ranks
   * its matches alone and hands them over best first, in growing batches, until `k` are accepted: no join over
   * every matching row (a typical question matches most of the library).
   */
  query(text: string, k: number, accept: (chunkId: number) => boolean): LexicalHit[] {
    const terms = [...new Set(tokenize(text))];
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    const stmt = this.db.prepare(
      `SELECT rowid AS id, bm25(chunks_fts, ${TEXT_WEIGHT}, ${CONTEXT_WEIGHT}) AS rank FROM chunks_fts
       WHERE chunks_fts MATCH @match ORDER BY rank LIMIT @limit`,
    );
    for (let limit = k * 2; ; limit *= 8) {
      const rows = stmt.all({ match, limit }) as { id: number; rank: number }[];
      const hits = rows.filter((r) => accept(r.id)).slice(0, k);
      // bm25() is lower-is-better and negative; report a positive score.
      if (hits.length >= k || rows.length < limit) return hits.map((r) => ({ chunkId: r.id, score: -r.rank }));
    }
  }
}
