/**
 * `POST /api/chat`: validate, then run the answer as a stream of typed SSE events (http/answers.ts holds the
 * stream slot, the abort on disconnect and the final error event).
 */
import { Router } from 'express';
import { ChatRequestSchema } from '@pagewise/shared';
import type { ChatService } from '../../answer/chat.js';
import { notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ConversationStore } from '../../store/conversations.js';
import { runAnswer } from '../answers.js';
import type { StreamRegistry } from '../streams.js';
import { SseStream } from '../sse.js';
import { parse } from '../validate.js';

export function chatRouter(chat: ChatService, conversations: ConversationStore, streams: StreamRegistry, log: Logger): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parse(ChatRequestSchema, req.body);
    if (body.conversationId && !conversations.exists(body.conversationId)) throw notFound('Conversation');
    await runAnswer(req, res, streams, new SseStream(res), (emit, signal) => chat.answer(body, emit, signal), log);
  });
  return router;
}
