/**
 * A small file system of its own for DATA_DIR, to run out of space in (disk-full.test.ts). Two ways to get one:
 *
 * - `mount -t tmpfs` directly, as root (CI);
 * - unprivileged, in a user namespace (`unshare --user --map-root-user --mount`), where the same mount is allowed.
 *   A namespace must be entered before a process starts threads, so the suite runs itself again in a fresh vitest
 *   inside one, and each test reports the outcome of its twin there.
 *
 * PAGEWISE_DISKFULL_VIA=mount|userns picks one (the run inside the namespace is told `mount`).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './corpora.js';

export type SmallFsRoute = { kind: 'mount' } | { kind: 'userns' } | { kind: 'none'; reason: string };

function probe(cmd: string, args: (dir: string) => string[]): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-tmpfs-probe-'));
  try {
    execFileSync(cmd, args(dir), { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const canMount = () =>
  process.getuid?.() === 0 &&
  probe('sh', (d) => ['-c', 'mount -t tmpfs -o size=1m tmpfs "$0" && umount "$0"', d]);
const canUnshare = () => probe('unshare', (d) => ['--user', '--map-root-user', '--mount', 'mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', d]);

/** Which way works here (a few milliseconds of probing: call it from a hook, not while tests are collected). */
export function smallFsRoute(): SmallFsRoute {
  const want = process.env.PAGEWISE_DISKFULL_VIA;
  if (want !== 'userns' && canMount()) return { kind: 'mount' };
  if (want === 'mount') return { kind: 'none', reason: 'cannot mount a tmpfs (mount -t tmpfs failed: needs root, or CAP_SYS_ADMIN in a container)' };
  if (canUnshare()) return { kind: 'userns' };
  return {
    kind: 'none',
    reason:
      'needs root (mount -t tmpfs) or unprivileged user namespaces (unshare --user --map-root-user --mount); neither works here' +
      (process.getuid?.() === 0 ? ' (running as root, but mounting is not permitted: a container without CAP_SYS_ADMIN?)' : ''),
  };
}

export interface TwinResult {
  status: string;
  failureMessages: string[];
}

/** Run one test file (absolute path) again inside a user and mount namespace; the outcome of each of its tests, by name. */
export async function runInUserNamespace(file: string, timeoutMs: number): Promise<{ results: Map<string, TwinResult>; log: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-userns-run-'));
  const report = path.join(out, 'report.json');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  env.PAGEWISE_DISKFULL_VIA = 'mount';
  const vitest = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const args = ['--user', '--map-root-user', '--mount', '--', process.execPath, vitest, 'run', path.relative(REPO_ROOT, file), '--reporter=json', `--outputFile=${report}`];
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('unshare', args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (b: Buffer) => (log = (log + b.toString()).slice(-20_000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', () => (clearTimeout(timer), resolve()));
    });
    const results = new Map<string, TwinResult>();
    if (!fs.existsSync(report)) return { results, log };
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as { testResults: { assertionResults: ({ title: string } & TwinResult)[] }[] };
    for (const r of json.testResults.flatMap((t) => t.assertionResults)) results.set(r.title, { status: r.status, failureMessages: r.failureMessages });
    return { results, log };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
