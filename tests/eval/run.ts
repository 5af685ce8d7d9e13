/**
 * `npm run eval` — retrieval quality over a folder of PDFs and a question file, through the real HTTP API.
 *
 *   npm run eval                                   # sec-10-q: 20 filings, 195 questions
 *   npm run eval -- --pdfs DIR --questions Q.json  # any folder + question file with gold pages
 *   npm run eval -- --set SET.json                 # a question set naming its own documents (npm run eval:set)
 *   options: --k 10  --out result.json  --data-dir DIR (reuse an ingested library)
 *            --expand: search as chat does, with the configured model's query expansion (needs LLM_BASE_URL,
 *            LLM_MODEL, LLM_API_KEY in the environment; counts one model call per question)
 *
 * Reports filing-level hit@5 per question type, page-level hit@1/5/10 and MRR where gold pages exist,
 * evidence@5 (a gold string/figure found in a top-5 passage), per type, language and tag, and search latency.
 * Configuration (EMBEDDER, CHUNK_SIZE, CHUNK_OVERLAP, …) comes from the environment like `npm start`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SearchResponse } from '@pagewise/shared';
import { CONFIG_KEYS } from '../../server/src/config.js';
import { CORPORA } from '../support/corpora.js';
import { startTestServer, upload } from '../support/server.js';
import {
  loadJsonQuestions,
  loadQuestionSet,
  loadSecQuestions,
  matchesPattern,
  normalizeEvidence,
  missingSummary,
  resolveSetDocuments,
  type EvalQuestion,
} from './questions.js';
import { summarize, type QuestionResult } from './metrics.js';

const { values: args } = parseArgs({
  options: {
    pdfs: { type: 'string' },
    questions: { type: 'string' },
    set: { type: 'string' },
    k: { type: 'string', default: '10' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
    name: { type: 'string' },
    expand: { type: 'boolean', default: false },
  },
});

/** The documents are optional extras: without them the run says what it skipped, on one line, and succeeds. */
function skip(why: string): never {
  console.log(`eval skipped: ${why}`);
  process.exit(0);
}

let pdfs: string[];
let questions: EvalQuestion[];
if (args.set) {
  const set = loadQuestionSet(args.set);
  const missing = missingSummary(set, CORPORA);
  if (missing) skip(`${path.basename(args.set)}: ${missing} (see tests/eval/questions/README.md)`);
  pdfs = resolveSetDocuments(set, CORPORA).files;
  questions = set.questions;
} else {
  const pdfDir = args.pdfs ?? path.join(CORPORA, 'sec-10-q');
  const qna = path.join(CORPORA, 'sec-10-q', 'qna_data.csv');
  const gone = [!fs.existsSync(pdfDir) && pdfDir, !args.questions && !fs.existsSync(qna) && qna].filter(Boolean);
  if (gone.length) skip(`the optional corpus "sec-10-q" is not there (no ${gone.join(', no ')}); set PAGEWISE_CORPORA, or pass --pdfs and --questions`);
  pdfs = fs.readdirSync(pdfDir).filter((f) => f.toLowerCase().endsWith('.pdf')).sort().map((f) => path.join(pdfDir, f));
  questions = args.questions ? loadJsonQuestions(args.questions) : loadSecQuestions(qna);
}
const questionFile = args.set ?? args.questions;
const name = (args.name ?? (questionFile ? path.basename(questionFile, '.json') : 'sec-10-q')) + (args.expand ? '-expanded' : '');
const k = Number(args.k);

// Every server setting in the environment applies, as with `npm start` (EMBED_BATCH and EMBED_TIMEOUT_MS
// matter for a slow local embedder); only where the server lives is the harness's own.
const env: Record<string, string> = { LOG_LEVEL: 'warn', EMBEDDER: 'builtin' };
for (const key of CONFIG_KEYS) {
  const v = process.env[key];
  if (v !== undefined && !['DATA_DIR', 'PORT', 'HOST'].includes(key)) env[key] = v;
}
env.INGEST_WORKERS ??= String(Math.max(1, os.availableParallelism()));
if (args.expand) {
  if (!env.LLM_BASE_URL) {
    console.error('--expand needs a model: set LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY)');
    process.exit(2);
  }
  Object.assign(env, { QUERY_EXPANSION: 'on', CHAT_TOP_K: String(k) });
}

/**
 * Wait until every document is ready or failed. A CPU embeddings endpoint can take an hour over a corpus, so there
 * is no overall limit: the run gives up only when nothing has moved (pages read, passages stored, documents
 * settled) for `stallMs`. Progress goes to stderr once a minute.
 */
