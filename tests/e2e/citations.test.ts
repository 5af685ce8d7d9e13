/**
 * Citations and page numbers (issue 18, defects 6 and 9). A PDF whose printed page labels differ from its
 * physical pages (i, ii, iii, then 1, 2, 3) is cited: the chip, its preview, the source list, the viewer's title
 * and page box and a library search hit all say the same thing, "p. ii (2)": the printed label, the physical page
 * beside it. The first message's hover preview stays inside the chat's scroll area.
 */
import type { SearchResult } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, startE2eApp, uploadAndWait, type E2eApp } from '../support/e2e-app.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { textPdf } from '../support/pdfs.js';

let app: E2eApp;
let llm: FakeLlm;
const NAME = 'harbour-survey.pdf';

beforeAll(async () => {
  llm = await startFakeLlm();
  app = await startE2eApp({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-chat' }, { width: 1280, height: 820 });
  const pdf = await textPdf(
    [
      ['Harbour survey report', 'Prepared for the port authority.'],
      ['Foreword', 'The lighthouse keeper recorded forty storms in the winter of 1901.', 'His logbook survives in the archive.'],
      ['Contents', 'Chapter one: the quays.', 'Chapter two: the breakwater.'],
      ['Chapter one', 'The quays were paved with cobblestones and lit by gas lamps.'],
      ['Chapter two', 'The breakwater was rebuilt with granite blocks in 1923 after the great gale.'],
      ['Chapter three', 'Dredging deepened the channel to twelve metres.'],
    ],
    { labels: [{ startPage: 1, style: 'r' }, { startPage: 4, style: 'D' }] },
  );
  await uploadAndWait(app.page, [{ name: NAME, data: pdf }], 1);
});

afterAll(async () => {
  await app?.close();
  await llm?.close();
});

async function search(query: string): Promise<SearchResult[]> {
  const res = await fetch(`${app.server.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k: 8 }) });
  return ((await res.json()) as { results: SearchResult[] }).results;
}

const viewerPageBox = () => app.page.locator('.viewer input[aria-label="Page number"]');

describe('citations', () => {
  it('read "p. ii (2)" on the chip, its preview, the source list and in the viewer, whose page box shows the label', async () => {
    const { page } = app;
    const question = 'How many storms did the lighthouse keeper record?';
    const n = (await search(question)).findIndex((r) => r.page === 2) + 1;
    expect(n).toBeGreaterThan(0);
    llm.next({ kind: 'ok', content: `The keeper recorded forty storms in the winter of 1901 [${n}].`, tokenDelayMs: 5 });
    await ask(page, question);
    const answer = page.locator('.msg.assistant').first();
    const chip = answer.locator(`.cite[data-cite="${n}"]`).first();
    await chip.waitFor({ timeout: 20_000 });
    await page.locator('.msg.assistant[aria-busy="false"]').first().waitFor({ timeout: 20_000 });
    expect(await chip.getAttribute('aria-label')).toBe(`Source ${n}: ${NAME}, p. ii (2)`);
    expect(await answer.locator('.cite-preview').first().textContent()).toContain(`${NAME} · p. ii (2)`);
    expect(await answer.locator('.sources li').first().textContent()).toBe(`[${n}] ${NAME}, p. ii (2)`);

    // The first message's preview opens inside the chat's scroll area, not under its top edge.
    await chip.hover();
    const preview = answer.locator('.cite-preview').first();
    await expect.poll(() => preview.isVisible()).toBe(true);
    const box = (await preview.boundingBox())!;
    const area = (await page.locator('.messages').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(area.y);
    expect(box.y + box.height).toBeLessThanOrEqual(area.y + area.height);
    expect(box.x).toBeGreaterThanOrEqual(area.x);
    expect(box.x + box.width).toBeLessThanOrEqual(area.x + area.width);

    await chip.click();
    await expect.poll(() => viewerPageBox().inputValue(), { timeout: 20_000 }).toBe('ii');
    expect(await page.locator('.viewer').getAttribute('aria-label')).toBe(`${NAME}, p. ii (2)`);
    expect(await page.locator('.viewer .pdf-page').getAttribute('data-page')).toBe('2');
    expect(await page.locator('.viewer-bar').textContent()).toContain('(2) / 6');
    // Paging on keeps the same rule: page 4 is printed "1".
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => viewerPageBox().inputValue()).toBe('1');
    expect(await page.locator('.viewer-bar').textContent()).toContain('(4) / 6');
    // Typing a printed label goes to that page.
    await viewerPageBox().fill('iii');
    await viewerPageBox().press('Enter');
    await expect.poll(() => page.locator('.viewer .pdf-page').getAttribute('data-page')).toBe('3');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.viewer').count()).toBe(0);
  });

  it('labels a library search hit the way the viewer then shows it', async () => {
    const { page } = app;
    await page.fill('#library-search', 'breakwater granite blocks');
    const hit = page.locator('.hit').first();
    await hit.waitFor({ timeout: 10_000 });
    expect(await hit.locator('.hit-title').textContent()).toBe(`${NAME} · p. 2 (5)`);
    await hit.click();
    await expect.poll(() => page.locator('.viewer .pdf-page').getAttribute('data-page'), { timeout: 20_000 }).toBe('5');
    await expect.poll(() => viewerPageBox().inputValue()).toBe('2');
    expect(await page.locator('.viewer').getAttribute('aria-label')).toBe(`${NAME}, p. 2 (5)`);
    await page.keyboard.press('Escape');
  });
});
