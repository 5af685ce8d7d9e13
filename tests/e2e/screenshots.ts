/**
 * `npm run screenshots [-- DIR]` — PNGs of the main screens (empty library, uploading, a page report, library
 * search, chat with citations, viewer with highlight, sign-in) at 1366 and 390 px wide, light and dark, into DIR
 * (default: $TMPDIR/pagewise-screenshots, outside the repo), against a real server with a temporary DATA_DIR and
 * the fake chat endpoint. Files are named `<scheme>-<width>-<screen>.png`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureClient } from '../support/client-build.js';
import { launchBrowser } from '../support/browser.js';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm } from '../support/fake-llm.js';
import { startTestServer } from '../support/server.js';
import { workspaceShots } from './screenshots-workspace.js';

const out = path.resolve(process.argv[2] ?? path.join(os.tmpdir(), 'pagewise-screenshots'));
fs.mkdirSync(out, { recursive: true });
ensureClient();

const WIDE = { width: 1366, height: 860 };
const PHONE = { width: 390, height: 844 };
const TOKEN = 'screenshots-token-0123456789';

const llm = await startFakeLlm();
// Query expansion on, as in production: the first call of each question returns the other wordings.
const server = await startTestServer({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'deepseek-reasoner', INGEST_WORKERS: '2', QUERY_EXPANSION: 'on' });
const guarded = await startTestServer({ ACCESS_TOKEN: TOKEN });
const shots: string[] = [];

function answerNext(): void {
  llm.next({ kind: 'ok', content: 'Apple total net sales third quarter 2023\nApple net sales three months ended July 1, 2023' }, {
    kind: 'ok',
    reasoning: 'Passage 1 is the income statement; total net sales are in the first rows.',
    content:
      'Apple reported **total net sales of $81,797 million** for the three months ended July 1, 2023 [1], down from $82,959 million a year earlier [1].\n\n| | Q3 2023 | Q3 2022 |\n|---|---|---|\n| Products | 60,584 | 63,355 |\n| Services | 21,213 | 19,604 |\n\nServices grew while Products declined [2].',
    tokenDelayMs: 5,
    chunkSize: 6,
  });
}

async function upload(page: Page): Promise<void> {
  const file = (p: string) => ({ name: path.basename(p), mimeType: 'application/pdf', buffer: fs.readFileSync(p) });
  await page.setInputFiles('[data-testid="file-input"]', [
    file(fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf')),
    file(fixtureFile('ntsb', '20071229X02007.pdf')),
    file(fixtureFile('pdfjs', 'bug1539074.pdf')),
    { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('PK\x03\x04 zip bytes') },
  ]);
  await page.waitForSelector('.doc[data-status="processing"], .doc[data-status="queued"]', { timeout: 20_000 }).catch(() => undefined);
}

async function openViewer(page: Page): Promise<void> {
  await page.locator('.msg.assistant .cite').first().click();
  await page.waitForSelector('.pdf-page:not([data-highlighted="0"])', { timeout: 30_000 }).catch(() => undefined);
  await page.waitForTimeout(500);
}

try {
  for (const scheme of ['light', 'dark'] as const) {
    const b = await launchBrowser({ colorScheme: scheme, ...WIDE });
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    let width = WIDE.width;
    const shot = async (name: string) => {
      const file = path.join(out, `${scheme}-${width}-${name}.png`);
      await page.screenshot({ path: file });
      shots.push(file);
    };
    await page.goto(server.url);
    await page.waitForSelector('.library');
    if (scheme === 'light') {
      await shot('1-empty-library');
      await upload(page);
      await shot('2-uploading');
      await page.waitForFunction(() => document.querySelectorAll('.doc[data-status="ready"]').length === 3, undefined, { timeout: 120_000 });
    }
    // The page report of a document with a flagged page (a font with no Unicode map).
    const flagged = page.locator('.doc', { hasText: 'bug1539074.pdf' });
    await flagged.getByRole('button', { name: 'Pages' }).click();
    await flagged.locator('.page-report tbody tr').first().waitFor({ timeout: 15_000 });
    await shot('3-page-report');
    await flagged.getByRole('button', { name: 'Hide pages' }).click();
    await page.fill('#library-search', 'total net sales');
    await page.locator('.hit').first().waitFor({ timeout: 10_000 });
    await shot('4-library-search');
    await page.fill('#library-search', '');
    answerNext();
    await page.fill('#question', 'What were Apple’s total net sales in Q3 2023?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.msg.assistant[aria-busy="false"] .cite', { timeout: 30_000 });
    await page.locator('.thinking summary').first().click();
    await page.locator('.msg.assistant .cite').first().hover();
    await shot('5-chat-with-citations');
    await openViewer(page);
    await shot('6-viewer-highlight');
    await page.keyboard.press('Escape');

    await page.setViewportSize(PHONE);
    width = PHONE.width;
    await page.waitForTimeout(300);
    await shot('5-chat-with-citations');
    await openViewer(page);
    await shot('6-viewer-highlight');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Library' }).click();
    await shot('1-library');
    await page.fill('#library-search', 'zzqxv nothing');
    await page.getByText('No matches.').waitFor({ timeout: 10_000 });
    await shot('4-library-no-matches');

    // Sign-in, on an instance protected by a token.
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      width = size.width;
      await page.goto(guarded.url);
      await page.waitForSelector('#token');
      await shot('7-sign-in');
    }
    await b.close();
  }
} finally {
  await server.close();
  await guarded.close();
  await llm.close();
}
shots.push(...(await workspaceShots(out)));
console.log(`screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
