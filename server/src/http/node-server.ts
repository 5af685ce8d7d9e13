/**
 * The node:http server around the app, shared by `npm start` and the test servers: timeouts, and JSON error
 * bodies for requests Node rejects before Express sees them (SECURITY.md H6): an over-long URL
 * or header block (431 HEADERS_TOO_LARGE), an unparsable request (400 MALFORMED_REQUEST), a request that took too
 * long to arrive (408 REQUEST_TIMEOUT). Node's own answers to these have no body.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody, ErrorCode } from '@pagewise/shared';

const CLIENT_ERRORS: Record<string, [number, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE', 'The URL or the request headers are too long.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.'],
};
const MALFORMED: [number, ErrorCode, string] = [400, 'MALFORMED_REQUEST', 'The request is not valid HTTP.'];

function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function createHttpServer(app: http.RequestListener): http.Server {
  const server = http.createServer(app);
  server.headersTimeout = 60_000;
  server.requestTimeout = 300_000;
  // Longer than clients' own idle timeouts (undici 4 s, browsers more), so a client never reuses a connection
  // the server is just closing (an ECONNRESET on the next request).
  server.keepAliveTimeout = 30_000;
  server.on('clientError', answerClientError);
  return server;
}
