/**
 * Access control for an instance reachable from other machines (SECURITY.md H3, H4).
 * With ACCESS_TOKEN set: browsers exchange the token once for an HttpOnly, SameSite=Strict session cookie (only
 * its hash is stored); API clients send `Authorization: Bearer <token>`; every comparison is constant-time; every
 * failed credential counts toward a per-address limit (429 RATE_LIMITED); cookie-authenticated writes must
 * carry a browser's proof that they come from this origin, else 403 CSRF. Deny by default: everything under /api
 * needs a credential except the few public paths listed here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { LoginRequestSchema, type SessionResponse } from '@pagewise/shared';
import { AppError, csrfRejected, rateLimited } from '../errors.js';
import type { SessionStore } from '../store/sessions.js';
import { SAFE_METHODS } from './guard.js';
import type { FailureLimiter } from './rate-limit.js';
import { parse } from './validate.js';

export const SESSION_COOKIE = 'pagewise_session';
/** Reachable without a credential: liveness for container health checks, and signing in. */
export const PUBLIC_API_PATHS = new Set(['/health', '/auth/login', '/auth/logout', '/auth/session']);

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export const unauthenticated = () => new AppError(401, 'UNAUTHENTICATED', 'Sign in with the access token to use this instance.');

/** Constant-time comparison of a presented token with the configured one (hashing equalises the lengths). */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0 || part.slice(0, i).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      return part.slice(i + 1).trim(); // malformed percent-encoding: compared as is, so simply not a valid session
    }
  }
  return null;
}

function bearer(req: Request): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

export interface AuthOptions {
  token: string | undefined;
  sessions: SessionStore;
  sessionDays: number;
  failures: FailureLimiter;
  /** Where a request comes from by the browser's marks (http/guard.ts). */
  source: (req: Request) => 'same' | 'cross' | 'unknown';
}

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export function isAuthenticated(req: Request, opts: AuthOptions): 'bearer' | 'cookie' | null {
  if (!opts.token) return 'bearer';
  const b = bearer(req);
  if (b !== null) return tokenMatches(b, opts.token) ? 'bearer' : null;
  const c = cookieValue(req, SESSION_COOKIE);
  return c !== null && opts.sessions.valid(c) ? 'cookie' : null;
}

/**
 * Mounted on /api (and /v1, with no public paths) before every route. A presented credential is checked even on
 * public paths (health).
 */
export function requireAuth(opts: AuthOptions, publicPaths: ReadonlySet<string> = PUBLIC_API_PATHS): RequestHandler {
  return (req, res, next) => {
    if (!opts.token) return next();
    const presented = req.headers.authorization !== undefined || cookieValue(req, SESSION_COOKIE) !== null;
    if (presented) {
      const wait = opts.failures.blockedFor(clientAddress(req));
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        return next(rateLimited('failed sign-in attempts'));
      }
    }
    const how = isAuthenticated(req, opts);
    if (!how && presented) opts.failures.fail(clientAddress(req));
    if (publicPaths.has(req.path)) return next();
    if (!how) return next(unauthenticated());
    // Not a browser's own proof of origin ('unknown'), yet an ambient cookie: refused too.
    if (how === 'cookie' && !SAFE_METHODS.has(req.method) && opts.source(req) !== 'same') return next(csrfRejected());
    next();
  };
}

export function authRouter(opts: AuthOptions, loginLimiter: RequestHandler): Router {
  const router = Router();
  router.get('/session', (req, res) => {
    const body: SessionResponse = { required: Boolean(opts.token), authenticated: isAuthenticated(req, opts) !== null };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });
  router.post('/login', loginLimiter, (req, res) => {
    if (!opts.token) {
      res.json({ required: false, authenticated: true } satisfies SessionResponse);
      return;
    }
    const { token } = parse(LoginRequestSchema, req.body);
    const wait = opts.failures.blockedFor(clientAddress(req));
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw rateLimited('failed sign-in attempts');
    }
    if (!tokenMatches(token, opts.token)) {
      opts.failures.fail(clientAddress(req));
      throw new AppError(401, 'UNAUTHENTICATED', 'That access token is not right.');
    }
    res.cookie(SESSION_COOKIE, opts.sessions.create(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: opts.sessionDays * 86_400_000,
    });
    res.json({ required: true, authenticated: true } satisfies SessionResponse);
  });
  router.post('/logout', (req, res) => {
    const c = cookieValue(req, SESSION_COOKIE);
    if (c) opts.sessions.delete(c);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    res.status(204).end();
  });
  return router;
}
