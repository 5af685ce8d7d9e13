/**
 * Re-checks a question set against the PDFs themselves, independent of Pagewise's own extraction:
 *
 *   node --import tsx tests/eval/verify-set.ts [tests/eval/questions/pagewise-set.json]
 *
 * For every question: each `docs` pattern and gold page names a document of the set, each gold page exists, and
 * each evidence string is on at least one gold page as `pdftotext -f N -l N FILE -` extracts it (compared after
 * normalizeEvidence). Evidence that is also found on pages not listed as gold is reported as a note (the gold list
 * may be incomplete). Exits non-zero on any mismatch, or when a document is missing (naming its Debian package).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CORPORA, REPO_ROOT } from '../support/corpora.js';
import { loadQuestionSet, matchesPattern, normalizeEvidence, resolveSetDocuments } from './questions.js';

const setFile = process.argv[2] ?? path.join(REPO_ROOT, 'tests/eval/questions/pagewise-set.json');
const set = loadQuestionSet(setFile);
const { files, missing } = resolveSetDocuments(set, CORPORA);
if (missing.length) {
  console.error(`missing documents:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

const pdftotext = (file: string, first?: number, last?: number) =>
  execFileSync('pdftotext', [...(first ? ['-f', String(first), '-l', String(last ?? first)] : []), '-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });

const pageCache = new Map<string, string>();
const pageText = (file: string, page: number) => {
  const key = `${file}#${page}`;
  if (!pageCache.has(key)) pageCache.set(key, normalizeEvidence(pdftotext(file, page)));
  return pageCache.get(key)!;
};
/** All pages of a document in one run (pdftotext ends each page with a form feed), for the "also on" notes. */
const docCache = new Map<string, string[]>();
const docPages = (file: string) => {
  if (!docCache.has(file)) docCache.set(file, pdftotext(file).split('\f').map(normalizeEvidence));
  return docCache.get(file)!;
};
const pageCount = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);

const byName = (pattern: string) => files.filter((f) => matchesPattern(path.basename(f), pattern));
const errors: string[] = [];
const notes: string[] = [];
const ids = new Set<string>();
let checked = 0;

for (const q of set.questions) {
  const err = (msg: string) => errors.push(`${q.id}: ${msg}`);
  if (ids.has(q.id)) err('duplicate id');
  ids.add(q.id);
  if (!q.question?.trim() || !q.type || !q.lang) err('question, type and lang are required');
  for (const p of q.docs) if (byName(p).length === 0) err(`docs pattern "${p}" matches no document of the set`);
  if (!q.pages?.length) {
    err('no gold pages');
    continue;
  }
  const gold: { file: string; page: number }[] = [];
  for (const g of q.pages) {
    const matches = byName(g.doc);
    if (matches.length !== 1) {
      err(`gold page doc "${g.doc}" matches ${matches.length} documents`);
      continue;
    }
    const file = matches[0]!;
    if (!q.docs.some((p) => matchesPattern(path.basename(file), p))) err(`gold page doc "${g.doc}" is not among docs`);
    if (!Number.isInteger(g.page) || g.page < 1 || g.page > pageCount(file)) err(`page ${g.page} is not a page of ${g.doc}`);
    else gold.push({ file, page: g.page });
  }
  for (const e of q.evidence ?? []) {
    const needle = normalizeEvidence(e);
    checked++;
    if (!gold.some((g) => pageText(g.file, g.page).includes(needle))) {
      err(`evidence "${e}" is not on gold page(s) ${q.pages.map((g) => `${g.doc}#${g.page}`).join(', ')}`);
      continue;
    }
    for (const file of new Set(gold.map((g) => g.file))) {
      const others = docPages(file)
        .map((t, i) => (t.includes(needle) ? i + 1 : 0))
        .filter((p) => p > 0 && !gold.some((g) => g.file === file && g.page === p));
      if (others.length) notes.push(`${q.id}: evidence "${e}" is also on ${path.basename(file)} page(s) ${others.join(', ')}`);
    }
  }
}

for (const n of notes) console.log(`note  ${n}`);
for (const e of errors) console.error(`FAIL  ${e}`);
console.log(
  `${path.basename(setFile)}: ${set.questions.length} questions over ${files.length} documents, ${checked} evidence strings checked; ${errors.length} problem(s)`,
);
process.exit(errors.length ? 1 : 0);
