/**
 * The hand-written claim/passage table (pairs.json) run through the claim checker: each claim is the whole
 * answer, its passage is source [1]. Shared by tests/server/claims-table.test.ts and `npm run eval:claims`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLAIM_VERDICTS, type ClaimVerdict, type Source } from '@pagewise/shared';
import { checkClaims } from '../../../server/src/answer/verify/index.js';

export interface Pair {
  id: number;
  lang: 'en' | 'de' | 'zh';
  passage: string;
  claim: string;
  expected: ClaimVerdict;
  note?: string;
}

export interface PairResult extends Pair {
  got: ClaimVerdict | 'none';
  reason: string;
  quote?: string;
}

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pairs.json');

export function loadTable(): { passages: Record<string, string>; pairs: Pair[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { passages: Record<string, string>; pairs: Pair[] };
}

function source(text: string): Source {
  return { n: 1, chunkId: 1, documentId: 'd', documentName: 'passage', page: 1, pageLabel: null, charStart: 0, charEnd: text.length, text };
}

export async function runTable(): Promise<PairResult[]> {
  const { passages, pairs } = loadTable();
  const out: PairResult[] = [];
  for (const p of pairs) {
    const claims = await checkClaims(p.claim, [source(passages[p.passage]!)]);
    const c = claims[0];
    out.push({ ...p, got: claims.length === 1 ? c!.verdict : 'none', reason: c ? c.reason : `${claims.length} claims`, quote: c?.support?.quote });
  }
  return out;
}

export interface Metrics {
  n: number;
  accuracy: number;
  /** Of the claims marked unsupported, the share that truly are. */
  unsupportedPrecision: number;
  unsupportedRecall: number;
  confusion: Record<ClaimVerdict, Record<ClaimVerdict | 'none', number>>;
  byLang: Record<string, { n: number; accuracy: number }>;
}

export function metrics(results: PairResult[]): Metrics {
  const labels = [...CLAIM_VERDICTS];
  const confusion = Object.fromEntries(labels.map((e) => [e, Object.fromEntries([...labels, 'none'].map((g) => [g, 0]))])) as Metrics['confusion'];
  for (const r of results) confusion[r.expected][r.got]++;
  const right = results.filter((r) => r.got === r.expected).length;
  const flagged = results.filter((r) => r.got === 'unsupported');
  const truly = results.filter((r) => r.expected === 'unsupported');
  const byLang: Metrics['byLang'] = {};
  for (const lang of [...new Set(results.map((r) => r.lang))]) {
    const rs = results.filter((r) => r.lang === lang);
    byLang[lang] = { n: rs.length, accuracy: rs.filter((r) => r.got === r.expected).length / rs.length };
  }
  return {
    n: results.length,
    accuracy: right / results.length,
    unsupportedPrecision: flagged.length ? flagged.filter((r) => r.expected === 'unsupported').length / flagged.length : 1,
    unsupportedRecall: truly.length ? truly.filter((r) => r.got === 'unsupported').length / truly.length : 1,
    confusion,
    byLang,
  };
}
