/**
 * One answer, end to end: persist the question, rewrite a follow-up into a standalone query, retrieve passages,
 * stream the model's reasoning and answer (citation markers resolved and filtered on the fly), persist the
 * answer with its status and its claim check. Without a model endpoint the answer is extractive: the best
 * passages, cited, checked the same way.
 * The streaming lifecycle follows vercel/ai-chatbot: the user's message is stored before anything can fail.
 */
import type { ChatEvent, ChatRequest, Citation, ErrorCode, MessageStatus, SearchResult, Source, Usage, Verification } from '@pagewise/shared';
import type { SearchIndex } from '../index/search-index.js';
import type { Logger } from '../logger.js';
import type { ConversationStore } from '../store/conversations.js';
import { CitationFilter } from './citations.js';
import { ECHO_NOTE, EchoGuard, NO_CITATION_NOTE, uncitedNote } from './fallbacks.js';
import { LlmError, type ChatModel, type Completion } from './llm.js';
import { ANSWER_REMINDER, buildAnswerPrompt, buildExpandPrompt, buildRewritePrompt, parseQueryLines, SYSTEM_PROMPT } from './prompt.js';
import { searchWordings } from './retrieve.js';
import { stripThink, ThinkSplitter } from './think.js';
import type { ClaimChecker } from './verify/index.js';

export interface ChatOptions {
  topK: number;
  contextTokens: number;
  maxAnswerTokens: number;
  rewriteTimeoutMs: number;
  /** Search each question in the model's alternative wordings too (one utility call per question). */
  expandQueries: boolean;
}

export const NO_MODEL_NOTE =
  'No language model is configured, so these are the most relevant passages from your documents rather than a written answer. To get written answers, set LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY) to a DeepSeek/OpenAI-compatible endpoint such as Ollama; see the README.';

export class ChatService {
  constructor(
    private readonly index: () => Promise<SearchIndex>,
    private readonly conversations: ConversationStore,
    private readonly model: ChatModel | null,
    private readonly opts: ChatOptions,
    private readonly log: Logger,
    private readonly claims: ClaimChecker,
  ) {}

  get mode(): 'llm' | 'extractive' {
    return this.model ? 'llm' : 'extractive';
  }

