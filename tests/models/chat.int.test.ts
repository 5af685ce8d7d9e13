/**
 * `npm run test:models`: the real server (`npm start` as a child process) answering through a real open-weight
 * chat model and a real embedder, both on loopback endpoints that `npm run models:up` starts (LLM_BASE_URL,
 * LLM_MODEL, EMBED_BASE_URL, EMBED_MODEL). Uploads the ten NTSB reports, asks the questions in questions.ts
 * through /api/chat, and asserts what must hold whatever the model's quality: the answer streams, every
 * citation resolves to a page whose text contains the passage, a question the documents cannot answer gets an
 * abstention or no citation, and reasoning (`<think>`) stays out of the answer and out of the next turn.
 * Ends with one SUMMARY line. Without the endpoints, scripts/models/test.mjs skips it with one line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, Citation } from '@pagewise/shared';
import { getConversation, pageText, postChat, squash, streamEvents } from '../support/chat.js';
import { spawnServer, type ChildServer } from '../support/child-server.js';
import { fixturePdfs } from '../support/fixtures.js';
import { upload, waitForIngestion } from '../support/server.js';
import { median, MODEL_ENV } from './env.js';
import { ABSTAIN_RE, QUESTIONS, type ModelQuestion } from './questions.js';

const env = process.env;

interface Asked {
  question: ModelQuestion;
  answer: string;
  citations: Citation[];
  sourceCount: number;
  answerDeltas: number;
  streamedBeforeDone: boolean;
  ttftMs: number | null;
  tokensPerS: number | null;
  conversationId: string;
  status: string;
  /** The claim check's counts for this answer (the verification event), when there was one. */
  claims: Record<'supported' | 'partial' | 'unsupported' | 'uncited', number> | null;
}

let server: ChildServer;
let dataDir: string;
const asked: Asked[] = [];
const pages = new Map<string, string>();

async function ask(content: string, history: { role: 'user' | 'assistant'; content: string }[] = [], conversationId?: string) {
  const res = await postChat(server.url, { messages: [...history, { role: 'user', content }], conversationId });
  const events: { e: ChatEvent; at: number }[] = [];
  for await (const e of streamEvents(res)) events.push({ e, at: performance.now() });
  return events;
}

function record(question: ModelQuestion, events: { e: ChatEvent; at: number }[]): Asked {
  const of = <T extends ChatEvent['type']>(t: T) => events.filter((x) => x.e.type === t) as { e: Extract<ChatEvent, { type: T }>; at: number }[];
  const answers = of('answer');
  const done = of('done')[0];
  expect(done, `the stream ends with done, not ${events.at(-1)?.e.type}: ${JSON.stringify(events.at(-1)?.e)}`).toBeDefined();
  const t = done!.e.timings;
  const gen = t.firstTokenMs === null ? null : t.totalMs - t.firstTokenMs;
  const tokens = done!.e.usage?.completionTokens ?? null;
  return {
    question,
    answer: answers.map((a) => a.e.delta).join(''),
    citations: of('citations')[0]?.e.citations ?? [],
    sourceCount: of('sources')[0]?.e.sources.length ?? 0,
    answerDeltas: answers.length,
    streamedBeforeDone: answers.length > 0 && answers[0]!.at < done!.at,
    ttftMs: t.firstTokenMs,
    tokensPerS: tokens && gen && gen > 0 ? (tokens - 1) / (gen / 1000) : null,
    conversationId: of('start')[0]!.e.conversationId,
    status: done!.e.status,
    claims: of('verification')[0]?.e.counts ?? null,
  };
}

async function pageOf(c: Citation): Promise<string> {
  const key = `${c.documentId}:${c.page}`;
  if (!pages.has(key)) pages.set(key, squash(await pageText(server.url, c.documentId, c.page)));
  return pages.get(key)!;
}

const FOLLOW_UP = 'And what were the weather conditions?';

/** The messages the chat endpoint logged for the request whose last message contains `question` (polls 120 s). */
/** Lines of the chat endpoint's log so far (the log is kept across runs). */
const logLines = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

/** The messages of the follow-up's answer call, among the log lines written after the first `skip`. */
async function sentFollowUp(log: string, question: string, skip: number): Promise<{ role: string; content: string }[] | null> {
  for (let i = 0; i < 240; i++) {
    const lines = logLines(log).slice(skip).map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    // The answer call, not the follow-up rewrite (whose last message also quotes the question).
    const hit = lines.reverse().find((l) => l.messages.at(-1)?.content.includes(`Question: ${question}`));
    if (hit) return hit.messages;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

/** Generation speed on the chat endpoint itself: tokens of one streamed completion (up to 64) over its time. */
async function measureSpeed(): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${env.LLM_BASE_URL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: env.LLM_MODEL, stream: true, max_tokens: 64, temperature: 0, messages: [{ role: 'user', content: 'Write a short story about an airplane.' }] }),
  });
  const text = await res.text();
  const usage = /"completion_tokens":(\d+)/.exec(text);
  return usage ? Number(usage[1]) / ((performance.now() - t0) / 1000) : NaN;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-models-'));
  server = await spawnServer(dataDir, MODEL_ENV, 60_000);
  const res = await upload(server.url, fixturePdfs('ntsb').map((p) => ({ path: p })));
  expect(res.status).toBe(202);
  await waitForIngestion(server.url, 600_000);
}, 660_000);

