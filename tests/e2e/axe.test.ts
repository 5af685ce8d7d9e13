/**
 * Accessibility (issue 18): axe-core, injected into the page, finds no serious or critical violation on the main
 * screens (library, chat with a cited answer, the viewer open, sign-in) in the light and the dark colour scheme,
 * at desktop and phone widths.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { ensureClient } from '../support/client-build.js';
import { ask, uploadAndWait } from '../support/e2e-app.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** axe-core's browser build, evaluated in the page (the app's CSP rightly refuses an injected inline script). */
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TOKEN = 'axe-check-token-0123456789';

let server: TestServer;
let guarded: TestServer;
let llm: FakeLlm;

beforeAll(async () => {
  ensureClient();
  llm = await startFakeLlm();
  server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-reasoner' });
  guarded = await startTestServer({ ACCESS_TOKEN: TOKEN });
});

afterAll(async () => {
  await server?.close();
  await guarded?.close();
  await llm?.close();
});

/** Serious and critical violations on the page as it is now, one line each: rule, impact, first targets. */
async function violations(page: Page, screen: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${screen}: ${v.id} (${v.impact}) ${v.targets.join(' ')}`);
}

describe.each(['light', 'dark'] as const)('axe-core in the %s colour scheme', (scheme) => {
  it('finds no serious or critical violation on the library, a cited answer and the viewer, at 1366 and 390 px', async () => {
    const b = await launchBrowser({ colorScheme: scheme, width: 1366, height: 860 });
    try {
      const page = b.context.pages()[0] ?? (await b.context.newPage());
      await page.goto(server.url);
      await page.waitForSelector('.library');
      const found: string[] = [];
      found.push(...(await violations(page, 'empty library')));
      if ((await page.locator('.doc[data-status="ready"]').count()) === 0) await uploadAndWait(page, [fixtureFile('ntsb', '20071229X02007.pdf')], 1);
      await page.fill('#library-search', 'airplane trees');
      await page.locator('.hit').first().waitFor({ timeout: 10_000 });
      found.push(...(await violations(page, 'library with search results')));
      llm.next({ kind: 'ok', reasoning: 'Passage 1 says so.', content: 'The airplane contacted **trees** during the approach [1]. The pilot misjudged the clearance [1].', tokenDelayMs: 2 });
      await ask(page, 'What did the airplane hit?');
      await page.locator('.msg.assistant[aria-busy="false"] .cite').first().waitFor({ timeout: 20_000 });
      found.push(...(await violations(page, 'chat with an answer')));
      await page.locator('.msg.assistant .cite').first().click();
      await page.locator('.viewer .pdf-page canvas').waitFor();
      await page.waitForTimeout(500);
      found.push(...(await violations(page, 'viewer')));
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 390, height: 800 });
      found.push(...(await violations(page, 'phone chat')));
      await page.getByRole('button', { name: 'Library' }).click();
      found.push(...(await violations(page, 'phone library')));
      expect(found).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('finds no serious or critical violation on the sign-in page', async () => {
    const b = await launchBrowser({ colorScheme: scheme });
    try {
      const page = b.context.pages()[0] ?? (await b.context.newPage());
      await page.goto(guarded.url);
      await page.waitForSelector('#token');
      const found = await violations(page, 'sign-in');
      await page.fill('#token', 'wrong-token-wrong-token');
      await page.keyboard.press('Enter');
      await page.locator('.signin .error').waitFor({ timeout: 10_000 });
      found.push(...(await violations(page, 'sign-in with an error')));
      expect(found).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
