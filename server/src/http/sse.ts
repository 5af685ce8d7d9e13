/**
 * The one place that writes Server-Sent Events: headers, `: ping` heartbeats, and writes that stop once the
 * client has gone (never a write after end).
 */
import type { Response } from 'express';
import type { ChatEvent } from '@pagewise/shared';

export const HEARTBEAT_MS = 15_000;

export class SseStream {
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly res: Response,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  open(): void {
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.heartbeat = setInterval(() => {
      if (!this.closed) this.res.write(': ping\n\n');
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Encode one event; JSON keeps the data on a single line, so no field can break the framing. */
  static encode(event: ChatEvent): string {
    return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  }

  send(event: ChatEvent): boolean {
    return this.write(SseStream.encode(event));
  }

  /** One frame, already encoded (`data: …` and a blank line). */
  write(frame: string): boolean {
    if (this.closed) return false;
    this.res.write(frame);
    return true;
  }

  end(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (!this.closed) this.res.end();
  }
}
