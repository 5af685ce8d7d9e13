/**
 * `POST /api/chat`: validate, then run the answer as a stream of typed SSE events (http/answers.ts holds the
 * stream slot, the abort on disconnect and the final error event). A chat that belongs to a collection is
 * answered from its documents; a new chat is then titled (answer/title.ts).
 */
import { Router } from 'express';
import { ChatRequestSchema, type ChatEvent } from '@pagewise/shared';
import type { ChatService } from '../../answer/chat.js';
import type { ChatTitler } from '../../answer/title.js';
import { notFound, validationError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { scopeOf, type CollectionStore } from '../../store/collections.js';
import type { ConversationStore } from '../../store/conversations.js';
import { runAnswer } from '../answers.js';
import type { StreamRegistry } from '../streams.js';
import { SseStream } from '../sse.js';
import { parse } from '../validate.js';

export interface ChatRouteDeps {
  chat: ChatService;
  conversations: ConversationStore;
  collections: CollectionStore;
  titler: ChatTitler | null;
  streams: StreamRegistry;
  log: Logger;
}

export function chatRouter({ chat, conversations, collections, titler, streams, log }: ChatRouteDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parse(ChatRequestSchema, req.body);
    const stored = body.conversationId ? conversations.get(body.conversationId) : undefined;
    if (body.conversationId && !stored) throw notFound('Conversation');
    const collectionId = stored ? (stored.collectionId ?? null) : (body.collectionId ?? null);
    if (stored && body.collectionId && body.collectionId !== collectionId) {
      throw validationError('collectionId: this chat belongs to another collection; start a new chat to ask another one.', 'collectionId');
    }
    const scoped = { ...body, documentIds: scopeOf(collections, collectionId, body.documentIds) };
    const question = body.messages[body.messages.length - 1]!.content.trim();
    await runAnswer(req, res, streams, new SseStream(res), async (emit, signal) => {
      let created: string | null = null;
      const tap = (e: ChatEvent) => {
        if (e.type === 'start' && !stored) {
          created = e.conversationId;
          if (collectionId) conversations.setCollection(created, collectionId);
        }
        emit(e);
      };
      await chat.answer(scoped, tap, signal);
      if (created && titler && !signal.aborted) await titler.title(created, question, signal);
    }, log);
  });
  return router;
}
