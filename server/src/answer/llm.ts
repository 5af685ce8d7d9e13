/**
 * The chat model client for any DeepSeek/OpenAI-compatible endpoint, on the official `openai` SDK (its SSE
 * parsing, error classes and `reasoning_content` pass-through). The SDK's own retry and timeout policy does not
 * fit a streaming UI (10-minute default timeout, retried twice; no timeout at all once headers arrived), so:
 * retries are ours (429/5xx/connection errors, before the first token only, honouring `retry-after-ms` /
 * `retry-after`, within a bounded budget; 4xx never retried), a first-byte timeout per attempt, and an idle
 * timeout between stream chunks. Errors carry stable codes (SECURITY.md F4).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ErrorCode } from '@pagewise/shared';
import { backoff, sleep } from '../retry.js';

export type LlmErrorCode = Extract<ErrorCode, 'LLM_RATE_LIMITED' | 'LLM_UNAVAILABLE' | 'LLM_TIMEOUT' | 'LLM_BAD_RESPONSE' | 'LLM_REJECTED'>;

export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type StreamPart =
  | { type: 'reasoning'; delta: string }
  | { type: 'content'; delta: string }
  | { type: 'finish'; reason: string | null; usage: { promptTokens: number | null; completionTokens: number | null; reasoningTokens: number | null } | null };

/** Per-request sampling: the answer budget and, from a client of the OpenAI-compatible endpoint, its own settings. */
export interface Sampling {
  maxTokens: number;
  /** Overrides LLM_TEMPERATURE. */
  temperature?: number;
  /** Stop sequences passed to the endpoint. */
  stop?: string[];
}

export interface Completion {
  text: string;
  truncated: boolean;
}

export interface ChatModel {
  readonly model: string;
  /** Stream a reply. Throws LlmError before or during the stream; ends quietly if `signal` aborts. */
  stream(messages: LlmMessage[], opts: Sampling & { signal: AbortSignal }): AsyncGenerator<StreamPart>;
  /**
   * A short non-streamed completion on the utility model (query rewriting and expansion). `truncated` is true
   * when the model stopped at the token limit (`finish_reason: length`): the last line may be cut off.
   */
  complete(messages: LlmMessage[], opts: { signal: AbortSignal; maxTokens: number }): Promise<Completion>;
}

export interface OpenAIChatModelOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  utilityModel: string;
  temperature: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  maxAttempts: number;
  retryBudgetMs: number;
}

interface Delta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/** Delay before the next attempt: the server's `retry-after-ms` / `retry-after`, else jittered exponential backoff. */
export function retryDelayMs(headers: Headers | undefined, attempt: number): number {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && headers?.get('retry-after-ms') !== null) return ms;
  const ra = headers?.get('retry-after');
  if (ra) {
    const s = Number(ra);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return backoff(attempt);
}

function classify(err: unknown): { code: LlmErrorCode; retryable: boolean; message: string; headers?: Headers } {
  if (err instanceof LlmError) return { code: err.code, retryable: false, message: err.message };
  if (err instanceof APIConnectionTimeoutError) return { code: 'LLM_TIMEOUT', retryable: false, message: 'the model endpoint did not answer in time' };
  if (err instanceof APIConnectionError) return { code: 'LLM_UNAVAILABLE', retryable: true, message: 'the model endpoint could not be reached' };
  if (err instanceof APIError && typeof err.status === 'number') {
    const s = err.status;
    const headers = err.headers ?? undefined;
    const noRetry = headers?.get('x-should-retry') === 'false';
    if (s === 429) return { code: 'LLM_RATE_LIMITED', retryable: !noRetry, message: 'the model endpoint is rate limiting requests', headers };
    if (s >= 500 || s === 408 || s === 409) return { code: 'LLM_UNAVAILABLE', retryable: !noRetry, message: `the model endpoint failed (HTTP ${s})`, headers };
    if (s === 401 || s === 403) return { code: 'LLM_REJECTED', retryable: false, message: `the model endpoint refused the credentials (HTTP ${s}); check LLM_API_KEY` };
    if (s === 404) return { code: 'LLM_REJECTED', retryable: false, message: 'the model endpoint does not know this model or path (HTTP 404); check LLM_BASE_URL and LLM_MODEL' };
    return { code: 'LLM_REJECTED', retryable: false, message: `the model endpoint rejected the request (HTTP ${s})` };
  }
  if (err instanceof APIError) return { code: 'LLM_BAD_RESPONSE', retryable: false, message: 'the model endpoint sent an error in the stream' };
  if (err instanceof SyntaxError) return { code: 'LLM_BAD_RESPONSE', retryable: false, message: 'the model endpoint sent data that is not valid JSON' };
  return { code: 'LLM_UNAVAILABLE', retryable: false, message: 'the model endpoint failed unexpectedly' };
}

