/**
 * One answer, end to end: persist the question, rewrite a follow-up into a standalone query, retrieve passages,
 * stream the model's reasoning and answer (citation markers resolved and filtered on the fly), persist the
 * answer with its status and its claim check. Without a model endpoint the answer is extractive: the best
 * passages, cited, checked the same way.
 * The streaming lifecycle follows vercel/ai-chatbot: the user's message is stored before anything can fail.
 */
import type { ChatEvent, ChatRequest, SearchResult, Source, Verification } from '@pagewise/shared';
import type { SearchIndex } from '../index/search-index.js';
import type { Logger } from '../logger.js';
import type { ConversationStore } from '../store/conversations.js';
import { extractiveAnswer, NO_MODEL_NOTE } from './extractive.js';
import { ECHO_NOTE, NO_CITATION_NOTE } from './fallbacks.js';
import { generateAnswer, type Generated } from './generate.js';
import type { ChatModel, Completion, Sampling } from './llm.js';
import { buildAnswerPrompt, buildExpandPrompt, buildRewritePrompt, parseQueryLines } from './prompt.js';
import { openRecord, type AnswerRecord, type Keep } from './record.js';
import { searchWordings } from './retrieve.js';
import { stripThink } from './think.js';
import type { ClaimChecker } from './verify/index.js';

export { extractiveAnswer, NO_MODEL_NOTE } from './extractive.js';

export interface ChatOptions {
  topK: number;
  contextTokens: number;
  maxAnswerTokens: number;
  rewriteTimeoutMs: number;
  /** Search each question in the model's alternative wordings too (one utility call per question). */
  expandQueries: boolean;
}

/** How one request is answered beyond its messages (the OpenAI-compatible endpoint sets these from its request). */
export interface AnswerOptions {
  /** Default `conversation`: what `/api/chat` does. */
  keep?: Keep;
  /** The client's own sampling settings; the answer budget defaults to LLM_MAX_TOKENS. */
  sampling?: Partial<Sampling>;
  /** Ids of the request's scope that were deleted (left out of `documentIds`), named in the `start` event. */
  missingDocumentIds?: string[];
  /** The documents searched when narrower than the stored `documentIds` (a collection's); default `documentIds`. */
  searchDocumentIds?: string[];
}

type Emit = (e: ChatEvent) => void;

/** What every answer has before the model is called. */
interface Prepared {
  record: AnswerRecord;
  query: string;
  expansions: string[];
  sources: Source[];
  t0: number;
  tRetrieval: number;
  retrievalMs: number;
  missingDocumentIds?: string[];
}

export class ChatService {
  constructor(
    private readonly index: () => Promise<SearchIndex>,
    private readonly conversations: ConversationStore,
    private readonly model: ChatModel | null,
    private readonly opts: ChatOptions,
    private readonly log: Logger,
    private readonly claims: ClaimChecker,
  ) {}

  /** Streams one answer through `emit`. Never throws for model failures: they become an `error` event. */
  async answer(req: ChatRequest, emit: Emit, signal: AbortSignal, opts: AnswerOptions = {}): Promise<void> {
    const t0 = performance.now();
    const question = req.messages[req.messages.length - 1]!.content.trim();
    const history = req.messages.slice(0, -1);
    const record = openRecord(this.conversations, req, question, opts.keep ?? 'conversation');
    const { query, expansions, hits, tRetrieval } = await this.retrieve(history, question, signal, opts.searchDocumentIds ?? req.documentIds);
    const sources = hits.map((h, i): Source => ({
      n: i + 1,
      chunkId: h.chunkId,
      documentId: h.documentId,
      documentName: h.documentName,
      page: h.page,
      pageLabel: h.pageLabel,
      charStart: h.charStart,
      charEnd: h.charEnd,
      text: h.text,
    }));
    const prepared: Prepared = { record, query, expansions, sources, t0, tRetrieval, retrievalMs: performance.now() - tRetrieval, missingDocumentIds: opts.missingDocumentIds };
    if (this.model) await this.written(this.model, req, prepared, emit, signal, opts.sampling);
    else await this.extractive(prepared, emit, signal);
  }

  private start(p: Prepared, mode: 'llm' | 'extractive'): ChatEvent {
    const { conversationId, userMessageId, assistantMessageId } = p.record;
    const missing = p.missingDocumentIds?.length ? { missingDocumentIds: p.missingDocumentIds } : {};
    return { type: 'start', conversationId, userMessageId, assistantMessageId, query: p.query, expansions: p.expansions, mode, ...missing };
  }

  private async extractive(p: Prepared, emit: Emit, signal: AbortSignal): Promise<void> {
    emit(this.start(p, 'extractive'));
    emit({ type: 'sources', sources: p.sources });
    const { text, citations } = extractiveAnswer(p.sources);
    emit({ type: 'answer', delta: text });
    emit({ type: 'citations', citations });
    const verification = await this.verify(text, p.sources, signal, [NO_MODEL_NOTE]);
    p.record.saveAnswer({ content: text, citations, verification, status: 'complete' });
    if (verification) emit({ type: 'verification', ...verification });
    const now = performance.now();
    const timings = { retrievalMs: p.retrievalMs, overheadMs: now - p.tRetrieval, firstTokenMs: null, totalMs: now - p.t0 };
    emit({ type: 'done', status: 'complete', finishReason: 'extractive', usage: null, timings });
  }

