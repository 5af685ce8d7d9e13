/**
 * The scale benchmark's corpus: PDFs of real English sentences shuffled (pdftotext over the repository's fixture
 * PDFs, plus Debian's licence texts), and on every page one made-up word found nowhere else in the library. The
 * PDFs are generated once into a gitignored cache (.cache/bench-scale) and reused by later runs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { REPO_ROOT } from '../support/corpora.js';
import { prng } from '../support/child-server.js';

export const CACHE = path.join(REPO_ROOT, '.cache', 'bench-scale');
const LICENSES = '/usr/share/common-licenses';
const SOURCES = [path.join(REPO_ROOT, 'tests', 'fixtures', 'sec-10-q'), path.join(REPO_ROOT, 'tests', 'fixtures', 'ntsb')];
/** Characters of text per page: about two and a half chunks of the default size. */
const PAGE_CHARS = 2200;
const LINE_CHARS = 100;

/** Whole English sentences of ordinary length, deduplicated, in a fixed order. */
export function sentences(): string[] {
  const cached = path.join(CACHE, 'sentences.json');
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8')) as string[];
  const texts: string[] = [];
  for (const dir of SOURCES) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.pdf')).sort()) {
      texts.push(execFileSync('pdftotext', ['-q', path.join(dir, f), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    }
  }
  if (fs.existsSync(LICENSES)) for (const f of fs.readdirSync(LICENSES).sort()) texts.push(fs.readFileSync(path.join(LICENSES, f), 'latin1'));
  const out = new Set<string>();
  for (const t of texts) {
    for (const s of t.replace(/\s+/g, ' ').split(/(?<=[.?!])\s+(?=[A-Z])/)) {
      const clean = s.trim();
      if (clean.length >= 40 && clean.length <= 300 && /^[A-Z][\x20-\x7e]+[.?!]$/.test(clean) && /[a-z]{3}/.test(clean)) out.add(clean);
    }
  }
  if (out.size < 500) throw new Error(`only ${out.size} sentences found for the scale corpus`);
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(cached, JSON.stringify([...out]));
  return [...out];
}

const SYL = ['ba', 'ko', 'ri', 'zu', 'me', 'ta', 'vo', 'ni', 'pe', 'lu', 'xa', 'do', 'fi', 'gu', 'hy', 'je', 'qo', 'sa', 'wi', 'ye'];
/** The made-up word of one page: distinct for every (document, page) with page < 10,000, never English. */
export function uniqueWord(doc: number, page: number): string {
  let n = doc * 10_000 + page;
  let w = '';
  for (let i = 0; i < 5; i++, n = Math.floor(n / 20)) w += SYL[n % 20];
  return `${w}q`;
}

function pageText(rand: () => number, pool: string[], word: string): string {
  const parts: string[] = [];
  let chars = 0;
  const at = Math.floor(rand() * 6);
  while (chars < PAGE_CHARS) {
    if (parts.length === at) parts.push(`The register lists it as ${word}.`);
    const s = pool[Math.floor(rand() * pool.length)]!;
    parts.push(s);
    chars += s.length + 1;
  }
  return parts.join(' ');
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + w.length + 1 > LINE_CHARS) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

/** The cached PDF of document `doc` (0-based) with `pages` pages, generating it first if needed. */
export async function corpusDocument(doc: number, pages: number, pool: () => string[]): Promise<string> {
  const file = path.join(CACHE, `scale-${pages}p-${String(doc).padStart(3, '0')}.pdf`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(CACHE, { recursive: true });
  const rand = prng(1000 + doc);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.setTitle(`Scale corpus volume ${doc + 1}`);
  const sents = pool();
  for (let p = 1; p <= pages; p++) {
    // The page's content stream written directly (pdf-lib's drawText encodes glyph by glyph: 10 ms a page).
    const page = pdf.addPage([612, 792]);
    const key = page.node.newFontDictionary('F', font.ref);
    const lines = wrap(pageText(rand, sents, uniqueWord(doc, p))).map((l) => `(${l.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj T*`);
    page.node.addContentStream(pdf.context.register(pdf.context.stream(`BT ${key.asString()} 9 Tf 13 TL 40 750 Td\n${lines.join('\n')}\nET`)));
  }
  const bytes = await pdf.save({ useObjectStreams: false, updateFieldAppearances: false });
  fs.writeFileSync(`${file}.tmp`, bytes);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Questions made of a few words of a random sentence of the corpus (what a reader might type). */
export function questions(n: number, seed: number, pool: string[]): string[] {
  const rand = prng(seed);
  const out: string[] = [];
  while (out.length < n) {
    const words = pool[Math.floor(rand() * pool.length)]!.replace(/[^A-Za-z ]/g, ' ').split(/\s+/).filter((w) => w.length > 3);
    if (words.length < 4) continue;
    const start = Math.floor(rand() * (words.length - 3));
    out.push(`What does the text say about ${words.slice(start, start + 3 + Math.floor(rand() * 3)).join(' ')}?`);
  }
  return out;
}
