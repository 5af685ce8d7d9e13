/**
 * Requests with exactly the method, path and headers given (node:http, no URL normalisation, any Host header):
 * what a hostile client or a rebinding page can send, which fetch() would clean up or refuse to send.
 */
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function rawRequest(
  baseUrl: string,
  opts: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string | Buffer; timeoutMs?: number },
): Promise<RawResponse> {
  const u = new URL(baseUrl);
  const headers = { ...opts.headers };
  // node:http sends a GET/DELETE body without a length otherwise (the server then reads it as the next request).
  if (opts.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path, headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const body = Buffer.concat(parts).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parseJson(body) });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer to ${opts.method ?? 'GET'} ${opts.path} in time`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Bytes straight onto a socket (for requests node:http would refuse to build); returns status line, headers, body. */
export function socketRequest(baseUrl: string, raw: string): Promise<{ status: number; head: string; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => sock.end(raw));
    const parts: Buffer[] = [];
    sock.on('data', (d: Buffer) => parts.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const i = text.indexOf('\r\n\r\n');
      const head = i >= 0 ? text.slice(0, i) : text;
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body: i >= 0 ? text.slice(i + 4) : '' });
    });
  });
}
