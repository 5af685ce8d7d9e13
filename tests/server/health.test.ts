import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema } from '@pagewise/shared';
import { startTestServer, type TestServer } from '../support/server.js';

describe('GET /api/health', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('answers 200 with the health contract and the embedder in use', async () => {
    const res = await fetch(`${s.url}/api/health`);
    expect(res.status).toBe(200);
    const body = HealthResponseSchema.parse(await res.json());
    await s.services.index();
    const after = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(body.ok).toBe(true);
    expect(after.embedder).toMatchObject({ state: 'ready', kind: 'builtin', dimension: 768, fallbackReason: null });
  });

  it('answers unknown API routes with the error body', async () => {
    const res = await fetch(`${s.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });
});
