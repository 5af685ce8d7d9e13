/**
 * The library while files come in (issue 18, defects 7 and 8): each refused file gets one message that names it
 * once and can be dismissed, with a "Dismiss all"; a document whose pages are all read but whose passages are
 * still being indexed says so, instead of a page counter that seems stuck. The embeddings endpoint (a boundary we
 * do not own) is held back so that the indexing stage lasts until the test has seen it.
 */
import type { DocumentSummary } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from '../support/e2e-app.js';
import { startHeldEmbedder, type HeldEmbedder } from '../support/held-embedder.js';
import { textPdf } from '../support/pdfs.js';

let app: E2eApp;
let embedder: HeldEmbedder;

beforeAll(async () => {
  embedder = await startHeldEmbedder();
  app = await startE2eApp({ EMBEDDER: 'openai', EMBED_BASE_URL: embedder.baseUrl, EMBED_MODEL: 'held' });
});

afterAll(async () => {
  embedder?.release();
  await app?.close();
  await embedder?.close();
});

const junk = (name: string, text: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(text) });

describe('the library', () => {
  it('shows one dismissable message per refused file, naming it once, and a "Dismiss all"', async () => {
    const { page } = app;
    const good = Buffer.from(await textPdf([['A small report about canal locks and their keepers.']]));
    await page.setInputFiles('[data-testid="file-input"]', [
      { name: 'locks.pdf', mimeType: 'application/pdf', buffer: good },
      junk('holiday.pdf', '\x89PNG\r\n\x1a\n not really a pdf'),
      junk('minutes.pdf', 'PK\x03\x04 a zip archive'),
    ]);
    await page.setInputFiles('[data-testid="file-input"]', [junk('scan.pdf', 'GIF89a not a pdf either')]);
    const failed = page.locator('.uploads li.failed');
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(3);
    for (const name of ['holiday.pdf', 'minutes.pdf', 'scan.pdf']) {
      const item = failed.filter({ hasText: name });
      expect(await item.count()).toBe(1);
      const text = (await item.textContent()) ?? '';
      expect(text.split(name).length - 1).toBe(1);
      expect(text).toContain('not a PDF');
    }
    // The library does not stack the same alert for every file: one live region announces them.
    expect(await page.locator('.uploads [role="alert"]').count()).toBeLessThanOrEqual(1);

    await page.getByRole('button', { name: 'Dismiss the error for minutes.pdf' }).click();
    await expect.poll(() => failed.count()).toBe(2);
    expect(await failed.filter({ hasText: 'minutes.pdf' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Dismiss all errors' }).click();
    await expect.poll(() => failed.count()).toBe(0);
    await expect.poll(() => page.getByRole('button', { name: 'Dismiss all errors' }).count()).toBe(0);
  });

  it('says a document is being indexed once its pages are read', async () => {
    const { page, server } = app;
    await page.locator('.doc[data-status="ready"]', { hasText: 'locks.pdf' }).waitFor({ timeout: 60_000 });
    embedder.hold();
    const pdf = Buffer.from(await textPdf(Array.from({ length: 5 }, (_, i) => [`Chapter ${i + 1} on tidal mills and their wheels.`])));
    await page.setInputFiles('[data-testid="file-input"]', [{ name: 'mills.pdf', mimeType: 'application/pdf', buffer: pdf }]);
    const doc = page.locator('.doc', { hasText: 'mills.pdf' });
    await expect.poll(() => doc.getAttribute('data-stage'), { timeout: 30_000 }).toBe('indexing');
    expect(await doc.locator('.doc-meta').textContent()).toMatch(/^Indexing passages/);
    const listed = ((await (await fetch(`${server.url}/api/documents`)).json()) as { documents: DocumentSummary[] }).documents;
    const mills = listed.find((d) => d.name === 'mills.pdf')!;
    expect(mills).toMatchObject({ status: 'processing', stage: 'indexing', pages: 5, pagesDone: 5 });
    embedder.release();
    await expect.poll(() => doc.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await doc.getAttribute('data-stage')).toBe('ready');
  });
});
