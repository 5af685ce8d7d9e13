/**
 * A browser session on a real server with the fake chat endpoint and some PDFs uploaded through the page and
 * ready: the start of the library-as-a-workplace browser suites.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { ensureClient } from './client-build.js';
import { startFakeLlm, type FakeLlm } from './fake-llm.js';
import { startTestServer, type TestServer } from './server.js';

export interface AppSession {
  server: TestServer;
  llm: FakeLlm;
  page: Page;
  close(): Promise<void>;
}

export async function openAppWith(files: string[], env: Record<string, string> = {}, prepare: (llm: FakeLlm) => void = () => undefined): Promise<AppSession> {
  ensureClient();
  const llm = await startFakeLlm();
  prepare(llm);
  const server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-chat', INGEST_WORKERS: '2', ...env });
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(server.url);
  await page.setInputFiles('[data-testid="file-input"]', files);
  await page.waitForFunction((n) => document.querySelectorAll('.doc[data-status="ready"]').length === n, files.length, { timeout: 90_000 });
  const close = async () => {
    await browser.close();
    await server.close();
    await llm.close();
  };
  return { server, llm, page, close };
}
