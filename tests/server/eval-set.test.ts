/**
 * The eval harness's own parsing and grouping (tests/eval/questions.ts, metrics.ts): question tags are read and
 * checked, and the summary gets one group per tag beside the per-type and per-language groups.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize, type QuestionResult } from '../eval/metrics.js';
import { loadQuestionSet, type EvalQuestion } from '../eval/questions.js';

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
