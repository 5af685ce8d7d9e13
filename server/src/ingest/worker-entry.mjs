/**
 * How an extraction worker process starts (plain JavaScript, run without a loader): pdf.js is loaded first, by
 * Node itself, and only then is tsx registered to load the worker's TypeScript (ingest/worker.ts, passed as the
 * first argument, which finds pdf.js already loaded). Loaded through tsx's loader, pdf.js's two large bundles
 * cost 1.6-1.9 s of CPU at every worker start instead of 0.25 s.
 *
 * Both bundles carry core-js, which replaces `Array.prototype.push` with a JavaScript version (a guard against a
 * V8 bug with non-writable array lengths, which pdf.js never creates); pdf.js pushes millions of times per
 * document, and the polyfill cost ~20 % of extraction time, so the native method is put back once both are
 * loaded. The worker process runs nothing else.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));
const nativePush = Array.prototype.push;
await import(pathToFileURL(path.join(pdfjsRoot, 'legacy/build/pdf.mjs')).href);
await import(pathToFileURL(path.join(pdfjsRoot, 'legacy/build/pdf.worker.mjs')).href);
if (Array.prototype.push !== nativePush) {
  Object.defineProperty(Array.prototype, 'push', { value: nativePush, writable: true, configurable: true, enumerable: false });
}
const { register } = await import('tsx/esm/api');
register();
await import(pathToFileURL(process.argv[2]).href);
