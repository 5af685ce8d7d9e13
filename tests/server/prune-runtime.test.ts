/**
 * scripts/prune-runtime.mjs (the container image's build stage) removes what the server never loads. On this
 * checkout, without --apply, it lists what it would remove: that list must hold the browser-only packages and
 * the other systems' binaries, and nothing the server loads: each production dependency's entry point, the native
 * addons, pdf.js's legacy build with its CMaps and fonts, and the local embedder's Node build and ONNX Runtime.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const nm = (p: string) => path.join('node_modules', p);

function listed(): string[] {
  const out = execFileSync(process.execPath, [path.join(root, 'scripts/prune-runtime.mjs'), '--list'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').filter((l) => l.startsWith('node_modules'));
}

/** Server source files (TypeScript), recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/**
 * Files the server loads: every production dependency's entry (pdfjs-dist's is its modern build, which only the
 * client bundles: the server loads the legacy build by path, checked below), and what is loaded by path.
 */
function loadedByServer(): string[] {
  const serverPkg = path.join(root, 'server/package.json');
  const require = createRequire(serverPkg);
  const deps = Object.keys((JSON.parse(fs.readFileSync(serverPkg, 'utf8')) as { dependencies: Record<string, string> }).dependencies).filter((d) => d !== 'pdfjs-dist');
  const entries = deps.map((d) => {
    try {
      return path.relative(root, require.resolve(d));
    } catch {
      return path.relative(root, path.dirname(require.resolve(`${d}/package.json`))); // ESM-only: the package
    }
  });
  const arch = `${process.platform}/${process.arch}`;
  return [
    ...entries,
    nm('better-sqlite3/build/Release/better_sqlite3.node'),
    nm('hnswlib-node/build/Release/addon.node'),
    nm('pdfjs-dist/legacy/build/pdf.mjs'),
    nm('pdfjs-dist/legacy/build/pdf.worker.mjs'),
    nm('pdfjs-dist/cmaps/UniGB-UCS2-H.bcmap'),
    nm('pdfjs-dist/standard_fonts'),
    nm('@huggingface/transformers/dist/transformers.node.mjs'),
    nm(`onnxruntime-node/bin/napi-v6/${arch}/onnxruntime_binding.node`),
    nm('sharp/package.json'),
    nm('tsx/package.json'),
  ];
}

describe('prune-runtime (container image)', () => {
  const removed = listed();
  const covers = (file: string) => removed.find((r) => file === r || file.startsWith(r + path.sep));

  it('removes the browser-only packages and the other systems’ binaries', () => {
    for (const p of ['react', 'react-dom', 'react-markdown', 'onnxruntime-web', 'onnxruntime-node/bin/napi-v6/win32/x64', 'pdfjs-dist/build']) {
      expect(covers(nm(p)), p).toBeDefined();
    }
  });

  it('the server never imports pdfjs-dist’s main entry (the modern build it removes)', () => {
    const bare = /(?:from\s*|import\(\s*|require\(\s*)['"]pdfjs-dist['"]/;
    expect(sources(path.join(root, 'server/src')).filter((f) => bare.test(fs.readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('keeps every file the server loads', () => {
    const needed = loadedByServer();
    for (const f of needed) expect(fs.existsSync(path.join(root, f)), `${f} exists on this checkout`).toBe(true);
    expect(needed.map((f) => [f, covers(f)]).filter(([, r]) => r)).toEqual([]);
  });
});
