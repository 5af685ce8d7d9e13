/** Question sets for `npm run eval`: the sec-10-q CSV, or any JSON question file with gold pages. */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface GoldPage {
  /** Glob-like pattern on the document name (`*` = anything), e.g. "*2023 Q3 AAPL*" or "fullrefman.pdf". */
  doc: string;
  page: number;
}

export interface EvalQuestion {
  id: string;
  question: string;
  /** Question type, e.g. "Single-Doc Single-Chunk RAG" or "paraphrase". */
  type: string;
  /** ISO language of the question. */
  lang: string;
  /** Patterns of the documents that hold the answer. */
  docs: string[];
  /** Pages that hold the answer, when known. */
  pages?: GoldPage[];
  /** Strings that must appear in a retrieved passage for it to count as evidence. */
  evidence?: string[];
}

const YEAR = /^(19|20)\d\d$/;

/** Key figures of a gold answer: numbers of 3+ significant characters, without years or list markers. */
export function keyFigures(answer: string): string[] {
  const out = new Set<string>();
  for (const m of answer.matchAll(/\$?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{3,})\s?%?/g)) {
    const n = m[1]!.replace(/,/g, '');
    if (YEAR.test(n) || n.replace(/\D/g, '').length < 3) continue;
    out.add(n);
  }
  return [...out];
}

export function loadSecQuestions(csvPath: string): EvalQuestion[] {
  const rows = parse(fs.readFileSync(csvPath), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    const type = r['Question Type'] ?? 'unknown';
    return {
      id: `sec-${i + 1}`,
      question: r['Question'] ?? '',
      type,
      lang: 'en',
      docs: (r['Source Docs'] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      evidence: type.startsWith('Single-Doc Single-Chunk') ? keyFigures(r['Answer'] ?? '') : undefined,
    };
  });
}

export function loadJsonQuestions(file: string): EvalQuestion[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EvalQuestion[];
}

export function matchesPattern(name: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(name);
}
