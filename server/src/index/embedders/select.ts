/** Resolves the configured embedder. `auto` prefers the local model and falls back to the built-in one. */
import path from 'node:path';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { BuiltinEmbedder } from './builtin.js';
import { LocalEmbedder } from './local.js';
import { OpenAIEmbedder } from './openai.js';
import type { Embedder } from './types.js';

export interface ResolvedEmbedder {
  embedder: Embedder;
  /** Why `auto` is not using the local model, when it is not. */
  fallbackReason: string | null;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    t.unref();
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

export async function resolveEmbedder(config: Config, log: Logger): Promise<ResolvedEmbedder> {
  switch (config.EMBEDDER) {
    case 'builtin':
      return { embedder: new BuiltinEmbedder(), fallbackReason: null };
    case 'openai':
      return {
        embedder: await OpenAIEmbedder.create({
          baseUrl: config.EMBED_BASE_URL!,
          apiKey: config.EMBED_API_KEY,
          model: config.EMBED_MODEL,
          batch: config.EMBED_BATCH,
          timeoutMs: config.EMBED_TIMEOUT_MS,
        }),
        fallbackReason: null,
      };
    case 'local':
    case 'auto': {
      const load = LocalEmbedder.load({
        model: config.LOCAL_EMBED_MODEL,
        modelsDir: path.join(config.dataDir, 'models'),
        allowDownload: true,
        log,
      });
      try {
        const embedder = await withTimeout(load, config.LOCAL_EMBED_TIMEOUT_MS, 'loading the local embedding model');
        log.info({ embedder: embedder.id }, 'local embedding model loaded');
        return { embedder, fallbackReason: null };
      } catch (err) {
        load.catch(() => undefined);
        const reason = `local embedding model ${config.LOCAL_EMBED_MODEL} could not be loaded: ${(err as Error).message}`;
        if (config.EMBEDDER === 'local') throw new Error(reason);
        log.warn({ reason }, 'falling back to the built-in offline embedder (lower retrieval quality); see README "Embedders"');
        return { embedder: new BuiltinEmbedder(), fallbackReason: reason };
      }
    }
  }
}
