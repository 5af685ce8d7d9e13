/**
 * The only module that reads process.env. Parsed once at start-up; invalid values stop the server with a clear
 * message. Every variable is documented here and in the README's configuration table.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isLoopbackHost, parseHostPort } from './loopback.js';

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(def));
const str = (def: string) => z.preprocess(emptyAsUndefined, z.string().default(def));
const optStr = () => z.preprocess(emptyAsUndefined, z.string().optional());

const EnvSchema = z.object({
  /** TCP port to listen on (0 = any free port). */
  PORT: int(3000, 0, 65535),
  /** Address to bind. Loopback by default. */
  HOST: str('127.0.0.1'),
  /**
   * Host names (with an optional :port) that requests may be addressed to, besides loopback names and addresses
   * on the listening port: comma-separated, e.g. `pagewise.example.org,nas.lan:3000`. Needed for a LAN name, a
   * reverse proxy that passes the public Host on, or a remapped container port. Every other Host header is
   * refused with 403 HOST_NOT_ALLOWED, which is what stops DNS rebinding (SECURITY.md H1).
   */
  ALLOWED_HOSTS: optStr(),
  /** Where documents, the database, indexes and downloaded models live. */
  DATA_DIR: str('./data'),
  /** pino level. */
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  NODE_ENV: str('development'),

  /** auto | local | openai | builtin. auto = local model when it loads, else the built-in embedder. */
  EMBEDDER: z.preprocess(emptyAsUndefined, z.enum(['auto', 'local', 'openai', 'builtin']).default('auto')),
  /** transformers.js model id for the local embedder (downloaded once into DATA_DIR/models). */
  LOCAL_EMBED_MODEL: str('Xenova/multilingual-e5-small'),
  /** How long the local model may take to download and load before `auto` falls back. */
  LOCAL_EMBED_TIMEOUT_MS: int(300_000, 1000),
  /** OpenAI-compatible embeddings endpoint, e.g. http://localhost:11434/v1 for Ollama. */
  EMBED_BASE_URL: optStr(),
  EMBED_API_KEY: optStr(),
  EMBED_MODEL: str('nomic-embed-text'),
  /** Most texts per embeddings request (fewer when the endpoint is slow; see index/embedders/openai.ts). */
  EMBED_BATCH: int(64, 1, 2048),
  EMBED_TIMEOUT_MS: int(60_000, 1000),

  /**
   * Protects the UI and every API route (except health and sign-in) when set: browsers sign in once and get an
   * HttpOnly session cookie, API clients send `Authorization: Bearer <token>`. Required when HOST is not loopback.
   */
  ACCESS_TOKEN: optStr(),
  /** Days a browser session lasts. */
  SESSION_DAYS: int(30, 1, 365),
  /** Reverse proxies in front of the server (hops), for client addresses and https detection; 0 = none. */
  TRUST_PROXY: int(0, 0, 10),
  /** Requests per minute per client address: sign-in attempts, uploads, chat questions. */
  RATE_LIMIT_LOGIN_PER_MIN: int(10, 1),
  /**
   * Wrong credentials (bearer token, session cookie or sign-in) per minute per client address; beyond it every
   * request from that address that presents a credential answers 429 RATE_LIMITED until the minute is over (SECURITY.md H4).
   */
  RATE_LIMIT_AUTH_FAILURES_PER_MIN: int(20, 1),
  RATE_LIMIT_UPLOAD_PER_MIN: int(30, 1),
  RATE_LIMIT_CHAT_PER_MIN: int(60, 1),

  /** OpenAI-compatible chat endpoint (DeepSeek API, Ollama, vLLM, llama.cpp, LM Studio). Unset = extractive answers. */
  LLM_BASE_URL: optStr(),
  LLM_API_KEY: optStr(),
  LLM_MODEL: str('deepseek-chat'),
  /** Model for small utility calls (follow-up rewriting); defaults to LLM_MODEL. Prefer a non-reasoning model. */
  LLM_UTILITY_MODEL: optStr(),
  /** The model's context window in tokens; passages are dropped weakest-first to fit. */
  LLM_CONTEXT_TOKENS: int(16_384, 1024),
  /** Most tokens an answer may take (reasoning models count their reasoning here too). */
  LLM_MAX_TOKENS: int(2048, 64),
  LLM_TEMPERATURE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(2).default(0.2)),
  /** No response headers from the endpoint within this time → LLM_TIMEOUT (not retried). */
  LLM_FIRST_BYTE_TIMEOUT_MS: int(30_000, 100),
  /** No stream chunk for this long once streaming → LLM_TIMEOUT. */
  LLM_IDLE_TIMEOUT_MS: int(30_000, 100),
  /** Attempts for 429/5xx/connection failures before the first token (1 = no retry). */
  LLM_MAX_ATTEMPTS: int(3, 1, 10),
  /** Longest total wait across retries before giving up. */
  LLM_RETRY_BUDGET_MS: int(20_000, 0),
  /** Passages retrieved for each question. */
  CHAT_TOP_K: int(8, 1, 50),
  /**
   * With a model configured, each question is also searched in up to three other wordings the utility model
   * proposes (synonyms, terms a manual would use, an English translation): one extra call per question.
   */
  QUERY_EXPANSION: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  /**
   * With a model configured, claims the offline check finds only partly supported are sent to the utility model
   * for a verbatim supporting quote (one short call per answer, within CLAIM_CHECK_TIMEOUT_MS).
   */
  CLAIM_CHECK_MODEL: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  CLAIM_CHECK_TIMEOUT_MS: int(8000, 100),
  /** With a model configured, a new chat is titled by the utility model (`model`), else by its first words (`words`). */
  CHAT_TITLES: z.preprocess(emptyAsUndefined, z.enum(['model', 'words']).default('model')),
  /** With a model configured, each new document gets an overview (summary, three questions) in the background. */
  OVERVIEW: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  /** Concurrent chat streams, in all and per client address; more → 429 TOO_MANY_STREAMS. */
  MAX_STREAMS: int(64, 1),
  MAX_STREAMS_PER_CLIENT: int(8, 1),

  /** Largest accepted PDF, in MiB. */
  MAX_UPLOAD_MB: int(50, 1, 4096),
  /** Most files in one upload request. */
  MAX_FILES_PER_UPLOAD: int(100, 1, 1000),
  /** Documents with more pages fail with TOO_MANY_PAGES before any page is parsed. */
  MAX_PAGES: int(5000, 1),
  /** Extracted characters per document above which it fails with TOO_MUCH_TEXT. */
  MAX_CHARS_PER_DOC: int(30_000_000, 1000),

  /** Target chunk length in characters, and overlap between neighbouring chunks of a page. */
  CHUNK_SIZE: int(1000, 100, 20_000),
  CHUNK_OVERLAP: int(150, 0, 10_000),

  /** Extraction worker processes (default: one per core). */
  INGEST_WORKERS: int(Math.max(1, os.availableParallelism()), 1, 64),
  /** Wall-clock limit for reading one document (the extraction worker); embedding has its own EMBED_TIMEOUT_MS. */
  PARSE_TIMEOUT_MS: int(300_000, 1000),
  /** Limit for one page: no progress for this long fails the document with PARSE_TIMEOUT. */
  PARSE_PAGE_TIMEOUT_MS: int(30_000, 500),
  /** Resident memory limit of one extraction worker; above it the worker is killed (PDF_TOO_COMPLEX). */
  PARSE_MAX_RSS_MB: int(1536, 128),

  /**
   * Pages without usable text (scans, glyphs without Unicode) are rendered and recognised with tesseract.js in the
   * extraction workers, under the same per-page limits. `off` keeps such pages empty (a document with no text at
   * all fails with NO_EXTRACTABLE_TEXT).
   */
  OCR: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  /** Tesseract languages, joined with `+` (e.g. `eng+deu+chi_sim`); their data is kept in DATA_DIR/ocr. */
  OCR_LANGS: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z_]{3,16}(\+[a-z_]{3,16})*$/, 'languages like eng or eng+deu').default('eng')),
  /**
   * Where missing language data is fetched from once (a URL, or a folder holding `<lang>.traineddata`, plain or
   * gzipped, such as Debian's /usr/share/tesseract-ocr/5/tessdata); unset = tesseract.js's own download.
   */
  OCR_LANG_PATH: optStr(),
});

