/** The Express app: security headers, JSON limits, the API routes, one error middleware. */
import express from 'express';
import helmet from 'helmet';
import { errorHandler, apiNotFound } from './http/onerror.js';
import { documentsRouter } from './http/routes/documents/index.js';
import { healthRouter } from './http/routes/health.js';
import { searchRouter } from './http/routes/search.js';
import { chatRouter } from './http/routes/chat.js';
import { conversationsRouter } from './http/routes/conversations.js';
import type { Services } from './services.js';

export type { Services } from './services.js';
export { createServices } from './services.js';
export { loadConfig } from './config.js';

export function createApp(s: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'upgrade-insecure-requests': null },
      },
    }),
  );

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use('/health', healthRouter(s.health));
  api.use('/documents', documentsRouter(s.library, {
    tmpDir: s.files.tmpDir,
    maxFileBytes: s.config.MAX_UPLOAD_MB * 1024 * 1024,
    maxFiles: s.config.MAX_FILES_PER_UPLOAD,
  }));
  api.use('/search', searchRouter(s.index));
  api.use('/chat', chatRouter(s.chat, s.conversations, s.streams, s.log.child({ part: 'chat' })));
  api.use('/conversations', conversationsRouter(s.conversations));
  api.use(apiNotFound);
  app.use('/api', api);
  app.use(errorHandler(s.log));
  return app;
}
