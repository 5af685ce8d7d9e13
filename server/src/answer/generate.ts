/**
 * The model's answer to one prompt, streamed as `reasoning` and `answer` events: reasoning split off (DeepSeek's
 * `reasoning_content`, or `<think>` in the content), citation markers normalised and those naming no given
 * passage dropped before they reach the client, a model that copies its instructions back stopped before any of
 * it is shown (a base model does), and a finished answer that cites nothing marked as such.
 */
import type { ChatEvent, Citation, ErrorCode, Source, Usage } from '@pagewise/shared';
import type { Logger } from '../logger.js';
import { CitationFilter } from './citations.js';
import { ECHO_NOTE, EchoGuard, uncitedNote } from './fallbacks.js';
import { LlmError, type ChatModel, type LlmMessage, type Sampling } from './llm.js';
import { ANSWER_REMINDER, SYSTEM_PROMPT } from './prompt.js';
import { ThinkSplitter } from './think.js';

export interface Generated {
  answer: string;
  reasoning: string;
  citations: Citation[];
  /** The endpoint's finish reason; `echo` when the model copied its instructions and was stopped. */
  finishReason: string | null;
  usage: Usage | null;
  /** Since the request began. */
  firstTokenMs: number | null;
  failure: { code: ErrorCode; message: string } | null;
  /** Ended as it should: the model stopped by itself, or was stopped on purpose after an echo. */
  finished: boolean;
}

export interface GenerateContext {
  emit: (e: ChatEvent) => void;
  signal: AbortSignal;
  sampling: Sampling;
  /** When the request began (performance.now()). */
  t0: number;
  log: Logger;
}

/** Turns the model's deltas into the events the client sees, holding back what must not be shown. */
class AnswerWriter {
  private readonly splitter = new ThinkSplitter();
  private readonly filter: CitationFilter;
  private readonly guard = new EchoGuard([SYSTEM_PROMPT, ANSWER_REMINDER]);
  /** Aborted when the model is found copying its instructions. */
  readonly stop = new AbortController();
  answer = '';
  reasoning = '';

  constructor(
    private readonly byNumber: Map<number, Source>,
    private readonly emit: (e: ChatEvent) => void,
  ) {
    this.filter = new CitationFilter((n) => byNumber.has(n));
  }

  get echoed(): boolean {
    return this.guard.echoed;
  }

  get citations(): Citation[] {
    return this.filter.cited.map((n) => this.byNumber.get(n)!);
  }

  onReasoning(text: string): void {
    this.reasoning += text;
    this.emit({ type: 'reasoning', delta: text });
  }

  onContent(text: string): void {
    const split = this.splitter.push(text);
    if (split.reasoning) this.onReasoning(split.reasoning);
    if (split.answer) this.onAnswer(split.answer);
  }

  /** Appended text the filter has already seen (or the product's own notes). */
  append(text: string): void {
    this.answer += text;
    this.emit({ type: 'answer', delta: text });
  }

  /** After the stream: what the splitter, the guard and the filter still hold; an echo becomes its note. */
  flush(): void {
    const rest = this.splitter.flush();
    if (rest.reasoning) this.onReasoning(rest.reasoning);
    if (rest.answer) this.onAnswer(rest.answer);
    const held = this.guard.flush();
    if (held) this.filtered(held);
    if (this.guard.echoed) {
      this.answer = ECHO_NOTE;
      this.emit({ type: 'answer', delta: ECHO_NOTE });
    }
    const tail = this.filter.flush();
    if (tail) this.append(tail);
  }

  private onAnswer(text: string): void {
    const out = this.guard.push(text);
    if (this.guard.echoed) this.stop.abort();
    else if (out) this.filtered(out);
  }

  private filtered(text: string): void {
    const out = this.filter.push(text);
    if (out) this.append(out);
  }
}

export async function generateAnswer(model: ChatModel, messages: LlmMessage[], sources: Source[], ctx: GenerateContext): Promise<Generated> {
  const w = new AnswerWriter(new Map(sources.map((s) => [s.n, s])), ctx.emit);
  let finishReason: string | null = null;
  let usage: Usage | null = null;
  let firstTokenMs: number | null = null;
  let failure: Generated['failure'] = null;
  try {
    for await (const part of model.stream(messages, { ...ctx.sampling, signal: AbortSignal.any([ctx.signal, w.stop.signal]) })) {
      if (part.type === 'finish') {
        finishReason = part.reason;
        usage = part.usage;
        continue;
      }
      firstTokenMs ??= performance.now() - ctx.t0;
      if (part.type === 'reasoning') w.onReasoning(part.delta);
      else w.onContent(part.delta);
    }
  } catch (err) {
    failure = w.echoed ? null : failureOf(err, ctx);
  }
  w.flush();
  if (w.echoed) finishReason = 'echo';
  // A finished answer that cites nothing (small models often don't) is marked as such, unless it abstained.
  const citations = w.citations;
  const note = failure || ctx.signal.aborted || finishReason !== 'stop' ? '' : uncitedNote(w.answer, citations.length);
  if (note) w.append(note);
  const finished = finishReason === 'stop' || w.echoed;
  return { answer: w.answer, reasoning: w.reasoning, citations, finishReason, usage, firstTokenMs, failure, finished };
}

/** A failed stream as the client is told it; a client that went away is no failure. */
function failureOf(err: unknown, ctx: GenerateContext): Generated['failure'] {
  if (err instanceof LlmError) {
    ctx.log.warn({ code: err.code, attempts: err.attempts, reason: err.message }, 'model call failed');
    return { code: err.code, message: `The answer could not be completed: ${err.message}.` };
  }
  if (ctx.signal.aborted) return null;
  ctx.log.error({ err }, 'answer failed unexpectedly');
  return { code: 'INTERNAL_ERROR', message: 'The answer failed unexpectedly; try again.' };
}
