/** The one tokenizer shared by the lexical index, the built-in embedder, documents and queries. */
import { describe, expect, it } from 'vitest';
import { nameWords } from '../../server/src/index/lexical-index.js';
import { foldText, isCjk, tokenize } from '../../server/src/index/tokenize.js';

describe('foldText', () => {
  it('folds case, diacritics, ß and full-width forms', () => {
    expect(foldText('Größe Café ÉLAN')).toBe('grosse cafe elan');
    expect(foldText('ＡＢＣ１２３')).toBe('abc123');
  });
});

describe('tokenize', () => {
  it('drops English and German stop words', () => {
    expect(tokenize('the and of to in it')).toEqual([]);
    expect(tokenize('der die das und nicht')).toEqual([]);
    expect(tokenize('the revenue of the company')).toEqual(tokenize('revenue company'));
  });

  it('matches inflections of the same English word', () => {
    const same = (a: string, b: string) => expect(tokenize(a), `${a} ~ ${b}`).toEqual(tokenize(b));
    same('companies', 'company');
    same('reported', 'report');
    same('reports', 'report');
    same('reporting', 'report');
    same('prices', 'price');
    same('increased', 'increases');
  });

  it('matches with or without diacritics, in any case', () => {
    expect(tokenize('Résumé RÉSUMÉ')).toEqual(tokenize('resume resume'));
    expect(tokenize('Straße')).toEqual(tokenize('strasse'));
  });

  it('removes thousands separators so written and plain numbers match', () => {
    expect(tokenize('81,797')).toEqual(['81797']);
    expect(tokenize('1,234,567')).toEqual(tokenize('1234567'));
    expect(tokenize('1.234.567')).toEqual(tokenize('1234567'));
    // Not a thousands separator: decimals stay two numbers.
    expect(tokenize('3.14')).toEqual(['3', '14']);
    expect(tokenize('12,3456')).toEqual(['12', '3456']);
  });

  it('turns CJK runs into overlapping bigrams, and a lone character into itself', () => {
    expect(tokenize('東京都')).toEqual(['東京', '京都']);
    expect(tokenize('東')).toEqual(['東']);
    expect(tokenize('あいう')).toEqual(['あい', 'いう']);
    expect(tokenize('한국어')).toEqual(['한국', '국어']);
  });

  it('separates Latin words from CJK text written without spaces', () => {
    const tokens = tokenize('iPhone販売台数');
    expect(tokens).toContain('販売');
    expect(tokens).toContain('台数');
    expect(tokens).toEqual([...tokenize('iPhone'), ...tokenize('販売台数')]);
  });

  it('finds a CJK substring of a longer CJK text by shared bigrams', () => {
    const doc = new Set(tokenize('あのイーハトーヴォのすきとおった風'));
    for (const t of tokenize('すきとおった')) expect(doc.has(t)).toBe(true);
  });

  it('ignores punctuation and symbols', () => {
    expect(tokenize('— (net) sales; $ % …')).toEqual(tokenize('net sales'));
  });
});

describe('isCjk', () => {
  it('tells CJK text from Latin text', () => {
    expect(isCjk('売上高')).toBe(true);
    expect(isCjk('한국')).toBe(true);
    expect(isCjk('revenue 2023')).toBe(false);
  });
});

describe('nameWords (the words the document prior keys on)', () => {
  it('keeps names, codes and numbers, not topic words or sentence-initial capitals', () => {
    expect(nameWords("What was Apple's total net sales in Q2 2023?")).toBe('Apple Q2 2023');
    expect(nameWords('How did NVIDIA revenue change? And Intel 10-Q.')).toBe('NVIDIA Intel 10-Q');
    expect(nameWords('xeCJK 需要哪个版本以后的 XeTeX？')).toBe('xeCJK XeTeX');
    expect(nameWords('Which airplane struck approach lights and a fence?')).toBe('');
    expect(nameWords('怎样用删除线做出类似荧光笔涂抹的效果？')).toBe('');
    expect(nameWords('Wie installiere ich TeX Live unter Windows?')).toBe('TeX Live Windows');
    expect(nameWords('Apple revenue in 2023?')).toBe('Apple 2023');
    expect(nameWords('Compare: Microsoft and Google')).toBe('Microsoft Google');
    expect(nameWords('苹果公司2023年收入')).toBe('2023');
    expect(nameWords('Können Sie das erklären?')).toBe('');
  });
});

describe('stop words with umlauts', () => {
  it('are dropped like the others (they are compared folded)', () => {
    expect(tokenize('für über können müssen lässt')).toEqual([]);
  });
});
