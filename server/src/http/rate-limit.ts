/** Per-address request limits (express-rate-limit): 429 RATE_LIMITED with Retry-After, in our error body. */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ErrorBody } from '@pagewise/shared';

export function perMinute(limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      const body: ErrorBody = { error: { code: 'RATE_LIMITED', message: `Too many ${what}; wait a moment and try again.` } };
      res.status(429).json(body);
    },
  });
}
