/**
 * Question sets for `npm run eval`: the sec-10-q CSV, any JSON question file with gold pages, or a question set
 * (documents + questions in one file, e.g. tests/eval/questions/pagewise-set.json).
 */
import fs from 'node:fs';
import path from 'node:path';
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
  /**
   * Labels for extra groups in the summary (`tag:<name>`), e.g. "long-doc" (the gold document has over 150 pages)
   * or a cross-lingual direction such as "de-en" (German question, English document).
   */
  tags?: string[];
}

const TAG = /^[a-z0-9][a-z0-9-]*$/;

/** Throws naming the question when its tags are not a list of lower-case words joined by hyphens. */
function checkTags(q: EvalQuestion, file: string): void {
  if (q.tags === undefined) return;
  if (!Array.isArray(q.tags) || q.tags.some((t) => typeof t !== 'string' || !TAG.test(t))) {
    throw new Error(`${file}: question ${q.id}: tags must be a list of lower-case words joined by hyphens, got ${JSON.stringify(q.tags)}`);
  }
  if (new Set(q.tags).size !== q.tags.length) throw new Error(`${file}: question ${q.id}: a tag is listed twice`);
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
  const questions = JSON.parse(fs.readFileSync(file, 'utf8')) as EvalQuestion[];
  for (const q of questions) checkTags(q, file);
  return questions;
}

/**
 * A document of a question set: a file of the shared corpora, or an absolute path installed by a Debian package;
 * `lang` (ISO code of the document's language) lets verify-set.ts check each question's type and direction tag.
 */
export type SetDocument = ({ corpus: string } | { path: string; package?: string }) & { lang?: string };

/** Where a set's document is on this machine. */
export function setDocumentPath(d: SetDocument, corporaDir: string): string {
  return 'corpus' in d ? path.join(corporaDir, d.corpus) : d.path;
}

export interface QuestionSet {
  documents: SetDocument[];
  questions: EvalQuestion[];
}

export function loadQuestionSet(file: string): QuestionSet {
  const set = JSON.parse(fs.readFileSync(file, 'utf8')) as QuestionSet;
  if (!Array.isArray(set.documents) || !Array.isArray(set.questions)) throw new Error(`${file}: expected { documents: [...], questions: [...] }`);
  for (const q of set.questions) checkTags(q, file);
  return set;
}

/** Absolute paths of a set's documents; `missing` names what is absent and which Debian package installs it. */
export function resolveSetDocuments(set: QuestionSet, corporaDir: string): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const d of set.documents) {
    const file = setDocumentPath(d, corporaDir);
    if (fs.existsSync(file)) files.push(file);
    else if ('corpus' in d) missing.push(`${file} (shared corpus, expected in ${corporaDir})`);
    else missing.push(`${file}${d.package ? ` (install it: apt-get install -y ${d.package})` : ''}`);
  }
  return { files, missing };
}

/** One line saying which of a set's documents are absent and where they come from, or null when all are there. */
export function missingSummary(set: QuestionSet, corporaDir: string): string | null {
  const absent = set.documents.filter((d) => !fs.existsSync(setDocumentPath(d, corporaDir)));
  if (absent.length === 0) return null;
  const corpus = absent.filter((d) => 'corpus' in d).length;
  const packages = [...new Set(absent.flatMap((d) => ('package' in d && d.package ? [d.package] : [])))];
  const other = absent.filter((d) => !('corpus' in d) && !('package' in d && d.package)).length;
  const parts = [
    corpus ? `${corpus} from the optional shared corpora (not in ${corporaDir}; set PAGEWISE_CORPORA)` : '',
    packages.length ? `Debian packages not installed: ${packages.join(', ')}` : '',
    other ? `${other} other file(s)` : '',
  ].filter(Boolean);
  return `${absent.length} of ${set.documents.length} documents are missing: ${parts.join('; ')}`;
}

const CJK = '[\\u3000-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]';
const SPACE_BY_CJK = new RegExp(`\\s+(?=${CJK})|(?<=${CJK})\\s+`, 'gu');

/**
 * Text as compared for evidence: NFKC, lower case, no thousands separators, single spaces, and no spaces next to
 * CJK characters (extractors break Chinese lines anywhere, and a line break becomes a space).
 */
export function normalizeEvidence(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3})/g, '$1')
    .replace(/\s+/g, ' ')
    .replace(SPACE_BY_CJK, '');
}

export function matchesPattern(name: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(name);
}
