/**
 * One conversation's messages and its streaming answer, driven by the typed chat event stream. The open
 * conversation is kept in the URL hash, so a reload (even mid-answer) reopens it.
 */
import type { ChatEvent, ConversationResponse } from '@pagewise/shared';
import { useCallback, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { streamChat } from '../chatStream';
import { writeChatId } from '../location';
import { applyEvent, blankMessage, fromStored, startedAnswer, type UiMessage } from './chatEvents';

export type { UiMessage } from './chatEvents';

type Conversation = ConversationResponse['conversation'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a reopened chat whose last question has no answer yet waits for it (the server stores it on stop). */
const PENDING_ANSWER_POLLS = 5;

/** A question stopped before the server named it: its id, if it is the stored conversation's last question. */
async function storedQuestion(conversationId: string, content: string): Promise<string | undefined> {
  const { conversation } = await api.conversation(conversationId).catch(() => ({ conversation: null }));
  const last = conversation?.messages.filter((m) => m.role === 'user').at(-1);
  return last?.content === content.trim() ? last.id : undefined;
}

/**
 * `onChange` runs when the conversation list may have changed: a new conversation has started, an answer ended.
 * `collectionId`: the collection a new chat belongs to (an existing chat keeps its own, on the server).
 */
export function useChat(onChange: () => void, collectionId: string | null = null) {
  const collection = useRef(collectionId);
  collection.current = collectionId;
  const [messages, setMessages] = useState<UiMessage[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [streaming, setStreaming] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const current = useRef<string | null>(null);

  const select = (id: string | null) => {
    current.current = id;
    setConversationId(id);
    writeChatId(id);
  };
  const patchLast = (fn: (m: UiMessage) => UiMessage) =>
    setMessages((ms) => (ms.length ? [...ms.slice(0, -1), fn(ms[ms.length - 1]!)] : ms));

  const send = useCallback(
    async (question: string, documentIds: string[] | undefined, again?: { history: UiMessage[]; retryOf?: string }) => {
      const base = again?.history ?? messages;
      const userMsg = blankMessage('user', 'complete', question);
      const assistant = blankMessage('assistant', 'streaming');
      setMessages([...base, userMsg, assistant]);
      setStreaming(true);
      const ac = new AbortController();
      controller.current = ac;
      // A new chat gets its id here, so the URL names it before the first event (a reload at once reopens it).
      const proposed = conversationId ? undefined : crypto.randomUUID();
      if (proposed) select(proposed);
      let started = false;
      const onEvent = (e: ChatEvent) => {
        if (e.type !== 'start') return patchLast((m) => applyEvent(m, e));
        started = true;
        select(e.conversationId);
        setMessages((ms) => {
          const [q, a] = ms.slice(-2);
          return q && a ? [...ms.slice(0, -2), { ...q, id: e.userMessageId, stored: true }, startedAnswer(a, e, question)] : ms;
        });
        onChange();
      };
      try {
        const history = [...base, userMsg].filter((m) => m.status !== 'error' || m.role === 'user').map((m) => ({ role: m.role, content: m.content }));
        const place = { conversationId: conversationId ?? undefined, newConversationId: proposed, retryOf: again?.retryOf };
        const collectionId = conversationId ? undefined : (collection.current ?? undefined);
        await streamChat({ messages: history, documentIds, collectionId, ...place }, onEvent, ac.signal);
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK_ERROR', (err as Error).message);
        // Refused before anything was stored: the new chat does not exist.
        if (proposed && !started && e.status > 0) select(null);
        patchLast((m) => ({ ...m, status: m.content ? 'incomplete' : 'error', error: { code: e.code, message: e.message } }));
      } finally {
        // Stopped, or the stream ended without a final event: what arrived is kept, marked incomplete.
        patchLast((m) => (m.status === 'streaming' ? { ...m, status: 'incomplete' } : m));
        setStreaming(false);
        controller.current = null;
        onChange();
      }
    },
    [messages, conversationId, onChange],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  /** Ask the last question again: the server replaces that question and its answer when it holds them. */
  const retry = useCallback(
    async (documentIds: string[] | undefined) => {
      const lastUser = [...messages].reverse().find((m) => m.role === 'user');
      if (!lastUser) return;
      const idx = messages.lastIndexOf(lastUser);
      const retryOf = lastUser.stored ? lastUser.id : conversationId ? await storedQuestion(conversationId, lastUser.content) : undefined;
      void send(lastUser.content, documentIds, { history: messages.slice(0, idx), retryOf });
    },
    [messages, conversationId, send],
  );

  /** Open a stored conversation (null: a new chat). Resolves to it, or null when there is none (e.g. deleted). */
  const open = useCallback(async (id: string | null): Promise<Conversation | null> => {
    controller.current?.abort();
    select(id);
    setMessages([]);
    if (!id) return null;
    try {
      const { conversation } = await api.conversation(id);
      if (current.current !== id) return null;
      setMessages(conversation.messages.map(fromStored));
      if (conversation.messages.at(-1)?.role === 'user') void awaitAnswer(id);
      return conversation;
    } catch (err) {
      if (current.current === id && err instanceof ApiError && err.code === 'NOT_FOUND') select(null);
      return null;
    }
  }, []);

  /**
   * Reopened mid-answer: the stopped answer is stored a moment after the question; show it when it is. A question
   * left before its answer began has none: it is shown as an incomplete answer, with Retry.
   */
  const awaitAnswer = async (id: string) => {
    for (let i = 0; i < PENDING_ANSWER_POLLS; i++) {
      await sleep(1000);
      const { conversation } = await api.conversation(id).catch(() => ({ conversation: null }));
      if (current.current !== id || !conversation || controller.current) return;
      if (conversation.messages.at(-1)?.role !== 'user') return setMessages(conversation.messages.map(fromStored));
    }
    if (current.current !== id || controller.current) return;
    const none = blankMessage('assistant', 'incomplete');
    setMessages((ms) => (ms.at(-1)?.role === 'user' ? [...ms, none] : ms));
  };

  /** The open chat was deleted elsewhere: its messages stay on screen, and the next question starts a new chat. */
  const forget = useCallback((id: string) => {
    if (current.current === id) select(null);
  }, []);

  return { messages, conversationId, streaming, send, stop, retry, open, forget };
}
