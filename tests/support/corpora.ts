/** The shared corpora live beside the checkout (../shared/corpora); they are read at run time, never copied. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const CORPORA = process.env.PAGEWISE_CORPORA ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpora');

export function corpusFile(...parts: string[]): string {
  const p = path.join(CORPORA, ...parts);
  if (!fs.existsSync(p)) throw new Error(`corpus file missing: ${p} (expected ../shared/corpora beside the checkout)`);
  return p;
}

export function corpusPdfs(dir: string): string[] {
  const d = path.join(CORPORA, dir);
  return fs
    .readdirSync(d)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((f) => path.join(d, f));
}
