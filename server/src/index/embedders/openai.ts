/** Any OpenAI-compatible `/v1/embeddings` endpoint: Ollama, vLLM, TEI, LM Studio, OpenAI. */
import { normalize, type Embedder } from './types.js';

export interface OpenAIEmbedderOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  batch: number;
  timeoutMs: number;
  maxAttempts?: number;
}

export class EmbeddingEndpointError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'EmbeddingEndpointError';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

export class OpenAIEmbedder implements Embedder {
  readonly kind = 'openai' as const;
  readonly id: string;
  private constructor(
    private readonly opts: OpenAIEmbedderOptions,
    readonly dimension: number,
  ) {
    this.id = `openai:${opts.model}:${dimension}`;
  }

  /** Connects once to learn the vector dimension. */
  static async create(opts: OpenAIEmbedderOptions): Promise<OpenAIEmbedder> {
    const [v] = await OpenAIEmbedder.request(opts, ['dimension probe']);
    if (!v) throw new EmbeddingEndpointError('the embeddings endpoint returned no vector', false);
    return new OpenAIEmbedder(opts, v.length);
  }

  private static async request(opts: OpenAIEmbedderOptions, input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const url = `${opts.baseUrl.replace(/\/+$/, '')}/embeddings`;
    const attempts = opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
          body: JSON.stringify({ model: opts.model, input }),
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs)]) : AbortSignal.timeout(opts.timeoutMs),
        });
        if (!res.ok) {
          const retryable = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
          const retryAfter = Number(res.headers.get('retry-after'));
          await res.body?.cancel();
          const err = new EmbeddingEndpointError(`embeddings endpoint answered HTTP ${res.status}`, retryable);
          if (!retryable || attempt >= attempts) throw err;
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 20_000) : backoff(attempt), signal);
          continue;
        }
        const body = (await res.json()) as { data?: { embedding?: number[]; index?: number }[] };
        if (!Array.isArray(body.data) || body.data.length !== input.length) {
          throw new EmbeddingEndpointError('the embeddings endpoint returned a malformed body', false);
        }
        const sorted = [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        return sorted.map((d) => {
          if (!Array.isArray(d.embedding)) throw new EmbeddingEndpointError('the embeddings endpoint returned a malformed body', false);
          return normalize(Float32Array.from(d.embedding));
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        const retryable = err instanceof EmbeddingEndpointError ? err.retryable : true; // network errors, timeouts
        if (!retryable || attempt >= attempts) {
          throw err instanceof EmbeddingEndpointError ? err : new EmbeddingEndpointError(`embeddings endpoint unreachable: ${(err as Error).message}`, true);
        }
        await sleep(backoff(attempt), signal);
      }
    }
  }

  async embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.opts.batch) {
      const vs = await OpenAIEmbedder.request(this.opts, texts.slice(i, i + this.opts.batch), signal);
      for (const v of vs) {
        if (v.length !== this.dimension) throw new EmbeddingEndpointError(`the embeddings endpoint changed dimension (${v.length} ≠ ${this.dimension})`, false);
        out.push(v);
      }
    }
    return out;
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const [v] = await this.embedDocuments([text], signal);
    return v!;
  }
}

function backoff(attempt: number): number {
  const base = Math.min(500 * 2 ** (attempt - 1), 8000);
  return base * (1 - Math.random() * 0.25);
}
