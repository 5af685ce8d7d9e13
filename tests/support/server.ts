/**
 * A real Pagewise server on a free loopback port with a temporary DATA_DIR, built from the same modules as
 * `npm start`. `restart()` closes it and opens the same DATA_DIR again.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp, createServices, loadConfig, type Services } from '@pagewise/server';
import { createHttpServer } from '../../server/src/http/node-server.js';
import { createLogger } from '../../server/src/logger.js';

export interface TestServer {
  url: string;
  app: ReturnType<typeof createApp>;
  dataDir: string;
  services: Services;
  close(opts?: { keepData?: boolean }): Promise<void>;
  restart(): Promise<TestServer>;
}

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-test-'));
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    EMBEDDER: 'builtin',
    LOG_LEVEL: 'silent',
    // Most chat tests script the model's calls one by one; the expansion call is tested where it is asked for.
    QUERY_EXPANSION: 'off',
    // Likewise the model's quote check of partly supported claims (tests/server/chat-claims.test.ts turns it on).
    CLAIM_CHECK_MODEL: 'off',
    // Likewise the utility model's chat titles and document overviews (their own suites turn them on).
    CHAT_TITLES: 'words',
    OVERVIEW: 'off',
    INGEST_WORKERS: '1',
    // OCR needs language data in DATA_DIR/ocr, fetched at start-up; the OCR suites turn it on with a local source.
    OCR: 'off',
    ...env,
  });
  const services = createServices(config, createLogger({ level: config.LOG_LEVEL }));
  const app = createApp(services);
  const server = createHttpServer(app); // as in main.ts
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async (opts: { keepData?: boolean } = {}) => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    if (!opts.keepData) fs.rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    dataDir: dir,
    services,
    close,
    restart: async () => {
      await close({ keepData: true });
      return startTestServer(env, dir);
    },
  };
}

/** Poll until no document is queued or processing. */
export async function waitForIngestion(url: string, timeoutMs = 120_000, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/api/documents`, { headers });
    const body = (await res.json()) as { documents: { status: string }[] };
    if (body.documents.every((d) => d.status === 'ready' || d.status === 'failed')) return;
    if (Date.now() > deadline) throw new Error('ingestion did not finish in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** multipart upload of files from disk (or in-memory buffers) in the `files` field. */
export async function upload(url: string, files: ({ path: string } | { name: string; data: Uint8Array })[]): Promise<Response> {
  const form = new FormData();
  for (const f of files) {
    if ('path' in f) form.append('files', new Blob([fs.readFileSync(f.path)], { type: 'application/pdf' }), path.basename(f.path));
    else form.append('files', new Blob([new Uint8Array(f.data)], { type: 'application/pdf' }), f.name);
  }
  return fetch(`${url}/api/documents`, { method: 'POST', body: form });
}
