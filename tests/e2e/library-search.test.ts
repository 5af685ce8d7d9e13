/**
 * Library search (issue 18, defect 11): only results above the server's relevance floor are listed, and a query
 * that matches nothing says "No matches" instead of listing the nearest passages whatever they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, uploadAndWait, type E2eApp } from '../support/e2e-app.js';
import { fixtureFile } from '../support/fixtures.js';

let app: E2eApp;

beforeAll(async () => {
  app = await startE2eApp();
  await uploadAndWait(app.page, [fixtureFile('ntsb', '20071229X02007.pdf'), fixtureFile('ntsb', '20080102X00002.pdf')], 2);
});

afterAll(async () => {
  await app?.close();
});

describe('library search', () => {
  it('says "No matches" for a nonsense query', async () => {
    const { page } = app;
    await page.fill('#library-search', 'zzqxv nothing');
    const list = page.getByRole('list', { name: 'Search results' });
    await list.waitFor({ timeout: 10_000 });
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toBe('No matches.');
    expect(await page.locator('.hit').count()).toBe(0);
  });

  it('still lists the passages of a real query', async () => {
    const { page } = app;
    await page.fill('#library-search', 'airplane contacted trees during final approach');
    await expect.poll(() => page.locator('.hit').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('list', { name: 'Search results' }).textContent()).not.toContain('No matches');
  });
});
