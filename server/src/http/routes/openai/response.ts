/**
 * The events of one answer in OpenAI's format: a `chat.completion` (non-streaming) or `chat.completion.chunk`
 * SSE (streaming: `delta.reasoning_content` and `delta.content` as they come, then one last chunk with the
 * finish reason, `sources` and `usage`, then `data: [DONE]`). A failure is an OpenAI error body: the response's
 * status before anything was sent, a `data: {"error": …}` line within a stream (the openai SDK throws it).
 */
import type { Response } from 'express';
import type { ChatEvent, Citation, ClaimVerdict, OpenAISource, Source, Usage, Verification } from '@pagewise/shared';
import type { AnswerSink } from '../../streams.js';
import { answerFailureStatus, openAIErrorBody } from '../../openai-errors.js';
import { SseStream } from '../../sse.js';

type Done = Extract<ChatEvent, { type: 'done' }>;
type Failure = Extract<ChatEvent, { type: 'error' }>;

const WEAKEST_FIRST: ClaimVerdict[] = ['unsupported', 'partial', 'supported'];

/** Each passage the model was given; a cited one with its supporting quote and the weakest verdict of the claims citing it. */
export function sourcesOf(sources: Source[], citations: Citation[], verification: Verification | null): OpenAISource[] {
  const cited = new Set(citations.map((c) => c.n));
  return sources.map((c) => {
    const claims = cited.has(c.n) ? (verification?.claims.filter((k) => k.citations.includes(c.n)) ?? []) : [];
    const support = claims.find((k) => k.support?.citation === c.n)?.support;
    const verdict = WEAKEST_FIRST.find((v) => claims.some((k) => k.verdict === v)) ?? null;
    const page = { document: c.documentName, document_id: c.documentId, page: c.page, label: c.pageLabel ?? String(c.page) };
    return { n: c.n, cited: cited.has(c.n), ...page, quote: support?.quote ?? c.text, verdict };
  });
}

/** Token counts an answer without a model (or an endpoint that reports none) leaves unknown are 0. */
export function usageOf(u: Usage | null) {
  const prompt = u?.promptTokens ?? 0;
  const completion = u?.completionTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, completion_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 } };
}

/** `length` for an answer cut off (the token limit, or a stream that ended early); `stop` otherwise. */
export const finishReasonOf = (done: Done): 'stop' | 'length' => (done.status === 'complete' && done.finishReason !== 'length' ? 'stop' : 'length');

/** What an answer's events add up to. */
class AnswerState {
  id = `chatcmpl-${crypto.randomUUID()}`;
  conversationId: string | null = null;
  content = '';
  reasoning = '';
  sources: Source[] = [];
  citations: Citation[] = [];
  verification: Verification | null = null;
  done: Done | null = null;
  failure: Failure | null = null;

  take(e: ChatEvent): void {
    if (e.type === 'start') {
      this.id = `chatcmpl-${e.assistantMessageId}`;
      this.conversationId = e.conversationId;
    } else if (e.type === 'answer') this.content += e.delta;
    else if (e.type === 'reasoning') this.reasoning += e.delta;
    else if (e.type === 'sources') this.sources = e.sources;
    else if (e.type === 'citations') this.citations = e.citations;
    else if (e.type === 'verification') this.verification = { claims: e.claims, counts: e.counts };
    else if (e.type === 'done') this.done = e;
    else if (e.type === 'error') this.failure ??= e;
  }

  /** The fields beside `choices` that Pagewise adds: `sources`, and the conversation when it was stored. */
  extras(stored: boolean) {
    return { sources: sourcesOf(this.sources, this.citations, this.verification), ...(stored && this.conversationId ? { conversation_id: this.conversationId } : {}) };
  }
}

export interface ResponseHead {
  /** The model id the client asked for (its scope). */
  model: string;
  /** Whether the answer is stored as a conversation (`store: true`). */
  stored: boolean;
}

const created = () => Math.floor(Date.now() / 1000);

/** Non-streaming: the events are collected and the completion (or the error) is sent at the end. */
export class CompletionSink implements AnswerSink {
  private readonly state = new AnswerState();
  private readonly created = created();

  constructor(
    private readonly res: Response,
    private readonly head: ResponseHead,
  ) {}

  open(): void {}

  send(e: ChatEvent): void {
    this.state.take(e);
  }

  end(): void {
    if (this.res.headersSent || this.res.writableEnded || this.res.destroyed) return;
    const s = this.state;
    if (s.failure || !s.done) {
      const { code, message } = s.failure ?? { code: 'INTERNAL_ERROR' as const, message: 'The answer ended without a result; try again.' };
      const status = answerFailureStatus(code);
      this.res.status(status).json(openAIErrorBody(code, message, status));
      return;
    }
    const message = { role: 'assistant' as const, content: s.content, refusal: null, ...(s.reasoning ? { reasoning_content: s.reasoning } : {}) };
    this.res.json({
      id: s.id,
      object: 'chat.completion',
      created: this.created,
      model: this.head.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(s.done) }],
      usage: usageOf(s.done.usage),
      ...s.extras(this.head.stored),
    });
  }
}

/** Streaming: one chunk per delta as it comes; the last chunk carries the finish reason, `sources` and `usage`. */
export class ChunkStreamSink implements AnswerSink {
  private readonly state = new AnswerState();
  private readonly sse: SseStream;
  private readonly created = created();

  constructor(
    res: Response,
    private readonly head: ResponseHead,
  ) {
    this.sse = new SseStream(res);
  }

  open(): void {
    this.sse.open();
  }

  send(e: ChatEvent): void {
    this.state.take(e);
    if (e.type === 'start') this.chunk({ role: 'assistant', content: '' });
    else if (e.type === 'reasoning') this.chunk({ reasoning_content: e.delta });
    else if (e.type === 'answer') this.chunk({ content: e.delta });
    else if (e.type === 'done') {
      this.chunk({}, finishReasonOf(e), { usage: usageOf(e.usage), ...this.state.extras(this.head.stored) });
      this.sse.write('data: [DONE]\n\n');
    } else if (e.type === 'error') this.data(openAIErrorBody(e.code, e.message, answerFailureStatus(e.code)));
  }

  end(): void {
    this.sse.end();
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}): void {
    const choice = { index: 0, delta, logprobs: null, finish_reason: finishReason };
    this.data({ id: this.state.id, object: 'chat.completion.chunk', created: this.created, model: this.head.model, choices: [choice], ...extra });
  }

  /** JSON keeps the data on one line, so no field can break the framing. */
  private data(value: unknown): void {
    this.sse.write(`data: ${JSON.stringify(value)}\n\n`);
  }
}
