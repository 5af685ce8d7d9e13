/**
 * The answers streaming right now: a slot per answer within the server-wide and per-client limits, and each
 * open answer registered so that shutdown can tell it before the process exits.
 */
import type { ChatEvent } from '@pagewise/shared';

/** Where the events of one answer go. */
export interface AnswerSink {
  /** Called once a stream slot is held, before the first event. */
  open(): void;
  send(event: ChatEvent): void;
  /** Called once, last; never writes to a response that has already ended. */
  end(): void;
}

export interface StreamLimits {
  maxStreams: number;
  maxStreamsPerClient: number;
}

/** Answers in progress, so that shutdown can tell each of them before the process exits. */
export class StreamRegistry {
  private readonly open = new Map<AnswerSink, AbortController>();
  private readonly perClient = new Map<string, number>();

  constructor(private readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  acquire(client: string): boolean {
    const n = this.perClient.get(client) ?? 0;
    if (this.open.size >= this.limits.maxStreams || n >= this.limits.maxStreamsPerClient) return false;
    this.perClient.set(client, n + 1);
    return true;
  }

  register(sink: AnswerSink, controller: AbortController): void {
    this.open.set(sink, controller);
  }

  release(client: string, sink: AnswerSink | null): void {
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n <= 0) this.perClient.delete(client);
    else this.perClient.set(client, n);
    if (sink) this.open.delete(sink);
  }

  /** Tell every open answer the server is going away, then end them. */
  shutdown(): void {
    for (const [sink, controller] of this.open) {
      sink.send({ type: 'error', code: 'SHUTTING_DOWN', message: 'The server is restarting; ask again in a moment.' });
      controller.abort();
      sink.end();
    }
    this.open.clear();
  }
}
