#!/usr/bin/env node
/**
 * Removes from node_modules what the server never loads, for the container image: the Dockerfile's build stage
 * runs `node scripts/prune-runtime.mjs --apply` after `npm prune --omit=dev`, and the runtime stage copies what is
 * left. Without --apply it only says what it would remove (--list: every path). Not for a development checkout:
 * the tests and the client build need all of it (`npm ci` puts it back).
 *
 * What goes, and why:
 * - packages only the web client depends on (React, the markdown renderer, ...): vite bundles them into
 *   client/dist. Kept is exactly what `npm ls --omit=dev` lists under the server and shared workspaces.
 * - onnxruntime-web, the browser build of ONNX Runtime: transformers.js's Node build runs models with
 *   onnxruntime-node (removed only while that build neither imports nor requires onnxruntime-web).
 * - binaries for other systems: onnxruntime-node ships Windows, macOS and Linux, x64 and arm64; sharp's
 *   WebAssembly build is its fallback where it has no native binary (removed only when it has one here).
 * - what the server does not load of pdfjs-dist: the modern build (the client bundles it), the viewer, image
 *   decoders and types. The ingestion worker loads legacy/build; cmaps and standard_fonts are read by it and
 *   served to the client.
 * - native modules' build leftovers (C/C++ sources, object files, the SQLite amalgamation): the compiled .node
 *   files stay.
 * - type declarations and source maps, which editors and debuggers read and Node never does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nm = path.join(root, 'node_modules');
const SERVER_WORKSPACES = ['@pagewise/server', '@pagewise/shared'];
const PDFJS_UNUSED = ['build', 'web', 'types', 'image_decoders', 'legacy/web', 'legacy/image_decoders'];
const NATIVE_LEFTOVER = /\.(c|cc|cpp|cxx|h|hh|hpp|o|a|d|mk|gyp|gypi|lzz|stamp)$/i;
const DECLARATION_OR_MAP = /\.d\.[cm]?ts$|\.map$/;

/** Absolute paths of every package the server and shared workspaces need in production. */
function neededPackages() {
  const args = ['ls', '--omit=dev', '--all', '--parseable', '--include-workspace-root', ...SERVER_WORKSPACES.flatMap((w) => ['-w', w])];
  let out;
  try {
    out = execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    out = err.stdout ?? ''; // npm ls exits 1 on tree problems but still lists the tree
  }
  const paths = out.split('\n').filter(Boolean).map((p) => path.resolve(p));
  if (!paths.some((p) => p.startsWith(nm + path.sep))) throw new Error(`npm ${args.join(' ')} listed no packages`);
  return new Set(paths);
}

/** Every package folder under a node_modules folder, nested ones included; workspace links are not followed. */
function packageDirs(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.name.startsWith('@') && e.isDirectory()) out.push(...packageDirs(p));
    else out.push(p, ...(e.isSymbolicLink() ? [] : packageDirs(path.join(p, 'node_modules'))));
  }
  return out;
}

function walk(dir, visit) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, visit);
    else visit(p);
  }
}

function clientOnly(needed) {
  const keep = [...needed];
  return packageDirs(nm)
    .filter((d) => !needed.has(d) && !keep.some((k) => k.startsWith(d + path.sep)))
    .filter((d, _i, all) => !all.some((o) => d.startsWith(o + path.sep + 'node_modules' + path.sep)))
    .map((p) => ({ p, why: 'not used by the server (the client bundles it)' }));
}

function otherSystems() {
  const plan = [];
  const tfNode = path.join(nm, '@huggingface/transformers/dist/transformers.node.mjs');
  const loadsWeb = !fs.existsSync(tfNode) || /(?:from\s*|require\(|import\()\s*["']onnxruntime-web/.test(fs.readFileSync(tfNode, 'utf8'));
  if (!loadsWeb) plan.push({ p: path.join(nm, 'onnxruntime-web'), why: 'browser build of ONNX Runtime' });
  const bin = path.join(nm, 'onnxruntime-node/bin');
  if (fs.existsSync(bin)) {
    for (const napi of fs.readdirSync(bin)) {
      for (const platform of fs.readdirSync(path.join(bin, napi))) {
        for (const arch of fs.readdirSync(path.join(bin, napi, platform))) {
          if (platform !== process.platform || arch !== process.arch) plan.push({ p: path.join(bin, napi, platform, arch), why: 'another system' });
        }
      }
    }
  }
  if (fs.existsSync(path.join(nm, `@img/sharp-${process.platform}-${process.arch}`))) plan.push({ p: path.join(nm, '@img/sharp-wasm32'), why: 'another system' });
  return plan;
}

function pdfjs() {
  const dir = path.join(nm, 'pdfjs-dist');
  if (!fs.existsSync(dir)) return [];
  return PDFJS_UNUSED.map((sub) => ({ p: path.join(dir, sub), why: 'not loaded by the server' }));
}

function nativeLeftovers(needed) {
  const plan = [];
  for (const d of needed) {
    if (!fs.existsSync(path.join(d, 'binding.gyp'))) continue;
    walk(d, (f) => {
      const rel = path.relative(d, f);
      if (rel.split(path.sep).includes('node_modules') || f.endsWith('.node')) return;
      if (rel.startsWith('build' + path.sep) || rel.startsWith('deps' + path.sep) || NATIVE_LEFTOVER.test(f)) plan.push({ p: f, why: 'native build leftover' });
    });
  }
  return plan;
}

function declarationsAndMaps() {
  const plan = [];
  walk(nm, (f) => DECLARATION_OR_MAP.test(f) && plan.push({ p: f, why: 'type declaration or source map' }));
  return plan;
}

function size(p) {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((s, e) => s + size(path.join(p, e)), 0);
}

const apply = process.argv.includes('--apply');
const needed = neededPackages();
const planned = [...clientOnly(needed), ...otherSystems(), ...pdfjs(), ...nativeLeftovers(needed)];
const dirs = planned.filter((x) => fs.existsSync(x.p) && fs.lstatSync(x.p).isDirectory()).map((x) => x.p + path.sep);
const plan = [...planned, ...declarationsAndMaps().filter((x) => !dirs.some((d) => x.p.startsWith(d)))].filter((x) => fs.existsSync(x.p));
const groups = new Map();
let total = 0;
for (const { p, why } of plan) {
  const bytes = size(p);
  total += bytes;
  const g = groups.get(why) ?? { n: 0, bytes: 0, first: path.relative(root, p) };
  groups.set(why, { ...g, n: g.n + 1, bytes: g.bytes + bytes });
  if (apply) fs.rmSync(p, { recursive: true, force: true });
}
if (apply) {
  // Links to removed packages' commands.
  const bin = path.join(nm, '.bin');
  if (fs.existsSync(bin)) for (const l of fs.readdirSync(bin)) if (!fs.existsSync(path.join(bin, l))) fs.rmSync(path.join(bin, l), { force: true });
}
if (process.argv.includes('--list')) for (const { p } of plan) console.log(path.relative(root, p));
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
for (const [why, g] of groups) console.log(`${apply ? 'removed' : 'would remove'} ${g.n} × ${why} (${mb(g.bytes)}), e.g. ${g.first}`);
console.log(`${apply ? 'removed' : 'would remove'} ${mb(total)} from node_modules`);
