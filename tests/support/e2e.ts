/**
 * One browser suite's world: a real server on a temporary DATA_DIR (with the fake chat endpoint when a suite
 * needs a model), a few real PDFs ingested through the API, and Chromium with one page open on the app.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { ensureClient } from './client-build.js';
import { fixtureFile } from './fixtures.js';
import { startFakeLlm, type FakeLlm } from './fake-llm.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from './server.js';

export interface E2eWorld {
  server: TestServer;
  /** Present when the suite asked for a model. */
  llm: FakeLlm | null;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  page: Page;
  /** The uploaded documents, in the order given. */
  docs: { id: string; name: string }[];
  close(): Promise<void>;
}

export async function startE2e(opts: { model: boolean; ntsb: string[]; env?: Record<string, string> }): Promise<E2eWorld> {
  ensureClient();
  const llm = opts.model ? await startFakeLlm() : null;
  const server = await startTestServer({ ...(llm ? { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-chat' } : {}), ...opts.env });
  const res = await upload(server.url, opts.ntsb.map((n) => ({ path: fixtureFile('ntsb', n) })));
  const body = (await res.json()) as { documents: { id: string; name: string }[] };
  await waitForIngestion(server.url);
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(server.url);
  await page.locator('.doc[data-status="ready"]').first().waitFor({ timeout: 30_000 });
  return {
    server,
    llm,
    browser,
    page,
    docs: body.documents.map((d) => ({ id: d.id, name: d.name })),
    close: async () => {
      await browser.close();
      await server.close();
      await llm?.close();
    },
  };
}

export async function ask(p: Page, question: string): Promise<void> {
  await p.fill('#question', question);
  await p.keyboard.press('Enter');
}

/** Waits until the last answer on the page has finished streaming. */
export async function answered(p: Page, timeout = 30_000): Promise<void> {
  await p.locator('.msg.assistant[aria-busy="false"]').last().waitFor({ timeout });
  await p.waitForFunction(() => document.querySelectorAll('.msg.assistant[aria-busy="true"]').length === 0, null, { timeout });
}

export async function conversations(url: string): Promise<{ id: string; title: string }[]> {
  return ((await (await fetch(`${url}/api/conversations`)).json()) as { conversations: { id: string; title: string }[] }).conversations;
}
