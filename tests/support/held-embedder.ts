/**
 * A small OpenAI-compatible `/v1/embeddings` endpoint on loopback whose answers a test can hold back: while
 * `hold()` is in force, requests wait until `release()`. It lets a test see a document in the stage after its
 * pages are read (the embedding of its passages). Vectors are hashed character trigrams, deterministic.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const DIM = 32;

function vector(text: string): number[] {
  const v = new Array<number>(DIM).fill(0);
  const t = text.toLowerCase();
  for (let i = 0; i + 3 <= t.length; i++) {
    let h = 0;
    for (let j = i; j < i + 3; j++) h = (h * 31 + t.charCodeAt(j)) >>> 0;
    v[h % DIM]! += 1;
  }
  v[0]! += 0.01; // never the zero vector
  return v;
}

export interface HeldEmbedder {
  baseUrl: string;
  /** Requests received so far. */
  requests: number;
  /** Requests waiting for `release()`. */
  waiting(): number;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startHeldEmbedder(): Promise<HeldEmbedder> {
  let held = false;
  const queue: (() => void)[] = [];
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      state.requests++;
      const answer = () => {
        const body = JSON.parse(raw || '{}') as { input?: string | string[]; model?: string };
        const input = Array.isArray(body.input) ? body.input : [String(body.input ?? '')];
        const data = input.map((t, index) => ({ object: 'embedding', index, embedding: vector(t) }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
      };
      if (held) queue.push(answer);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    waiting: () => queue.length,
    hold: () => void (held = true),
    release: () => {
      held = false;
      queue.splice(0).forEach((answer) => answer());
    },
    close: async () => {
      queue.splice(0).forEach((answer) => answer());
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
