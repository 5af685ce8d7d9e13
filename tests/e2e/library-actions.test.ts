/**
 * The library as a place to work, in a real browser (issue 18): a document shows its PDF title beside its file
 * name; clicking the name opens it in the viewer; rename and download from the library; the overview of a picked
 * document (summary with citations, suggested questions) when a model is configured; the read-only settings view.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppWith, type AppSession } from '../support/app-session.js';
import { fixtureFile } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';

let session: AppSession;
let server: TestServer;
let page: Page;

const OVERVIEW = JSON.stringify({
  summary: 'Microsoft filed its quarterly report for the period ended December 31, 2022 [1].',
  questions: ['What was Microsoft revenue this quarter?', 'How much cash did Microsoft hold?', 'What were the operating expenses?'],
});

beforeAll(async () => {
  session = await openAppWith([fixtureFile('sec-10-q', '2023 Q1 MSFT.pdf'), fixtureFile('ntsb', '20071229X02007.pdf')], { OVERVIEW: 'on' }, (fake) => fake.always({ kind: 'ok', content: OVERVIEW }));
  ({ server, page } = session);
}, 120_000);

afterAll(() => session?.close());

const row = (text: string) => page.locator('.doc', { hasText: text });

/** Opens the rename form of the document named `from`, types `to` and submits; returns the form's text box. */
async function rename(from: string, to: string) {
  const r = row(from);
  await r.getByRole('button', { name: `Rename ${from}` }).click();
  const input = r.getByRole('textbox', { name: 'New name' });
  await input.fill(to);
  await input.press('Enter');
  return { r, input };
}

describe('a document in the library', () => {
  it('shows its PDF title and keeps the file name visible', async () => {
    const msft = row('2023 Q1 MSFT.pdf');
    expect(await msft.locator('.doc-title').textContent()).toBe('Form 10-Q for Microsoft Corp filed 01/24/2023');
    expect(await msft.locator('.doc-file').textContent()).toBe('2023 Q1 MSFT.pdf');
    // Without a title, the file name is the name.
    expect(await row('20071229X02007.pdf').locator('.doc-title').textContent()).toBe('20071229X02007.pdf');
  });

  it('opens in the viewer when its name is clicked, without ticking it', async () => {
    await row('20071229X02007.pdf').getByRole('button', { name: /^Open 20071229X02007\.pdf/ }).click();
    const viewer = page.locator('.viewer');
    await expect.poll(() => viewer.locator('.pdf-page').getAttribute('data-page'), { timeout: 30_000 }).toBe('1');
    expect(await row('20071229X02007.pdf').locator('input[type="checkbox"]').isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
  });

  it('is renamed in place, and the new name is kept by the server', async () => {
    await rename('20071229X02007.pdf', 'Piper PA-22 accident');
    const renamed = row('Piper PA-22 accident');
    await expect.poll(() => renamed.locator('.doc-title').textContent(), { timeout: 10_000 }).toBe('Piper PA-22 accident');
    expect(await renamed.locator('.doc-file').textContent()).toBe('20071229X02007.pdf');
    const docs = (await (await fetch(`${server.url}/api/documents`)).json()) as { documents: { name: string }[] };
    expect(docs.documents.map((d) => d.name)).toContain('Piper PA-22 accident');
  });

  it('refuses a bad name with the server\'s message and keeps the old one', async () => {
    const { r, input } = await rename('Piper PA-22 accident', 'a/b');
    await expect.poll(() => r.locator('[role="alert"]').textContent(), { timeout: 10_000 }).toContain('must not contain /');
    await input.press('Escape');
    expect(await row('Piper PA-22 accident').locator('.doc-title').textContent()).toBe('Piper PA-22 accident');
  });

  it('downloads the original PDF under its display name', async () => {
    const r = row('Piper PA-22 accident');
    const [download] = await Promise.all([page.waitForEvent('download'), r.getByRole('link', { name: 'Download Piper PA-22 accident' }).click()]);
    expect(download.suggestedFilename()).toBe('Piper PA-22 accident.pdf');
    const saved = await download.path();
    expect(fs.readFileSync(saved).equals(fs.readFileSync(fixtureFile('ntsb', '20071229X02007.pdf')))).toBe(true);
  });

  it('shows its overview when picked: a summary with citations, and suggested questions asked about it', async () => {
    const msft = row('2023 Q1 MSFT.pdf');
    await msft.locator('input[type="checkbox"]').check();
    const overview = msft.locator('.overview');
    await expect.poll(() => overview.locator('.overview-summary').textContent(), { timeout: 30_000 }).toContain('Microsoft filed its quarterly report');
    expect(await overview.locator('.cite').count()).toBe(1);
    const questions = overview.getByRole('button', { name: /Microsoft|operating/ });
    expect(await questions.count()).toBe(3);
    // Its citation opens the cited page.
    await overview.locator('.cite').first().click();
    await expect.poll(() => page.locator('.viewer .pdf-page').getAttribute('data-page'), { timeout: 30_000 }).toBe('1');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.viewer').count()).toBe(0);
    // A suggested question is asked about this document.
    await questions.first().click();
    await expect.poll(() => page.locator('.msg.user').first().textContent(), { timeout: 10_000 }).toBe('What was Microsoft revenue this quarter?');
    await page.waitForSelector('.msg.assistant[aria-busy="false"]', { timeout: 30_000 });
    const convs = (await (await fetch(`${server.url}/api/conversations`)).json()) as { conversations: { id: string }[] };
    const conv = (await (await fetch(`${server.url}/api/conversations/${convs.conversations[0]!.id}`)).json()) as { conversation: { messages: { role: string; content: string }[] } };
    expect(conv.conversation.messages[0]!.content).toBe('What was Microsoft revenue this quarter?');
  });
});

describe('the settings view', () => {
  it('shows what the server runs, each with its environment variable, read-only', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.waitFor();
    const model = dialog.locator('tr', { has: page.locator('code', { hasText: /^LLM_MODEL$/ }) });
    expect(await model.locator('td').first().textContent()).toBe('deepseek-chat');
    expect(await dialog.locator('code', { hasText: /^ACCESS_TOKEN$/ }).count()).toBe(1);
    expect(await dialog.locator('input, textarea, select').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });
});
