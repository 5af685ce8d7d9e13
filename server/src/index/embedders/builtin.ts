/**
 * The built-in embedder: no download, no network, deterministic. A hashed bag of features (the "hashing trick"):
 * stemmed words, adjacent word pairs, and character trigrams inside words (which give partial credit for German
 * compounds and inflections the stemmer misses), each with sublinear term frequency, signed hashing to spread
 * collisions, and L2 normalisation so cosine distance works in the vector index.
 */
import { tokenize } from '../tokenize.js';
import { normalize, type Embedder } from './types.js';

const DIMENSION = 768;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function featurize(text: string): Map<string, number> {
  const tokens = tokenize(text);
  const feats = new Map<string, number>();
  const add = (f: string, w: number) => feats.set(f, (feats.get(f) ?? 0) + w);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    add(`w:${t}`, 1);
    if (i + 1 < tokens.length) add(`b:${t} ${tokens[i + 1]}`, 0.5);
    if (t.length >= 5 && !/\d/.test(t)) {
      const padded = `^${t}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
    }
  }
  return feats;
}

export class BuiltinEmbedder implements Embedder {
  readonly id = `builtin-hash-v1:${DIMENSION}`;
  readonly kind = 'builtin' as const;
  readonly dimension = DIMENSION;

  embedOne(text: string): Float32Array {
    const v = new Float32Array(DIMENSION);
    for (const [f, w] of featurize(text)) {
      const h = fnv1a(f);
      const sign = h & 0x80000000 ? -1 : 1;
      v[h % DIMENSION]! += sign * (1 + Math.log(w > 1 ? w : 1)) * (w < 1 ? w : 1);
    }
    return normalize(v);
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.embedOne(text);
  }
}
