import { Router, type Request } from 'express';
import type { HealthResponse } from '@pagewise/shared';

/**
 * Liveness is public (container health checks); the details (embedder, model, document counts) only go to
 * callers who may use the instance.
 */
export function healthRouter(report: () => HealthResponse, maySee: (req: Request) => boolean): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!maySee(req)) {
      res.json({ ok: true });
      return;
    }
    res.json(report());
  });
  return router;
}
