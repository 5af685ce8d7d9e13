/**
 * Restarting on the same DATA_DIR: the library, the page text and search results come back identical, and a
 * missing vector index is rebuilt from the stored embeddings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, type HealthResponse, type SearchResult } from '@pagewise/shared';
import { getPage, listDocuments, search, settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { distinctivePhrase } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FILES = [fixtureFile('ntsb', '20080111X00040.pdf'), fixtureFile('ntsb', '20080124X00101.pdf')];
const ENV = { CHUNK_SIZE: '400', CHUNK_OVERLAP: '80' };

let s: TestServer;
let queries: string[];
let ids: string[];

async function health(server: TestServer): Promise<HealthResponse> {
  await server.services.index();
  return HealthResponseSchema.parse(await (await fetch(`${server.url}/api/health`)).json());
}

async function runQueries(server: TestServer): Promise<SearchResult[][]> {
  const out: SearchResult[][] = [];
  for (const query of queries) out.push(await search(server.url, { query, k: 10 }));
  out.push(await search(server.url, { query: queries[0]!, k: 10, documentIds: [ids[1]!] }));
  return out;
}

function readyChunkCount(server: TestServer): number {
  return server.services.docs.readyChunkIds().size;
}

beforeAll(async () => {
  s = await startTestServer(ENV);
  const { documents } = await uploadOk(s.url, FILES.map((p) => ({ path: p })));
  ids = documents.map((d) => d.id);
  for (const id of ids) expect((await settled(s.url, id)).status).toBe('ready');
  queries = [
    distinctivePhrase(FILES, FILES[0]!, 1),
    distinctivePhrase(FILES, FILES[1]!, 1),
    'pilot reported the engine lost power',
    'weather conditions visibility wind',
  ];
});
afterAll(() => s.close());

describe('restart on the same data directory', () => {
  let before: SearchResult[][];

  it('keeps documents, pages and search results identical across a restart', async () => {
    before = await runQueries(s);
    expect(before.every((r) => r.length > 0)).toBe(true);
    expect(before[0]![0]!.documentId).toBe(ids[0]);
    const docsBefore = await listDocuments(s.url);
    const pageBefore = await getPage(s.url, ids[1]!, 1);
    // The index on disk is written shortly after ingestion; a clean shutdown flushes it in any case.
    s = await s.restart();

    expect(await listDocuments(s.url)).toEqual(docsBefore);
    expect(await getPage(s.url, ids[1]!, 1)).toEqual(pageBefore);
    expect(await runQueries(s)).toEqual(before);
    const h = await health(s);
    expect(h.index).toEqual({ vectors: readyChunkCount(s), state: 'ready' });
  });

  it('rebuilds a deleted vector index from stored embeddings with identical results', async () => {
    const dataDir = s.dataDir;
    const indexFile = path.join(dataDir, 'index', 'vectors.hnsw');
    await s.close({ keepData: true });
    expect(fs.existsSync(indexFile)).toBe(true);
    expect(fs.existsSync(`${indexFile}.json`)).toBe(true);
    fs.rmSync(indexFile);
    fs.rmSync(`${indexFile}.json`);

    s = await startTestServer(ENV, dataDir);
    const h = await health(s);
    const chunks = readyChunkCount(s);
    expect(chunks).toBeGreaterThan(FILES.length);
    expect(h.index).toEqual({ vectors: chunks, state: 'ready' });
    expect(fs.existsSync(indexFile)).toBe(true);
    const sidecar = JSON.parse(fs.readFileSync(`${indexFile}.json`, 'utf8')) as { count: number; embedderId: string };
    expect(sidecar).toMatchObject({ count: chunks, embedderId: h.embedder.id });
    expect(await runQueries(s)).toEqual(before);
  });

  it('rebuilds an index file that is truncated garbage', async () => {
    const dataDir = s.dataDir;
    const indexFile = path.join(dataDir, 'index', 'vectors.hnsw');
    await s.close({ keepData: true });
    fs.writeFileSync(indexFile, fs.readFileSync(indexFile).subarray(0, 100));

    s = await startTestServer(ENV, dataDir);
    expect((await health(s)).index).toEqual({ vectors: readyChunkCount(s), state: 'ready' });
    expect(await runQueries(s)).toEqual(before);
  });
});
