/** Waiting between attempts at a remote endpoint (the chat model, the embedding endpoint). */

/** Jittered exponential backoff before retry `attempt` (from 1): 0.5 s, 1 s, 2 s, … up to 8 s, each up to 25 % shorter. */
export function backoff(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000) * (1 - Math.random() * 0.25);
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it is (or already was) aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}