export class OpenAIChatModel implements ChatModel {
  private readonly client: OpenAI;
  readonly model: string;
  /** Attempts made by the last call (for tests and logs). */
  lastAttempts = 0;

  constructor(private readonly opts: OpenAIChatModelOptions) {
    this.model = opts.model;
    this.client = new OpenAI({
      baseURL: opts.baseUrl,
      apiKey: opts.apiKey || 'not-needed',
      maxRetries: 0,
      timeout: opts.firstByteTimeoutMs,
      // The SDK would print stream parse errors to the console; they surface as LlmError codes instead.
      logLevel: 'off',
    });
  }

  /** Open the stream, retrying what may be retried while no token has been produced. */
  private async open(model: string, messages: LlmMessage[], sampling: Sampling, signal: AbortSignal, stream: boolean) {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      this.lastAttempts = attempt;
      try {
        const { data, response } = await this.client.chat.completions
          .create(
            {
              model,
              messages,
              stream: stream as true,
              ...(stream ? { stream_options: { include_usage: true } } : {}),
              max_tokens: sampling.maxTokens,
              temperature: sampling.temperature ?? this.opts.temperature,
              ...(sampling.stop?.length ? { stop: sampling.stop } : {}),
            },
            { signal, timeout: this.opts.firstByteTimeoutMs },
          )
          .withResponse();
        const type = response.headers.get('content-type') ?? '';
        if (stream && !type.includes('text/event-stream')) {
          (data as { controller?: AbortController }).controller?.abort();
          throw new LlmError('LLM_BAD_RESPONSE', `the model endpoint answered with ${type.split(';')[0] || 'no content type'} instead of an event stream`, attempt);
        }
        return data;
      } catch (err) {
        if (signal.aborted || err instanceof APIUserAbortError) throw err;
        const c = classify(err);
        const wait = c.retryable ? retryDelayMs(c.headers, attempt) : 0;
        if (!c.retryable || attempt >= this.opts.maxAttempts || Date.now() - started + wait > this.opts.retryBudgetMs) {
          throw new LlmError(c.code, c.message, attempt);
        }
        await sleep(wait, signal);
      }
    }
  }

  async *stream(messages: LlmMessage[], opts: Sampling & { signal: AbortSignal }): AsyncGenerator<StreamPart> {
    const stream = (await this.open(this.opts.model, messages, opts, opts.signal, true)) as unknown as AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk> & {
      controller: AbortController;
    };
    const it = stream[Symbol.asyncIterator]();
    let finish: string | null = null;
    let usage: Extract<StreamPart, { type: 'finish' }>['usage'] = null;
    let idle = false;
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      let next: IteratorResult<OpenAI.Chat.Completions.ChatCompletionChunk>;
      try {
        next = await Promise.race([
          it.next(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              idle = true;
              stream.controller.abort();
              reject(new LlmError('LLM_TIMEOUT', `the model endpoint stopped sending for ${Math.round(this.opts.idleTimeoutMs / 1000)} s`));
            }, this.opts.idleTimeoutMs);
          }),
        ]);
      } catch (err) {
        if (opts.signal.aborted) return;
        if (idle || err instanceof LlmError) throw err instanceof LlmError ? err : new LlmError('LLM_TIMEOUT', 'the model endpoint stopped sending');
        const c = classify(err);
        throw new LlmError(c.code === 'LLM_UNAVAILABLE' ? 'LLM_BAD_RESPONSE' : c.code, c.code === 'LLM_UNAVAILABLE' ? 'the model endpoint broke off the stream' : c.message);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) break;
      const chunk = next.value;
      if (chunk.usage) {
        const u = chunk.usage as { prompt_tokens?: number; completion_tokens?: number; completion_tokens_details?: { reasoning_tokens?: number } };
        usage = {
          promptTokens: u.prompt_tokens ?? null,
          completionTokens: u.completion_tokens ?? null,
          reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? null,
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = (choice.delta ?? {}) as Delta;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) yield { type: 'reasoning', delta: reasoning };
      if (delta.content) yield { type: 'content', delta: delta.content };
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (opts.signal.aborted) return;
    yield { type: 'finish', reason: finish, usage };
  }

  async complete(messages: LlmMessage[], opts: { signal: AbortSignal; maxTokens: number }): Promise<Completion> {
    const res = (await this.open(this.opts.utilityModel, messages, { maxTokens: opts.maxTokens }, opts.signal, false)) as unknown as OpenAI.Chat.Completions.ChatCompletion;
    const choice = res.choices?.[0];
    const msg = choice?.message as { content?: string | null } | undefined;
    if (typeof msg?.content !== 'string') throw new LlmError('LLM_BAD_RESPONSE', 'the model endpoint returned no message');
    return { text: msg.content, truncated: choice?.finish_reason === 'length' };
  }
}
