/** `GET /api/conversations/:id/export.md`: the chat as Markdown, citations as footnotes (answer/export.ts). */
import { Router } from 'express';
import { chatMarkdown, exportFileName } from '../../answer/export.js';
import { notFound } from '../../errors.js';
import type { CollectionStore } from '../../store/collections.js';
import type { ConversationStore } from '../../store/conversations.js';
import { parseId } from '../validate.js';

export function exportRouter(conversations: ConversationStore, collections: CollectionStore): Router {
  const router = Router();
  router.get('/:id/export.md', (req, res) => {
    const conversation = conversations.get(parseId(req.params, 'Conversation'));
    if (!conversation) throw notFound('Conversation');
    const collection = conversation.collectionId ? collections.list().find((c) => c.id === conversation.collectionId) : undefined;
    const md = chatMarkdown({ title: conversation.title, messages: conversation.messages, collectionName: collection?.name ?? null, exportedAt: new Date() });
    res.attachment(exportFileName(conversation.title));
    res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(md);
  });
  return router;
}
