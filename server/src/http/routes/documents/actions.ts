/** `PATCH /api/documents/:id` (rename) and `GET /api/documents/:id/overview`, beside the documents router. */
import { Router } from 'express';
import { DocumentRenameSchema, type DocumentResponse } from '@pagewise/shared';
import type { OverviewService } from '../../../answer/overview.js';
import { notFound } from '../../../errors.js';
import type { Library } from '../../../ingest/library.js';
import type { Db } from '../../../store/db.js';
import { renameDocument } from '../../../store/document-names.js';
import { toSummary } from '../../../store/documents.js';
import { parse, parseId } from '../../validate.js';

export function documentActionsRouter(db: Db, library: Library, overviews: OverviewService): Router {
  const router = Router();

  router.patch('/:id', (req, res) => {
    const id = parseId(req.params, 'Document');
    const { name } = parse(DocumentRenameSchema, req.body);
    if (!renameDocument(db, id, name)) throw notFound('Document');
    const { chunks, pages } = library.list();
    const body: DocumentResponse = { document: toSummary(library.get(id), chunks.get(id) ?? 0, pages.get(id)) };
    res.json(body);
  });

  router.get('/:id/overview', (req, res) => {
    const id = parseId(req.params, 'Document');
    res.json({ overview: overviews.get(id, library.get(id).status) });
  });

  return router;
}
