/**
 * One browser test's app: a real server (temporary DATA_DIR, its own env) with the built client, and Debian's
 * Chromium on one page at the given size and colour scheme. Files go in through the page's own file input.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { ensureClient } from './client-build.js';
import { startTestServer, type TestServer } from './server.js';

export interface E2eApp {
  server: TestServer;
  page: Page;
  close(): Promise<void>;
}

export async function startE2eApp(
  env: Record<string, string> = {},
  view: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<E2eApp> {
  ensureClient();
  const server = await startTestServer(env);
  const browser = await launchBrowser(view);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(server.url);
  return {
    server,
    page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export type UploadFile = string | { name: string; data: Uint8Array };

/** Upload through the page's file input and wait until the library lists `ready` ready documents. */
export async function uploadAndWait(page: Page, files: UploadFile[], ready: number, timeoutMs = 90_000): Promise<void> {
  await page.setInputFiles(
    '[data-testid="file-input"]',
    files.map((f) =>
      typeof f === 'string'
        ? { name: path.basename(f), mimeType: 'application/pdf', buffer: fs.readFileSync(f) }
        : { name: f.name, mimeType: 'application/pdf', buffer: Buffer.from(f.data) },
    ),
  );
  await page.waitForFunction((n) => document.querySelectorAll('.doc[data-status="ready"]').length >= n, ready, { timeout: timeoutMs });
}

/** Type a question into the composer and send it. */
export async function ask(page: Page, question: string): Promise<void> {
  await page.fill('#question', question);
  await page.keyboard.press('Enter');
}