  /** Streams one answer through `emit`. Never throws for model failures: they become an `error` event. */
  async answer(req: ChatRequest, emit: (e: ChatEvent) => void, signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    const question = req.messages[req.messages.length - 1]!.content.trim();
    const history = req.messages.slice(0, -1);

    const conversationId = req.conversationId ?? this.conversations.create(question.replace(/\s+/g, ' ').slice(0, 80));
    const userMessageId = this.conversations.addMessage(conversationId, { role: 'user', content: question, status: 'complete' });
    const assistantMessageId = crypto.randomUUID();

    const { query, expansions, hits, tRetrieval } = await this.retrieve(history, question, signal, req.documentIds);
    let sources: Source[] = hits.map((h, i) => ({
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
    const retrievalMs = performance.now() - tRetrieval;

    if (!this.model) {
      emit({ type: 'start', conversationId, userMessageId, assistantMessageId, query, expansions, mode: 'extractive' });
      emit({ type: 'sources', sources });
      const { text, citations } = extractiveAnswer(sources);
      emit({ type: 'answer', delta: text });
      emit({ type: 'citations', citations });
      const verification = await this.verify(text, sources, signal, [NO_MODEL_NOTE]);
      this.conversations.addMessage(conversationId, { id: assistantMessageId, role: 'assistant', content: text, citations, verification, status: 'complete' });
      if (verification) emit({ type: 'verification', ...verification });
      emit({
        type: 'done',
        status: 'complete',
        finishReason: 'extractive',
        usage: null,
        timings: { retrievalMs, overheadMs: performance.now() - tRetrieval, firstTokenMs: null, totalMs: performance.now() - t0 },
      });
      return;
    }

    const prompt = buildAnswerPrompt(history, question, sources, { contextTokens: this.opts.contextTokens, maxAnswerTokens: this.opts.maxAnswerTokens });
    sources = prompt.sources;
    const byNumber = new Map(sources.map((s) => [s.n, s]));
    const overheadMs = performance.now() - tRetrieval;
    emit({ type: 'start', conversationId, userMessageId, assistantMessageId, query, expansions, mode: 'llm' });
    emit({ type: 'sources', sources });

    const splitter = new ThinkSplitter();
    const filter = new CitationFilter((n) => byNumber.has(n));
    let answer = '';
    let reasoning = '';
    let firstTokenMs: number | null = null;
    let finishReason: string | null = null;
    let usage: Usage | null = null;
    let failure: { code: ErrorCode; message: string } | null = null;

    const emitAnswer = (text: string) => {
      const out = filter.push(text);
      if (out) {
        answer += out;
        emit({ type: 'answer', delta: out });
      }
    };
    // A model that copies its instructions back (a base model does) is stopped before any of it is shown.
    const guard = new EchoGuard([SYSTEM_PROMPT, ANSWER_REMINDER]);
    const stop = new AbortController();
    const onAnswer = (text: string) => {
      const out = guard.push(text);
      if (guard.echoed) stop.abort();
      else if (out) emitAnswer(out);
    };
    const onReasoning = (text: string) => {
      reasoning += text;
      emit({ type: 'reasoning', delta: text });
    };

    try {
      for await (const part of this.model.stream(prompt.messages, { signal: AbortSignal.any([signal, stop.signal]), maxTokens: this.opts.maxAnswerTokens })) {
        if (part.type === 'finish') {
          finishReason = part.reason;
          usage = part.usage;
          continue;
        }
        firstTokenMs ??= performance.now() - t0;
        if (part.type === 'reasoning') onReasoning(part.delta);
        else {
          const split = splitter.push(part.delta);
          if (split.reasoning) onReasoning(split.reasoning);
          if (split.answer) onAnswer(split.answer);
        }
      }
    } catch (err) {
      if (guard.echoed) {
        // stopped on purpose
      } else if (err instanceof LlmError) {
        failure = { code: err.code, message: `The answer could not be completed: ${err.message}.` };
        this.log.warn({ code: err.code, attempts: err.attempts, reason: err.message }, 'model call failed');
      } else if (!signal.aborted) {
        this.log.error({ err }, 'answer failed unexpectedly');
        failure = { code: 'INTERNAL_ERROR', message: 'The answer failed unexpectedly; try again.' };
      }
    }
    const rest = splitter.flush();
    if (rest.reasoning) onReasoning(rest.reasoning);
    if (rest.answer) onAnswer(rest.answer);
    const held = guard.flush();
    if (held) emitAnswer(held);
    if (guard.echoed) {
      finishReason = 'echo';
      answer = ECHO_NOTE;
      emit({ type: 'answer', delta: ECHO_NOTE });
    }
    const tail = filter.flush();
    if (tail) {
      answer += tail;
      emit({ type: 'answer', delta: tail });
    }
    // A finished answer that cites nothing (small models often don't) is marked as such, unless it abstained.
    const note = failure || signal.aborted || finishReason !== 'stop' ? '' : uncitedNote(answer, filter.cited.length);
    const finished = finishReason === 'stop' || guard.echoed;
    if (note) {
      answer += note;
      emit({ type: 'answer', delta: note });
    }

    const citations: Citation[] = filter.cited.map((n) => byNumber.get(n)!);
    const status: MessageStatus = failure ? (answer ? 'incomplete' : 'error') : signal.aborted || !finished ? 'incomplete' : 'complete';
    // The product's own notes are not claims of the model's.
    const verification = answer ? await this.verify(answer, sources, signal, [ECHO_NOTE, NO_CITATION_NOTE]) : null;
    this.conversations.addMessage(conversationId, {
      id: assistantMessageId,
      role: 'assistant',
      content: answer,
      reasoning: reasoning || null,
      citations,
      verification,
      status,
      error: failure,
    });
    if (signal.aborted) return;
    emit({ type: 'citations', citations });
    if (verification) emit({ type: 'verification', ...verification });
    if (failure) {
      emit({ type: 'error', code: failure.code, message: failure.message });
      return;
    }
    emit({
      type: 'done',
      status,
      finishReason: finishReason ?? 'missing',
      usage,
      timings: { retrievalMs, overheadMs, firstTokenMs, totalMs: performance.now() - t0 },
    });
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

/** The answer without a model: the best passages, each cited, after one clear line saying why. */
export function extractiveAnswer(sources: Source[]): { text: string; citations: Citation[] } {
  if (sources.length === 0) {
    return { text: `${NO_MODEL_NOTE}\n\nNothing in your documents matched this question.`, citations: [] };
  }
  const shown = sources.slice(0, 3);
  const lines = shown.map((s) => {
    const snippet = s.text.replace(/\s+/g, ' ').trim();
    const cut = snippet.length > 400 ? `${snippet.slice(0, 400).replace(/\s+\S*$/, '')} …` : snippet;
    return `- **${s.documentName.replace(/[*_`[\]]/g, '')}, page ${s.pageLabel ?? s.page}**: ${cut} [${s.n}]`;
  });
  return { text: `${NO_MODEL_NOTE}\n\n${lines.join('\n')}`, citations: shown };
}
