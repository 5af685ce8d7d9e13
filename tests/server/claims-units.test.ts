/**
 * Pieces of the claim check: splitting an answer into claims (offsets, markers, what is not a claim), reading
 * figures in every notation, and the verification of whole answers, extractive ones included.
 */
import { describe, expect, it } from 'vitest';
import type { Source } from '@pagewise/shared';
import { extractiveAnswer, NO_MODEL_NOTE } from '../../server/src/answer/chat.js';
import { verifyAnswer } from '../../server/src/answer/verify/index.js';
import { extractFigures, figureIn, passageValues } from '../../server/src/answer/verify/numbers.js';
import { scoreClaim } from '../../server/src/answer/verify/score.js';
import { splitClaims } from '../../server/src/answer/verify/split.js';

const src = (n: number, text: string, page = 1): Source => ({
  n, chunkId: n, documentId: 'doc', documentName: 'Report.pdf', page, pageLabel: null, charStart: 100 * n, charEnd: 100 * n + text.length, text,
});

describe('splitting an answer into claims', () => {
  it('splits sentences, keeps each one’s markers and offsets, and does not split decimals or abbreviations', () => {
    const answer = 'Net sales were $81.8 billion in Q3 [1]. The U.S. share fell, e.g. in Europe.[2] Margins rose 0.5 points [1][3].';
    const claims = splitClaims(answer);
    expect(claims.map((c) => c.text)).toEqual([
      'Net sales were $81.8 billion in Q3 [1].',
      'The U.S. share fell, e.g. in Europe.[2]',
      'Margins rose 0.5 points [1][3].',
    ]);
    expect(claims.map((c) => c.citations)).toEqual([[1], [2], [1, 3]]);
    for (const c of claims) expect(answer.slice(c.start, c.end)).toBe(c.text);
  });

  it('leaves out headings, introductions, questions, not-in-your-documents lines and given notes', () => {
    const answer = [
      '## Results',
      'Here is what the report says:',
      '- Revenue rose to 1.234,5 Mio. Euro [1]',
      '- **Costs** fell; staff grew to 5.432 people [2]',
      'Would you like more detail?',
      'The documents do not mention the 2024 outlook.',
      'NOTE FROM THE SERVER.',
      'Der Umsatz stieg am 31. Dezember 2023 deutlich [1]. 利润增长了5%[2]。员工人数未提及。',
    ].join('\n');
    const claims = splitClaims(answer, ['NOTE FROM THE SERVER.']);
    expect(claims.map((c) => c.text)).toEqual([
      'Revenue rose to 1.234,5 Mio. Euro [1]',
      '**Costs** fell; staff grew to 5.432 people [2]',
      'Der Umsatz stieg am 31. Dezember 2023 deutlich [1].',
      '利润增长了5%[2]。',
    ]);
  });

  it('treats a list item cited at its end as one claim, and splits cited clauses', () => {
    const claims = splitClaims('- First point. Second point [1]\n- Sales rose [1]; costs fell [2]\nAn unmarked sentence here.');
    expect(claims.map((c) => [c.text, c.citations])).toEqual([
      ['First point. Second point [1]', [1]],
      ['Sales rose [1];', [1]],
      ['costs fell [2]', [2]],
      ['An unmarked sentence here.', []],
    ]);
  });
});