  private async written(model: ChatModel, req: ChatRequest, p: Prepared, emit: Emit, signal: AbortSignal, sampling: Partial<Sampling> = {}): Promise<void> {
    const maxTokens = sampling.maxTokens ?? this.opts.maxAnswerTokens;
    const history = req.messages.slice(0, -1);
    const question = req.messages[req.messages.length - 1]!.content.trim();
    const prompt = buildAnswerPrompt(history, question, p.sources, { contextTokens: this.opts.contextTokens, maxAnswerTokens: maxTokens });
    const sources = prompt.sources;
    const overheadMs = performance.now() - p.tRetrieval;
    emit(this.start(p, 'llm'));
    emit({ type: 'sources', sources });
    const g = await generateAnswer(model, prompt.messages, sources, { emit, signal, sampling: { ...sampling, maxTokens }, t0: p.t0, log: this.log });
    const status = g.failure ? (g.answer ? 'incomplete' : 'error') : signal.aborted || !g.finished ? 'incomplete' : 'complete';
    // The product's own notes are not claims of the model's.
    const verification = g.answer ? await this.verify(g.answer, sources, signal, [ECHO_NOTE, NO_CITATION_NOTE]) : null;
    p.record.saveAnswer({ content: g.answer, reasoning: g.reasoning || null, citations: g.citations, verification, status, error: g.failure });
    if (signal.aborted) return;
    this.finish(g, status, verification, emit, { retrievalMs: p.retrievalMs, overheadMs, totalMs: performance.now() - p.t0 });
  }

  private finish(g: Generated, status: 'complete' | 'incomplete' | 'error', verification: Verification | null, emit: Emit, t: { retrievalMs: number; overheadMs: number; totalMs: number }): void {
    emit({ type: 'citations', citations: g.citations });
    if (verification) emit({ type: 'verification', ...verification });
    if (g.failure) {
      emit({ type: 'error', code: g.failure.code, message: g.failure.message });
      return;
    }
    emit({ type: 'done', status, finishReason: g.finishReason ?? 'missing', usage: g.usage, timings: { ...t, firstTokenMs: g.firstTokenMs } });
  }

  /** The claim check of an answer; never throws (a failure is logged and leaves the answer unchecked). */
  private async verify(answer: string, sources: Source[], signal: AbortSignal, skip: string[] = []): Promise<Verification | null> {
    try {
      const index = await this.index();
      return await this.claims.check(answer, sources, index.embedder, signal, skip);
    } catch (err) {
      this.log.error({ err }, 'claim check failed');
      return null;
    }
  }

  /**
   * The passages for a question: searched as asked (or, for a follow-up, as the model rewrote it to stand
   * alone) and, with expansion on, in the model's other wordings too. Also used by `npm run eval -- --expand`.
   */
  async retrieve(
    history: ChatRequest['messages'],
    question: string,
    signal: AbortSignal,
    documentIds?: string[],
  ): Promise<{ query: string; expansions: string[]; hits: SearchResult[]; tRetrieval: number }> {
    const { query, expansions } = this.opts.expandQueries
      ? await this.expandedQueries(history, question, signal)
      : { query: await this.standaloneQuery(history, question, signal), expansions: [] };
    const tRetrieval = performance.now();
    const index = await this.index();
    const hits = await searchWordings(index, query, expansions, { k: this.opts.topK, documentIds });
    return { query, expansions, hits, tRetrieval };
  }

  /**
   * One utility call gives the standalone query (a follow-up's references resolved) and up to three other
   * wordings. A first question keeps its own wording as the query; any failure falls back to the question.
   */
  private async expandedQueries(history: ChatRequest['messages'], question: string, signal: AbortSignal): Promise<{ query: string; expansions: string[] }> {
    if (!this.model) return { query: question, expansions: [] };
    const followUp = history.some((m) => m.role === 'user');
    const timeout = AbortSignal.timeout(this.opts.rewriteTimeoutMs);
    try {
      const reply = await this.model.complete(buildExpandPrompt(history, question), { signal: AbortSignal.any([signal, timeout]), maxTokens: 512 });
      const lines = parseQueryLines(usableReply(reply));
      if (lines.length === 0) return { query: question, expansions: [] };
      const query = followUp ? lines[0]! : question;
      const expansions = lines.filter((l) => l.toLowerCase() !== query.toLowerCase()).slice(0, 3);
      return { query, expansions };
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.info({ reason: (err as Error).message }, 'query expansion failed; searching with the question as asked');
      return { query: question, expansions: [] };
    }
  }

  /** A follow-up becomes a standalone query through the utility model; any failure falls back to the question. */
  private async standaloneQuery(history: ChatRequest['messages'], question: string, signal: AbortSignal): Promise<string> {
    if (!this.model || !history.some((m) => m.role === 'user')) return question;
    const timeout = AbortSignal.timeout(this.opts.rewriteTimeoutMs);
    try {
      const reply = await this.model.complete(buildRewritePrompt(history, question), { signal: AbortSignal.any([signal, timeout]), maxTokens: 512 });
      const rewritten = stripThink(usableReply(reply)).split('\n').map((l) => l.trim()).find(Boolean)?.replace(/^["'“”]+|["'“”]+$/g, '') ?? '';
      return rewritten.length >= 2 && rewritten.length <= 1000 ? rewritten : question;
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.info({ reason: (err as Error).message }, 'follow-up rewrite failed; searching with the question as asked');
      return question;
    }
  }
}

/**
 * What of a utility reply can be searched. A reply cut off at the token limit loses its unfinished last line; if
 * it has no `</think>`, it is all reasoning (templates that open `<think>` in the prompt send only the closing
 * tag) or rambling, and nothing of it is used.
 */
export function usableReply(reply: Completion): string {
  if (!reply.truncated) return reply.text;
  const close = reply.text.lastIndexOf('</think>');
  if (close < 0) return '';
  const answer = reply.text.slice(close + '</think>'.length);
  const end = answer.lastIndexOf('\n');
  return end < 0 ? '' : answer.slice(0, end);
}
