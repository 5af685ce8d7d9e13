/**
 * A reload before the answer's first event (while the model is still proposing other wordings of the question,
 * as it does by default) reopens the new chat too: the client names the chat before it asks. The question that
 * never got an answer is shown as an incomplete answer with Retry, and Retry replaces it in the stored chat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, ask, conversations, startE2e, type E2eWorld } from '../support/e2e.js';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2e({ model: true, ntsb: ['20071229X02007.pdf', '20080102X00002.pdf'], env: { QUERY_EXPANSION: 'on' } });
});

afterAll(async () => {
  await w?.close();
});

describe('a reload before the first event', () => {
  it('reopens the new chat with its scope, and Retry then answers it once', async () => {
    const [, b] = w.docs;
    await w.page.locator(`#pick-${b!.id}`).check();
    // The expansion call hangs: no event reaches the page until the reload.
    w.llm!.next({ kind: 'hang-headers' });
    const question = 'What did the pilot report about the landing?';
    await ask(w.page, question);
    await expect.poll(() => w.llm!.chatRequests().length, { timeout: 10_000 }).toBe(1);
    await w.page.reload();

    await w.page.locator('.msg.user').first().waitFor({ timeout: 10_000 });
    expect(await w.page.locator('.msg.user .bubble').textContent()).toBe(question);
    const [conv] = await conversations(w.server.url);
    expect(await w.page.locator('.conv-title[aria-current="true"]').textContent()).toBe(conv!.title);
    expect(await w.page.locator(`#pick-${b!.id}`).isChecked()).toBe(true);

    // No answer was ever stored: after a few seconds the page says so and offers Retry.
    const retry = w.page.getByRole('button', { name: 'Retry' });
    await retry.waitFor({ timeout: 15_000 });
    w.llm!.next({ kind: 'ok', content: 'other wording' }, { kind: 'ok', content: 'The pilot reported a hard landing [1].' });
    await retry.click();
    await answered(w.page);
    await w.page.reload();
    await w.page.locator('.msg.assistant').first().waitFor({ timeout: 10_000 });
    await w.page.waitForTimeout(500);
    expect(await w.page.locator('.msg.user').count()).toBe(1);
    expect(await w.page.locator('.msg.assistant').count()).toBe(1);
    expect(await w.page.locator('.msg.assistant').textContent()).toContain('hard landing');
  });
});
