/**
 * A sentence-embedding model run in-process with transformers.js (ONNX Runtime on CPU). The model is downloaded
 * once into DATA_DIR/models on first use (progress in the log) and loaded from there afterwards; a model folder
 * placed there by hand (`<DATA_DIR>/models/<org>/<name>/` with `onnx/model*.onnx` and tokenizer files) works
 * with no network at all.
 */
import path from 'node:path';
import type { Logger } from '../../logger.js';
import { normalize, type Embedder } from './types.js';

interface FeatureExtractor {
  (texts: string[], opts: { pooling: 'mean'; normalize: boolean }): Promise<{ data: Float32Array | number[]; dims: number[] }>;
  dispose?: () => Promise<void>;
}

export interface LocalEmbedderOptions {
  model: string;
  modelsDir: string;
  allowDownload: boolean;
  log: Logger;
  batch?: number;
}

export class LocalEmbedder implements Embedder {
  readonly kind = 'local' as const;
  readonly id: string;
  private readonly queryPrefix: string;
  private readonly passagePrefix: string;

  private constructor(
    private readonly extractor: FeatureExtractor,
    readonly model: string,
    readonly dimension: number,
    private readonly batch: number,
  ) {
    this.id = `local:${model}:${dimension}`;
    // E5-family models are trained with these prefixes; without them retrieval quality drops.
    const e5 = /(^|[/-])e5[-_]/i.test(model) || /multilingual-e5/i.test(model);
    this.queryPrefix = e5 ? 'query: ' : '';
    this.passagePrefix = e5 ? 'passage: ' : '';
  }

  static async load(opts: LocalEmbedderOptions): Promise<LocalEmbedder> {
    const tf = await import('@huggingface/transformers');
    tf.env.cacheDir = opts.modelsDir;
    tf.env.localModelPath = opts.modelsDir + path.sep;
    tf.env.allowLocalModels = true;
    tf.env.allowRemoteModels = opts.allowDownload;
    let lastLogged = -10;
    const extractor = (await tf.pipeline('feature-extraction', opts.model, {
      dtype: 'q8',
      // ONNX Runtime's CPU arena keeps the largest buffer a batch ever needed and never returns it: with it, the
      // server held 1.2 GB after 2,000-character passages; without it 0.37 GB, at the same speed (SECURITY.md F7).
      session_options: { enableCpuMemArena: false },
      progress_callback: (p: { status?: string; file?: string; progress?: number }) => {
        if (p.status === 'progress' && typeof p.progress === 'number' && p.progress - lastLogged >= 10) {
          lastLogged = p.progress;
          opts.log.info({ model: opts.model, file: p.file, percent: Math.round(p.progress) }, 'fetching embedding model files (from DATA_DIR/models, downloaded there on first use)');
        } else if (p.status === 'done') {
          lastLogged = -10;
        }
      },
    })) as unknown as FeatureExtractor;
    const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
    const dim = probe.dims[probe.dims.length - 1];
    if (!dim) throw new Error('the local model produced no embedding');
    return new LocalEmbedder(extractor, opts.model, dim, opts.batch ?? 16);
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batch) {
      const slice = texts.slice(i, i + this.batch);
      const t = await this.extractor(slice, { pooling: 'mean', normalize: true });
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
      for (let j = 0; j < slice.length; j++) out.push(normalize(data.slice(j * this.dimension, (j + 1) * this.dimension)));
    }
    return out;
  }

  embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return this.run(texts.map((t) => this.passagePrefix + t));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [v] = await this.run([this.queryPrefix + text]);
    return v!;
  }
}
