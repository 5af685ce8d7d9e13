/**
 * A document's stage in the API (issue 18, defect 8): `queued`, then `extracting` while its pages are read,
 * `indexing` once every page is read and its passages are being embedded and indexed, then `ready` (or `failed`).
 * The old fields stay as they were. The embeddings endpoint (a boundary we do not own) is held back so that the
 * indexing stage lasts until the test has seen it.
 */
import { DocumentsListResponseSchema, DocumentResponseSchema } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeldEmbedder, type HeldEmbedder } from '../support/held-embedder.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

let s: TestServer;
let embedder: HeldEmbedder;

beforeAll(async () => {
  embedder = await startHeldEmbedder();
  s = await startTestServer({ EMBEDDER: 'openai', EMBED_BASE_URL: embedder.baseUrl, EMBED_MODEL: 'held' });
  // The embedder connects (its dimension probe) at the first use: let that happen before anything is held.
  const warm = await fetch(`${s.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'warm up' }) });
  expect(warm.status).toBe(200);
});

afterAll(async () => {
  embedder?.release();
  await s?.close();
  await embedder?.close();
});

async function documentNow(id: string) {
  return DocumentResponseSchema.parse(await (await fetch(`${s.url}/api/documents/${id}`)).json()).document;
}

describe('document stage', () => {
  it('is indexing once every page is read and the passages wait for the embedder, then ready', async () => {
    embedder.hold();
    let id = '';
    const seen = new Set<string>();
    try {
      const pdf = await textPdf(Array.from({ length: 4 }, (_, i) => [`Section ${i + 1}: windmills grind grain with stones.`]));
      const res = await upload(s.url, [{ name: 'windmills.pdf', data: pdf }]);
      expect(res.status).toBe(202);
      id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
      const deadline = Date.now() + 60_000;
      for (let d = await documentNow(id); ; d = await documentNow(id)) {
        seen.add(d.stage);
        if (d.stage === 'indexing') {
          expect(d).toMatchObject({ status: 'processing', pages: 4, pagesDone: 4 });
          break;
        }
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 50));
      }
      // The passages' embedding request is what it waits for: once it has reached the held embedder, the document
      // is still indexing (on a loaded machine the request can arrive just after the stage first shows).
      while (embedder.waiting() === 0) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await documentNow(id)).toMatchObject({ status: 'processing', stage: 'indexing', pagesDone: 4 });
      // The list says the same as the document route.
      const listed = DocumentsListResponseSchema.parse(await (await fetch(`${s.url}/api/documents`)).json()).documents.find((d) => d.id === id);
      expect(listed?.stage).toBe('indexing');
    } finally {
      embedder.release();
    }
    await waitForIngestion(s.url);
    expect(await documentNow(id)).toMatchObject({ status: 'ready', stage: 'ready', pagesDone: 4 });
    expect([...seen].every((st) => ['queued', 'opening', 'extracting', 'indexing'].includes(st))).toBe(true);
  });

  it('is failed for a document that cannot be read', async () => {
    const res = await upload(s.url, [{ name: 'broken.pdf', data: new TextEncoder().encode('%PDF-1.7\n this is not a PDF body at all') }]);
    const id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
    const first = await documentNow(id);
    expect(['queued', 'opening', 'extracting', 'failed']).toContain(first.stage);
    await waitForIngestion(s.url);
    expect(await documentNow(id)).toMatchObject({ status: 'failed', stage: 'failed' });
  });
});