async function waitWhileProgressing(url: string, stallMs: number): Promise<void> {
  let last = '';
  let lastChange = Date.now();
  let lastReport = Date.now();
  for (;;) {
    const { documents } = (await (await fetch(`${url}/api/documents`)).json()) as { documents: { status: string; pagesDone: number; chunks: number }[] };
    const settled = documents.filter((d) => d.status === 'ready' || d.status === 'failed').length;
    if (settled === documents.length) return;
    const state = `${settled}:${documents.reduce((n, d) => n + d.pagesDone + d.chunks, 0)}`;
    if (state !== last) (last = state), (lastChange = Date.now());
    if (Date.now() - lastChange > stallMs) throw new Error(`ingestion stalled: nothing moved for ${Math.round(stallMs / 60_000)} min (${settled} of ${documents.length} documents settled)`);
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      const chunks = documents.reduce((n, d) => n + d.chunks, 0);
      console.error(`  ingesting: ${settled} of ${documents.length} documents settled, ${chunks} passages stored`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const dataDir = args['data-dir'];
const server = await startTestServer(env, dataDir);
try {
  const t0 = Date.now();
  for (let i = 0; i < pdfs.length; i += 20) {
    const res = await upload(server.url, pdfs.slice(i, i + 20).map((f) => ({ path: f })));
    if (res.status >= 400) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  }
  // One long document embeds for many minutes before its passages count (they are published when it is ready).
  await waitWhileProgressing(server.url, 45 * 60_000);
  const ingestMs = Date.now() - t0;
  // A measurement over a partly ingested library is not one: name what failed and stop.
  const listed = (await (await fetch(`${server.url}/api/documents`)).json()) as { documents: { name: string; status: string; error?: { code: string; message: string } }[] };
  const failed = listed.documents.filter((d) => d.status === 'failed');
  if (failed.length) {
    for (const d of failed) console.error(`  ${d.name}: ${d.error?.code ?? 'failed'} ${d.error?.message ?? ''}`);
    throw new Error(`${failed.length} of ${listed.documents.length} documents failed to ingest; no numbers reported`);
  }
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as { embedder: { id: string } };

  const results: QuestionResult[] = [];
  for (const q of questions) {
    const t = performance.now();
    let hits: SearchResponse['results'];
    if (args.expand) {
      hits = (await server.services.chat.retrieve([], q.question, AbortSignal.timeout(120_000))).hits;
    } else {
      const res = await fetch(`${server.url}/api/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q.question, k }),
      });
      if (!res.ok) throw new Error(`search failed for ${q.id}: ${res.status} ${await res.text()}`);
      hits = ((await res.json()) as SearchResponse).results;
    }
    const ms = performance.now() - t;
    const docRank = hits.findIndex((h) => q.docs.some((p) => matchesPattern(h.documentName, p)));
    const pageRank = q.pages?.length
      ? hits.findIndex((h) => q.pages!.some((g) => g.page === h.page && matchesPattern(h.documentName, g.doc)))
      : null;
    const top5 = hits.slice(0, 5).map((h) => normalizeEvidence(h.text)).join('\n');
    const ev = q.evidence?.length ? q.evidence.map((e) => top5.includes(normalizeEvidence(e))) : null;
    results.push({
      id: q.id,
      type: q.type,
      lang: q.lang,
      ...(q.tags?.length ? { tags: q.tags } : {}),
      ms,
      docRank: docRank < 0 ? null : docRank + 1,
      pageRank: pageRank === null ? undefined : pageRank < 0 ? null : pageRank + 1,
      evidenceAny: ev ? ev.some(Boolean) : undefined,
      evidenceAll: ev ? ev.every(Boolean) : undefined,
      top: hits.slice(0, 5).map((h) => `${h.documentName}#${h.page}`),
    });
  }

  const summary = summarize(results);
  const report = {
    name,
    embedder: health.embedder.id,
    chunkSize: server.services.config.CHUNK_SIZE,
    chunkOverlap: server.services.config.CHUNK_OVERLAP,
    documents: pdfs.length,
    questions: questions.length,
    ingestSeconds: Math.round(ingestMs / 100) / 10,
    ...summary,
    results,
  };
  const out = args.out ?? path.join(os.tmpdir(), `pagewise-eval-${name}.json`);
  fs.writeFileSync(out, JSON.stringify(report, null, 2));

  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));
  console.log(`\n${name}: ${questions.length} questions over ${pdfs.length} PDFs, embedder ${health.embedder.id}, chunk ${report.chunkSize}/${report.chunkOverlap}`);
  console.log('group                              n   doc@5  page@1  page@5  page@10  MRR    evid@5(any/all)');
  for (const g of summary.groups) {
    console.log(
      `${g.group.padEnd(32)} ${String(g.n).padStart(4)}   ${fmt(g.docHit5)}  ${fmt(g.pageHit1)}  ${fmt(g.pageHit5)}  ${fmt(g.pageHit10)}   ${fmt(g.mrr)}  ${fmt(g.evidenceAny5)}/${fmt(g.evidenceAll5)}${g.evidenceN ? ` (n=${g.evidenceN})` : ''}`,
    );
  }
  const missed = results.filter((r) => r.pageRank !== undefined && (r.pageRank === null || r.pageRank > 5));
  if (missed.length) {
    console.log(`gold page not in the top 5: ${missed.length} (first 15: rank, then what came first)`);
    for (const r of missed.slice(0, 15)) console.log(`  ${r.id.padEnd(10)} ${String(r.pageRank ?? `>${k}`).padStart(4)}  ${r.top.slice(0, 3).join('  ')}`);
  }
  console.log(`search latency p50 ${summary.latency.p50.toFixed(1)} ms, p95 ${summary.latency.p95.toFixed(1)} ms; ingest ${report.ingestSeconds} s`);
  const all = summary.groups.find((g) => g.group === 'all')!;
  console.log(
    `SUMMARY ${name} doc@5=${fmt(all.docHit5)} page@5=${fmt(all.pageHit5)} mrr=${fmt(all.mrr)} evidence@5=${fmt(all.evidenceAny5)} p50=${summary.latency.p50.toFixed(1)}ms p95=${summary.latency.p95.toFixed(1)}ms (json: ${out})`,
  );
} finally {
  await server.close({ keepData: Boolean(dataDir) });
}
