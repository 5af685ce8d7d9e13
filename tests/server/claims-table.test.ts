/**
 * The claim checker over the hand-written table (tests/eval/claims/pairs.json, also run by `npm run eval:claims`):
 * accuracy and precision on `unsupported` meet their targets, every language is covered, and the cases the
 * checker exists for hold pair by pair: a fabricated or swapped figure is never supported, a true figure is
 * never unsupported.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTable, metrics, runTable, type PairResult } from '../eval/claims/table.js';

let results: PairResult[];
beforeAll(async () => {
  results = await runTable();
});

describe('the claim table', () => {
  it('has at least 60 pairs in English, German and Chinese, every verdict expected somewhere', () => {
    const { pairs } = loadTable();
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    for (const lang of ['en', 'de', 'zh']) expect(pairs.filter((p) => p.lang === lang).length).toBeGreaterThanOrEqual(10);
    for (const v of ['supported', 'partial', 'unsupported', 'uncited']) expect(pairs.some((p) => p.expected === v)).toBe(true);
  });

  it('meets the targets: accuracy ≥ 0.9, precision on unsupported ≥ 0.95', () => {
    const m = metrics(results);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(m.unsupportedPrecision).toBeGreaterThanOrEqual(0.95);
  });

  it('never flags a supported claim as unsupported, and every claim is found as one claim', () => {
    expect(results.filter((r) => r.expected === 'supported' && r.got === 'unsupported').map((r) => r.id)).toEqual([]);
    expect(results.filter((r) => r.got === 'none').map((r) => r.id)).toEqual([]);
  });

  it('marks every swapped or fabricated figure, code and date unsupported', () => {
    const swaps = results.filter((r) => /swap|fabricated|not in passage|digits swapped|code swapped/.test(r.note ?? '') && !/occurs elsewhere/.test(r.note ?? ''));
    expect(swaps.length).toBeGreaterThanOrEqual(6);
    for (const r of swaps) expect(`${r.id} ${r.got}`).toBe(`${r.id} unsupported`);
  });

  it('reads the direction of a change against the passage in all three languages', () => {
    const direction = results.filter((r) => /direction wrong/.test(r.note ?? ''));
    expect(new Set(direction.map((r) => r.lang))).toEqual(new Set(['en', 'de', 'zh']));
    for (const r of direction) expect(`${r.id} ${r.got}`).toBe(`${r.id} unsupported`);
  });

  it('supports a true figure written with a scale word, rounded, or in another notation', () => {
    const notation = results.filter((r) => /scale word|rounded|full-width|date format|code$/.test(r.note ?? ''));
    expect(notation.length).toBeGreaterThanOrEqual(7);
    for (const r of notation) expect(`${r.id} ${r.got}`).toBe(`${r.id} supported`);
  });

  it('gives a supported claim a span of its passage that holds its figures', () => {
    const { passages, pairs } = loadTable();
    for (const r of results.filter((x) => x.got === 'supported')) {
      const passage = passages[pairs.find((p) => p.id === r.id)!.passage]!;
      expect(r.quote, `#${r.id}`).toBeTruthy();
      expect(passage.includes(r.quote!), `#${r.id}`).toBe(true);
      // A span, not the whole chunk (a one-sentence passage is its own span).
      if (passage.length > 100) expect(r.quote!.length, `#${r.id}`).toBeLessThan(passage.length);
    }
  });
});
