/**
 * Two tabs of the app stay in step: a document deleted in one tab leaves the other tab's selection at once, with
 * a notice, so its next question never searches a deleted document; an upload and a new chat in one tab show in
 * the other within about two seconds; a chat deleted in one tab while open in the other leaves that tab able to ask on.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, ask, startE2e, type E2eWorld } from '../support/e2e.js';
import { fixtureFile } from '../support/fixtures.js';

let w: E2eWorld;
let a: Page;
let b: Page;

beforeAll(async () => {
  w = await startE2e({ model: false, ntsb: ['20071229X02007.pdf', '20080102X00002.pdf', '20080104X00020.pdf'] });
  a = w.page;
  b = await w.browser.context.newPage();
  await b.goto(w.server.url);
  await b.locator('.doc[data-status="ready"]').first().waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await w?.close();
});

async function deleteInUi(p: Page, name: string) {
  await p.getByRole('button', { name: `Delete ${name}` }).click();
  await p.locator('.doc', { hasText: name }).getByRole('button', { name: 'Delete', exact: true }).click();
}

describe('two tabs', () => {
  it('drops a document deleted in the other tab from the selection, says so, and searches only what is left', async () => {
    const [d1, d2] = w.docs;
    await a.locator(`#pick-${d1!.id}`).check();
    await a.locator(`#pick-${d2!.id}`).check();
    await deleteInUi(b, d1!.name);
    await expect.poll(() => b.locator(`#pick-${d1!.id}`).count()).toBe(0);

    const notice = a.locator('.scope-notice');
    await notice.waitFor({ timeout: 3_000 });
    expect(await notice.textContent()).toContain(d1!.name);
    expect(await notice.textContent()).toMatch(/deleted/i);
    expect(await a.locator(`#pick-${d1!.id}`).count()).toBe(0);
    expect(await a.locator('#question').getAttribute('placeholder')).toBe(`Ask about ${d2!.name}…`);

    await ask(a, 'What did the pilot report?');
    await answered(a);
    const last = a.locator('.msg.assistant').last();
    expect(await last.textContent()).not.toContain('Nothing in your documents matched');
    const labels = await last.locator('.cite').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l).toContain(d2!.name);
  });

  it('never answers "Nothing matched" when the whole selection was deleted in the other tab', async () => {
    const [, d2, d3] = w.docs;
    await a.getByRole('button', { name: 'New chat' }).click();
    for (const d of [d2!, d3!]) await a.locator(`#pick-${d.id}`).setChecked(d === d3);
    await deleteInUi(b, d3!.name);
    await a.locator('.scope-notice', { hasText: d3!.name }).waitFor({ timeout: 3_000 });
    await ask(a, 'What did the pilot report?');
    await a.waitForTimeout(1_500);
    expect(await a.locator('.chat').textContent()).not.toContain('Nothing in your documents matched');
    expect(await a.locator('.msg.assistant').count()).toBe(0);
    // The user chooses: the whole library.
    await a.getByRole('button', { name: 'Search all documents' }).click();
    expect(await a.locator('.scope-notice').count()).toBe(0);
    expect(await a.locator('#question').getAttribute('placeholder')).toBe('Ask about all documents…');
  });

  it("shows one tab's upload and new chat in the other within two seconds", async () => {
    await a.setInputFiles('[data-testid="file-input"]', [fixtureFile('ntsb', '20080108X00029.pdf')]);
    await a.locator('.doc', { hasText: '20080108X00029.pdf' }).waitFor({ timeout: 15_000 });
    await b.locator('.doc', { hasText: '20080108X00029.pdf' }).waitFor({ timeout: 2_000 });

    await a.getByRole('button', { name: 'New chat' }).click();
    await a.locator('.doc[data-status="ready"]', { hasText: '20080108X00029.pdf' }).waitFor({ timeout: 60_000 });
    const before = await b.locator('.conv-title').count();
    await ask(a, 'Where did the accident flight depart from?');
    await answered(a);
    const title = await a.locator('.conv-title[aria-current="true"]').textContent();
    expect(title).toBeTruthy();
    await b.locator('.conv-title', { hasText: title!.slice(0, 30) }).first().waitFor({ timeout: 2_000 });
    expect(await b.locator('.conv-title').count()).toBe(before + 1);
  });

  it('lets a tab whose open chat was deleted in the other tab ask on, in a new chat', async () => {
    const title = (await a.locator('.conv-title[aria-current="true"]').textContent())!;
    const item = b.locator('.conversations li', { hasText: title.slice(0, 30) });
    await item.getByRole('button', { name: `Delete ${title}` }).click();
    await item.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => a.locator('.conv-title', { hasText: title.slice(0, 30) }).count(), { timeout: 3_000 }).toBe(0);
    // What was on screen stays; the next question is answered in a new chat instead of failing.
    expect(await a.locator('.msg.assistant').count()).toBe(1);
    await ask(a, 'Who was the pilot in command?');
    await answered(a);
    expect(await a.locator('.msg.assistant').last().locator('.error').count()).toBe(0);
    expect(await a.locator('.conv-title[aria-current="true"]').textContent()).toBe('Who was the pilot in command?');
  });
});
