/**
 * `POST /api/chat`: validate, then run the answer as a stream of typed SSE events (http/answers.ts holds the
 * stream slot, the abort on disconnect and the final error event). A chat that belongs to a collection is
 * answered from its documents (narrowed by the request's documentIds); deleted documents of the scope are named in
 * the start event, or refused when none is left. A new chat is then titled (answer/title.ts).
 */
import { Router } from 'express';
import { ChatRequestSchema, type ChatEvent, type ChatRequest } from '@pagewise/shared';
import type { AnswerOptions, ChatService } from '../../answer/chat.js';
import type { ChatTitler } from '../../answer/title.js';
import { notFound, notLastQuestion, scopeDocumentsGone, validationError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { scopeOf, type CollectionStore } from '../../store/collections.js';
import type { ConversationStore } from '../../store/conversations.js';
import type { DocumentStore } from '../../store/documents.js';
import { runAnswer } from '../answers.js';
import type { StreamRegistry } from '../streams.js';
import { SseStream } from '../sse.js';
import { parse } from '../validate.js';

export interface ChatRouteDeps {
  chat: ChatService;
  conversations: ConversationStore;
  collections: CollectionStore;
  docs: DocumentStore;
  titler: ChatTitler | null;
  streams: StreamRegistry;
  log: Logger;
}

type Stored = ReturnType<ConversationStore['get']>;

export function chatRouter({ chat, conversations, collections, docs, titler, streams, log }: ChatRouteDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parse(ChatRequestSchema, req.body);
    const stored = checkPlace(conversations, body);
    const collectionId = collectionOf(stored, body);
    const { present, missing } = resolveScope(docs, body.documentIds);
    const opts: AnswerOptions = {
      ...(collectionId ? { searchDocumentIds: scopeOf(collections, collectionId, present) } : {}),
      ...(missing.length ? { missingDocumentIds: missing } : {}),
    };
    const asked = { ...body, documentIds: present };
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
      await chat.answer(asked, tap, signal, opts);
      if (created && titler && !signal.aborted) await titler.title(created, question, signal);
    }, log);
  });
  return router;
}

/**
 * The conversation named must exist (a new one must not), and a question asked again must be its last one.
 * Returns the stored conversation, if the request continues one.
 */
function checkPlace(conversations: ConversationStore, body: ChatRequest): Stored {
  const stored = body.conversationId ? conversations.get(body.conversationId) : undefined;
  if (body.conversationId && !stored) throw notFound('Conversation');
  if (body.newConversationId && (body.conversationId || conversations.exists(body.newConversationId))) {
    throw validationError('newConversationId must name a conversation that does not exist yet, and comes without conversationId.', 'newConversationId');
  }
  if (!body.retryOf) return stored;
  if (!body.conversationId) throw validationError('retryOf needs the conversationId of the question it asks again.', 'retryOf');
  if (conversations.lastQuestionId(body.conversationId) !== body.retryOf) throw notLastQuestion();
  return stored;
}

/** The collection the chat is answered from: a stored chat keeps its own; another one is refused. */
function collectionOf(stored: Stored, body: ChatRequest): string | null {
  const collectionId = stored ? (stored.collectionId ?? null) : (body.collectionId ?? null);
  if (stored && body.collectionId && body.collectionId !== collectionId) {
    throw validationError('collectionId: this chat belongs to another collection; start a new chat to ask another one.', 'collectionId');
  }
  return collectionId;
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
