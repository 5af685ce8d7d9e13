/**
 * An OpenAI chat-completions request as the answer path takes it: the messages sent are the history (a client's
 * `system`/`developer` messages are left out: Pagewise's own rules keep the answer to the passages), text
 * content only; `temperature`, `max_tokens` (or `max_completion_tokens`) and `stop` pass through; what a grounded
 * answer cannot give (`tools`, `n` > 1, log-probabilities, JSON or audio output) is refused by name.
 */
import { MAX_CHAT_MESSAGES, MAX_MESSAGE_CHARS, type ChatMessage, type ChatRequest, type OpenAIChatRequest, type OpenAIMessage } from '@pagewise/shared';
import type { AnswerOptions } from '../../../answer/chat.js';
import { unsupportedParameter, validationError } from '../../../errors.js';

export interface AnswerRequest {
  request: ChatRequest;
  options: AnswerOptions;
}

/** The first field the request sets that Pagewise cannot honour, as a 400 naming it. */
function refuseUnsupported(body: OpenAIChatRequest): void {
  const named = (param: string, what: string) => unsupportedParameter(param, `${what} Pagewise answers from your documents with cited text only.`);
  if (body.tools?.length) throw named('tools', 'Tools (function calling) are not supported.');
  if (body.functions?.length) throw named('functions', 'Functions (function calling) are not supported.');
  const choice = body.tool_choice ?? body.function_call;
  if (choice !== undefined && choice !== null && choice !== 'none' && choice !== 'auto') throw named(body.tool_choice !== undefined ? 'tool_choice' : 'function_call', 'Tool calls are not supported.');
  if ((body.n ?? 1) > 1) throw named('n', `n must be 1: one answer per request (got ${body.n}).`);
  if (body.logprobs || (body.top_logprobs ?? 0) > 0) throw named(body.logprobs ? 'logprobs' : 'top_logprobs', 'Log probabilities are not available.');
  if (body.response_format && body.response_format.type !== 'text') throw named('response_format', `response_format "${body.response_format.type}" is not supported; only "text".`);
  if (body.audio || body.modalities?.some((m) => m !== 'text')) throw named(body.audio ? 'audio' : 'modalities', 'Only text output is supported.');
}

/** The text of one message; parts other than text are refused. */
function textOf(m: OpenAIMessage, i: number): string {
  if (typeof m.content === 'string') return m.content;
  if (!m.content) return '';
  return m.content
    .map((part, j) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw unsupportedParameter(`messages.${i}.content.${j}`, `Content of type "${part.type}" is not supported; send text.`);
    })
    .join('\n');
}

function history(messages: OpenAIMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'system' || m.role === 'developer') return;
    if (m.role !== 'user' && m.role !== 'assistant') {
      throw unsupportedParameter(`messages.${i}.role`, `Messages with role "${m.role}" are not supported (tool calls are not); send user and assistant messages.`);
    }
    out.push({ role: m.role, content: textOf(m, i) });
  });
  // Only recent turns reach the model; the earlier ones are left out, each turn at most as long as /api/chat allows.
  return out.slice(-MAX_CHAT_MESSAGES).map((m) => ({ role: m.role, content: m.content.slice(0, MAX_MESSAGE_CHARS * 4) }));
}

export function toAnswerRequest(body: OpenAIChatRequest, documentIds: string[] | undefined, contextTokens: number): AnswerRequest {
  refuseUnsupported(body);
  const messages = history(body.messages);
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') throw validationError('The last message must be from the user.', 'messages');
  if (!last.content.trim()) throw validationError('The question (the last user message) is empty.', 'messages');
  if (last.content.length > MAX_MESSAGE_CHARS) throw validationError(`The question is longer than ${MAX_MESSAGE_CHARS} characters.`, 'messages');
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  if (maxTokens !== undefined && maxTokens >= contextTokens) {
    throw validationError(`max_tokens must be smaller than the model's context window (LLM_CONTEXT_TOKENS = ${contextTokens}).`, body.max_completion_tokens ? 'max_completion_tokens' : 'max_tokens');
  }
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined);
  return {
    request: { messages, documentIds },
    options: {
      keep: body.store ? 'with-history' : 'none',
      sampling: { maxTokens, temperature: body.temperature ?? undefined, stop },
    },
  };
}
