/**
 * Start-up with a vector index file that is up to date (issue 23): the server compares chunk ids with the database
 * and reads no stored embedding (reading them all took 2.8 s at 233k chunks). Proved by making every stored
 * embedding unreadable before the restart: search still finds each page, and the index still holds every chunk.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { HealthResponseSchema } from '@pagewise/shared';
import { ingest, search } from '../support/api.js';
import { bigTextPdf, pagePhrase } from '../support/child-server.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

it('a start with an up-to-date index file reads no stored embedding', async () => {
  s = await startTestServer();
  const doc = await ingest(s.url, { name: 'log.pdf', data: await bigTextPdf(40) });
  expect(doc.status).toBe('ready');
  const before = await search(s.url, { query: pagePhrase(17), k: 3 });
  expect(before[0]).toMatchObject({ documentId: doc.id, page: 17 });
  const dataDir = s.dataDir;
  await s.close({ keepData: true });

  const db = new Database(path.join(dataDir, 'pagewise.db'));
  const chunks = db.prepare(`UPDATE chunks SET embedding = x'010203'`).run().changes;
  db.close();
  expect(chunks).toBeGreaterThanOrEqual(40);

  s = await startTestServer({}, dataDir);
  await s.services.index();
  const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
  expect(health.index).toEqual({ vectors: chunks, state: 'ready' });
  expect(await search(s.url, { query: pagePhrase(17), k: 3 })).toEqual(before);
  expect((await search(s.url, { query: pagePhrase(33), k: 3 }))[0]).toMatchObject({ documentId: doc.id, page: 33 });
}, 120_000);
