/**
 * The optional large corpora: PAGEWISE_CORPORA, or ../shared/corpora beside the checkout. They are read at run time,
 * never copied. Only the odd-PDF robustness run, `npm run eval`, `npm run eval:set` and `npm run bench` use them;
 * everything else runs on tests/fixtures. When a corpus is absent, its users say so on one line and skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const CORPORA = process.env.PAGEWISE_CORPORA ?? path.resolve(REPO_ROOT, '..', 'shared', 'corpora');
/** Where the corpora are looked for, as said in skip lines. */
export const WHERE = process.env.PAGEWISE_CORPORA ? `PAGEWISE_CORPORA=${CORPORA}` : `${CORPORA} (set PAGEWISE_CORPORA to point elsewhere)`;

/** Why a corpus folder cannot be used, or null when it is there with at least one PDF. */
export function corpusMissing(dir: string): string | null {
  const d = path.join(CORPORA, dir);
  if (!fs.existsSync(d)) return `the optional corpus "${dir}" is not there: no ${dir}/ in ${WHERE}`;
  if (corpusPdfs(dir).length === 0) return `the optional corpus "${dir}" has no PDFs in ${d}`;
  return null;
}

export function corpusPdfs(dir: string): string[] {
  const d = path.join(CORPORA, dir);
  return fs
    .readdirSync(d)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((f) => path.join(d, f));
}
