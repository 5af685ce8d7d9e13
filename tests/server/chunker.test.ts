/** PageChunker: page-aware chunks whose text is exactly the page text at their character span. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageChunker, type PageChunk } from '../../server/src/ingest/chunker.js';

/** The invariants every chunking of a page must keep. */
function expectValidChunks(chunks: PageChunk[], page: number, text: string, size: number): void {
  let prevStart = -1;
  for (const c of chunks) {
    expect(c.pageStart).toBe(page);
    expect(c.pageEnd).toBe(page);
    expect(c.charStart).toBeGreaterThanOrEqual(0);
    expect(c.charEnd).toBeGreaterThan(c.charStart);
    expect(c.charEnd).toBeLessThanOrEqual(text.length);
    expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
    expect(c.text).toBe(c.text.trim());
    expect(c.text.length).toBeLessThanOrEqual(size);
    expect(c.charStart).toBeGreaterThan(prevStart);
    prevStart = c.charStart;
  }
  // Nothing is lost: every non-space character of the page lies inside some chunk's span.
  const covered = new Uint8Array(text.length);
  for (const c of chunks) covered.fill(1, c.charStart, c.charEnd);
  const lost = [...text].flatMap((ch, i) => (/\s/.test(ch) || covered[i] ? [] : [i]));
  expect(lost).toEqual([]);
}

const paragraph = (n: number, words = 40) =>
  Array.from({ length: words }, (_, i) => `word${n}x${i}`).join(' ') + '.';

