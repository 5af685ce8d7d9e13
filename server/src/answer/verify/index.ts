/**
 * The claim check of an answer: split into claims, each scored offline against the passages its markers cite
 * (see score.ts), optionally followed by the model's verbatim quotes for claims left `partial` (model-check.ts).
 * Extractive answers go through the same path; their claims quote their passages and come out supported.
 */
import type { ClaimVerdict, Source, Verification, VerifiedClaim } from '@pagewise/shared';
import type { Embedder } from '../../index/embedders/types.js';
import type { Logger } from '../../logger.js';
import type { ChatModel } from '../llm.js';
import { confirmPartials } from './model-check.js';
import { scoreClaim, type Similarity } from './score.js';
import { plainClaim, splitClaims } from './split.js';

export type { Similarity } from './score.js';

export interface VerifyOptions {
  /** Fixed text the server wrote itself (the no-model note): not claims. */
  skip?: string[];
  similarity?: Similarity;
}

/** A verified claim with the words behind its verdict, which the event leaves out. */
export type CheckedClaim = VerifiedClaim & { reason: string };

export function countVerdicts(claims: { verdict: ClaimVerdict }[]): Verification['counts'] {
  const counts = { supported: 0, partial: 0, unsupported: 0, uncited: 0 };
  for (const c of claims) counts[c.verdict]++;
  return counts;
}

export async function checkClaims(answer: string, sources: Source[], opts: VerifyOptions = {}): Promise<CheckedClaim[]> {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const out: CheckedClaim[] = [];
  for (const span of splitClaims(answer, opts.skip)) {
    const citations = span.citations.filter((n) => byN.has(n));
    // Without passages there is nothing a claim could have cited: unmarked sentences are not counted.
    if (citations.length === 0 && sources.length === 0) continue;
    const base = { index: out.length, text: span.text, start: span.start, end: span.end, citations };
    if (citations.length === 0) {
      out.push({ ...base, verdict: 'uncited', reason: 'no passage is cited for this' });
      continue;
    }
    const passages = citations.map((n) => ({ n, text: byN.get(n)!.text }));
    const score = await scoreClaim(plainClaim(span.text), passages, opts.similarity);
    out.push({ ...base, verdict: score.verdict, reason: score.reason, ...(score.support ? { support: score.support } : {}) });
  }
  return out;
}

/** The `verification` event's payload from checked claims. */
export function toVerification(claims: CheckedClaim[]): Verification {
  return { claims: claims.map(({ reason: _reason, ...c }) => c), counts: countVerdicts(claims) };
}

export async function verifyAnswer(answer: string, sources: Source[], opts: VerifyOptions = {}): Promise<Verification> {
  return toVerification(await checkClaims(answer, sources, opts));
}

export interface ClaimCheckerOptions {
  /** The chat model for the optional quote check of partial claims; null for none. */
  model: ChatModel | null;
  timeoutMs: number;
}

/** Cosine similarity of a claim to passage segments with a semantic embedder (vectors are unit length). */
export function embedderSimilarity(embedder: Embedder): Similarity {
  return async (claim, segments) => {
    const [q, ...vs] = await embedder.embedDocuments([claim, ...segments]);
    return vs.map((v) => v.reduce((sum, x, i) => sum + x * q![i]!, 0));
  };
}

/** The check as the chat service runs it: offline, then the model's quotes for partial claims when configured. */
export class ClaimChecker {
  constructor(
    private readonly opts: ClaimCheckerOptions,
    private readonly log: Logger,
  ) {}

  async check(answer: string, sources: Source[], embedder: Embedder | null, signal: AbortSignal, skip: string[] = []): Promise<Verification> {
    const t0 = performance.now();
    const similarity = embedder && embedder.kind !== 'builtin' ? embedderSimilarity(embedder) : undefined;
    let claims = await checkClaims(answer, sources, { skip, similarity });
    if (this.opts.model && !signal.aborted && claims.some((c) => c.verdict === 'partial')) {
      const byN = new Map(sources.map((s) => [s.n, s.text]));
      try {
        claims = await confirmPartials(claims, (n) => byN.get(n) ?? '', this.opts.model, { signal, timeoutMs: this.opts.timeoutMs });
      } catch (err) {
        this.log.info({ reason: (err as Error).message }, 'quote check by the model failed; the offline verdicts stand');
      }
    }
    const verification = toVerification(claims);
    this.log.debug({ counts: verification.counts, ms: Math.round(performance.now() - t0) }, 'claims checked');
    return verification;
  }
}
