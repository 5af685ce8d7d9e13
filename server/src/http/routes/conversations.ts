import { Router } from 'express';
import { z } from 'zod';
import { ConversationRenameSchema } from '@pagewise/shared';
import { notFound } from '../../errors.js';
import type { ConversationStore } from '../../store/conversations.js';
import { parse } from '../validate.js';

const IdSchema = z.object({ id: z.string().uuid() });

function parseId(params: unknown): string {
  const r = IdSchema.safeParse(params);
  if (!r.success) throw notFound('Conversation');
  return r.data.id;
}

export function conversationsRouter(conversations: ConversationStore): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ conversations: conversations.list() });
  });
  router.get('/:id', (req, res) => {
    const conversation = conversations.get(parseId(req.params));
    if (!conversation) throw notFound('Conversation');
    res.json({ conversation });
  });
  router.patch('/:id', (req, res) => {
    const id = parseId(req.params);
    const { title } = parse(ConversationRenameSchema, req.body);
    if (!conversations.rename(id, title)) throw notFound('Conversation');
    res.json({ conversation: conversations.get(id) });
  });
  router.delete('/:id', (req, res) => {
    if (!conversations.delete(parseId(req.params))) throw notFound('Conversation');
    res.status(204).end();
  });
  return router;
}
