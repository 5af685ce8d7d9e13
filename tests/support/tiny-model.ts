/**
 * A tiny sentence-embedding model made by the tests, in the layout transformers.js loads from disk
 * (`<models>/<org>/<name>/` with config.json, tokenizer.json, tokenizer_config.json and onnx/model_quantized.onnx),
 * so the real local-embedder loading path runs with no download. The ONNX graph is one Gather: each token's
 * vector is a row of an embedding table the test chooses (words of one "topic" share a direction), which mean
 * pooling turns into a sentence vector. The protobuf is written by hand (a few ONNX message fields).
 */
import fs from 'node:fs';
import path from 'node:path';

// --- minimal protobuf writer -------------------------------------------------------------------------------
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, data: Uint8Array | number[]) => [...key(field, 2), ...varint(data.length), ...data];
const str = (field: number, s: string) => bytes(field, [...new TextEncoder().encode(s)]);
const msg = (field: number, parts: number[][]) => bytes(field, parts.flat());

const FLOAT = 1;
const INT64 = 7;

function valueInfo(field: number, name: string, elemType: number, dims: (number | string)[]): number[] {
  const shape = dims.map((d) => msg(1, [typeof d === 'number' ? int(1, d) : str(2, d)]));
  return msg(field, [str(1, name), msg(2, [msg(1, [int(1, elemType), msg(2, shape)])])]);
}

/** An ONNX model: input_ids, attention_mask (int64 [batch, seq]) → last_hidden_state = table[input_ids]. */
function gatherModel(table: Float32Array, vocab: number, dim: number): Uint8Array {
  const initializer = msg(5, [int(1, vocab), int(1, dim), int(2, FLOAT), str(8, 'embeddings'), bytes(9, new Uint8Array(table.buffer.slice(0)))]);
  const node = msg(1, [str(1, 'embeddings'), str(1, 'input_ids'), str(2, 'last_hidden_state'), str(3, 'lookup'), str(4, 'Gather')]);
  const graph = msg(7, [
    node,
    str(2, 'tiny-embedder'),
    initializer,
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', dim]),
  ]);
  return new Uint8Array([...int(1, 8), ...str(2, 'pagewise-tests'), ...graph, ...msg(8, [str(1, ''), int(2, 13)])]);
}

// --- the model folder ---------------------------------------------------------------------------------------
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

/**
 * Writes the model to `<modelsDir>/<name>/`. `topics` lists groups of words meaning the same thing: each group
 * gets its own axis; every other token (special tokens, filler words) shares one weak common axis.
 */
export function writeTinyModel(modelsDir: string, name: string, topics: string[][], filler: string[] = []): string {
  const dir = path.join(modelsDir, name);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const words = [...SPECIAL, ...topics.flat(), ...filler];
  const vocab = Object.fromEntries(words.map((w, i) => [w, i]));
  const dim = topics.length + 1;
  const table = new Float32Array(words.length * dim);
  words.forEach((w, i) => {
    const t = topics.findIndex((g) => g.includes(w));
    if (t >= 0) table[i * dim + t] = 1;
    else table[i * dim + topics.length] = 0.1;
  });
  fs.writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), gatherModel(table, words.length, dim));
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dim, vocab_size: words.length, max_position_embeddings: 512 }),
  );
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]' }),
  );
  const special = (t: string) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  fs.writeFileSync(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map(special),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    }),
  );
  return dir;
}
