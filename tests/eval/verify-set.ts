/**
 * Re-checks a question set against the PDFs themselves, independent of Pagewise's own extraction:
 *
 *   node --import tsx tests/eval/verify-set.ts [SET.json] [--overlap]
 *
 * For every question: each `docs` pattern and gold page names a document of the set, each gold page exists, and
 * each evidence string is on at least one gold page as `pdftotext -f N -l N FILE -` extracts it (compared after
 * normalizeEvidence). Evidence that is also found on pages not listed as gold is reported as a note (the gold list
 * may be incomplete). Where the set gives its documents' languages, a crosslingual question must be in another
 * language than its gold document and carry its direction as a tag ("de-en": German question, English document),
 * and any other question must be in the document's language. The tag "long-doc" must be on exactly the questions
 * whose gold document has more than 150 pages.
 *
 * It also measures how many of each question's content words (the lexical index's own tokens) are on its closest
 * gold page, prints the distribution per type and language (--overlap: every question, with the shared tokens),
 * and counts a paraphrase that shares more than half of them as a problem: such a question is a lexical one.
 *
 * Exits non-zero on any problem, or when a document is missing (naming its Debian package).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CORPORA, REPO_ROOT } from '../support/corpora.js';
import { bestOverlap, summarizeOverlap } from './overlap.js';
import { loadQuestionSet, matchesPattern, normalizeEvidence, resolveSetDocuments, setDocumentPath } from './questions.js';

/** A paraphrase may share at most this share of its content tokens with its closest gold page. */
const MAX_PARAPHRASE_OVERLAP = 0.5;
/** Documents with more pages than this are long: their questions carry the tag "long-doc". */
const LONG_DOC_PAGES = 150;
const DIRECTION_TAG = /^([a-z]{2,3})-([a-z]{2,3})$/;

const args = process.argv.slice(2);
const listOverlap = args.includes('--overlap');
const setFile = args.find((a) => !a.startsWith('--')) ?? path.join(REPO_ROOT, 'tests/eval/questions/pagewise-set.json');
const set = loadQuestionSet(setFile);
const { files, missing } = resolveSetDocuments(set, CORPORA);
if (missing.length) {
  console.error(`missing documents:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
const langOf = new Map(set.documents.map((d) => [setDocumentPath(d, CORPORA), d.lang]));

const pdftotext = (file: string, first?: number, last?: number) =>
  execFileSync('pdftotext', [...(first ? ['-f', String(first), '-l', String(last ?? first)] : []), '-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });

const rawCache = new Map<string, string>();
const rawPage = (file: string, page: number) => {
  const key = `${file}#${page}`;
  if (!rawCache.has(key)) rawCache.set(key, pdftotext(file, page));
  return rawCache.get(key)!;
};
const pageCache = new Map<string, string>();
const pageText = (file: string, page: number) => {
  const key = `${file}#${page}`;
  if (!pageCache.has(key)) pageCache.set(key, normalizeEvidence(rawPage(file, page)));
  return pageCache.get(key)!;
};
/** All pages of a document in one run (pdftotext ends each page with a form feed), for the "also on" notes. */
const docCache = new Map<string, string[]>();
const docPages = (file: string) => {
  if (!docCache.has(file)) docCache.set(file, pdftotext(file).split('\f').map(normalizeEvidence));
  return docCache.get(file)!;
};
const countCache = new Map<string, number>();
const pageCount = (file: string) => {
  if (!countCache.has(file)) countCache.set(file, Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]));
  return countCache.get(file)!;
};

const byName = (pattern: string) => files.filter((f) => matchesPattern(path.basename(f), pattern));
const errors: string[] = [];
const notes: string[] = [];
const ids = new Set<string>();
let checked = 0;
const overlaps: { id: string; type: string; lang: string; share: number; tokens: number; found: string[] }[] = [];

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
  if (gold.length) {
    const o = bestOverlap(q.question, gold.map((g) => rawPage(g.file, g.page)));
    overlaps.push({ id: q.id, type: q.type, lang: q.lang, share: o.share, tokens: o.tokens.length, found: o.found });
    if (q.type === 'paraphrase' && o.share > MAX_PARAPHRASE_OVERLAP) {
      err(`a paraphrase that shares ${o.found.length} of its ${o.tokens.length} content tokens with its gold page (${o.found.join(' ')}): reword it or make it lexical`);
    }
    const docLangs = [...new Set(gold.map((g) => langOf.get(g.file)))];
    const directions = (q.tags ?? []).filter((t) => DIRECTION_TAG.test(t));
    if (docLangs.length === 1 && docLangs[0]) {
      const docLang = docLangs[0];
      if (q.type === 'crosslingual') {
        if (q.lang === docLang) err(`crosslingual, but the question and its gold document are both "${docLang}"`);
        if (directions.join() !== `${q.lang}-${docLang}`) err(`a crosslingual question carries its direction as the one tag "${q.lang}-${docLang}", has ${JSON.stringify(directions)}`);
      } else {
        if (q.lang !== docLang) err(`"${q.lang}" question on a "${docLang}" document: its type should be crosslingual`);
        if (directions.length) err(`direction tag ${directions.join(', ')} on a ${q.type} question`);
      }
    }
    const long = gold.some((g) => pageCount(g.file) > LONG_DOC_PAGES);
    if (long !== Boolean(q.tags?.includes('long-doc'))) {
      err(long ? `its gold document has over ${LONG_DOC_PAGES} pages: tag it "long-doc"` : `tagged "long-doc", but no gold document has over ${LONG_DOC_PAGES} pages`);
    }
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
if (listOverlap) {
  for (const o of overlaps) console.log(`overlap  ${o.id.padEnd(10)} ${o.type.padEnd(13)} ${o.share.toFixed(2)}  ${o.found.length}/${o.tokens}  ${o.found.join(' ')}`);
}
const f2 = (x: number) => x.toFixed(2);
console.log('content tokens of the question found on its closest gold page (share per question):');
console.log('  group                  n    min   p25  median  p75   max');
const groupsOf = (o: (typeof overlaps)[number]) => [o.type, `${o.type}/${o.lang}`];
for (const g of [...new Set(overlaps.flatMap(groupsOf))].sort()) {
  const s = summarizeOverlap(g, overlaps.filter((o) => groupsOf(o).includes(g)).map((o) => o.share));
  console.log(`  ${s.group.padEnd(20)} ${String(s.n).padStart(3)}   ${f2(s.min)}  ${f2(s.p25)}  ${f2(s.median)}   ${f2(s.p75)}  ${f2(s.max)}`);
}
for (const e of errors) console.error(`FAIL  ${e}`);
console.log(
  `${path.basename(setFile)}: ${set.questions.length} questions over ${files.length} documents, ${checked} evidence strings checked; ${errors.length} problem(s)`,
);
process.exit(errors.length ? 1 : 0);
