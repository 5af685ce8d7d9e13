/** `/api/collections`: list, create, rename, delete, and add or remove documents. */
import { Router } from 'express';
import { CollectionCreateSchema, CollectionDocumentsSchema, CollectionRenameSchema } from '@pagewise/shared';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { collectionNotFound, type CollectionStore } from '../../store/collections.js';
import { parse } from '../validate.js';

const CollectionParams = z.object({ id: z.string().uuid() });
const MemberParams = z.object({ id: z.string().uuid(), documentId: z.string() });

/** A malformed collection id is an unknown collection. */
function collectionId(params: unknown): string {
  const r = CollectionParams.safeParse(params);
  if (!r.success) throw collectionNotFound();
  return r.data.id;
}

export function collectionsRouter(collections: CollectionStore): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ collections: collections.list() });
  });
  router.post('/', (req, res) => {
    const { name, documentIds } = parse(CollectionCreateSchema, req.body);
    res.status(201).json({ collection: collections.create(name, documentIds) });
  });
  router.get('/:id', (req, res) => {
    res.json({ collection: collections.get(collectionId(req.params)) });
  });
  router.patch('/:id', (req, res) => {
    const id = collectionId(req.params);
    const { name } = parse(CollectionRenameSchema, req.body);
    res.json({ collection: collections.rename(id, name) });
  });
  router.delete('/:id', (req, res) => {
    collections.delete(collectionId(req.params));
    res.status(204).end();
  });
  router.post('/:id/documents', (req, res) => {
    const id = collectionId(req.params);
    const { documentIds } = parse(CollectionDocumentsSchema, req.body);
    res.json({ collection: collections.addDocuments(id, documentIds) });
  });
  router.delete('/:id/documents/:documentId', (req, res) => {
    const p = MemberParams.safeParse(req.params);
    if (!p.success) throw collectionNotFound();
    if (!z.string().uuid().safeParse(p.data.documentId).success) {
      collections.get(p.data.id);
      throw notFound('Document in this collection');
    }
    res.json({ collection: collections.removeDocument(p.data.id, p.data.documentId) });
  });
  return router;
}
