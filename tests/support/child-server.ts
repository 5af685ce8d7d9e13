/**
 * The real `npm start` entry (`node --import tsx server/src/main.ts`) as a child process, for crash and shutdown
 * tests: SIGKILL and SIGTERM must reach the server itself, not an in-process stand-in. Also: a seeded PRNG,
 * read-only database checks, and a 300-page text PDF whose every page carries a phrase found nowhere else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { REPO_ROOT } from './corpora.js';

export interface ChildServer {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the server wrote to stderr/stdout so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
}

/** Children still running; killed when the test process exits, whatever happened to the suite's hooks. */
const live = new Set<ChildProcess>();
let exitHook = false;
function track(proc: ChildProcess): void {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start the server on DATA_DIR `dataDir` and wait until `GET /api/health` answers. Retries on another port if the
 * chosen one was taken between picking and binding.
 */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}, readyTimeoutMs = 30_000): Promise<ChildServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        TZ: 'UTC',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        EMBEDDER: 'builtin',
        LOG_LEVEL: 'warn',
        INGEST_WORKERS: '2',
        CLAIM_CHECK_MODEL: 'off',
        CHAT_TITLES: 'words',
        OVERVIEW: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(proc);
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out = (out + d.toString('utf8')).slice(-20_000)));
    proc.stderr!.on('data', (d: Buffer) => (out = (out + d.toString('utf8')).slice(-20_000)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const url = `http://127.0.0.1:${port}`;
    const server: ChildServer = {
      url,
      port,
      proc,
      output: () => out,
      exited,
      kill9: async () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        await exited;
      },
    };
    const deadline = Date.now() + readyTimeoutMs;
    let dead = false;
    void exited.then(() => (dead = true));
    while (!dead && Date.now() < deadline) {
      try {
        const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.kill9();
    if (dead && /EADDRINUSE/.test(out) && attempt < 5) continue;
    throw new Error(`server did not start (attempt ${attempt}):\n${out}`);
  }
}

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Open the database read-only (another process may hold it, or may have died holding it). */
export function withDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'pagewise.db'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

export function integrityCheck(dataDir: string): string {
  return withDb(dataDir, (db) => (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '));
}

export interface DocRow {
  id: string;
  name: string;
  sha256: string;
  status: string;
  error_code: string | null;
  attempts: number;
}

export function docRows(dataDir: string): DocRow[] {
  return withDb(dataDir, (db) => db.prepare('SELECT id, name, sha256, status, error_code, attempts FROM documents').all() as DocRow[]);
}

/** Chunk ids of ready documents, by document. */
export function readyChunkIds(dataDir: string): Map<string, number[]> {
  return withDb(dataDir, (db) => {
    const rows = db
      .prepare(`SELECT c.document_id AS doc, c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'ready' ORDER BY c.id`)
      .all() as { doc: string; id: number }[];
    const out = new Map<string, number[]>();
    for (const r of rows) out.set(r.doc, [...(out.get(r.doc) ?? []), r.id]);
    return out;
  });
}

/** Syllable words: word(n) is distinct for every n < 20³ and never an English word by accident. */
const SYL = ['ba', 'ko', 'ri', 'zu', 'me', 'ta', 'vo', 'ni', 'pe', 'lu', 'xa', 'do', 'fi', 'gu', 'hy', 'je', 'qo', 'sa', 'wi', 'ye'];
export const pageWord = (n: number, salt = 0) => {
  const k = n * 7 + salt * 1031;
  return `${SYL[k % 20]}${SYL[Math.floor(k / 20) % 20]}${SYL[Math.floor(k / 400) % 20]}x`;
};

/** The phrase only page `n` (1-based) of `bigTextPdf` contains. */
export const pagePhrase = (n: number) => `${pageWord(n)} ${pageWord(n, 1)} ${pageWord(n, 2)}`;

/** A text PDF of `pages` pages; page n has its own phrase (pagePhrase(n)) amid ordinary report prose. */
export async function bigTextPdf(pages = 300): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const filler = [
    'The inspection team recorded the condition of the structure and its fittings.',
    'Maintenance intervals were reviewed against the manufacturer schedule.',
    'Observations were cross-checked with the previous quarterly survey.',
    'No further anomalies were reported by the crew during the shift.',
  ];
  for (let n = 1; n <= pages; n++) {
    const page = doc.addPage([612, 792]);
    const lines = [
      `Section ${n}. Field log for sector ${n}.`,
      `Reference terms for this section: ${pagePhrase(n)}.`,
      ...filler.map((l, i) => `${l} Entry ${n}.${i + 1}.`),
    ];
    lines.forEach((line, i) => page.drawText(line, { x: 60, y: 720 - i * 18, size: 11, font }));
  }
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/** Files directly in a directory (empty list when it does not exist). */
export function listDir(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/**
 * Process ids whose parent is `pid` (and whose command line contains `match`, when given), read from /proc
 * (Linux). The extraction workers of a server started with `spawnServer` are its direct children
 * (`child_process.fork` of ingest/worker.ts); so is tsx's esbuild service, which `workerPids` leaves out.
 */
export function childPids(pid: number, match?: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== pid || fields[0] === 'Z') continue;
      if (match && !fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(match)) continue;
      out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out.sort((a, b) => a - b);
}

/** The extraction worker processes of a server started with `spawnServer`. */
export const workerPids = (server: ChildServer): number[] => childPids(server.proc.pid!, `ingest${path.sep}worker.ts`);
