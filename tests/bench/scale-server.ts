/**
 * The scale benchmark's server: `node --import tsx server/src/main.ts` of one checkout (this one, or the baseline
 * commit in a temporary git worktree sharing this checkout's node_modules) on its own DATA_DIR, with what the
 * benchmark reads from outside: RSS of the process and of its children, the data directory's size, restarts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/child-server.js';
import { REPO_ROOT } from '../support/corpora.js';

const ENV = {
  EMBEDDER: 'builtin',
  LOG_LEVEL: 'warn',
  OCR: 'off',
  INGEST_WORKERS: '2',
  CLAIM_CHECK_MODEL: 'off',
  QUERY_EXPANSION: 'off',
  RATE_LIMIT_UPLOAD_PER_MIN: '100000',
  RATE_LIMIT_CHAT_PER_MIN: '100000',
  MAX_UPLOAD_MB: '500',
};

/** A checkout of `commit` in a temporary worktree with this checkout's node_modules linked in. */
export function baselineCheckout(commit: string): { root: string; remove: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', root, commit], { cwd: REPO_ROOT, stdio: 'ignore' });
  linkNodeModules(REPO_ROOT, root);
  return { root, remove: () => execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: REPO_ROOT, stdio: 'ignore' }) };
}

/**
 * Give `root` the packages of `from` without copying them: each entry of node_modules is a link, except the
 * workspace packages (@pagewise/*), which must be `root`'s own (a link to `from`'s would run `from`'s code).
 */
export function linkNodeModules(from: string, root: string): void {
  const nm = path.join(root, 'node_modules');
  fs.mkdirSync(path.join(nm, '@pagewise'), { recursive: true });
  for (const entry of fs.readdirSync(path.join(from, 'node_modules'))) {
    if (entry !== '@pagewise') fs.symlinkSync(path.join(from, 'node_modules', entry), path.join(nm, entry));
  }
  for (const ws of ['server', 'shared', 'client']) fs.symlinkSync(path.join(root, ws), path.join(nm, '@pagewise', ws));
  if (fs.existsSync(path.join(from, 'client', 'node_modules'))) fs.symlinkSync(path.join(from, 'client', 'node_modules'), path.join(root, 'client', 'node_modules'));
}

/** Servers still running; killed when the benchmark exits, however it ends. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class ScaleServer {
  private proc: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private out = '';
  url = '';

  constructor(
    readonly root: string,
    readonly dataDir: string,
  ) {}

  /** Starts the server; resolves when it listens. */
  async start(): Promise<void> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: this.root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TZ: 'UTC', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: this.dataDir, ...ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    const keep = (d: Buffer) => (this.out = (this.out + d.toString('utf8')).slice(-20_000));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    this.url = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      if (proc.exitCode !== null) break;
      if (await fetch(`${this.url}/api/health`).then((r) => r.ok, () => false)) return;
    }
    throw new Error(`server in ${this.root} did not start:\n${this.out}`);
  }

  /** SIGTERM and wait for the exit; returns how long the shutdown took (ms). */
  async stop(): Promise<number> {
    const t = performance.now();
    this.proc?.kill('SIGTERM');
    await this.exited;
    return performance.now() - t;
  }

  /** Resident memory in MB of the server process, and of it with every process under it. */
  rss(): { main: number; all: number } {
    const pid = this.proc!.pid!;
    const stat = (p: number) => {
      try {
        const s = fs.readFileSync(`/proc/${p}/status`, 'utf8');
        return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024, ppid: Number(/PPid:\s+(\d+)/.exec(s)?.[1] ?? 0) };
      } catch {
        return { rss: 0, ppid: 0 };
      }
    };
    const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
    const tree = new Set([pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all) if (!tree.has(p) && tree.has(stat(p).ppid)) (tree.add(p), (grew = true));
    }
    return { main: stat(pid).rss, all: [...tree].reduce((a, p) => a + stat(p).rss, 0) };
  }

  dataBytes(): number {
    return Number(execFileSync('du', ['-sb', this.dataDir], { encoding: 'utf8' }).split('\t')[0]);
  }

  output(): string {
    return this.out;
  }
}
