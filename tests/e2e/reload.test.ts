/**
 * Context survives a reload: a reload mid-answer reopens the same chat with its document scope; opening an old
 * chat restores the scope it was asked in; a follow-up in a chat whose document was deleted says so and never
 * widens to the whole library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, ask, conversations, startE2e, type E2eWorld } from '../support/e2e.js';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2e({ model: true, ntsb: ['20071229X02007.pdf', '20080102X00002.pdf', '20080104X00020.pdf'] });
});

afterAll(async () => {
  await w?.close();
});

const picked = async () => {
  const out: string[] = [];
  for (const d of w.docs) if ((await w.page.locator(`#pick-${d.id}`).count()) && (await w.page.locator(`#pick-${d.id}`).isChecked())) out.push(d.name);
  return out.sort();
};

async function newChat() {
  await w.page.getByRole('button', { name: 'New chat' }).click();
  await expect.poll(() => w.page.locator('.msg').count()).toBe(0);
}

describe('reloads and reopened chats', () => {
  it('reopens the same chat with its document scope after a reload mid-answer', async () => {
    const [, b] = w.docs;
    await w.page.locator(`#pick-${b!.id}`).check();
    const long = Array.from({ length: 60 }, (_, i) => `Sentence ${i} about the approach [1].`).join(' ');
    w.llm!.next({ kind: 'ok', content: long, tokenDelayMs: 80, chunkSize: 3 });
    const question = 'What happened during the approach to the runway?';
    await ask(w.page, question);
    await w.page.waitForSelector('.msg.assistant[aria-busy="true"] .markdown p', { timeout: 20_000 });
    const [conv] = await conversations(w.server.url);
    expect(conv).toBeDefined();

    await w.page.reload();
    await w.page.locator('.msg.user').first().waitFor({ timeout: 10_000 });
    expect(await w.page.locator('.msg.user .bubble').first().textContent()).toBe(question);
    expect(await w.page.locator('.conv-title[aria-current="true"]').textContent()).toBe(conv!.title);
    expect(await picked()).toEqual([b!.name]);
    expect(await w.page.locator('#question').getAttribute('placeholder')).toBe(`Ask about ${b!.name}…`);
    // The interrupted answer is there too, once the server has stored it.
    await w.page.locator('.msg.assistant').first().waitFor({ timeout: 10_000 });
  });

  it('restores the scope of a chat when it is opened again', async () => {
    const [a, b, c] = w.docs;
    await newChat();
    for (const d of [a!, b!, c!]) await w.page.locator(`#pick-${d.id}`).setChecked(d === a || d === c);
    w.llm!.next({ kind: 'ok', content: 'The pilot lost control [1].' });
    await ask(w.page, 'What did the pilot report about control of the airplane?');
    await answered(w.page);
    const title = (await conversations(w.server.url))[0]!.title;

    await newChat();
    for (const d of [a!, b!, c!]) await w.page.locator(`#pick-${d.id}`).setChecked(d === b);
    await w.page.locator('.conv-title', { hasText: title }).first().click();
    await w.page.locator('.msg.assistant').first().waitFor({ timeout: 10_000 });
    await expect.poll(picked).toEqual([a!.name, c!.name].sort());
  });

  it('says when a chat\'s document was deleted and does not search the whole library for a follow-up', async () => {
    const [a, b] = w.docs;
    await newChat();
    for (const d of w.docs) await w.page.locator(`#pick-${d.id}`).setChecked(d === a);
    w.llm!.next({ kind: 'ok', content: 'The airplane hit trees [1].' });
    await ask(w.page, 'What did the airplane hit?');
    await answered(w.page);
    const title = (await conversations(w.server.url))[0]!.title;
    expect((await fetch(`${w.server.url}/api/documents/${a!.id}`, { method: 'DELETE' })).status).toBe(204);

    await w.page.reload();
    await w.page.locator('.conv-title', { hasText: title }).first().click();
    await w.page.locator('.msg.assistant').first().waitFor({ timeout: 10_000 });
    const notice = w.page.locator('.scope-notice');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/deleted/i);

    const before = w.llm!.chatRequests().length;
    w.llm!.always({ kind: 'ok', content: 'Other reports say something else [1].' });
    await ask(w.page, 'And what happened next?');
    await w.page.waitForTimeout(2_000);
    // Nothing outside the chat's scope was searched, asked or cited.
    expect(w.llm!.chatRequests().length).toBe(before);
    expect(await w.page.locator(`.msg.assistant .cite[aria-label*="${b!.name}"]`).count()).toBe(0);
    expect(await w.page.locator('.msg.assistant').count()).toBe(1);
  });
});
