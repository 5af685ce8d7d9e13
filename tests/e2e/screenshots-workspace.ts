/**
 * The library-as-a-workplace screens of `npm run screenshots` (issue 18) at 1366 and 390 px: titles and document
 * actions with a collection picked and a document's overview, renaming, a new collection, and the settings view.
 * Its own server (overviews on, the fake chat endpoint answering with an overview) so the main list stays as it is.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startFakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer } from '../support/server.js';

const OVERVIEW = JSON.stringify({
  summary: 'Microsoft’s quarterly report for the period ended December 31, 2022 [1], with its income statements and balance sheets [2].',
  questions: ['What was Microsoft’s revenue this quarter?', 'How much cash and short-term investments did Microsoft hold?', 'How did operating income change from a year earlier?'],
});

async function library(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('.library', { state: 'attached' });
  if ((await page.locator('.doc').count()) === 0) {
    await page.setInputFiles('[data-testid="file-input"]', [fixtureFile('sec-10-q', '2023 Q1 MSFT.pdf'), fixtureFile('ntsb', '20071229X02007.pdf'), fixtureFile('ntsb', '20080102X00002.pdf')]);
    await page.waitForFunction(() => document.querySelectorAll('.doc[data-status="ready"]').length === 3, undefined, { timeout: 120_000 });
  }
}

async function collectionWithOverview(page: Page): Promise<void> {
  if ((await page.getByRole('combobox', { name: 'Collection' }).locator('option').count()) === 1) {
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.getByRole('textbox', { name: 'Collection name' }).fill('Quarterly filings');
    await page.getByRole('textbox', { name: 'Collection name' }).press('Enter');
    await page.locator('.doc', { hasText: '2023 Q1 MSFT.pdf' }).getByRole('button', { name: /^Add .* to Quarterly filings$/ }).click();
  }
  const msft = page.locator('.doc', { hasText: '2023 Q1 MSFT.pdf' });
  await msft.locator('input[type="checkbox"]').check();
  await msft.locator('.overview-summary').waitFor({ timeout: 30_000 });
}

/** Shoots the workplace screens into `out`; returns the files. */
export async function workspaceShots(out: string): Promise<string[]> {
  const llm = await startFakeLlm();
  llm.always({ kind: 'ok', content: OVERVIEW });
  const server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-chat', OVERVIEW: 'on', INGEST_WORKERS: '2' });
  const files: string[] = [];
  try {
    for (const [width, height] of [[1366, 820], [390, 800]] as const) {
      const b = await launchBrowser({ width, height });
      const page = b.context.pages()[0] ?? (await b.context.newPage());
      const shot = async (name: string) => {
        const file = path.join(out, `7-${name}-${width}.png`);
        await page.screenshot({ path: file });
        files.push(file);
      };
      await library(page, server.url);
      if (width < 760) await page.getByRole('button', { name: 'Library' }).click();
      await collectionWithOverview(page);
      await shot('library-collection-overview');
      const ntsb = page.locator('.doc', { hasText: '20071229X02007.pdf' });
      await ntsb.getByRole('button', { name: /^Rename / }).click();
      await ntsb.getByRole('textbox', { name: 'New name' }).fill('Piper PA-22 accident, Tallahassee');
      await shot('rename');
      await ntsb.getByRole('textbox', { name: 'New name' }).press('Escape');
      await page.getByRole('button', { name: 'New collection' }).click();
      await page.getByRole('textbox', { name: 'Collection name' }).fill('Accident reports');
      await shot('new-collection');
      await page.getByRole('textbox', { name: 'Collection name' }).press('Escape');
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.locator('.settings-table').first().waitFor();
      await shot('settings');
      await page.keyboard.press('Escape');
      await b.close();
    }
  } finally {
    await server.close();
    await llm.close();
  }
  return files;
}
