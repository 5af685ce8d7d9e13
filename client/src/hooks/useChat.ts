/** One conversation's messages and its streaming answer, driven by the typed chat event stream. */
import type { ChatEvent, Citation, ErrorCode, Source, StoredMessage, Verification } from '@pagewise/shared';
import { useCallback, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { streamChat } from '../chatStream';

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
}

const fromStored = (m: StoredMessage): UiMessage => ({
  id: m.id,
  role: m.role,
  content: m.content,
  reasoning: m.reasoning ?? '',
  sources: m.citations,
  citations: m.citations,
  verification: m.verification,
  status: m.status,
  error: m.error,
});

/** `collectionId`: the collection a new chat belongs to (an existing chat keeps its own, on the server). */
export function useChat(onConversationChange: () => void, collectionId: string | null = null) {
  const collection = useRef(collectionId);
  collection.current = collectionId;
  const [messages, setMessages] = useState<UiMessage[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [streaming, setStreaming] = useState(false);
  const controller = useRef<AbortController | null>(null);

  const patchLast = (fn: (m: UiMessage) => UiMessage) =>
    setMessages((ms) => (ms.length ? [...ms.slice(0, -1), fn(ms[ms.length - 1]!)] : ms));

  const send = useCallback(
    async (question: string, documentIds: string[] | undefined, history?: UiMessage[]) => {
      const base = history ?? messages;
      const userMsg: UiMessage = { id: crypto.randomUUID(), role: 'user', content: question, reasoning: '', sources: [], citations: [], status: 'complete', error: null };
      const assistant: UiMessage = { id: crypto.randomUUID(), role: 'assistant', content: '', reasoning: '', sources: [], citations: [], status: 'streaming', error: null };
      setMessages([...base, userMsg, assistant]);
      setStreaming(true);
      const ac = new AbortController();
      controller.current = ac;
      const onEvent = (e: ChatEvent) => {
        switch (e.type) {
          case 'start':
            setConversationId(e.conversationId);
            {
              const expansions = e.expansions ?? [];
              const rewritten = e.query.trim() !== question.trim();
              const searched = expansions.length || rewritten ? { query: e.query, expansions, rewritten } : undefined;
              patchLast((m) => ({ ...m, id: e.assistantMessageId, mode: e.mode, searched }));
            }
            break;
          case 'sources':
            patchLast((m) => ({ ...m, sources: e.sources }));
            break;
          case 'reasoning':
            patchLast((m) => ({ ...m, reasoning: m.reasoning + e.delta }));
            break;
          case 'answer':
            patchLast((m) => ({ ...m, content: m.content + e.delta }));
            break;
          case 'citations':
            patchLast((m) => ({ ...m, citations: e.citations }));
            break;
          case 'verification':
            patchLast((m) => ({ ...m, verification: { claims: e.claims, counts: e.counts } }));
            break;
          case 'done':
            patchLast((m) => ({ ...m, status: e.status }));
            break;
          case 'error':
            patchLast((m) => ({ ...m, status: m.content ? 'incomplete' : 'error', error: { code: e.code, message: e.message } }));
            break;
        }
      };
      try {
        await streamChat(
          {
            messages: [...base, userMsg].filter((m) => m.status !== 'error' || m.role === 'user').map((m) => ({ role: m.role, content: m.content })),
            documentIds,
            conversationId: conversationId ?? undefined,
            collectionId: conversationId ? undefined : (collection.current ?? undefined),
          },
          onEvent,
          ac.signal,
        );
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK_ERROR', (err as Error).message);
        patchLast((m) => ({ ...m, status: m.content ? 'incomplete' : 'error', error: { code: e.code, message: e.message } }));
      } finally {
        // Stopped, or the stream ended without a final event: what arrived is kept, marked incomplete.
        patchLast((m) => (m.status === 'streaming' ? { ...m, status: 'incomplete' } : m));
        setStreaming(false);
        controller.current = null;
        onConversationChange();
      }
    },
    [messages, conversationId, onConversationChange],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  /** Ask the last question again (drops the last answer). */
  const retry = useCallback(
    (documentIds: string[] | undefined) => {
      const lastUser = [...messages].reverse().find((m) => m.role === 'user');
      if (!lastUser) return;
      const idx = messages.lastIndexOf(lastUser);
      void send(lastUser.content, documentIds, messages.slice(0, idx));
    },
    [messages, send],
  );

  const open = useCallback(async (id: string | null) => {
    controller.current?.abort();
    setConversationId(id);
    if (!id) {
      setMessages([]);
      return;
    }
    const { conversation } = await api.conversation(id);
    setMessages(conversation.messages.map(fromStored));
  }, []);

  return { messages, conversationId, streaming, send, stop, retry, open };
}
