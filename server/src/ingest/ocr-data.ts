/**
 * OCR language data (`<lang>.traineddata` for each of OCR_LANGS) in DATA_DIR/ocr. What is missing is fetched once,
 * in the background from start-up, by tesseract.js's own loader: from OCR_LANG_PATH (a URL or a folder such as
 * Debian's tessdata) or else tesseract.js's default download, with its progress in the log. Each file is fetched
 * into a temporary folder, checked by loading it into a recogniser, then renamed into place, so a worker never
 * reads half a file. Extraction workers only ever read the folder.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { OcrSettings } from './ocr.js';

const require = createRequire(import.meta.url);
/** A failed fetch is tried again, when a document needs it, after this long. */
const RETRY_AFTER_MS = 5 * 60_000;
/** Longest a fetch of one language may take. */
const FETCH_TIMEOUT_MS = 10 * 60_000;

export interface OcrDataOptions {
  mode: 'on' | 'off';
  /** Languages joined with `+`. */
  langs: string;
  /** The folder the data is kept in (DATA_DIR/ocr). */
  dir: string;
  /** Where missing data comes from; undefined = tesseract.js's default download. */
  source: string | undefined;
  log: Logger;
}

export type OcrState = 'off' | 'ready' | 'fetching' | 'unavailable';

export class OcrLanguageData {
  private fetching: Promise<boolean> | null = null;
  private failedAt = 0;

  constructor(private readonly opts: OcrDataOptions) {}

  private get langs(): string[] {
    return this.opts.langs.split('+');
  }

  private missing(): string[] {
    return this.langs.filter((l) => !fs.existsSync(path.join(this.opts.dir, `${l}.traineddata`)));
  }

  state(): OcrState {
    if (this.opts.mode === 'off') return 'off';
    if (this.missing().length === 0) return 'ready';
    return this.fetching ? 'fetching' : 'unavailable';
  }

  /** Start fetching what is missing (at start-up); never throws. */
  prepare(): void {
    if (this.opts.mode === 'off' || this.fetching || this.missing().length === 0) return;
    if (this.failedAt && Date.now() - this.failedAt < RETRY_AFTER_MS) return;
    this.fetching = this.fetchMissing()
      .then(() => true)
      .catch((err: unknown) => {
        this.failedAt = Date.now();
        this.opts.log.warn({ reason: (err as Error).message, langs: this.opts.langs }, 'OCR language data could not be fetched; pages without text stay empty until it is in place');
        return false;
      })
      .finally(() => (this.fetching = null));
  }

  /**
   * The settings for reading a document: null when OCR is off or its data is missing. A fetch under way is waited
   * for (up to `waitMs`); a failed one is tried again once RETRY_AFTER_MS has passed.
   */
  async settings(waitMs = 60_000): Promise<OcrSettings | null> {
    if (this.opts.mode === 'off') return null;
    this.prepare();
    if (this.fetching) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.fetching, new Promise((r) => (timer = setTimeout(r, waitMs).unref()))]);
      clearTimeout(timer);
    }
    return this.missing().length === 0 ? { langs: this.opts.langs, dir: this.opts.dir } : null;
  }

  private async fetchMissing(): Promise<void> {
    fs.mkdirSync(this.opts.dir, { recursive: true });
    for (const lang of this.missing()) {
      const tmp = fs.mkdtempSync(path.join(this.opts.dir, '.fetch-'));
      try {
        await this.fetchOne(lang, tmp);
        const file = path.join(tmp, `${lang}.traineddata`);
        if (!fs.existsSync(file) || fs.statSync(file).size === 0) throw new Error(`no ${lang}.traineddata was written`);
        fs.renameSync(file, path.join(this.opts.dir, `${lang}.traineddata`));
        this.opts.log.info({ lang }, 'OCR language data in place');
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
  }

  /** Load one language through tesseract.js with `tmp` as its cache: it fetches, checks and writes the file there. */
  private async fetchOne(lang: string, tmp: string): Promise<void> {
    const { createWorker, OEM } = require('tesseract.js') as typeof import('tesseract.js');
    const { source, log } = this.opts;
    const local = source !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source);
    const gzip = local ? fs.existsSync(path.join(source, `${lang}.traineddata.gz`)) : true;
    log.info({ lang, from: source ?? "tesseract.js's default download" }, 'fetching OCR language data');
    let last = '';
    const logger = (m: { status: string; progress: number }) => {
      const step = `${m.status} ${Math.round(m.progress * 100)}%`;
      if (step !== last && /language/.test(m.status)) log.info({ lang, progress: step }, 'OCR language data');
      last = step;
    };
    let timer: NodeJS.Timeout | undefined;
    const created = createWorker(lang, OEM.LSTM_ONLY, { langPath: source, cachePath: tmp, cacheMethod: 'write', gzip, logger });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`fetching ${lang} took longer than ${FETCH_TIMEOUT_MS / 60_000} min`)), FETCH_TIMEOUT_MS);
    });
    try {
      const worker = await Promise.race([created, timeout]);
      await worker.terminate();
    } finally {
      clearTimeout(timer);
      void created.then((w) => w.terminate()).catch(() => undefined);
    }
  }
}

/** Why a document with no text on any page failed, given what OCR could do and whether its fonts lack a Unicode map. */
export function noTextMessage(ocr: 'ran' | 'off' | 'unavailable', unmappedFonts: boolean): string {
  const why = unmappedFonts ? 'The PDF draws its text in fonts without a Unicode map, so it cannot be read as text' : 'The PDF has no text layer (it may be scanned or image-only)';
  if (ocr === 'ran') return `${why}, and OCR found no text on its pages either, so there is nothing to search.`;
  if (ocr === 'off') return `${why} and OCR is off on this server, so there is nothing to search.`;
  return `${why} and the OCR language data is not available yet, so there is nothing to search. Upload it again later to retry.`;
}
