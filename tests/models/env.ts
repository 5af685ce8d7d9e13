/**
 * The server settings of the real-model suites (`npm run test:models`): the endpoints `npm run models:up` started
 * (LLM_BASE_URL, LLM_MODEL, EMBED_BASE_URL, EMBED_MODEL), sized for a CPU embedder and a tiny chat model on two
 * shared cores.
 */
const env = process.env;

export const MODEL_ENV: Record<string, string> = {
  EMBEDDER: 'openai',
  EMBED_BASE_URL: env.EMBED_BASE_URL ?? '',
  EMBED_MODEL: env.EMBED_MODEL ?? '',
  // A CPU embedder on two shared cores takes about a second a passage under load: small batches, long timeout.
  EMBED_BATCH: '8',
  EMBED_TIMEOUT_MS: '300000',
  LLM_BASE_URL: env.LLM_BASE_URL ?? '',
  LLM_MODEL: env.LLM_MODEL ?? '',
  LLM_CONTEXT_TOKENS: env.LLM_CONTEXT_TOKENS ?? '8192',
  LLM_MAX_TOKENS: env.MODELS_TEST_MAX_TOKENS ?? '96',
  LLM_TEMPERATURE: '0',
  CHAT_TOP_K: env.MODELS_TEST_TOP_K ?? '3',
  QUERY_EXPANSION: 'off',
  LLM_FIRST_BYTE_TIMEOUT_MS: '120000',
  LLM_IDLE_TIMEOUT_MS: '120000',
  RATE_LIMIT_CHAT_PER_MIN: '1000',
  LOG_LEVEL: 'warn',
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
