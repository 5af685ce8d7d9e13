/**
 * The app on a 390 px phone (issue 18, defect 5): the viewer fits the page to the screen's width instead of
 * opening at a fixed zoom that scrolls sideways, its toolbar stays on one row, and the model status stays visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, uploadAndWait, type E2eApp } from '../support/e2e-app.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';

let app: E2eApp;
let llm: FakeLlm;

beforeAll(async () => {
  llm = await startFakeLlm();
  app = await startE2eApp({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-chat' }, { width: 390, height: 800 });
  await uploadAndWait(app.page, [fixtureFile('ntsb', '20071229X02007.pdf')], 1);
});

afterAll(async () => {
  await app?.close();
  await llm?.close();
});

/** Visible elements whose vertical centres differ by more than a few pixels sit on different rows. */
async function rows(page: E2eApp['page'], selector: string): Promise<number> {
  const tops = await page.locator(selector).evaluateAll((els) =>
    els
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => e.getBoundingClientRect())
      .map((r) => Math.round(r.top + r.height / 2)),
  );
  const distinct: number[] = [];
  for (const t of tops.sort((a, b) => a - b)) if (!distinct.some((d) => Math.abs(d - t) <= 6)) distinct.push(t);
  return distinct.length;
}

describe('on a 390 px phone', () => {
  it('keeps the model status visible in the header, on one row', async () => {
    const { page } = app;
    const status = page.getByTestId('model-status');
    await expect.poll(() => status.isVisible()).toBe(true);
    expect(await status.getAttribute('title')).toContain('deepseek-chat');
    const box = (await status.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await rows(page, '.top > *')).toBe(1);
  });

  it('opens the viewer with the page fitted to the width, and a one-row toolbar', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Library' }).click();
    await page.fill('#library-search', 'airplane trees approach');
    await page.locator('.hit').first().click();
    const pdfPage = page.locator('.viewer .pdf-page');
    // Rendered: the text layer is filled after the canvas is sized for the page.
    await page.locator('.viewer .textLayer span').first().waitFor({ timeout: 20_000 });
    const scroller = page.locator('.viewer-scroll');
    const fit = await scroller.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    expect((await pdfPage.boundingBox())!.width).toBeLessThanOrEqual(390);
    // Nothing in the whole page scrolls sideways either.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await rows(page, '.viewer-bar > *')).toBe(1);
    // Zoom still works from the fitted width: zooming in makes the page wider than the screen.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => (await pdfPage.boundingBox())?.width ?? 0).toBeGreaterThan(fit.client);
    await page.getByRole('button', { name: 'Fit to width' }).click();
    await expect.poll(async () => (await pdfPage.boundingBox())?.width ?? 0).toBeLessThanOrEqual(fit.client);
  });
});
