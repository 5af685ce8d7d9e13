/**
 * The Express app: the Host allow-list, security headers, the cross-site check on writes, JSON limits, the API
 * routes, the web client, one error middleware (SECURITY.md H1-H7).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { anyNotFound, errorHandler, apiNotFound, pathOnly } from './http/onerror.js';
import { crossSiteGuard, hostGuard, HostPolicy, requestSource } from './http/guard.js';
import { documentsRouter } from './http/routes/documents/index.js';
import { healthRouter } from './http/routes/health.js';
import { searchRouter } from './http/routes/search.js';
import { chatRouter } from './http/routes/chat.js';
import { authRouter, isAuthenticated, requireAuth, type AuthOptions } from './http/auth.js';
import { openAIRouter } from './http/routes/openai/index.js';
import { FailureLimiter, perMinute } from './http/rate-limit.js';
import { conversationsRouter } from './http/routes/conversations.js';
import { collectionsRouter } from './http/routes/collections.js';
import { documentActionsRouter } from './http/routes/documents/actions.js';
import { exportRouter } from './http/routes/export.js';
import { settingsRouter } from './http/routes/settings.js';
import type { Logger } from './logger.js';
import type { Services } from './services.js';
import { SessionStore } from './store/sessions.js';

export type { Services } from './services.js';
export { createServices } from './services.js';
export { loadConfig } from './config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT_DIST = path.resolve(here, '..', '..', 'client', 'dist');
const PDFJS_ROOT = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

export function createApp(s: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', s.config.TRUST_PROXY > 0 ? s.config.TRUST_PROXY : false);
  const hosts = new HostPolicy(s.config.allowedHosts);
  app.use(requestLogger(s.log.child({ part: 'http' })));
  app.use(hostGuard(hosts));
  app.use(securityHeaders());
  const auth: AuthOptions = {
    token: s.config.ACCESS_TOKEN,
    sessions: new SessionStore(s.db, s.config.SESSION_DAYS),
    sessionDays: s.config.SESSION_DAYS,
    failures: new FailureLimiter(s.config.RATE_LIMIT_AUTH_FAILURES_PER_MIN),
    source: (req: express.Request) => requestSource(req, hosts),
  };
  // One count of questions per address, whichever endpoint asks them.
  const questions = perMinute(s.config.RATE_LIMIT_CHAT_PER_MIN, 'questions');
  app.use('/api', apiRouter(s, hosts, auth, questions));
  app.use('/v1', openAIApi(s, hosts, auth, questions));
  serveClient(app);
  app.use(anyNotFound);
  app.use(errorHandler(s.log));
  return app;
}

/** One debug line per request: method, path without its query string, status, time. */
function requestLogger(log: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const ms = Math.round(performance.now() - started);
      log.debug({ method: req.method, path: pathOnly(req.originalUrl), status: res.statusCode, ms }, 'request');
    });
    next();
  };
}

function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        // pdf.js decodes some image formats with WebAssembly; no 'unsafe-eval' anywhere.
        'script-src': ["'self'", "'wasm-unsafe-eval'"],
        'worker-src': ["'self'", 'blob:'],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        // Served over plain HTTP on a LAN too: upgrading would break it.
        'upgrade-insecure-requests': null,
      },
    },
  });
}

function apiRouter(s: Services, hosts: HostPolicy, auth: AuthOptions, questions: express.RequestHandler): express.Router {
  const api = express.Router();
  api.use(crossSiteGuard(hosts));
  api.use(express.json({ limit: '1mb' }));
  api.use(requireAuth(auth));
  api.use('/auth', authRouter(auth, perMinute(s.config.RATE_LIMIT_LOGIN_PER_MIN, 'sign-in attempts')));
  api.use('/health', healthRouter(s.health, (req) => isAuthenticated(req, auth) !== null));
  api.post('/documents', perMinute(s.config.RATE_LIMIT_UPLOAD_PER_MIN, 'uploads'));
  api.post('/chat', questions);
  api.use('/documents', documentsRouter(s.library, {
    tmpDir: s.files.tmpDir,
    maxFileBytes: s.config.MAX_UPLOAD_MB * 1024 * 1024,
    maxFiles: s.config.MAX_FILES_PER_UPLOAD,
  }));
  api.use('/documents', documentActionsRouter(s.db, s.library, s.overviews));
  api.use('/search', searchRouter(s.index, s.collections));
  api.use('/chat', chatRouter({ chat: s.chat, conversations: s.conversations, collections: s.collections, docs: s.docs, titler: s.titler, streams: s.streams, log: s.log.child({ part: 'chat' }) }));
  api.use('/conversations', conversationsRouter(s.conversations));
  api.use('/conversations', exportRouter(s.conversations, s.collections));
  api.use('/collections', collectionsRouter(s.collections));
  api.use('/settings', settingsRouter(s.config, s.health));
  api.use(apiNotFound);
  return api;
}

/**
 * The OpenAI-compatible endpoint: the same cross-site check, token (as the API key) and failed-credential limit as
 * /api, no public path; errors in the OpenAI shape (http/onerror.ts). Clients send whole histories: 4 MB of JSON.
 */
function openAIApi(s: Services, hosts: HostPolicy, auth: AuthOptions, questions: express.RequestHandler): express.Router {
  const v1 = express.Router();
  v1.use(crossSiteGuard(hosts));
  v1.use(express.json({ limit: '4mb' }));
  v1.use(requireAuth(auth, new Set()));
  v1.use(openAIRouter({ chat: s.chat, streams: s.streams, questions, contextTokens: s.config.LLM_CONTEXT_TOKENS, log: s.log.child({ part: 'openai' }) }));
  v1.use(apiNotFound);
  return v1;
}

/** The built web client and the pdf.js assets it needs. */
function serveClient(app: express.Express): void {
  // pdf.js in the browser needs its CMaps (CJK) and standard fonts, served from the same pinned package.
  app.use('/pdfjs/cmaps', readOnly(express.static(path.join(PDFJS_ROOT, 'cmaps'), { maxAge: '7d', immutable: true })));
  app.use('/pdfjs/standard_fonts', readOnly(express.static(path.join(PDFJS_ROOT, 'standard_fonts'), { maxAge: '7d', immutable: true })));
  app.use('/assets', readOnly(express.static(path.join(CLIENT_DIST, 'assets'), { maxAge: '1y', immutable: true, fallthrough: false })));
  app.get(/^\/(?!api\/|v1\/|pdfjs\/|assets\/).*/, (_req, res) => {
    const index = path.join(CLIENT_DIST, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The web client is not built yet. Run `npm run build` (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

/** Static files answer GET and HEAD only; any other method gets the JSON 404 (serve-static would send a bare 405). */
function readOnly(handler: express.RequestHandler): express.RequestHandler {
  return (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? handler(req, res, next) : next());
}
