/**
 * The claim check in the answer view (jsdom): marked claims keep their text and say why, a chip inside a supported
 * claim carries its supporting span, the footer counts verdicts, the renderer stays sanitized, and the viewer's
 * matcher resolves a span to exactly its characters in the text layer.
 */
import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Source, VerifiedClaim } from '@pagewise/shared';
import { Markdown } from '../../client/src/components/Markdown';
import { claimCounts } from '../../client/src/components/MessageView';
import { linkCitationsMapped } from '../../client/src/components/claims';
import { findSpanRange, highlightPassage } from '../../client/src/components/highlight';

const TABLE = 'Net sales:\n Products  60,584  63,355\n Total net sales  81,797  82,959\n Net income  19,881  19,442';
const source: Source = { n: 2, chunkId: 9, documentId: 'd', documentName: '10-Q.pdf', page: 4, pageLabel: null, charStart: 500, charEnd: 500 + TABLE.length, text: TABLE };

const answer = '**Sales** were $81,797 million [2]. Net income was *$999,999,999* [2]. Apple is _big_.';
const claim = (index: number, text: string, verdict: VerifiedClaim['verdict'], extra: Partial<VerifiedClaim> = {}): VerifiedClaim => {
  const start = answer.indexOf(text);
  return { index, text, start, end: start + text.length, citations: verdict === 'uncited' ? [] : [2], verdict, ...extra };
};
const rowStart = TABLE.indexOf('Total net sales');
const claims: VerifiedClaim[] = [
  claim(0, '**Sales** were $81,797 million [2].', 'supported', {
    support: { citation: 2, charStart: rowStart, charEnd: rowStart + 'Total net sales  81,797  82,959'.length, quote: 'Total net sales  81,797  82,959' },
  }),
  claim(1, 'Net income was *$999,999,999* [2].', 'unsupported'),
  claim(2, 'Apple is _big_.', 'uncited'),
];

describe('claims in the answer', () => {
  it('marks unsupported and uncited claims without removing them, and says why', () => {
    const { container } = render(<Markdown text={answer} sources={[source]} claims={claims} />);
    expect(container.textContent).toContain('Net income was $999,999,999');
    expect(container.textContent).toContain('Apple is big.');
    const bad = [...container.querySelectorAll('.claim-unsupported')];
    // Every piece of the claim's text is marked (its chip, between "$999,999,999 " and ".", stays a chip).
    expect(bad.map((e) => e.textContent).join('')).toBe('Net income was $999,999,999 .');
    for (const e of bad) expect(e.getAttribute('title')).toBe('Not supported: the number 999,999,999 is not in passage 2.');
    const uncited = [...container.querySelectorAll('.claim-uncited')];
    expect(uncited.map((e) => e.textContent).join('')).toBe('Apple is big.');
    expect(uncited[0]!.getAttribute('title')).toBe('No passage is cited for this sentence.');
    // The supported claim is not marked; nothing became markup.
    expect(container.querySelector('[data-claim="0"]')).toBeNull();
    expect(container.querySelector('em .claim-uncited')?.textContent).toBe('big');
  });

  it('opens the viewer from a supported claim’s chip with exactly its supporting span', () => {
    const onOpen = vi.fn();
    const { container } = render(<Markdown text={answer} sources={[source]} claims={claims} onOpen={onOpen} />);
    const chips = [...container.querySelectorAll<HTMLButtonElement>('button.cite')];
    expect(chips).toHaveLength(2);
    expect(chips[0]!.dataset.support).toBe(`${rowStart}-${rowStart + 31}`);
    expect(chips[1]!.dataset.support).toBeUndefined();
    fireEvent.click(chips[0]!);
    expect(onOpen).toHaveBeenCalledWith(source, claims[0]!.support);
    fireEvent.click(chips[1]!);
    expect(onOpen).toHaveBeenLastCalledWith(source, undefined);
  });

  it('maps offsets between the answer and the markdown with chip links', () => {
    const text = 'A [1]. B [2][3]. C';
    const m = linkCitationsMapped(text);
    for (const word of ['A', 'B', 'C']) expect(m.text[m.toParsed(text.indexOf(word))]).toBe(word);
    expect(m.toAnswer(m.text.indexOf('C'))).toBe(text.indexOf('C'));
    expect(m.toAnswer(m.text.indexOf('#cite-3'))).toBe(text.indexOf('[3]'));
  });

  it('counts the verdicts for the footer', () => {
    expect(claimCounts({ claims, counts: { supported: 1, partial: 0, unsupported: 1, uncited: 1 } })).toBe('3 claims checked: 1 supported · 1 not supported · 1 uncited');
    expect(claimCounts({ claims: [], counts: { supported: 0, partial: 0, unsupported: 0, uncited: 0 } })).toBe('');
    expect(claimCounts(null)).toBe('');
  });
});

describe('the supporting span in the viewer', () => {
  const items = ['Net sales:', 'Products 60,584 63,355', 'Total net sales 81,797 82,959', 'Net income 19,881 19,442'];

  it('resolves to exactly the span’s first and last characters', () => {
    const r = findSpanRange(items, TABLE, { start: TABLE.indexOf('81,797'), end: TABLE.indexOf('81,797') + 6 });
    expect(r).toEqual({ from: { item: 2, char: 16 }, to: { item: 2, char: 21 } });
    expect(findSpanRange(items, TABLE)).toEqual({ from: { item: 0, char: 0 }, to: { item: 3, char: 23 } });
  });

  it('marks only the span’s characters in the text layer', () => {
    const layer = document.createElement('div');
    for (const t of items) layer.append(Object.assign(document.createElement('span'), { textContent: t }));
    const start = TABLE.indexOf('Total net sales');
    expect(highlightPassage(layer, TABLE, { start, end: start + 'Total net sales  81,797'.length })).toBe(1);
    expect([...layer.querySelectorAll('mark.pw-span')].map((m) => m.textContent)).toEqual(['Total net sales 81,797']);
    expect(layer.textContent).toBe(items.join(''));
  });
});