export type Env = z.infer<typeof EnvSchema>;
/** Every variable the server reads, for harnesses that start it with a chosen part of their own environment. */
export const CONFIG_KEYS = Object.keys(EnvSchema.shape) as (keyof Env)[];

export interface Config extends Env {
  /** Absolute DATA_DIR. */
  dataDir: string;
  /** ALLOWED_HOSTS, parsed and normalised: `name`, `name:port`, `[v6]:port`, lower-case. */
  allowedHosts: string[];
  isProduction: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.CHUNK_OVERLAP >= c.CHUNK_SIZE) throw new ConfigError('Invalid configuration:\n  CHUNK_OVERLAP must be smaller than CHUNK_SIZE');
  if (c.EMBEDDER === 'openai' && !c.EMBED_BASE_URL) {
    throw new ConfigError('Invalid configuration:\n  EMBEDDER=openai needs EMBED_BASE_URL (e.g. http://localhost:11434/v1)');
  }
  if (!isLoopbackHost(c.HOST) && !c.ACCESS_TOKEN) {
    throw new ConfigError(
      `Invalid configuration:\n  HOST=${c.HOST} is reachable from other machines, so ACCESS_TOKEN must be set (e.g. ACCESS_TOKEN=$(openssl rand -hex 24))`,
    );
  }
  if (c.ACCESS_TOKEN && c.ACCESS_TOKEN.length < 16) throw new ConfigError('Invalid configuration:\n  ACCESS_TOKEN must be at least 16 characters');
  if (c.LLM_BASE_URL && !/^https?:\/\//i.test(c.LLM_BASE_URL)) throw new ConfigError('Invalid configuration:\n  LLM_BASE_URL must be an http(s) URL, e.g. https://api.deepseek.com/v1');
  if (c.LLM_MAX_TOKENS >= c.LLM_CONTEXT_TOKENS) throw new ConfigError('Invalid configuration:\n  LLM_MAX_TOKENS must be smaller than LLM_CONTEXT_TOKENS');
  return { ...c, dataDir: path.resolve(c.DATA_DIR), allowedHosts: parseAllowedHosts(c.ALLOWED_HOSTS), isProduction: c.NODE_ENV === 'production' };
}

function parseAllowedHosts(value: string | undefined): string[] {
  const out: string[] = [];
  for (const entry of (value ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const hp = parseHostPort(entry);
    if (!hp) throw new ConfigError(`Invalid configuration:\n  ALLOWED_HOSTS: "${entry}" is not a host name or address with an optional :port (no scheme, path or wildcard)`);
    out.push(hp.port === null ? hp.display : `${hp.display}:${hp.port}`);
  }
  return out;
}
