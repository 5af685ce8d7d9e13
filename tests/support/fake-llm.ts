/**
 * A fake DeepSeek/OpenAI-compatible endpoint on loopback, speaking the real wire format: `POST /v1/chat/completions`
 * (SSE `data:` chunks with `delta.content`, `delta.reasoning_content`, `finish_reason`, a final `usage` chunk,
 * `data: [DONE]`; or a JSON completion when `stream` is false) and `POST /v1/embeddings`. Tests choose what it
 * does per request through `next()` / `always()`; it records every request and counts open sockets. Used only
 * by tests, never by `npm start`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export type FakeMode =
  | { kind: 'ok'; content?: string; reasoning?: string; tokenDelayMs?: number; chunkSize?: number }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'hang-headers' }
  | { kind: 'hang-mid'; content: string; afterChunks: number }
  | { kind: 'garbage'; content?: string }
  | { kind: 'html200' }
  | { kind: 'error-event'; content?: string }
  | { kind: 'no-done'; content: string }
  | { kind: 'length'; content: string }
  | { kind: 'reset'; content?: string };

export interface RecordedRequest {
  path: string;
  body: { model?: string; messages?: { role: string; content: string }[]; stream?: boolean; input?: string[] };
  headers: http.IncomingHttpHeaders;
}

export interface FakeLlm {
  url: string;
  /** Base URL to put in LLM_BASE_URL. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Chat-completion requests only. */
  chatRequests(): RecordedRequest[];
  /** Queue modes for the next chat requests (first in, first served); after the queue, `always`'s mode. */
  next(...modes: FakeMode[]): void;
  always(mode: FakeMode): void;
  openSockets(): number;
  /**
   * Responses still in progress (a request received and its response neither finished nor closed). Unlike
   * `openSockets()` this ignores idle connections, e.g. the never-used connection Node's fetch (undici) opens
   * right after a streaming request is aborted (nodejs/undici#5845), which lingers for about 3 s.
   */
  openResponses(): number;
  reset(): void;
  close(): Promise<void>;
}

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })}\n\n`;
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: FakeMode[] = [];
  let fallback: FakeMode = { kind: 'ok', content: 'The answer is in the documents [1].' };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  const inFlight = new Set<http.ServerResponse>();

  const server = http.createServer(async (req, res) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    const raw = await new Promise<string>((resolve) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString('utf8')));
      req.on('end', () => resolve(b));
    });
    let body: RecordedRequest['body'] = {};
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      // recorded as empty
    }
    requests.push({ path: req.url ?? '', body, headers: req.headers });

    if (req.url?.endsWith('/embeddings')) {
      const input = Array.isArray(body.input) ? body.input : [String(body.input ?? '')];
      const data = input.map((t, index) => {
        const v = Array.from({ length: 8 }, (_, i) => ((t.charCodeAt(i % Math.max(1, t.length)) || 1) % 7) + 1);
        return { object: 'embedding', index, embedding: v };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
      return;
    }
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }

    const mode = queue.shift() ?? fallback;
    const id = `chatcmpl-${requests.length}`;
    const model = body.model ?? 'fake';

    if (mode.kind === 'status') {
      res.writeHead(mode.status, { 'content-type': 'application/json', ...(mode.headers ?? {}) });
      res.end(mode.body ?? JSON.stringify({ error: { message: `fake ${mode.status}`, type: 'server_error' } }));
      return;
    }
    if (mode.kind === 'hang-headers') {
      hanging.add(res);
      return;
    }
    if (body.stream === false || body.stream === undefined) {
      const content =
        mode.kind === 'ok' ? (mode.reasoning ? `<think>${mode.reasoning}</think>\n` : '') + (mode.content ?? '') : mode.kind === 'length' ? mode.content : 'fallback';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: mode.kind === 'length' ? 'length' : 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
      return;
    }
    if (mode.kind === 'html200') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway page</body></html>');
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write(chunk(id, model, { role: 'assistant', content: '' }));
    const write = (s: string) => !res.destroyed && res.write(s);
    switch (mode.kind) {
      case 'ok': {
        const size = mode.chunkSize ?? 3;
        for (const p of pieces(mode.reasoning ?? '', size)) {
          write(chunk(id, model, { reasoning_content: p, content: null }));
          if (mode.tokenDelayMs) await sleep(mode.tokenDelayMs);
        }
        for (const p of pieces(mode.content ?? '', size)) {
          if (res.destroyed) return;
          write(chunk(id, model, { content: p }));
          if (mode.tokenDelayMs) await sleep(mode.tokenDelayMs);
        }
        write(chunk(id, model, {}, 'stop'));
        write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, completion_tokens_details: { reasoning_tokens: mode.reasoning ? 5 : 0 } } })}\n\n`);
        write('data: [DONE]\n\n');
        res.end();
        return;
      }
      case 'hang-mid': {
        let n = 0;
        for (const p of pieces(mode.content, 3)) {
          if (n++ >= mode.afterChunks) break;
          write(chunk(id, model, { content: p }));
        }
        hanging.add(res);
        return;
      }
      case 'garbage':
        write(chunk(id, model, { content: mode.content ?? 'Partial ' }));
        write('data: {this is not json\n\n');
        res.end();
        return;
      case 'error-event':
        write(chunk(id, model, { content: mode.content ?? 'Partial ' }));
        write(`data: ${JSON.stringify({ error: { message: 'upstream overloaded', type: 'server_error', code: 'overloaded' } })}\n\n`);
        res.end();
        return;
      case 'no-done':
        for (const p of pieces(mode.content, 3)) write(chunk(id, model, { content: p }));
        res.end();
        return;
      case 'length':
        for (const p of pieces(mode.content, 3)) write(chunk(id, model, { content: p }));
        write(chunk(id, model, {}, 'length'));
        write('data: [DONE]\n\n');
        res.end();
        return;
      case 'reset':
        write(chunk(id, model, { content: mode.content ?? 'Partial ' }));
        res.socket?.destroy();
        return;
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')),
    next: (...modes) => void queue.push(...modes),
    always: (mode) => void (fallback = mode),
    openSockets: () => [...sockets].filter((s) => !s.destroyed).length,
    openResponses: () => inFlight.size,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = { kind: 'ok', content: 'The answer is in the documents [1].' };
    },
    close: async () => {
      for (const r of hanging) r.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
