/** The page report view: every page's characters, source and OCR confidence, warnings as text; the library badges. */
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PageQuality } from '@pagewise/shared';
import { PageTable, QualityBadges } from '../../client/src/components/PageReport';

const pages: PageQuality[] = [
  { number: 1, label: 'i', chars: 2310, source: 'text', ocrConfidence: null, warnings: [] },
  { number: 2, label: null, chars: 1804, source: 'ocr', ocrConfidence: 91.4, warnings: [] },
  {
    number: 3,
    label: null,
    chars: 0,
    source: 'none',
    ocrConfidence: null,
    warnings: [{ code: 'UNMAPPED_GLYPHS', message: 'Many characters <b>have</b> no Unicode value.' }],
  },
];

describe('page report view', () => {
  it('lists each page with its characters, source and OCR confidence, and flags the pages with warnings', () => {
    const { container } = render(<PageTable pages={pages} />);
    const rows = [...container.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['i (1)', (2310).toLocaleString(), 'text', ''],
      ['2', (1804).toLocaleString(), 'OCR 91%', ''],
      ['3', '0', 'none', '⚠ Many characters <b>have</b> no Unicode value.'],
    ]);
    expect([...container.querySelectorAll('tbody tr')].map((tr) => tr.className)).toEqual(['', '', 'flagged']);
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows a document’s OCR and flagged pages at a glance, and nothing for a clean one', () => {
    expect(render(<QualityBadges ocrPages={3} warningPages={1} />).container.textContent).toBe('3 by OCR⚠ 1 page flagged');
    expect(render(<QualityBadges ocrPages={0} warningPages={0} />).container.textContent).toBe('');
  });
});
