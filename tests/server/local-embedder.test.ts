/**
 * The local embedder's real loading path (transformers.js + ONNX Runtime) on a model the tests make
 * (tests/support/tiny-model.ts), with no download: it loads from DATA_DIR/models, embeds by meaning (a
 * question's synonym finds the page that shares no word with it), and a model that cannot be loaded makes
 * `auto` fall back to the built-in embedder and say why in /api/health.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, type SearchResponse } from '@pagewise/shared';
import { LocalEmbedder } from '../../server/src/index/embedders/local.js';
import { createLogger } from '../../server/src/logger.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';
import { writeTinyModel } from '../support/tiny-model.js';

const MODEL = 'test-org/tiny-embedder';
const TOPICS = [
  ['cat', 'kitten', 'feline'],
  ['car', 'automobile', 'vehicle'],
  ['rain', 'storm', 'weather'],
];
const FILLER = ['the', 'a', 'small', 'red', 'sleeps', 'parks', 'on', 'sofa', 'street', 'falls', 'outside'];

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

function dataDirWithModel(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-local-'));
  writeTinyModel(path.join(dir, 'models'), MODEL, TOPICS, FILLER);
  return dir;
}

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('local embedder (transformers.js) on a test-made model', () => {
  it('loads from the models folder without a download and embeds by meaning', async () => {
    const dir = dataDirWithModel();
    const e = await LocalEmbedder.load({ model: MODEL, modelsDir: path.join(dir, 'models'), allowDownload: false, log: createLogger({ level: 'silent' }) });
    expect(e).toMatchObject({ kind: 'local', id: `local:${MODEL}:4`, dimension: 4 });
    const [cat, car] = await e.embedDocuments(['The small cat sleeps on the sofa', 'A red automobile parks on the street']);
    const q = await e.embedQuery('kitten');
    expect(Math.hypot(...q)).toBeCloseTo(1, 5);
    expect(cos(q, cat!)).toBeGreaterThan(0.8);
    expect(cos(q, car!)).toBeLessThan(0.3);
  });

  it('fails to load a model that is not there when downloads are off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-local-'));
    await expect(LocalEmbedder.load({ model: MODEL, modelsDir: dir, allowDownload: false, log: createLogger({ level: 'silent' }) })).rejects.toThrow();
  });

  it('serves search with EMBEDDER=local: a synonym finds the page that shares no word with the question', async () => {
    const s = await startTestServer({ EMBEDDER: 'local', LOCAL_EMBED_MODEL: MODEL }, dataDirWithModel());
    servers.push(s);
    await s.services.index();
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.embedder).toMatchObject({ kind: 'local', id: `local:${MODEL}:4`, dimension: 4, fallbackReason: null });

    const pdf = await textPdf([['The small cat sleeps on the sofa.'], ['A red automobile parks on the street.'], ['The rain falls outside.']]);
    expect((await upload(s.url, [{ name: 'three.pdf', data: pdf }])).status).toBe(202);
    await waitForIngestion(s.url);
    const search = async (query: string) =>
      ((await (await fetch(`${s.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k: 3 }) })).json()) as SearchResponse).results;
    expect((await search('kitten'))[0]?.page).toBe(1);
    expect((await search('vehicle'))[0]?.page).toBe(2);
    expect((await search('storm'))[0]?.page).toBe(3);
  });

  it('with EMBEDDER=auto, a model that cannot be loaded falls back to the built-in embedder and says why', async () => {
    const dir = dataDirWithModel();
    fs.writeFileSync(path.join(dir, 'models', MODEL, 'onnx', 'model_quantized.onnx'), 'not an onnx model');
    const s = await startTestServer({ EMBEDDER: 'auto', LOCAL_EMBED_MODEL: MODEL }, dir);
    servers.push(s);
    await s.services.index();
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.embedder.kind).toBe('builtin');
    expect(health.embedder.fallbackReason).toContain(MODEL);
  });
});
