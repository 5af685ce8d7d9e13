/**
 * `npm run eval:tune -- --set SET.json --data-dir DIR` — replays each question's search candidates (both rankings
 * and the document prior, fetched once) under a grid of fusion weights, and prints page hit@5 per group for each,
 * best first, with the weights in force marked. The library in DIR must already hold the set's documents, ingested
 * with the embedder in the environment: `npm run eval:set -- --data-dir DIR` does that once (with EMBEDDER=openai
 * most of an hour of CPU here), after which each tuning run costs one query embedding per question. The grid's
 * dense weights 0.01 and 50 stand for the lexical and the dense ranking alone.
 */
import { parseArgs } from 'node:util';
import { FUSION, fuse, type FusionWeights } from '../../server/src/index/fusion.js';
import { textLanguage, type TextLanguage } from '../../server/src/index/language.js';
import { CONFIG_KEYS } from '../../server/src/config.js';
import { startTestServer } from '../support/server.js';
import { loadQuestionSet, matchesPattern, type EvalQuestion } from './questions.js';

const { values: args } = parseArgs({
  options: { set: { type: 'string' }, 'data-dir': { type: 'string' }, k: { type: 'string', default: '10' }, top: { type: 'string', default: '12' } },
});
if (!args.set || !args['data-dir']) {
  console.error('usage: npm run eval:tune -- --set SET.json --data-dir DIR (a library ingested by eval:set --data-dir)');
  process.exit(2);
}

/** The groups the question-set targets name: same-language (lexical and paraphrase), paraphrase, cross-lingual. */
const GROUPS: [string, (q: EvalQuestion) => boolean][] = [
  ['all', () => true],
  ['same-lang', (q) => q.type !== 'crosslingual'],
  ['lexical', (q) => q.type === 'lexical'],
  ['paraphrase', (q) => q.type === 'paraphrase'],
  ['cross-lingual', (q) => q.type === 'crosslingual'],
  ['long-doc', (q) => Boolean(q.tags?.includes('long-doc'))],
];

function grid(): FusionWeights[] {
  const out: FusionWeights[] = [];
  for (const dense of [0.01, 0.6, 0.9, 1.2, 1.6, 2.2, 3, 50])
    for (const otherLanguage of [1, 1.5, 2, 3, 5])
      for (const docPrior of [0, 0.5, 1, 2]) for (const navigation of [0.9]) out.push({ dense, otherLanguage, docPrior, navigation });
  return out;
}

const env: Record<string, string> = { LOG_LEVEL: 'warn', EMBEDDER: 'builtin' };
for (const key of CONFIG_KEYS) if (process.env[key] !== undefined && !['DATA_DIR', 'PORT', 'HOST'].includes(key)) env[key] = process.env[key]!;
const questions = loadQuestionSet(args.set).questions.filter((q) => q.pages?.length);
const server = await startTestServer(env, args['data-dir']);
try {
  const index = await server.services.index();
  const k = Number(args.k);
  const found: { q: EvalQuestion; lang: TextLanguage; c: Awaited<ReturnType<typeof index.candidates>> }[] = [];
  for (const q of questions) found.push({ q, lang: textLanguage(q.question), c: await index.candidates(q.question, { k }) });
  const gold = (q: EvalQuestion, row: { document_name: string; page_start: number }) =>
    q.pages!.some((g) => g.page === row.page_start && matchesPattern(row.document_name, g.doc));
  const score = (w: FusionWeights) => {
    const hit = found.map(({ q, lang, c }) => {
      const pages: boolean[] = [];
      const seen = new Set<string>();
      for (const [id] of fuse(c, lang, w)) {
        const row = c.rows.get(id)!;
        const key = `${row.document_id}:${row.page_start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pages.push(gold(q, row));
        if (pages.length === 5) break;
      }
      return pages.some(Boolean);
    });
    return GROUPS.map(([, pick]) => {
      const mine = found.map((f, i) => (pick(f.q) ? hit[i] : null)).filter((h) => h !== null);
      return mine.filter(Boolean).length / Math.max(1, mine.length);
    });
  };
  const current = FUSION[index.embedder.kind];
  const rows = [current, ...grid()].map((w) => ({ w, s: score(w) }));
  // Best by the weakest of the three targets' shares (same-language 0.85, paraphrase 0.75, cross-lingual 0.70).
  const worst = (s: number[]) => Math.min(s[1]! / 0.85, s[3]! / 0.75, s[4]! / 0.7);
  const fmt = (w: FusionWeights) => `dense=${w.dense} other=${w.otherLanguage} prior=${w.docPrior} nav=${w.navigation}`;
  console.log(`${questions.length} questions, embedder ${index.embedder.id} (${index.embedder.kind}); page hit@5 by group`);
  console.log(`${'weights'.padEnd(44)} ${GROUPS.map(([g]) => g.padStart(13)).join('')}`);
  const line = (r: (typeof rows)[number], mark: string) => console.log(`${(mark + fmt(r.w)).padEnd(44)} ${r.s.map((x) => x.toFixed(3).padStart(13)).join('')}`);
  line(rows[0]!, '* ');
  for (const r of rows.slice(1).sort((a, b) => worst(b.s) - worst(a.s) || b.s[0]! - a.s[0]!).slice(0, Number(args.top))) line(r, '  ');
} finally {
  await server.close({ keepData: true });
}