afterAll(async () => {
  await server?.kill9();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (asked.length === 0) return;
  const inside = asked.filter((a) => !a.question.outside);
  const outside = asked.filter((a) => a.question.outside);
  const answered = inside.filter((a) => a.question.expect!.test(a.answer)).length;
  const cited = inside.filter((a) => a.citations.length > 0).length;
  const abstained = outside.filter((a) => ABSTAIN_RE.test(a.answer) || a.citations.length === 0).length;
  const ttft = median(asked.map((a) => a.ttftMs).filter((x): x is number => x !== null));
  const measured = asked.map((a) => a.tokensPerS).filter((x): x is number => x !== null);
  // Answers stopped early (an echo) carry no usage: then the endpoint's own speed on one completion is reported.
  const tps = measured.length ? median(measured) : await measureSpeed();
  const claims = { supported: 0, partial: 0, unsupported: 0, uncited: 0 };
  for (const a of asked) for (const k of Object.keys(claims) as (keyof typeof claims)[]) claims[k] += a.claims?.[k] ?? 0;
  const report = env.MODELS_TEST_REPORT;
  if (report) fs.writeFileSync(report, JSON.stringify(asked, null, 2));
  process.stdout.write(
    `SUMMARY models chat=${env.LLM_MODEL} embed=${env.EMBED_MODEL} answered=${answered}/${inside.length} citations_ok=${cited}/${inside.length} abstained=${abstained}/${outside.length} ttft_p50_ms=${Math.round(ttft)} tokens_per_s=${tps.toFixed(1)} claims supported/partial/unsupported/uncited=${claims.supported}/${claims.partial}/${claims.unsupported}/${claims.uncited}\n`,
  );
});

describe(`real models: chat ${env.LLM_MODEL}, embeddings ${env.EMBED_MODEL}`, () => {
  it.each(QUESTIONS.map((q) => [q.q, q] as const))('%s', async (_, question) => {
    const a = record(question, await ask(question.q));
    asked.push(a);
    expect(a.sourceCount, 'retrieval found passages').toBeGreaterThan(0);
    expect(a.answer.trim().length, 'an answer was written').toBeGreaterThan(0);
    expect(a.streamedBeforeDone, 'answer text arrives before done').toBe(true);
    expect(a.answer).not.toMatch(/<\/?think>/);
    for (const c of a.citations) {
      expect(await pageOf(c), `[${c.n}] ${c.documentName} p.${c.page} contains its passage`).toContain(squash(c.text));
      expect(a.answer, `[${c.n}] is cited in the text or shown as a source`).toMatch(new RegExp(`\\[${c.n}\\]`));
    }
    if (question.outside) {
      expect(ABSTAIN_RE.test(a.answer) || a.citations.length === 0, `abstains or cites nothing: ${a.answer}`).toBe(true);
    }
  });

  it('keeps reasoning out of the stored answer and out of the next turn', async () => {
    const first = asked[0]!;
    const stored = await getConversation(server.url, first.conversationId);
    const reply = stored.messages.find((m) => m.role === 'assistant')!;
    expect(reply.content).not.toMatch(/<\/?think>/);
    const history = stored.messages.map((m) => ({ role: m.role, content: m.content }));
    const log = env.PAGEWISE_MODELS_DIR ? path.join(env.PAGEWISE_MODELS_DIR, 'run', 'transcripts.jsonl') : '';
    const before = log ? logLines(log).length : 0;
    const follow = record({ q: FOLLOW_UP }, await ask(FOLLOW_UP, history, first.conversationId));
    expect(follow.answer).not.toMatch(/<\/?think>/);
    if (log && fs.existsSync(log)) {
      // The chat endpoint's own log (written when its generation ends): what the model was really sent, in this run.
      const sent = await sentFollowUp(log, FOLLOW_UP, before);
      expect(sent, 'the chat endpoint logged the follow-up').not.toBeNull();
      expect(sent!.some((m) => m.role === 'assistant'), 'the follow-up carried the earlier answer').toBe(true);
      for (const m of sent!) expect(m.content).not.toMatch(/<\/?think>/);
    }
  });
});
