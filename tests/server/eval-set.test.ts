/**
 * The eval harness's own parsing and measures (tests/eval/questions.ts, metrics.ts, overlap.ts): question tags are
 * read and checked, the summary gets one group per tag beside the per-type and per-language groups, and the
 * content-word overlap of a question with its gold page counts what the lexical index could match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize, type QuestionResult } from '../eval/metrics.js';
import { bestOverlap, contentOverlap, quantile, summarizeOverlap } from '../eval/overlap.js';
import { loadQuestionSet, type EvalQuestion } from '../eval/questions.js';
import { REPO_ROOT } from '../support/corpora.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-evalset-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const question = (over: Partial<Record<keyof EvalQuestion, unknown>> = {}) => ({
  id: 'q1',
  question: 'Wer hat LaTeX geschrieben?',
  type: 'lexical',
  lang: 'de',
  docs: ['l2kurz.pdf'],
  pages: [{ doc: 'l2kurz.pdf', page: 5 }],
  ...over,
});

function writeSet(questions: unknown[]): string {
  const file = path.join(dir, `set-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify({ documents: [{ path: '/nowhere/l2kurz.pdf' }], questions }));
  return file;
}

describe('question tags', () => {
  it('are read from a question set, and a question without tags has none', () => {
    const set = loadQuestionSet(writeSet([question({ tags: ['long-doc', 'de-en'] }), question({ id: 'q2' })]));
    expect(set.questions[0]!.tags).toEqual(['long-doc', 'de-en']);
    expect(set.questions[1]!.tags).toBeUndefined();
  });

  it('must be a list of lower-case hyphenated words, each once; the error names the question', () => {
    for (const tags of ['long-doc', ['Long doc'], [''], [3], ['a', 'a']]) {
      expect(() => loadQuestionSet(writeSet([question({ id: 'bad-1', tags })]))).toThrow(/bad-1/);
    }
  });
});

describe('summarize', () => {
  const result = (id: string, type: string, lang: string, pageRank: number | null, tags?: string[]): QuestionResult => ({
    id,
    type,
    lang,
    ...(tags ? { tags } : {}),
    ms: 10,
    docRank: 1,
    pageRank,
    top: [],
  });

  it('adds one group per tag, overlapping, after the per-type and per-language groups', () => {
    const { groups } = summarize([
      result('a', 'lexical', 'en', 1),
      result('b', 'crosslingual', 'de', 3, ['de-en']),
      result('c', 'crosslingual', 'zh', null, ['zh-en', 'long-doc']),
      result('d', 'paraphrase', 'zh', 7, ['long-doc']),
    ]);
    expect(groups.map((g) => g.group)).toEqual([
      'all',
      'type:crosslingual',
      'type:lexical',
      'type:paraphrase',
      'lang:de',
      'lang:en',
      'lang:zh',
      'tag:de-en',
      'tag:long-doc',
      'tag:zh-en',
    ]);
    const longDoc = groups.find((g) => g.group === 'tag:long-doc')!;
    expect(longDoc.n).toBe(2);
    expect(longDoc.pageHit5).toBe(0);
    expect(longDoc.pageHit10).toBe(0.5);
    expect(groups.find((g) => g.group === 'tag:de-en')!.pageHit5).toBe(1);
  });

  it('has no tag groups when no question is tagged', () => {
    const { groups } = summarize([result('a', 'lexical', 'en', 1), result('b', 'paraphrase', 'de', 2)]);
    expect(groups.some((g) => g.group.startsWith('tag:'))).toBe(false);
  });
});

describe('content-word overlap of a question with its page', () => {
  it('counts distinct non-stop-word tokens, after folding and stemming, that are on the page', () => {
    const o = contentOverlap('What is the default SMTP port?', 'The default value is 25 for the SMTP ports used when mailing.');
    expect(o.tokens).toEqual(['default', 'smtp', 'port']);
    expect(o.found).toEqual(['default', 'smtp', 'port']);
    expect(o.share).toBe(1);
    // A paraphrase names the situation, not the page's terms.
    expect(contentOverlap('Which number does the mail server listen on, out of the box?', 'The default value is 25 for the SMTP port.').share).toBe(0);
  });

  it('works on German and on Chinese (character bigrams), and a word repeated in the question counts once', () => {
    const de = contentOverlap('Wie entferne ich TeX Live wieder von meinem Rechner, TeX Live ganz?', 'Mit tlmgr uninstall --all wird TeX Live entfernt.');
    expect(de.found).toEqual(['tex', 'live']);
    expect(de.tokens.filter((t) => t === 'tex')).toHaveLength(1);
    const zh = contentOverlap('伪斜体的默认倾斜程度', 'AutoFakeSlant 伪斜体的默认倾斜程度是 0.167。');
    expect(zh.share).toBe(1);
    expect(contentOverlap('机器把简化字变成正体字', '简繁转换可能出现“頭發”之类的错误').share).toBe(0);
  });

  it('judges a question by its closest gold page; a question with no content token shares 0', () => {
    expect(bestOverlap('default SMTP port', ['nothing here', 'the SMTP port', 'default']).found).toEqual(['smtp', 'port']);
    expect(contentOverlap('What is it?', 'anything').share).toBe(0);
  });

  it('summarizes shares by interpolated quantiles', () => {
    expect(quantile([0.4, 0.1, 0.3, 0.2], 0.5)).toBeCloseTo(0.25);
    expect(summarizeOverlap('paraphrase', [0, 0.5, 1])).toEqual({ group: 'paraphrase', n: 3, min: 0, p25: 0.25, median: 0.5, p75: 0.75, max: 1 });
  });
});

describe('the pagewise set (tests/eval/questions/pagewise-set.json, read without its documents)', () => {
  const set = loadQuestionSet(path.join(REPO_ROOT, 'tests/eval/questions/pagewise-set.json'));
  const langOf = new Map(set.documents.map((d) => [path.basename('corpus' in d ? d.corpus : d.path), d.lang]));

  it('has at least 150 questions, 50 paraphrases and 30 cross-lingual ones in both directions', () => {
    const { questions } = set;
    expect(questions.length).toBeGreaterThanOrEqual(150);
    expect(questions.filter((q) => q.type === 'paraphrase').length).toBeGreaterThanOrEqual(50);
    const cross = questions.filter((q) => q.type === 'crosslingual');
    expect(cross.length).toBeGreaterThanOrEqual(30);
    expect(cross.some((q) => q.lang === 'en')).toBe(true);
    expect(cross.some((q) => q.lang !== 'en' && langOf.get(q.pages![0]!.doc) === 'en')).toBe(true);
  });

  it('gives every document a language, and every question a gold page and evidence', () => {
    expect(set.documents.every((d) => d.lang === 'en' || d.lang === 'de' || d.lang === 'zh')).toBe(true);
    for (const q of set.questions) {
      expect(q.pages?.length, q.id).toBeGreaterThan(0);
      expect(q.evidence?.length, q.id).toBeGreaterThan(0);
    }
  });
});
