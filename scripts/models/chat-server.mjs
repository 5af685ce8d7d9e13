// A small OpenAI-compatible chat endpoint over node-llama-cpp, for development and `npm run test:models`:
// GET /v1/models, POST /v1/chat/completions (streaming SSE with delta.content, finish_reason, a usage chunk and
// [DONE], or one JSON body). Honours max_tokens, temperature and stop. The chat format comes from the GGUF
// (its chat template, or node-llama-cpp's wrapper for the architecture when the file has none). Loopback only.
// One request runs at a time (one context sequence, two threads: the default of four on a 2-core machine was
// about 200x slower); others wait their turn.
//
// Usage: node chat-server.mjs --model <file.gguf> --port <n> [--llama <node-llama-cpp dir>] [--context 4096]
//        [--threads 2] [--name <model id>] [--log <transcripts.jsonl>]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    port: { type: 'string', default: '8091' },
    llama: { type: 'string' },
    context: { type: 'string', default: '4096' },
    threads: { type: 'string', default: '2' },
    name: { type: 'string' },
    log: { type: 'string' },
  },
});
if (!args.model || !args.llama) {
  process.stderr.write('usage: chat-server.mjs --model <file.gguf> --llama <dir with node_modules/node-llama-cpp> --port <n>\n');
  process.exit(2);
}
const modelId = args.name ?? path.basename(args.model).replace(/\.gguf$/i, '');
const entry = path.join(args.llama, 'node_modules', 'node-llama-cpp', 'dist', 'index.js');
const { getLlama, LlamaChat } = await import(pathToFileURL(entry).href);

const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
const model = await llama.loadModel({ modelPath: args.model });
const context = await model.createContext({ contextSize: Number(args.context), threads: Number(args.threads), sequences: 1 });
const sequence = context.getSequence();
const chat = new LlamaChat({ contextSequence: sequence });
process.stderr.write(`chat model ${modelId} loaded (${chat.chatWrapper.wrapperName} format, context ${context.contextSize}, threads ${args.threads})\n`);

/** OpenAI messages to node-llama-cpp's chat history, ending with the model's empty turn. */
function toHistory(messages) {
  const history = [];
  for (const m of messages) {
    const text = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text ?? '').join('') : '';
    if (m.role === 'system' || m.role === 'developer') history.push({ type: 'system', text });
    else if (m.role === 'assistant') history.push({ type: 'model', response: [text] });
    else history.push({ type: 'user', text });
  }
  history.push({ type: 'model', response: [] });
  return history;
}

const FINISH = { eogToken: 'stop', stopGenerationTrigger: 'stop', customStopTrigger: 'stop', maxTokens: 'length', abort: 'stop', functionCalls: 'stop' };

let queue = Promise.resolve();
function serially(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

async function generate(body, onText, signal) {
  const history = toHistory(body.messages ?? []);
  const stop = body.stop == null ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
  const before = sequence.tokenMeter.getState();
  const t0 = performance.now();
  let firstMs = null;
  const res = await chat.generateResponse(history, {
    maxTokens: Number(body.max_tokens ?? body.max_completion_tokens ?? 512),
    temperature: typeof body.temperature === 'number' ? body.temperature : 0,
    customStopTriggers: stop.filter((s) => typeof s === 'string' && s.length > 0),
    signal,
    stopOnAbortSignal: true,
    onTextChunk: (t) => {
      if (!t) return;
      firstMs ??= performance.now() - t0;
      onText(t);
    },
  });
  const diff = sequence.tokenMeter.diff(before);
  // The meter counts only tokens evaluated now (a shared prefix is reused), so the prompt is counted whole.
  const prompt = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
  const usage = { prompt_tokens: prompt, completion_tokens: diff.usedOutputTokens, total_tokens: prompt + diff.usedOutputTokens };
  return { text: res.response, finish: FINISH[res.metadata.stopReason] ?? 'stop', usage, firstMs, totalMs: performance.now() - t0 };
}

function logTranscript(body, result) {
  if (!args.log) return;
  const line = { at: new Date().toISOString(), model: modelId, messages: body.messages, answer: result.text, finish: result.finish, usage: result.usage, firstMs: result.firstMs, totalMs: result.totalMs };
  fs.appendFile(args.log, JSON.stringify(line) + '\n', () => undefined);
}

function json(res, code, obj) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

async function completions(req, res, body) {
  if (!Array.isArray(body.messages) || body.messages.length === 0) return json(res, 400, { error: { message: 'messages is required', type: 'invalid_request_error' } });
  const id = `chatcmpl-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const chunk = (delta, finish, extra = {}) => ({ id, object: 'chat.completion.chunk', created, model: modelId, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  if (body.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }, null))}\n\n`);
    const result = await serially(() => generate(body, (t) => res.write(`data: ${JSON.stringify(chunk({ content: t }, null))}\n\n`), abort.signal));
    res.write(`data: ${JSON.stringify(chunk({}, result.finish))}\n\n`);
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelId, choices: [], usage: result.usage })}\n\n`);
    res.end('data: [DONE]\n\n');
    logTranscript(body, result);
    return;
  }
  const result = await serially(() => generate(body, () => undefined, abort.signal));
  json(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model: modelId,
    choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: result.finish }],
    usage: result.usage,
  });
  logTranscript(body, result);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && (url.pathname === '/v1/models' || url.pathname === '/models')) {
    return json(res, 200, { object: 'list', data: [{ id: modelId, object: 'model', owned_by: 'local' }] });
  }
  if (req.method === 'GET' && url.pathname === '/health') return json(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || !/^\/(v1\/)?chat\/completions$/.test(url.pathname)) return json(res, 404, { error: { message: 'unknown route', type: 'invalid_request_error' } });
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return json(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    completions(req, res, body).catch((err) => {
      process.stderr.write(`generation failed: ${err?.stack ?? err}\n`);
      if (!res.headersSent) json(res, 500, { error: { message: String(err?.message ?? err), type: 'server_error' } });
      else res.end();
    });
  });
});
server.listen(Number(args.port), '127.0.0.1', () => process.stderr.write(`chat endpoint on http://127.0.0.1:${args.port}/v1\n`));
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    void model.dispose().finally(() => process.exit(0));
  });
}
