import { Router } from 'express';
import { ConversationRenameSchema } from '@pagewise/shared';
import { notFound } from '../../errors.js';
import type { ConversationStore } from '../../store/conversations.js';
import { parse, parseId } from '../validate.js';

const parseConversationId = (params: unknown) => parseId(params, 'Conversation');

export function conversationsRouter(conversations: ConversationStore): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ conversations: conversations.list() });
  });
  router.get('/:id', (req, res) => {
    const conversation = conversations.get(parseConversationId(req.params));
    if (!conversation) throw notFound('Conversation');
    res.json({ conversation });
  });
  router.patch('/:id', (req, res) => {
    const id = parseConversationId(req.params);
    const { title } = parse(ConversationRenameSchema, req.body);
    if (!conversations.rename(id, title)) throw notFound('Conversation');
    res.json({ conversation: conversations.get(id) });
  });
  router.delete('/:id', (req, res) => {
    if (!conversations.delete(parseConversationId(req.params))) throw notFound('Conversation');
    res.status(204).end();
  });
  return router;
}
