/**
 * `npm run bench [-- --only ingest,chat,ocr]` — speed and memory, reported as numbers from one run (ratios against a
 * reference measured in the same run where one exists). Never part of `npm test`: timings flake on shared CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { corpusMissing, CORPORA, WHERE } from '../support/corpora.js';
import { benchChat } from './chat.js';
import { benchIngest, MANUAL, printIngest } from './ingest.js';
import { benchOcr, printOcr, TESSDATA } from './ocr.js';
import { benchScale } from './scale.js';
import { scaleTable } from './scale-report.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    out: { type: 'string' },
    // --only scale: library sizes in chunks, pages per generated document, the baseline commit, which servers.
    sizes: { type: 'string', default: '10000,50000,100000' },
    big: { type: 'boolean', default: false },
    pages: { type: 'string', default: '2000' },
    baseline: { type: 'string', default: 'c39dd4a' },
    new: { type: 'string' },
    variants: { type: 'string', default: 'baseline,new' },
  },
});
const report: Record<string, unknown> = { node: process.version, cpus: os.availableParallelism(), at: new Date().toISOString() };
/** The scale benchmark takes most of an hour: it runs only when asked for by name. */
const want = (name: string) => (!args.only && name !== 'scale') || (args.only ?? '').split(',').includes(name);
/**
 * The benchmarks read the optional corpora (and R's manual from Debian): without them a part says what it skipped,
 * on one line, and the run still succeeds.
 */
function missingFor(name: 'ingest' | 'chat'): string | null {
  const corpora = (name === 'ingest' ? ['sec-10-q', 'ntsb'] : ['sec-10-q']).filter((c) => corpusMissing(c));
  const why: string[] = [];
  if (corpora.length) why.push(`no optional corpus ${corpora.join(' or ')} in ${WHERE}`);
  else if (name === 'chat' && !fs.existsSync(path.join(CORPORA, 'sec-10-q', 'qna_data.csv'))) why.push(`no sec-10-q/qna_data.csv in ${CORPORA}`);
  if (name === 'ingest' && !fs.existsSync(MANUAL)) why.push(`no ${MANUAL} (Debian package r-doc-pdf)`);
  return why.length ? why.join('; ') : null;
}
const skipped = (name: 'ingest' | 'chat') => {
  const why = missingFor(name);
  if (why) console.log(`bench ${name} skipped: ${why}`);
  return why !== null;
};
let ran = false;

if (want('ocr')) {
  if (!fs.existsSync(path.join(TESSDATA, 'eng.traineddata'))) console.log(`bench ocr skipped: no ${TESSDATA}/eng.traineddata (Debian package tesseract-ocr-eng)`);
  else {
    ran = true;
    const r = await benchOcr();
    report.ocr = r;
    printOcr(r);
  }
}

if (want('ingest') && !skipped('ingest')) {
  ran = true;
  const r = await benchIngest();
  report.ingest = r;
  printIngest(r);
}

if (want('chat') && !skipped('chat')) {
  ran = true;
  const r = await benchChat();
  report.chat = r;
  const f = (x: number | undefined) => (x ?? 0).toFixed(1);
  console.log(
    `chat: ${r.questions} questions over sec-10-q — server overhead before the model call (retrieval + prompt) p50 ${f(r.overheadP50Ms)} ms, p95 ${f(r.overheadP95Ms)} ms (retrieval alone p50 ${f(r.retrievalP50Ms)} / p95 ${f(r.retrievalP95Ms)} ms); time to first token with an instant fake endpoint p50 ${f(r.ttftP50Ms)} ms, p95 ${f(r.ttftP95Ms)} ms`,
  );
}

if (want('scale')) {
  ran = true;
  const sizes = args.sizes.split(',').map(Number).concat(args.big ? [200_000] : []);
  const variants = args.variants.split(',') as ('baseline' | 'new')[];
  const r = await benchScale({ sizes, pages: Number(args.pages), baseline: args.baseline, newCommit: args.new, variants }, (v, row) =>
    console.log(`scale ${v}: ${JSON.stringify(row, (_k, x: unknown) => (typeof x === 'number' ? Number(x.toFixed(2)) : x))}`),
  );
  report.scale = r;
  for (const [v, rows] of Object.entries(r)) console.log(`\n${scaleTable(v === 'new' ? 'new (this checkout)' : `baseline (${args.baseline})`, rows)}`);
}

if (ran) {
  const out = args.out ?? path.join(os.tmpdir(), 'pagewise-bench.json');
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(`bench report: ${out}`);
}
