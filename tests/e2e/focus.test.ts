/**
 * Keyboard focus in a real browser: the question box has focus on load and a skip link leads to it; a focused
 * citation chip keeps focus (the same element) across the library's periodic refresh; the viewer is a real modal
 * (Tab and Shift+Tab stay inside it) and Escape gives focus back to the chip that opened it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, ask, startE2e, type E2eWorld } from '../support/e2e.js';

let w: E2eWorld;

beforeAll(async () => {
  w = await startE2e({ model: false, ntsb: ['20071229X02007.pdf', '20080102X00002.pdf'] });
});

afterAll(async () => {
  await w?.close();
});

const activeInfo = () =>
  w.page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return { tag: a?.tagName ?? '', id: a?.id ?? '', cls: a?.className ?? '', text: a?.textContent ?? '', marked: a?.dataset.focusMark ?? '', inViewer: !!a?.closest('.viewer') };
  });

describe('keyboard focus', () => {
  it('puts focus in the question box on load, and the first tab stop is a link that skips to it', async () => {
    await w.page.reload();
    await w.page.locator('#question:not([disabled])').waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await activeInfo()).id, { timeout: 5_000 }).toBe('question');

    // The first stop in tab order is a skip link; focused, it shows, and Enter takes focus to the question box.
    const firstStop = await w.page.evaluate(() => {
      const all = Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input, textarea, select, [tabindex]'));
      const stops = all.filter((el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0);
      return stops[0]?.textContent ?? '';
    });
    expect(firstStop).toBe('Skip to question');
    const skip = w.page.getByRole('link', { name: 'Skip to question' });
    await skip.focus();
    expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await w.page.keyboard.press('Enter');
    expect((await activeInfo()).id).toBe('question');
  });

  it('keeps focus on a citation chip while the document list refreshes', async () => {
    await ask(w.page, 'What did the airplane hit on final approach?');
    await answered(w.page);
    const chip = w.page.locator('.msg.assistant .cite').first();
    await chip.focus();
    await w.page.evaluate(() => ((document.activeElement as HTMLElement).dataset.focusMark = 'chip'));
    // The library refreshes on its own at least every 10 s; wait until two refreshes have come back.
    let lists = 0;
    const count = (r: { url(): string; request(): { method(): string } }) => {
      if (new URL(r.url()).pathname === '/api/documents' && r.request().method() === 'GET') lists++;
    };
    w.page.on('response', count);
    await expect.poll(() => lists, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    w.page.off('response', count);
    await w.page.waitForTimeout(300);
    const now = await activeInfo();
    expect(now.marked).toBe('chip');
    expect(now.cls).toContain('cite');
  });

  it('keeps Tab inside the viewer and gives focus back to the chip on Escape', async () => {
    // The chip of the test before, or (when that one lost it) the first chip, marked afresh.
    await w.page.locator('.msg.assistant .cite').first().evaluate((el) => ((el as HTMLElement).dataset.focusMark = 'chip'));
    const chip = w.page.locator('.msg.assistant .cite[data-focus-mark="chip"]').first();
    await chip.focus();
    await w.page.keyboard.press('Enter');
    await w.page.locator('.viewer').waitFor({ timeout: 10_000 });
    await w.page.locator('.viewer .pdf-page[data-highlighted]').waitFor({ timeout: 30_000 });
    expect((await activeInfo()).inViewer).toBe(true);
    const seen = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await w.page.keyboard.press('Tab');
      const a = await activeInfo();
      expect(a.inViewer, `Tab ${i + 1} left the viewer for <${a.tag.toLowerCase()} class="${a.cls}">${a.text.slice(0, 40)}`).toBe(true);
      seen.add(`${a.tag}:${a.text}:${a.id}`);
    }
    // Tab went round: it reached more than one control, and came back to the first.
    expect(seen.size).toBeGreaterThan(3);
    for (let i = 0; i < 14; i++) {
      await w.page.keyboard.press('Shift+Tab');
      expect((await activeInfo()).inViewer, `Shift+Tab ${i + 1} left the viewer`).toBe(true);
    }
    await w.page.keyboard.press('Escape');
    await expect.poll(() => w.page.locator('.viewer').count()).toBe(0);
    const back = await activeInfo();
    expect(back.marked).toBe('chip');
  });
});