describe('figures', () => {
  const found = (claim: string, passage: string) => extractFigures(claim).every((f) => figureIn(f, passageValues(passage)));

  it('normalises separators, decimal commas, full-width digits, scale words and percentages', () => {
    expect(found('$81.8 billion', 'Total net sales 81,797 82,959')).toBe(true);
    expect(found('$82,995 million', 'Total net sales 81,797 82,959')).toBe(false);
    expect(found('1,23 Mrd. Euro', 'auf 1.234,5 Mio. Euro')).toBe(true);
    expect(found('4,2 %', 'stieg um 4.2 percent')).toBe(true);
    expect(found('１２，３４５人', '员工总数为12,345人')).toBe(true);
    expect(found('818亿美元', '净销售额为817.97亿美元')).toBe(true);
    expect(found('817.97亿美元', 'Total net sales 81,797')).toBe(true);
    expect(found('December 8, 2007', 'Date & Time: 12/08/2007, 1730 EST')).toBe(true);
    expect(found('December 9, 2007', 'ceiling at 9,000 feet, 12/08/2007')).toBe(false);
    expect(found('999,999,999', 'Net income 19,881 19,442')).toBe(false);
  });

  it('skips numbers inside codes and names', () => {
    expect(extractFigures('the 10-Q for Q3 on the M2 chip and a PA-22').map((f) => f.raw)).toEqual([]);
    expect(extractFigures('a 1,500-foot-long strip, 52-week year').map((f) => f.raw)).toEqual(['1,500', '52']);
  });
});

describe('verifying an answer', () => {
  it('marks a fabricated figure unsupported and a true one supported, with the exact supporting line', async () => {
    const table = 'Net sales:\n Products  60,584  63,355\n Services  21,213  19,604\n Total net sales  81,797  82,959\n Net income  19,881  19,442';
    const v = await verifyAnswer('Total net sales were $81,797 million [1]. Net income was $999,999,999 [1]. Apple makes phones.', [src(1, table)]);
    expect(v.counts).toEqual({ supported: 1, partial: 0, unsupported: 1, uncited: 1 });
    const [ok, bad, uncited] = v.claims;
    expect(ok).toMatchObject({ verdict: 'supported', citations: [1], support: { citation: 1, quote: 'Total net sales  81,797  82,959' } });
    expect(table.slice(ok!.support!.charStart, ok!.support!.charEnd)).toBe(ok!.support!.quote);
    expect(bad).toMatchObject({ verdict: 'unsupported', citations: [1] });
    expect(uncited).toMatchObject({ verdict: 'uncited', citations: [] });
  });

  it('finds an extractive answer supported, its note no claim', async () => {
    const sources = [src(1, 'The airplane contacted trees, then utility wires, and came to rest upright.'), src(2, 'Visibility was 10 miles.', 2)];
    const { text } = extractiveAnswer(sources);
    const v = await verifyAnswer(text, sources, { skip: [NO_MODEL_NOTE] });
    expect(v.counts).toEqual({ supported: 2, partial: 0, unsupported: 0, uncited: 0 });
    expect(v.claims.map((c) => c.citations)).toEqual([[1], [2]]);
  });

  it('counts nothing as uncited when there were no passages', async () => {
    const v = await verifyAnswer('Your documents do not contain this. The sky is blue.', []);
    expect(v.claims).toEqual([]);
  });
});

describe('semantic similarity', () => {
  const passage = [{ n: 1, text: 'The pilot, age 85, was attempting to land at his private airstrip.' }];

  it('lifts a partly supported claim only when a passage sentence is similar enough', async () => {
    expect((await scoreClaim('The octogenarian flier was 85.', passage)).verdict).toBe('partial');
    const calls: [string, string[]][] = [];
    const similar = async (claim: string, segs: string[]) => (calls.push([claim, segs]), segs.map(() => 0.9));
    expect((await scoreClaim('The octogenarian flier was 85.', passage, similar)).verdict).toBe('supported');
    expect(calls).toEqual([['The octogenarian flier was 85.', [passage[0]!.text]]]);
    expect((await scoreClaim('The octogenarian flier was 85.', passage, async (_c, segs) => segs.map(() => 0.5))).verdict).toBe('partial');
  });

  it('never lifts a claim with a missing figure, and survives a failing similarity', async () => {
    expect((await scoreClaim('The octogenarian flier was 58.', passage, async (_c, segs) => segs.map(() => 1))).verdict).toBe('unsupported');
    expect((await scoreClaim('The octogenarian flier was 85.', passage, () => Promise.reject(new Error('down')))).verdict).toBe('partial');
  });
});
