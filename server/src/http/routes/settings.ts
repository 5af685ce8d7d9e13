/**
 * `GET /api/settings`: what this server runs, read-only, each value with the environment variable that sets it.
 * Secrets never leave: keys and the access token are shown only as set or not, and a URL loses any user name,
 * password, query string and fragment.
 */
import { Router } from 'express';
import type { HealthResponse, Setting, SettingsResponse } from '@pagewise/shared';
import type { Config } from '../../config.js';

/** A URL without credentials, query or fragment. */
export function publicUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(not a valid URL)';
  }
}

const isSet = (v: string | undefined) => (v ? 'set (hidden)' : 'not set');

function chatSettings(c: Config): Setting[] {
  const g = 'Chat model' as const;
  const s = (label: string, env: string, value: string, detail: string | null = null): Setting => ({ group: g, label, value, detail, env });
  if (!c.LLM_BASE_URL) return [s('Endpoint', 'LLM_BASE_URL', 'not set: extractive answers', 'Answers are the best passages, cited.'), s('API key', 'LLM_API_KEY', isSet(c.LLM_API_KEY))];
  return [
    s('Endpoint', 'LLM_BASE_URL', publicUrl(c.LLM_BASE_URL)),
    s('API key', 'LLM_API_KEY', isSet(c.LLM_API_KEY)),
    s('Model', 'LLM_MODEL', c.LLM_MODEL),
    s('Utility model', 'LLM_UTILITY_MODEL', c.LLM_UTILITY_MODEL ?? c.LLM_MODEL, c.LLM_UTILITY_MODEL ? null : 'the chat model'),
    s('Context window (tokens)', 'LLM_CONTEXT_TOKENS', String(c.LLM_CONTEXT_TOKENS)),
    s('Answer budget (tokens)', 'LLM_MAX_TOKENS', String(c.LLM_MAX_TOKENS)),
    s('Passages per question', 'CHAT_TOP_K', String(c.CHAT_TOP_K)),
    s('Query expansion', 'QUERY_EXPANSION', c.QUERY_EXPANSION),
    s('Claim check by the model', 'CLAIM_CHECK_MODEL', c.CLAIM_CHECK_MODEL),
    s('Chat titles', 'CHAT_TITLES', c.CHAT_TITLES),
    s('Document overviews', 'OVERVIEW', c.OVERVIEW),
  ];
}

function embedderSettings(c: Config, h: HealthResponse): Setting[] {
  const g = 'Embedder' as const;
  const running = h.embedder.state === 'ready' ? `${h.embedder.id} (${h.embedder.dimension} dimensions)` : 'loading';
  const detail = h.embedder.fallbackReason ? `Running: ${running}. Fell back to the built-in embedder: ${h.embedder.fallbackReason}` : `Running: ${running}`;
  const out: Setting[] = [{ group: g, label: 'Embedder', value: c.EMBEDDER, detail, env: 'EMBEDDER' }];
  if (c.EMBEDDER === 'auto' || c.EMBEDDER === 'local') out.push({ group: g, label: 'Local model', value: c.LOCAL_EMBED_MODEL, detail: null, env: 'LOCAL_EMBED_MODEL' });
  if (c.EMBEDDER === 'openai') {
    out.push({ group: g, label: 'Endpoint', value: publicUrl(c.EMBED_BASE_URL ?? ''), detail: null, env: 'EMBED_BASE_URL' });
    out.push({ group: g, label: 'Model', value: c.EMBED_MODEL, detail: null, env: 'EMBED_MODEL' });
    out.push({ group: g, label: 'API key', value: isSet(c.EMBED_API_KEY), detail: null, env: 'EMBED_API_KEY' });
  }
  out.push({ group: g, label: 'Vectors in the index', value: String(h.index.vectors), detail: `index ${h.index.state}`, env: 'DATA_DIR' });
  return out;
}

function limitSettings(c: Config): Setting[] {
  const l = (label: string, env: keyof Config, unit = ''): Setting => ({ group: 'Limits', label, value: `${String(c[env])}${unit}`, detail: null, env });
  return [
    l('Largest PDF (MB)', 'MAX_UPLOAD_MB'),
    l('Files per upload', 'MAX_FILES_PER_UPLOAD'),
    l('Pages per document', 'MAX_PAGES'),
    l('Characters per document', 'MAX_CHARS_PER_DOC'),
    l('Reading time per document (ms)', 'PARSE_TIMEOUT_MS'),
    l('Extraction workers', 'INGEST_WORKERS'),
    l('Questions per minute per address', 'RATE_LIMIT_CHAT_PER_MIN'),
    l('Uploads per minute per address', 'RATE_LIMIT_UPLOAD_PER_MIN'),
    l('Answers streaming at once', 'MAX_STREAMS'),
  ];
}

export function settingsOf(c: Config, h: HealthResponse): SettingsResponse {
  const ocr = c.OCR === 'off' ? 'off' : `on (${h.ocr.state})`;
  return {
    settings: [
      ...chatSettings(c),
      ...embedderSettings(c, h),
      { group: 'OCR', label: 'OCR of pages without text', value: ocr, detail: null, env: 'OCR' },
      { group: 'OCR', label: 'Languages', value: c.OCR_LANGS, detail: null, env: 'OCR_LANGS' },
      ...limitSettings(c),
      {
        group: 'Access',
        label: 'Access token',
        value: c.ACCESS_TOKEN ? 'on: a token protects this server' : 'off: no token (loopback only)',
        detail: null,
        env: 'ACCESS_TOKEN',
      },
      { group: 'Access', label: 'Listening on', value: `${c.HOST}:${c.PORT}`, detail: null, env: 'HOST' },
      { group: 'Access', label: 'Other host names', value: c.allowedHosts.join(', ') || 'none', detail: null, env: 'ALLOWED_HOSTS' },
    ],
  };
}

export function settingsRouter(config: Config, health: () => HealthResponse): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(settingsOf(config, health()));
  });
  return router;
}
