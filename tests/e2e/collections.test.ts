/**
 * Collections and chat export in a real browser (issue 18): make a collection in the library, put a document in
 * it, ask within it (the answer cites only its documents), a reopened chat brings its collection back, rename and
 * delete the collection (documents stay), and export a chat to Markdown.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppWith, type AppSession } from '../support/app-session.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';

let session: AppSession;
let server: TestServer;
let llm: FakeLlm;
let page: Page;

beforeAll(async () => {
  session = await openAppWith([fixtureFile('ntsb', '20071229X02007.pdf'), fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf')]);
  ({ server, llm, page } = session);
}, 120_000);

afterAll(() => session?.close());

const picker = () => page.getByRole('combobox', { name: 'Collection' });
const collections = async () => ((await (await fetch(`${server.url}/api/collections`)).json()) as { collections: { id: string; name: string; documentIds: string[] }[] }).collections;
const documents = async () => ((await (await fetch(`${server.url}/api/documents`)).json()) as { documents: { id: string; name: string }[] }).documents;

describe('collections in the library', () => {
  it('makes a collection and puts a document in it', async () => {
    await page.getByRole('button', { name: 'New collection' }).click();
    const name = page.getByRole('textbox', { name: 'Collection name' });
    await name.fill('Accidents');
    await name.press('Enter');
    await expect.poll(async () => (await picker().locator('option:checked').textContent()) ?? '', { timeout: 10_000 }).toBe('Accidents (0)');
    await page.locator('.doc', { hasText: '20071229X02007.pdf' }).getByRole('button', { name: 'Add 20071229X02007.pdf to Accidents' }).click();
    await expect.poll(async () => (await collections())[0]?.documentIds.length ?? 0, { timeout: 10_000 }).toBe(1);
    const ntsb = (await documents()).find((d) => d.name === '20071229X02007.pdf')!;
    expect((await collections())[0]).toMatchObject({ name: 'Accidents', documentIds: [ntsb.id] });
    expect(await picker().locator('option:checked').textContent()).toBe('Accidents (1)');
    // A collection with the same name is refused with the server's words.
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.getByRole('textbox', { name: 'Collection name' }).fill('accidents');
    await page.getByRole('textbox', { name: 'Collection name' }).press('Enter');
    await expect.poll(() => page.locator('.collection-bar [role="alert"]').textContent(), { timeout: 10_000 }).toContain('already exists');
    await page.getByRole('textbox', { name: 'Collection name' }).press('Escape');
  });

  it('asks within the collection: the chat belongs to it, and reopening the chat brings it back', async () => {
    llm.next({ kind: 'ok', content: 'The airplane struck trees [1].' });
    await page.fill('#question', 'What were the total net sales and what did the airplane hit?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.msg.assistant[aria-busy="false"] .cite', { timeout: 30_000 });
    const convs = ((await (await fetch(`${server.url}/api/conversations`)).json()) as { conversations: { id: string; collectionId: string | null }[] }).conversations;
    const accidents = (await collections())[0]!;
    expect(convs[0]?.collectionId).toBe(accidents.id);
    const stored = (await (await fetch(`${server.url}/api/conversations/${convs[0]!.id}`)).json()) as { conversation: { messages: { citations: { documentName: string }[] }[] } };
    expect(stored.conversation.messages[1]!.citations.every((c) => c.documentName === '20071229X02007.pdf')).toBe(true);

    // Switch to the whole library: a new chat; reopening the old chat switches back to its collection.
    await picker().selectOption({ label: 'All documents' });
    await expect.poll(() => page.locator('.msg').count()).toBe(0);
    await page.locator('.conv-title').first().click();
    await expect.poll(async () => picker().locator('option:checked').textContent(), { timeout: 10_000 }).toBe('Accidents (1)');
    await expect.poll(() => page.locator('.msg').count()).toBe(2);
  });

  it('exports the chat to Markdown with the citations as footnotes', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Export .* as Markdown$/ }).first().click()]);
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    const md = fs.readFileSync(await download.path(), 'utf8');
    expect(md).toContain('**Question:** What were the total net sales and what did the airplane hit?');
    expect(md).toContain('The airplane struck trees[^1].');
    expect(md).toMatch(/^\[\^1\]: 20071229X02007\.pdf, page \d+: "/m);
  });

  it('renames and deletes the collection; its documents stay', async () => {
    await page.getByRole('button', { name: 'Rename collection' }).click();
    const name = page.getByRole('textbox', { name: 'Collection name' });
    await name.fill('NTSB accidents');
    await name.press('Enter');
    await expect.poll(async () => (await collections())[0]?.name, { timeout: 10_000 }).toBe('NTSB accidents');
    await page.getByRole('button', { name: 'Delete collection' }).click();
    await page.getByRole('button', { name: 'Delete NTSB accidents' }).click();
    await expect.poll(async () => (await collections()).length, { timeout: 10_000 }).toBe(0);
    expect(await picker().locator('option:checked').textContent()).toBe('All documents');
    expect(await documents()).toHaveLength(2);
    expect(await page.locator('.doc').count()).toBe(2);
  });
});
