import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach the log: credentials and document text. */
const REDACT = [
  'apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'req.headers.cookie', 'token', '*.token', 'text', '*.text', 'EMBED_API_KEY', '*.EMBED_API_KEY',
];

export function createLogger(opts: { level: string; pretty?: boolean }): Logger {
  return pino({ level: opts.level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'pagewise' } });
}
