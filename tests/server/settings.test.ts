/**
 * GET /api/settings (issue 18): what the server runs, each value with the environment variable that sets it,
 * never a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsResponseSchema } from '@pagewise/shared';
import { startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'settings-test-token-0123456789abcdef';
const KEY = 'sk-secret-llm-key-do-not-show';
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({
    ACCESS_TOKEN: TOKEN,
    LLM_BASE_URL: 'http://user:pw-in-url@127.0.0.1:9/v1?key=qs-secret',
    LLM_API_KEY: KEY,
    LLM_MODEL: 'deepseek-reasoner',
    LLM_UTILITY_MODEL: 'deepseek-chat',
    MAX_UPLOAD_MB: '20',
  });
  await s.services.index();
});
afterAll(() => s?.close());

const get = (headers: Record<string, string> = {}) => fetch(`${s.url}/api/settings`, { headers });

describe('GET /api/settings', () => {
  it('needs the token', async () => {
    expect((await get()).status).toBe(401);
  });

  it('shows the model, embedder, OCR, limits and protection, each naming its variable', async () => {
    const res = await get({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const { settings } = SettingsResponseSchema.parse(JSON.parse(raw));
    const by = new Map(settings.map((x) => [x.env, x]));
    expect(by.get('LLM_MODEL')?.value).toBe('deepseek-reasoner');
    expect(by.get('LLM_UTILITY_MODEL')?.value).toBe('deepseek-chat');
    expect(by.get('LLM_BASE_URL')?.value).toBe('http://127.0.0.1:9/v1');
    expect(by.get('LLM_API_KEY')?.value).toBe('set (hidden)');
    expect(by.get('EMBEDDER')?.value).toBe('builtin');
    expect(by.get('EMBEDDER')?.detail).toContain('builtin-hash-v1');
    expect(by.get('OCR')?.value).toBe('off');
    expect(by.get('MAX_UPLOAD_MB')?.value).toBe('20');
    expect(by.get('MAX_PAGES')?.value).toBe('5000');
    expect(by.get('ACCESS_TOKEN')?.value).toBe('on: a token protects this server');
    for (const x of settings) expect(x.env).toMatch(/^[A-Z][A-Z0-9_]+$/);
    // Never a secret.
    for (const secret of [TOKEN, KEY, 'pw-in-url', 'qs-secret']) expect(raw).not.toContain(secret);
  });
});

describe('without a token or a model', () => {
  it('says so', async () => {
    const bare = await startTestServer();
    try {
      const { settings } = SettingsResponseSchema.parse(await (await fetch(`${bare.url}/api/settings`)).json());
      const by = new Map(settings.map((x) => [x.env, x]));
      expect(by.get('ACCESS_TOKEN')?.value).toBe('off: no token (loopback only)');
      expect(by.get('LLM_BASE_URL')?.value).toBe('not set: extractive answers');
      expect(by.get('LLM_API_KEY')?.value).toBe('not set');
    } finally {
      await bare.close();
    }
  });
});
