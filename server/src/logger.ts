/**
 * The one logger (pino, JSON lines). Nothing secret reaches a log line (SECURITY.md H7): every line is
 * cleaned before it is written, whatever its shape: values under credential-like keys (authorization, cookie,
 * x-api-key, token, api keys…) and document text become "[redacted]", and every query string (`?a=b…`) inside any
 * string, URLs and error messages and stacks included, becomes `?[redacted]`.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const CENSOR = '[redacted]';
const SECRET_KEYS = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token',
  'token', 'access_token', 'password', 'secret', 'llm_api_key', 'embed_api_key', 'access_token_hash', 'text',
]);
const QUERY = /\?[^\s"'<>]*=[^\s"'<>]*/g;

const cleanString = (s: string) => (s.includes('?') ? s.replace(QUERY, `?${CENSOR}`) : s);

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown };
    return clean({ type: e.name, message: e.message, stack: e.stack, ...(e.code !== undefined ? { code: e.code } : {}) }, depth + 1);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) || k.toLowerCase().endsWith('apikey') ? CENSOR : clean(v, depth + 1);
  }
  return out;
}

export function createLogger(opts: { level: string; pretty?: boolean }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: opts.level,
      base: { app: 'pagewise' },
      formatters: { log: (obj) => clean(obj, 0) as Record<string, unknown> },
      hooks: {
        // The message string too (`log.info('GET /x?token=…')`).
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? cleanString(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
