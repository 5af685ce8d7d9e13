import { Router } from 'express';
import { SearchRequestSchema, type SearchResponse } from '@pagewise/shared';
import type { SearchIndex } from '../../index/search-index.js';
import { scopeOf, type CollectionStore } from '../../store/collections.js';
import { parse } from '../validate.js';

export function searchRouter(index: () => Promise<SearchIndex>, collections: CollectionStore): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { query, k, documentIds, collectionId } = parse(SearchRequestSchema, req.body);
    const results = await (await index()).search(query, { k, documentIds: scopeOf(collections, collectionId, documentIds), floor: true });
    const body: SearchResponse = { results };
    res.json(body);
  });
  return router;
}
