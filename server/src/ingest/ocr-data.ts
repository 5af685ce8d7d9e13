/**
 * OCR language data (`<lang>.traineddata` for each of OCR_LANGS) in DATA_DIR/ocr. What is missing is fetched once,
 * in the background from start-up: from OCR_LANG_PATH (a URL serving `<lang>.traineddata.gz`, or a folder such as
 * Debian's tessdata) or else from where tesseract.js itself downloads it, with progress in the log. (tesseract.js's
 * own loader is not used for this: when a fetch fails it neither resolves nor rejects, and leaves its thread
 * running.) Each file is written to a temporary folder, unzipped, then renamed into place, so a worker never reads
 * half a file. Extraction workers only ever read the folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Logger } from '../logger.js';
import type { OcrSettings } from './ocr.js';

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
  /** A document already waited the whole time for the fetch under way: the next ones do not wait. */
  private waitedOut = false;

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
    this.waitedOut = false;
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
    if (this.fetching && !this.waitedOut) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([this.fetching.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), waitMs).unref()))]);
      clearTimeout(timer);
      if (timedOut) this.waitedOut = true;
    }
    return this.missing().length === 0 ? { langs: this.opts.langs, dir: this.opts.dir } : null;
  }

  private async fetchMissing(): Promise<void> {
    fs.mkdirSync(this.opts.dir, { recursive: true });
    // Leftovers of a fetch a crash interrupted.
    for (const f of fs.readdirSync(this.opts.dir)) if (f.startsWith('.fetch-')) fs.rmSync(path.join(this.opts.dir, f), { recursive: true, force: true });
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

  /** Read one language's data from the source (a folder, a URL, or tesseract.js's default) into `tmp`, plain. */
  private async fetchOne(lang: string, tmp: string): Promise<void> {
    const { source, log } = this.opts;
    const local = source !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source);
    log.info({ lang, from: source ?? "tesseract.js's default download" }, 'fetching OCR language data');
    let data: Buffer;
    if (local) {
      const gz = path.join(source, `${lang}.traineddata.gz`);
      data = fs.readFileSync(fs.existsSync(gz) ? gz : path.join(source, `${lang}.traineddata`));
    } else {
      data = await download(`${(source ?? DEFAULT_SOURCE(lang)).replace(/\/$/, '')}/${lang}.traineddata.gz`, (progress) => log.info({ lang, progress }, 'OCR language data'));
    }
    if (data[0] === 0x1f && data[1] === 0x8b) data = zlib.gunzipSync(data);
    if (data.length < MIN_BYTES) throw new Error(`${lang}.traineddata is only ${data.length} bytes`);
    fs.writeFileSync(path.join(tmp, `${lang}.traineddata`), data);
  }
}

/** Where tesseract.js itself fetches LSTM-only data from when given no langPath (its "best_int" models, gzipped). */
const DEFAULT_SOURCE = (lang: string) => `https://cdn.jsdelivr.net/npm/@tesseract.js-data/${lang}/4.0.0_best_int`;
/** Smaller than any real traineddata file: an error page or a truncated download. */
const MIN_BYTES = 100_000;

/** GET a file, logging progress at every tenth (or every 4 MB when the size is unknown). */
async function download(url: string, onProgress: (progress: string) => void): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
  const total = Number(res.headers.get('content-length')) || 0;
  const parts: Buffer[] = [];
  let received = 0;
  let reported = 0;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    parts.push(Buffer.from(part));
    received += part.length;
    const step = total ? Math.floor((received / total) * 10) : Math.floor(received / 4_194_304);
    if (step > reported) {
      reported = step;
      onProgress(total ? `${step * 10}% of ${(total / 1_048_576).toFixed(1)} MB` : `${(received / 1_048_576).toFixed(1)} MB`);
    }
  }
  return Buffer.concat(parts);
}

/** Why a document with no text on any page failed, given what OCR could do and whether its fonts lack a Unicode map. */
export function noTextMessage(ocr: 'ran' | 'off' | 'unavailable', unmappedFonts: boolean): string {
  const why = unmappedFonts ? 'The PDF draws its text in fonts without a Unicode map, so it cannot be read as text' : 'The PDF has no text layer (it may be scanned or image-only)';
  if (ocr === 'ran') return `${why}, and OCR found no text on its pages either, so there is nothing to search.`;
  if (ocr === 'off') return `${why} and OCR is off on this server, so there is nothing to search.`;
  return `${why} and the OCR language data is not available yet, so there is nothing to search. Upload it again later to retry.`;
}
