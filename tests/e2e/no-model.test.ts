/**
 * Answers without a model (issue 18, defect 10): the "no model configured" notice appears once, the passages are
 * shown whole (collapsible), not cut at a few hundred characters, and the question's words are marked in them.
 */
import { collapseLeaders, type StoredMessage } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, startE2eApp, uploadAndWait, type E2eApp } from '../support/e2e-app.js';
import { fixtureFile } from '../support/fixtures.js';

let app: E2eApp;

beforeAll(async () => {
  app = await startE2eApp();
  await uploadAndWait(app.page, [fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf')], 1);
});

afterAll(async () => {
  await app?.close();
});

const squash = (s: string) => s.replace(/\s+/g, '');

describe('an answer without a model', () => {
  it('says once that no model is configured and shows whole passages with the query terms marked', async () => {
    const { page, server } = app;
    await ask(page, 'What were Apple total net sales for the three months ended July 1, 2023?');
    const answer = page.locator('.msg.assistant[aria-busy="false"]').first();
    await answer.waitFor({ timeout: 30_000 });
    const text = (await answer.textContent()) ?? '';
    expect(text.match(/no (language )?model (is )?configured/gi)?.length).toBe(1);

    const { conversations } = (await (await fetch(`${server.url}/api/conversations`)).json()) as { conversations: { id: string }[] };
    const stored = (await (await fetch(`${server.url}/api/conversations/${conversations[0]!.id}`)).json()) as { conversation: { messages: StoredMessage[] } };
    const cited = stored.conversation.messages[1]!.citations;
    expect(cited.length).toBeGreaterThan(0);
    const passages = answer.locator('details.passage');
    expect(await passages.count()).toBe(cited.length);
    for (const c of cited) {
      const shown = answer.locator(`details.passage[data-cite="${c.n}"]`);
      // Whole: every character of the passage, not the first few hundred.
      expect(squash((await shown.locator('.passage-text').textContent()) ?? '')).toBe(squash(collapseLeaders(c.text)));
    }
    // Apple's total net sales, which a cut passage lost, are on screen.
    expect(text).toContain('81,797');
    // Collapsible: a passage can be closed and opened again.
    const first = passages.first();
    expect(await first.getAttribute('open')).not.toBeNull();
    await first.locator('summary').click();
    expect(await first.getAttribute('open')).toBeNull();
    // The question's words are marked in the passages.
    const marked = (await answer.locator('.passage-text mark').allTextContents()).map((m) => m.toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['net', 'sales']));
  });
});
