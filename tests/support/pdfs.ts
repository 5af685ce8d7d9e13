/**
 * Builders for PDF fixtures made at test time (pdf-lib, qpdf) and poppler-utils oracles (`pdfinfo`,
 * `pdftotext`) to compare our extraction against. Nothing here reads or copies the corpora.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDocument, PDFName, StandardFonts, rgb } from 'pdf-lib';

/** A PDF with one page per entry; each page shows its lines in Helvetica. Same input, same bytes. */
export async function textPdf(pages: string[][], opts: { labels?: { startPage: number; style: 'r' | 'D' | 'a' }[] } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 18, size: 12, font }));
  }
  if (opts.labels) {
    const nums = opts.labels.flatMap((l) => [l.startPage - 1, doc.context.obj({ S: PDFName.of(l.style) })]);
    doc.catalog.set(PDFName.of('PageLabels'), doc.context.obj({ Nums: nums }));
  }
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/** A one-page PDF whose page draws a rectangle and no text. */
export async function noTextPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([612, 792]);
  page.drawRectangle({ x: 100, y: 100, width: 300, height: 200, color: rgb(0.2, 0.4, 0.8) });
  return doc.save();
}

/** A `%PDF-` header followed by bytes that are no PDF structure at all. */
export function garbagePdf(bytes = 4096, seed = 7): Uint8Array {
  const out = new Uint8Array(bytes);
  const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R', 'latin1');
  out.set(header);
  let x = seed;
  for (let i = header.length; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A decompression bomb: page 1 is ordinary text, page 2's content stream is `inflatedMb` MiB of spaces deflated (to
 * about a hundredth of that). A reader that decodes the stream holds all of it in memory at once.
 */
export async function memoryBombPdf(inflatedMb: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText('An ordinary first page before the bomb.', { x: 72, y: 720, size: 12, font });
  const deflate = zlib.createDeflate({ level: 1 });
  const parts: Buffer[] = [];
  deflate.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < inflatedMb; i++) if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await done;
  const packed = Buffer.concat(parts);
  const stream = doc.context.stream(packed, { Filter: 'FlateDecode', Length: packed.length });
  doc.addPage([612, 792]).node.set(PDFName.of('Contents'), doc.context.register(stream));
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/**
 * A one-page PDF whose catalog, page tree, page and font live in one compressed object stream (found through an
 * xref stream), as many producers write them, together with `neighbour`: one more object in the same stream that
 * nothing refers to, stored last (or first). Poppler reads each object of a stream on its own, so a damaged
 * neighbour does not matter to it.
 */
export function objectStreamPdf(text: string, neighbour: string, opts: { neighbourFirst?: boolean } = {}): Uint8Array {
  const objects = new Map<number, string>([
    [1, '<</Type/Catalog/Pages 2 0 R>>'],
    [2, '<</Type/Pages/Kids[3 0 R]/Count 1>>'],
    [3, '<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 200]/Resources<</Font<</F1 4 0 R>>>>/Contents 6 0 R>>'],
    [4, '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>'],
    [5, neighbour],
  ]);
  const order = opts.neighbourFirst ? [5, 1, 2, 3, 4] : [1, 2, 3, 4, 5];
  let body = '';
  const header: string[] = [];
  for (const num of order) {
    header.push(`${num} ${body.length}`);
    body += `${objects.get(num)}\n`;
  }
  const first = `${header.join(' ')}\n`;
  const packed = zlib.deflateSync(Buffer.from(first + body, 'latin1'));
  const content = Buffer.from(`BT /F1 14 Tf 20 100 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`, 'latin1');
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const size = () => parts.reduce((n, b) => n + b.length, 0);
  const contentAt = size();
  parts.push(Buffer.from(`6 0 obj<</Length ${content.length}>>stream\n`, 'latin1'), content, Buffer.from('\nendstream endobj\n', 'latin1'));
  const streamAt = size();
  parts.push(
    Buffer.from(`7 0 obj<</Type/ObjStm/N ${order.length}/First ${first.length}/Filter/FlateDecode/Length ${packed.length}>>stream\n`, 'latin1'),
    packed,
    Buffer.from('\nendstream endobj\n', 'latin1'),
  );
  const xrefAt = size();
  // Xref stream rows, /W [1 4 2]: type, offset or object stream number, generation or index in the stream.
  const row = (type: number, field2: number, field3: number) => {
    const b = Buffer.alloc(7);
    b.writeUInt8(type, 0);
    b.writeUInt32BE(field2, 1);
    b.writeUInt16BE(field3, 5);
    return b;
  };
  const rows = Buffer.concat([
    row(0, 0, 65535),
    ...[1, 2, 3, 4, 5].map((num) => row(2, 7, order.indexOf(num))),
    row(1, contentAt, 0),
    row(1, streamAt, 0),
    row(1, xrefAt, 0),
  ]);
  parts.push(
    Buffer.from(`8 0 obj<</Type/XRef/Size 9/W[1 4 2]/Root 1 0 R/Length ${rows.length}>>stream\n`, 'latin1'),
    rows,
    Buffer.from(`\nendstream endobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'),
  );
  return new Uint8Array(Buffer.concat(parts));
}

/** Encrypt a PDF with qpdf (AES-256) so that opening it needs `userPassword`. */
export function encryptPdf(pdf: Uint8Array, userPassword: string, ownerPassword = 'owner-secret'): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-qpdf-'));
  try {
    const input = path.join(dir, 'in.pdf');
    const output = path.join(dir, 'out.pdf');
    fs.writeFileSync(input, pdf);
    execFileSync('qpdf', ['--encrypt', userPassword, ownerPassword, '256', '--', input, output]);
    return new Uint8Array(fs.readFileSync(output));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Page count according to poppler's `pdfinfo`. */
export function pdfinfoPages(file: string): number {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /^Pages:\s+(\d+)/m.exec(out);
  if (!m) throw new Error(`pdfinfo printed no page count for ${file}`);
  return Number(m[1]);
}

/** Text of one page according to poppler's `pdftotext`, NFKC-normalised like ours. */
export function pdftotextPage(file: string, page: number): string {
  return execFileSync('pdftotext', ['-q', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), file, '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).normalize('NFKC');
}

/** Lower-cased words (letters and digits) of a text, for comparing extractions. */
export function words(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

const pageCache = new Map<string, string[]>();

/** pdftotext's text of every page of a file (cached per file). */
export function popplerPages(file: string): string[] {
  let pages = pageCache.get(file);
  if (!pages) {
    const n = pdfinfoPages(file);
    pages = Array.from({ length: n }, (_, i) => pdftotextPage(file, i + 1));
    pageCache.set(file, pages);
  }
  return pages;
}

/**
 * Words (≥ 6 letters, no digits) that poppler finds on `page` of `file` and on no other page of any of `files`:
 * evidence that only this page can match. In order of appearance.
 */
export function distinctiveWords(files: string[], file: string, page: number, max = 8): string[] {
  const elsewhere = new Set<string>();
  for (const f of files) {
    popplerPages(f).forEach((text, i) => {
      if (f === file && i + 1 === page) return;
      for (const w of words(text)) elsewhere.add(w);
    });
  }
  const own = words(popplerPages(file)[page - 1] ?? '').filter((w) => w.length >= 6 && /^\p{L}+$/u.test(w) && !elsewhere.has(w));
  return [...new Set(own)].slice(0, max);
}

/** The run of ~10 words of poppler's page text that carries the most of the page's distinctive words. */
export function distinctivePhrase(files: string[], file: string, page: number, size = 10): string {
  const unique = new Set(distinctiveWords(files, file, page, 1000));
  const tokens = (popplerPages(file)[page - 1] ?? '').split(/\s+/).filter(Boolean);
  let best = { phrase: '', score: 0 };
  for (let i = 0; i < tokens.length; i++) {
    const phrase = tokens.slice(i, i + size).join(' ');
    const score = new Set(words(phrase).filter((w) => unique.has(w))).size;
    if (score > best.score) best = { phrase, score };
  }
  if (best.score < 2) throw new Error(`page ${page} of ${file} has no distinctive phrase`);
  return best.phrase;
}

/**
 * An image-only PDF made from real pages: each page of `file` named in `pages` is rasterised by poppler's
 * `pdftoppm` at `dpi` (JPEG, as scanners write) and placed alone, at its original size, on a page of a new PDF
 * with no text layer: what a scanner produces.
 */
export async function scannedPdf(file: string, pages: number[], dpi = 200): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-scan-'));
  try {
    for (const n of pages) {
      const stem = path.join(dir, `p${n}`);
      execFileSync('pdftoppm', ['-q', '-r', String(dpi), '-f', String(n), '-l', String(n), '-singlefile', '-jpeg', '-jpegopt', 'quality=85', file, stem]);
      const image = await doc.embedJpg(fs.readFileSync(`${stem}.jpg`));
      const width = (image.width * 72) / dpi;
      const height = (image.height * 72) / dpi;
      doc.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return doc.save({ useObjectStreams: false });
}

/**
 * Share of `reference`'s words (as a multiset, see `words`) that `candidate` has too: how much of a page's text
 * an extraction recovered.
 */
export function wordRecall(reference: string, candidate: string): number {
  const have = new Map<string, number>();
  for (const w of words(candidate)) have.set(w, (have.get(w) ?? 0) + 1);
  const ref = words(reference);
  let found = 0;
  for (const w of ref) {
    const n = have.get(w) ?? 0;
    if (n > 0) {
      found++;
      have.set(w, n - 1);
    }
  }
  return ref.length ? found / ref.length : 1;
}
