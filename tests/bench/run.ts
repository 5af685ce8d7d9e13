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

const { values: args } = parseArgs({ options: { only: { type: 'string' }, out: { type: 'string' } } });
const report: Record<string, unknown> = { node: process.version, cpus: os.availableParallelism(), at: new Date().toISOString() };
const want = (name: string) => !args.only || args.only.split(',').includes(name);
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

if (ran) {
  const out = args.out ?? path.join(os.tmpdir(), 'pagewise-bench.json');
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(`bench report: ${out}`);
}
