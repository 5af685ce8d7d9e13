/**
 * The conversation with extraction worker processes (ingest/worker.ts): starting one into a pool slot, the
 * messages of one job to and from it, and reading a process's memory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import type { ExtractRequest, LimitRequest, WorkerMessage } from './protocol.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Started without tsx's loader (see worker-entry.mjs), with the worker's TypeScript file as its argument. */
const WORKER_ENTRY = path.join(HERE, 'worker-entry.mjs');
const WORKER_FILE = path.join(HERE, 'worker.ts');

/** One place in the pool: its worker process (null until started, and after it exited), and what it has done. */
export interface Slot {
  child: ChildProcess | null;
  ready: Promise<void> | null;
  jobs: number;
  stderrTail: string;
}

/** Resident set size of a process in MiB, from /proc (Linux); null where unavailable. */
export function rssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Fork a worker into `slot`; the promise (also `slot.ready`) resolves once it has loaded pdf.js and said so, and
 * rejects if it exits before. When the worker exits while still the slot's, the slot is emptied and `onGone` runs.
 */
export function spawnWorker(slot: Slot, maxRssMb: number, log: Logger, onGone: () => void): Promise<void> {
  const child = fork(WORKER_ENTRY, [WORKER_FILE], {
    execArgv: [`--max-old-space-size=${maxRssMb}`],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  slot.child = child;
  slot.jobs = 0;
  // An IPC write to a worker that just died (EPIPE) must not become an uncaught 'error' in the server.
  child.on('error', (err) => log.warn({ err }, 'extraction worker channel error'));
  slot.stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    slot.stderrTail = (slot.stderrTail + d.toString('utf8')).slice(-2000);
  });
  child.on('exit', () => {
    if (slot.child !== child) return;
    slot.child = null;
    slot.ready = null;
    onGone();
  });
  slot.ready = new Promise<void>((resolve, reject) => {
    const onMsg = (m: WorkerMessage) => {
      if (m.type !== 'ready') return;
      child.off('message', onMsg);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`extraction worker exited during start-up (code ${code}): ${slot.stderrTail.slice(-500)}`));
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
  return slot.ready;
}

/** What a job says to its worker; `close` stops listening. */
export interface JobChannel {
  send(msg: ExtractRequest | LimitRequest): void;
  close(): void;
}

/** The conversation with a worker about one job: its messages (other jobs' are not its business), and its exit. */
export function jobChannel(
  child: ChildProcess,
  jobId: number,
  onMessage: (m: WorkerMessage) => void,
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void,
): JobChannel {
  const message = (m: WorkerMessage) => {
    if ('jobId' in m && m.jobId === jobId) onMessage(m);
  };
  child.on('message', message);
  child.once('exit', onExit);
  return {
    // The worker may have died meanwhile: a failed send is that (its exit ends the job), not an error of ours.
    send: (msg) => {
      if (child.connected) child.send(msg, () => undefined);
    },
    close: () => {
      child.off('message', message);
      child.off('exit', onExit);
    },
  };
}
