// Shared helpers for `npm run models:up` / `models:down` (development tooling, not server code).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The model cache: outside the repository by default, so weights never land in a commit. */
export const CACHE = path.resolve(process.env.PAGEWISE_MODELS_DIR || path.join(os.homedir(), '.cache', 'pagewise-models'));
export const PORTS = {
  chat: Number(process.env.PAGEWISE_CHAT_PORT || 18091),
  embed: Number(process.env.PAGEWISE_EMBED_PORT || 18093),
};
export const paths = {
  venv: path.join(CACHE, 'venv'),
  python: path.join(CACHE, 'venv', 'bin', 'python'),
  pip: path.join(CACHE, 'venv', 'bin', 'pip'),
  node: path.join(CACHE, 'node'),
  models: path.join(CACHE, 'models'),
  onnx: path.join(CACHE, 'onnx-models'),
  run: path.join(CACHE, 'run'),
};

/** Human progress: stderr only, so that stdout stays `eval`-able. */
export function say(msg) {
  process.stderr.write(`models: ${msg}\n`);
}

/** Run a command to completion; returns { ok, out } with stdout+stderr (trimmed to the tail on failure). */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0, out, tail: out.trim().split('\n').slice(-3).join(' | ') || String(r.error ?? '') };
}

export function sha256File(file) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** A GGUF file's version, tensor count and key/value count from its header, or null if it is not GGUF. */
export function ggufHeader(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(24);
    fs.readSync(fd, b, 0, 24, 0);
    if (b.toString('latin1', 0, 4) !== 'GGUF') return null;
    return { version: b.readUInt32LE(4), tensors: Number(b.readBigUInt64LE(8)), kv: Number(b.readBigUInt64LE(16)) };
  } finally {
    fs.closeSync(fd);
  }
}

export const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

const pidFile = (name) => path.join(paths.run, `${name}.pid`);

export function readPid(name) {
  try {
    const pid = Number(fs.readFileSync(pidFile(name), 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Start a detached background process with its output in run/<name>.log and its pid in run/<name>.pid. */
export function startDaemon(name, cmd, args, env = {}) {
  fs.mkdirSync(paths.run, { recursive: true });
  const log = fs.openSync(path.join(paths.run, `${name}.log`), 'w');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  child.unref();
  fs.writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

export function stopDaemon(name) {
  const pid = readPid(name);
  fs.rmSync(pidFile(name), { force: true });
  if (!pid) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  return pid;
}

export function daemonLogTail(name) {
  try {
    return fs.readFileSync(path.join(paths.run, `${name}.log`), 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

/** Poll `url` until it answers 200 or `ms` pass (or the process `pid` dies). */
export async function waitFor(url, ms, pid) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    if (pid) {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