describe('PageChunker', () => {
  it('returns no chunks for an empty or blank page', async () => {
    const chunker = new PageChunker(200, 40);
    expect(await chunker.chunkPage(1, '')).toEqual([]);
    expect(await chunker.chunkPage(1, ' \n\n  \n')).toEqual([]);
  });

  it('keeps a short page as one chunk spanning its trimmed text', async () => {
    const chunks = await new PageChunker(200, 40).chunkPage(7, '  Short page text.\n');
    expect(chunks).toEqual([{ pageStart: 7, pageEnd: 7, charStart: 2, charEnd: 18, text: 'Short page text.', heading: null }]);
  });

  it('splits a long page at paragraph boundaries first', async () => {
    const text = [paragraph(1, 12), paragraph(2, 12), paragraph(3, 12)].join('\n\n');
    const chunks = await new PageChunker(120, 20).chunkPage(3, text);
    expect(chunks.length).toBe(3);
    expect(chunks.map((c) => c.text)).toEqual([paragraph(1, 12), paragraph(2, 12), paragraph(3, 12)]);
    expectValidChunks(chunks, 3, text, 120);
  });

  it('splits a paragraph with no line breaks into overlapping chunks under the size', async () => {
    const text = paragraph(1, 200);
    const chunks = await new PageChunker(300, 60).chunkPage(2, text);
    expect(chunks.length).toBeGreaterThan(text.length / 300);
    expectValidChunks(chunks, 2, text, 300);
    // Neighbours overlap (shared words), as configured.
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.charStart).toBeLessThan(chunks[i - 1]!.charEnd);
  });

  it('splits CJK text with no spaces at sentence ends', async () => {
    const sentence = '東京の天気は晴れです。明日は雨が降るでしょう。';
    const text = sentence.repeat(12);
    const chunks = await new PageChunker(100, 10).chunkPage(1, text);
    expect(chunks.length).toBeGreaterThan(2);
    expectValidChunks(chunks, 1, text, 100);
    // Cut between sentences, never inside one (the splitter keeps the 。 with the following piece).
    for (const c of chunks) expect(c.text.replace(/^。/, '')).toMatch(/^(東京|明日)/);
  });

  it('gives the true spans of repeated, identical passages', async () => {
    const line = 'The same boilerplate line appears on this page again and again.';
    const text = Array.from({ length: 30 }, () => line).join('\n');
    const chunks = await new PageChunker(200, 40).chunkPage(1, text);
    expectValidChunks(chunks, 1, text, 200);
    expect(chunks[chunks.length - 1]!.charEnd).toBe(text.length);
  });

  it('places a repeated line that follows a blank line at its own position (found by fast-check)', async () => {
    const text = 'Total net sales\nTotal net sales\nTotal net sales\nSee accompanying notes.\nTotal net sales\n\nTotal net sales';
    const chunks = await new PageChunker(100, 25).chunkPage(1, text);
    expect(chunks.map((c) => [c.charStart, c.charEnd])).toEqual([
      [0, 87],
      [89, 104],
    ]);
  });

  it('drops a piece the splitter emits again as the start of the next one (found by fast-check)', async () => {
    const text = 'a\n\na\n' + 'x'.repeat(130) + '\na\n';
    const chunks = await new PageChunker(133, 2).chunkPage(1, text);
    expectValidChunks(chunks, 1, text, 133);
    expect(chunks.map((c) => [c.charStart, c.charEnd])).toEqual([
      [0, 1],
      [3, 135],
      [136, 137],
    ]);
  });

  it('keeps its invariants on pages made of a few repeated lines', async () => {
    const line = fc.constantFrom('a', 'ab', 'Total net sales', 'Total net sales 81,797', '—', 'See accompanying notes.', '表 1 売上高', 'x'.repeat(130));
    const sep = fc.constantFrom('\n', '\n\n', ' ', '. ', ', ');
    const pageText = fc.array(fc.tuple(line, sep), { minLength: 1, maxLength: 300 }).map((parts) => parts.map(([l, s]) => l + s).join(''));
    await fc.assert(
      fc.asyncProperty(pageText, fc.integer({ min: 100, max: 400 }), fc.integer({ min: 0, max: 90 }), async (text, size, overlapPct) => {
        const chunks = await new PageChunker(size, Math.floor((size * overlapPct) / 100)).chunkPage(1, text);
        expectValidChunks(chunks, 1, text, size);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its invariants on arbitrary page text', async () => {
    const word = fc.stringMatching(/^[A-Za-z0-9äöü,;.]{1,14}$/);
    const sep = fc.constantFrom(' ', ' ', ' ', '\n', '\n\n', '. ', '  ');
    const pageText = fc.array(fc.tuple(word, sep), { minLength: 1, maxLength: 400 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
    await fc.assert(
      fc.asyncProperty(pageText, fc.integer({ min: 100, max: 600 }), async (text, size) => {
        const overlap = Math.floor(size / 5);
        const chunks = await new PageChunker(size, overlap).chunkPage(5, text);
        expectValidChunks(chunks, 5, text, size);
      }),
      { numRuns: 150 },
    );
  });
});

describe('chunk headings', () => {
  it('gives a chunk inside a table the table header and the page title, and keeps them out of its text', async () => {
    const { tableHeaderAt } = await import('../../server/src/ingest/chunker.js');
    const page = [
      'CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS',
      '(In millions)',
      'Three Months Ended',
      'July 1, 2023 June 25, 2022',
      'Net sales:',
      'Products $ 60,584 $ 63,355',
      'Services 21,213 19,604',
      'Total net sales 81,797 82,959',
      'Cost of sales:',
      'Products 39,136 41,485',
      'Total gross margin 36,413 35,885',
    ].join('\n');
    const at = page.indexOf('Total gross margin');
    const header = tableHeaderAt(page, at);
    expect(header).toContain('Three Months Ended');
    expect(header).toContain('July 1, 2023 June 25, 2022');
    expect(tableHeaderAt('Just a paragraph of prose.\nAnother line of prose.', 5)).toBeNull();

    const chunker = new PageChunker(120, 20);
    const chunks = await chunker.chunkPage(4, page);
    expect(chunks.length).toBeGreaterThan(1);
    const last = chunks[chunks.length - 1]!;
    expect(last.text).toContain('36,413');
    expect(last.heading).toContain('CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS');
    expect(last.heading).toContain('Three Months Ended');
    for (const c of chunks) expect(page.slice(c.charStart, c.charEnd)).toBe(c.text);
  });
});
