/**
 * Where the question and the answer of one request are kept. The web app's answers always go into a conversation
 * (a new one, or the one named); an OpenAI-style request is stateless unless it asks to be stored, and then its
 * messages (the history it sent, the question) start a new conversation of their own.
 */
import { randomUUID } from 'node:crypto';
import type { ChatRequest } from '@pagewise/shared';
import type { ConversationStore, NewMessage } from '../store/conversations.js';

/** `conversation`: as `/api/chat` does; `with-history`: a new conversation holding the earlier turns too; `none`: nothing stored. */
export type Keep = 'conversation' | 'with-history' | 'none';

export type SavedAnswer = Omit<NewMessage, 'id' | 'role'>;

export interface AnswerRecord {
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
  /** Whether anything is stored (`conversationId` names a real conversation). */
  stored: boolean;
  saveAnswer(m: SavedAnswer): void;
}

/** Stores the question at once (before anything can fail), so that it is never lost. */
export function openRecord(conversations: ConversationStore, req: ChatRequest, question: string, keep: Keep): AnswerRecord {
  const assistantMessageId = randomUUID();
  if (keep === 'none') {
    return { conversationId: randomUUID(), userMessageId: randomUUID(), assistantMessageId, stored: false, saveAnswer: () => undefined };
  }
  const conversationId = req.conversationId ?? conversations.create(question.replace(/\s+/g, ' ').slice(0, 80), req.documentIds, req.newConversationId);
  if (keep === 'with-history' && !req.conversationId) {
    for (const m of req.messages.slice(0, -1)) conversations.addMessage(conversationId, { role: m.role, content: m.content, status: 'complete' });
  }
  const userMessageId = conversations.addQuestion(conversationId, question, { documentIds: req.documentIds, replaces: req.retryOf });
  return {
    conversationId,
    userMessageId,
    assistantMessageId,
    stored: true,
    saveAnswer: (m) => void conversations.addAnswer(conversationId, userMessageId, { ...m, id: assistantMessageId }),
  };
}
