/** Per-address request limits (express-rate-limit): 429 RATE_LIMITED with Retry-After, through the error middleware. */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { rateLimited } from '../errors.js';

export function perMinute(limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(rateLimited(what)),
  });
}

/**
 * Failed credentials per client address in fixed one-minute windows (SECURITY.md H4): every
 * wrong bearer token, unknown session cookie or wrong sign-in counts; at the limit, every request from that
 * address that presents a credential is refused until the window ends, so a right guess is no longer told apart.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it is not blocked. */
  blockedFor(address: string, now = Date.now()): number {
    const w = this.windows.get(address);
    if (!w || w.resetAt <= now) return 0;
    return w.count >= this.limit ? Math.ceil((w.resetAt - now) / 1000) : 0;
  }

  fail(address: string, now = Date.now()): void {
    if (this.windows.size > 10_000) this.prune(now);
    const w = this.windows.get(address);
    if (!w || w.resetAt <= now) this.windows.set(address, { count: 1, resetAt: now + this.windowMs });
    else w.count++;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
