import { Router } from 'express';
import type { HealthResponse } from '@pagewise/shared';

export function healthRouter(report: () => HealthResponse): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(report());
  });
  return router;
}
