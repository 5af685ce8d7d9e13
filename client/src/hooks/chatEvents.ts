/** How each event of the chat stream changes the answer being written (the `start` event is handled by the hook). */
import type { ChatEvent, Citation, ErrorCode, Source, StoredMessage, Verification } from '@pagewise/shared';

export interface UiMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  reasoning: string;
  sources: Source[];
  citations: Citation[];
  /** The server's check of each claim against its passages, once the answer has ended. */
  verification?: Verification | null;
  status: 'streaming' | 'complete' | 'incomplete' | 'error';
  error: { code: ErrorCode | 'NETWORK_ERROR'; message: string } | null;
  mode?: 'llm' | 'extractive';
  /** What retrieval searched, when it was not just the question: a follow-up's rewrite, the model's other wordings. */
  searched?: { query: string; expansions: string[]; rewritten: boolean };
  /** The server holds this message under `id` (a question can then be asked again in its place). */
  stored?: boolean;
  /** Documents of the question's scope that had been deleted (only the others were searched). */
  missingDocuments?: number;
}

/** A message with nothing in it yet (a new question, an answer about to stream, an answer that never came). */
export const blankMessage = (role: UiMessage['role'], status: UiMessage['status'], content = ''): UiMessage => ({
  id: crypto.randomUUID(),
  role,
  content,
  reasoning: '',
  sources: [],
  citations: [],
  status,
  error: null,
});

export const fromStored = (m: StoredMessage): UiMessage => ({
  id: m.id,
  role: m.role,
  content: m.content,
  reasoning: m.reasoning ?? '',
  sources: m.citations,
  citations: m.citations,
  verification: m.verification,
  status: m.status,
  error: m.error,
  stored: true,
});

export function startedAnswer(m: UiMessage, e: Extract<ChatEvent, { type: 'start' }>, question: string): UiMessage {
  const expansions = e.expansions ?? [];
  const rewritten = e.query.trim() !== question.trim();
  const searched = expansions.length || rewritten ? { query: e.query, expansions, rewritten } : undefined;
  return { ...m, id: e.assistantMessageId, mode: e.mode, searched, missingDocuments: e.missingDocumentIds?.length };
}

export function applyEvent(m: UiMessage, e: ChatEvent): UiMessage {
  switch (e.type) {
    case 'sources':
      return { ...m, sources: e.sources };
    case 'reasoning':
      return { ...m, reasoning: m.reasoning + e.delta };
    case 'answer':
      return { ...m, content: m.content + e.delta };
    case 'citations':
      return { ...m, citations: e.citations };
    case 'verification':
      return { ...m, verification: { claims: e.claims, counts: e.counts } };
    case 'done':
      return { ...m, status: e.status };
    case 'error':
      return { ...m, status: m.content ? 'incomplete' : 'error', error: { code: e.code, message: e.message } };
    default:
      return m;
  }
}
