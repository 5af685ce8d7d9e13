/**
 * `POST /api/chat`: validate, then run the answer as a stream of typed SSE events (http/answers.ts holds the
 * stream slot, the abort on disconnect and the final error event).
 */
import { Router } from 'express';
import { ChatRequestSchema, type ChatRequest } from '@pagewise/shared';
import type { ChatService } from '../../answer/chat.js';
import { notFound, notLastQuestion, scopeDocumentsGone, validationError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ConversationStore } from '../../store/conversations.js';
import type { DocumentStore } from '../../store/documents.js';
import { runAnswer } from '../answers.js';
import type { StreamRegistry } from '../streams.js';
import { SseStream } from '../sse.js';
import { parse } from '../validate.js';

export function chatRouter(chat: ChatService, conversations: ConversationStore, docs: DocumentStore, streams: StreamRegistry, log: Logger): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parse(ChatRequestSchema, req.body);
    checkPlace(conversations, body);
    const { present, missing } = resolveScope(docs, body.documentIds);
    const asked = { ...body, documentIds: present };
    const opts = missing.length ? { missingDocumentIds: missing } : {};
    await runAnswer(req, res, streams, new SseStream(res), (emit, signal) => chat.answer(asked, emit, signal, opts), log);
  });
  return router;
}

/** The conversation named must exist (a new one must not), and a question asked again must be its last one. */
function checkPlace(conversations: ConversationStore, body: ChatRequest): void {
  if (body.conversationId && !conversations.exists(body.conversationId)) throw notFound('Conversation');
  if (body.newConversationId && (body.conversationId || conversations.exists(body.newConversationId))) {
    throw validationError('newConversationId must name a conversation that does not exist yet, and comes without conversationId.', 'newConversationId');
  }
  if (!body.retryOf) return;
  if (!body.conversationId) throw validationError('retryOf needs the conversationId of the question it asks again.', 'retryOf');
  if (conversations.lastQuestionId(body.conversationId) !== body.retryOf) throw notLastQuestion();
}

/**
 * The scope's documents that still exist. A scope whose documents were all deleted is refused: searching the
 * whole library instead would answer from documents the question was never meant for.
 */
function resolveScope(docs: DocumentStore, ids: string[] | undefined): { present: string[] | undefined; missing: string[] } {
  if (!ids) return { present: undefined, missing: [] };
  const present = ids.filter((id) => docs.get(id) !== undefined);
  const missing = ids.filter((id) => !present.includes(id));
  if (ids.length > 0 && present.length === 0) throw scopeDocumentsGone();
  return { present, missing };
}
