/** Small real PDFs kept in the repository (tests/fixtures, with their sources and licences in its README). */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './corpora.js';

export const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');

export type FixtureFolder = 'ntsb' | 'sec-10-q' | 'pdfjs' | 'tex';

export function fixtureFile(folder: FixtureFolder, name: string): string {
  const p = path.join(FIXTURES, folder, name);
  if (!fs.existsSync(p)) throw new Error(`fixture missing: ${p}`);
  return p;
}

/** Every PDF of one fixture folder, sorted by name. */
export function fixturePdfs(folder: FixtureFolder): string[] {
  const d = path.join(FIXTURES, folder);
  return fs.readdirSync(d).filter((f) => f.toLowerCase().endsWith('.pdf')).sort().map((f) => path.join(d, f));
}
