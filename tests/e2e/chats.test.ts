/**
 * What the chat list stores is what the screen shows: Stop, then Retry, then a reload shows the question once and
 * exactly one answer (the retried one); deleting a chat asks first, as deleting a document does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, ask, conversations, startE2e, type E2eWorld } from '../support/e2e.js';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2e({ model: true, ntsb: ['20071229X02007.pdf', '20080102X00002.pdf'] });
});

afterAll(async () => {
  await w?.close();
});

describe('chats', () => {
  it('shows exactly one answer after Stop, Retry and a reload', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `Part ${i} of a long answer [1].`).join(' ');
    w.llm!.next({ kind: 'ok', content: long, tokenDelayMs: 80 }, { kind: 'ok', content: 'The retried answer: the airplane hit trees [1].' });
    const question = 'What did the airplane hit on final approach?';
    await ask(w.page, question);
    await w.page.waitForSelector('.msg.assistant[aria-busy="true"] .markdown p', { timeout: 20_000 });
    await w.page.getByRole('button', { name: 'Stop' }).click();
    await answered(w.page);
    await w.page.getByRole('button', { name: 'Retry' }).click();
    await w.page.waitForSelector('.msg.assistant[aria-busy="false"] .markdown :text("The retried answer")', { timeout: 20_000 });
    expect(await w.page.locator('.msg.user').count()).toBe(1);
    expect(await w.page.locator('.msg.assistant').count()).toBe(1);

    await w.page.reload();
    const title = (await conversations(w.server.url))[0]!.title;
    // Today's client does not reopen the chat by itself: open it from the list if it is not already shown.
    await w.page.locator('.conv-title').first().waitFor({ timeout: 10_000 });
    if ((await w.page.locator('.msg').count()) === 0) await w.page.locator('.conv-title', { hasText: title }).first().click();
    await w.page.locator('.msg.assistant').first().waitFor({ timeout: 10_000 });
    await w.page.waitForTimeout(500);
    expect(await w.page.locator('.msg.user').count()).toBe(1);
    expect(await w.page.locator('.msg.assistant').count()).toBe(1);
    expect(await w.page.locator('.msg.assistant').textContent()).toContain('The retried answer');
    expect(await w.page.locator('.msg.user .bubble').textContent()).toBe(question);
  });

  it('asks before deleting a chat, and Keep keeps it', async () => {
    const [conv] = await conversations(w.server.url);
    const item = w.page.locator('.conversations li', { hasText: conv!.title });
    await item.getByRole('button', { name: `Delete ${conv!.title}` }).click();
    await w.page.waitForTimeout(500);
    expect((await conversations(w.server.url)).map((c) => c.id)).toContain(conv!.id);
    await item.getByRole('button', { name: 'Keep' }).click();
    expect((await conversations(w.server.url)).map((c) => c.id)).toContain(conv!.id);
    expect(await item.getByRole('button', { name: `Delete ${conv!.title}` }).count()).toBe(1);

    await item.getByRole('button', { name: `Delete ${conv!.title}` }).click();
    await item.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(async () => (await conversations(w.server.url)).map((c) => c.id)).not.toContain(conv!.id);
    await expect.poll(() => w.page.locator('.conversations li', { hasText: conv!.title }).count()).toBe(0);
    // The chat that was open is closed.
    expect(await w.page.locator('.msg').count()).toBe(0);
  });
});
