/** Online backup while the server runs, restore into a fresh DATA_DIR, same answers (issue 5, SECURITY.md F6). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '@pagewise/shared';
import { backupDataDir, restoreDataDir } from '../../server/src/store/backup.js';
import { REPO_ROOT } from '../support/corpora.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

const QUERIES = ['probable cause of the accident', 'pilot total flight experience hours', 'engine power loss during climb'];

async function search(url: string, query: string) {
  const res = await fetch(`${url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k: 5 }) });
  return ((await res.json()) as SearchResponse).results.map((r) => ({ doc: r.documentName, page: r.page, text: r.text }));
}

let s: TestServer;
const tmp: string[] = [];
const mk = (p: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), p));
  tmp.push(d);
  return d;
};

beforeAll(async () => {
  s = await startTestServer({ INGEST_WORKERS: '2' });
  await upload(s.url, [{ path: fixtureFile('ntsb', '20071229X02007.pdf') }, { path: fixtureFile('ntsb', '20080102X00002.pdf') }]);
  await waitForIngestion(s.url);
});
afterAll(async () => {
  await s.close();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('backs up while the server is ingesting and restores into a fresh DATA_DIR with the same search results', async () => {
    // Ingestion in flight during the backup: the snapshot holds the third document queued, mid-way or ready,
    // and the restored server finishes it, so both libraries end up the same.
    await upload(s.url, [{ path: fixtureFile('ntsb', '20080104X00020.pdf') }]);
    const dest = path.join(mk('pagewise-backup-'), 'b');
    const r = await backupDataDir(s.dataDir, dest);
    expect(r.files).toBeGreaterThanOrEqual(3);
    await waitForIngestion(s.url);
    const before = await Promise.all(QUERIES.map((q) => search(s.url, q)));

    const fresh = path.join(mk('pagewise-restore-'), 'data');
    restoreDataDir(dest, fresh);
    const restored = await startTestServer({}, fresh);
    try {
      await restored.services.index();
      const docs = ((await (await fetch(`${restored.url}/api/documents`)).json()) as { documents: { status: string }[] }).documents;
      expect(docs.filter((d) => d.status === 'ready').length).toBeGreaterThanOrEqual(2);
      await waitForIngestion(restored.url);
      const after = await Promise.all(QUERIES.map((q) => search(restored.url, q)));
      expect(after).toEqual(before);
      expect(before.flat().length).toBeGreaterThan(5);
      const original = fs.readFileSync(fixtureFile('ntsb', '20071229X02007.pdf'));
      const id = ((await (await fetch(`${restored.url}/api/documents`)).json()) as { documents: { id: string; name: string }[] }).documents.find((d) => d.name === '20071229X02007.pdf')!.id;
      expect(Buffer.from(await (await fetch(`${restored.url}/api/documents/${id}/file`)).arrayBuffer()).equals(original)).toBe(true);
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over a non-empty DATA_DIR, and the CLI names what it did', () => {
    const dest = path.join(mk('pagewise-backup-cli-'), 'b');
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/cli.ts'), 'backup', dest], {
      env: { ...process.env, DATA_DIR: s.dataDir },
      encoding: 'utf8',
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Backed up');
    expect(fs.existsSync(path.join(dest, 'pagewise.db'))).toBe(true);
    expect(() => restoreDataDir(dest, s.dataDir)).toThrow(/not empty/);
  });
});
