import { describe, expect, it } from 'vitest';
import { fuse, type Candidates, type FusionWeights } from '../../server/src/index/fusion.js';
import { textLanguage } from '../../server/src/index/language.js';

describe('textLanguage', () => {
  it('tells Chinese, German and English questions and passages apart', () => {
    expect(textLanguage('公司第三季度的净销售额是多少？')).toBe('zh');
    expect(textLanguage('Wie hoch war der Umsatz im dritten Quartal?')).toBe('de');
    expect(textLanguage('Welche Pakete müssen für die Übersetzung installiert werden')).toBe('de');
    expect(textLanguage('What were the net sales in the third quarter?')).toBe('en');
    expect(textLanguage('Apple Inc. 10-Q 2023 net sales $81,797 million')).toBe('en');
  });
});

const row = (document_id: string, text: string) => ({ document_id, text, kind: null });
const w = (over: Partial<FusionWeights> = {}): FusionWeights => ({ dense: 1, otherLanguage: 1, docPrior: 0, navigation: 0.9, ...over });

describe('fuse', () => {
  // Two English passages found by both sides, and a German one only the dense side can see.
  const c: Candidates = {
    lexical: [1, 2],
    dense: [3, 1, 2],
    prior: new Map(),
    rows: new Map([
      [1, row('a', 'the engine lost power on the climb')],
      [2, row('a', 'the pilot reported a loss of power')],
      [3, row('b', 'der Motor verlor beim Steigflug an Leistung')],
    ]),
  };

  it('ranks a passage both sides found above one only the dense side found', () => {
    expect(fuse(c, 'en', w()).map(([id]) => id)).toEqual([1, 2, 3]);
  });

  it('lifts a passage in another language than the question by the otherLanguage factor', () => {
    expect(fuse(c, 'en', w({ otherLanguage: 3 })).map(([id]) => id)[0]).toBe(3);
    // The same passage asked about in its own language gets no lift.
    expect(fuse(c, 'de', w({ otherLanguage: 3 })).map(([id]) => id)[0]).toBe(1);
  });

  it('multiplies by the document prior and demotes navigation pages', () => {
    const withPrior = { ...c, prior: new Map([['b', 1]]) };
    expect(fuse(withPrior, 'en', w({ docPrior: 2 })).map(([id]) => id)[0]).toBe(3);
    const nav: Candidates = { ...c, rows: new Map([...c.rows, [1, { ...row('a', 'contents'), kind: 'contents' as const }]]) };
    expect(fuse(nav, 'en', w()).map(([id]) => id)[0]).toBe(2);
  });
});
