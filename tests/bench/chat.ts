/**
 * Chat overhead benchmark: the server's own work before the first answer token (retrieval + prompt assembly,
 * the expansion call excluded, its extra searches included) over the sec-10-q library, and the time to first token with a fake endpoint that answers
 * instantly. Reported as p50/p95 of one run.
 */
import path from 'node:path';
import { CORPORA } from '../support/corpora.js';
import { startFakeLlm } from '../support/fake-llm.js';
import { startTestServer, upload, waitForIngestion } from '../support/server.js';
import { loadSecQuestions } from '../eval/questions.js';
import { percentile } from '../eval/metrics.js';

export async function benchChat(opts: { questions?: number } = {}): Promise<Record<string, number>> {
  const llm = await startFakeLlm();
  llm.always({ kind: 'ok', content: 'Total net sales were $81,797 million [1].', chunkSize: 8 });
  // Query expansion on, as in production: the instant endpoint answers the expansion call too (one other wording).
  // The chat rate limit (per client address) is not what is measured here.
  const server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-chat', LOG_LEVEL: 'warn', INGEST_WORKERS: '2', QUERY_EXPANSION: 'on', RATE_LIMIT_CHAT_PER_MIN: '100000' });
  try {
    const dir = path.join(CORPORA, 'sec-10-q');
    const pdfs = (await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.pdf'));
    await upload(server.url, pdfs.map((f) => ({ path: path.join(dir, f) })));
    await waitForIngestion(server.url, 20 * 60_000);
    const questions = loadSecQuestions(path.join(dir, 'qna_data.csv')).slice(0, opts.questions ?? 195);
    const overhead: number[] = [];
    const retrieval: number[] = [];
    const ttft: number[] = [];
    for (const q of questions) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: q.question }] }),
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      let first: number | null = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        if (first === null && buf.includes('event: answer')) first = performance.now() - t0;
      }
      const doneLine = buf.split('\n').find((l) => l.startsWith('data:') && l.includes('"type":"done"'));
      if (!doneLine || first === null) throw new Error(`chat did not complete for "${q.question}": ${buf.slice(-300)}`);
      const done = JSON.parse(doneLine.slice(5)) as { timings: { overheadMs: number; retrievalMs: number } };
      overhead.push(done.timings.overheadMs);
      retrieval.push(done.timings.retrievalMs);
      ttft.push(first);
    }
    return {
      questions: questions.length,
      overheadP50Ms: percentile(overhead, 50),
      overheadP95Ms: percentile(overhead, 95),
      retrievalP50Ms: percentile(retrieval, 50),
      retrievalP95Ms: percentile(retrieval, 95),
      ttftP50Ms: percentile(ttft, 50),
      ttftP95Ms: percentile(ttft, 95),
    };
  } finally {
    await server.close();
    await llm.close();
  }
}
