/**
 * Online backup and restore of a DATA_DIR while the server runs. SQLite is copied with its online backup API
 * (a consistent snapshot even while ingestion writes, WAL included); original PDFs are immutable once renamed
 * into place, so a plain copy is consistent; the vector index is copied as a convenience — if it is older than
 * the database snapshot, the server reconciles it from the embeddings stored in SQLite at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const DB_FILE = 'pagewise.db';

export interface BackupResult {
  dest: string;
  files: number;
  bytes: number;
}

function copyDir(src: string, dest: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  if (!fs.existsSync(src)) return { files, bytes };
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.tmp')) continue;
    const from = path.join(src, entry.name);
    try {
      fs.copyFileSync(from, path.join(dest, entry.name));
      files++;
      bytes += fs.statSync(from).size;
    } catch (err) {
      // A file deleted while we copy was deleted from the library too; the snapshot will not list it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return { files, bytes };
}

export async function backupDataDir(dataDir: string, dest: string): Promise<BackupResult> {
  const src = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(src)) throw new Error(`no Pagewise database in ${dataDir}`);
  if (fs.existsSync(dest) && fs.readdirSync(dest).length > 0) throw new Error(`backup destination ${dest} is not empty`);
  fs.mkdirSync(dest, { recursive: true });
  // Index first, database second: the restored index is then never newer than the database it will be checked against.
  const index = copyDir(path.join(dataDir, 'index'), path.join(dest, 'index'));
  const db = new Database(src, { readonly: true, fileMustExist: true });
  try {
    await db.backup(path.join(dest, DB_FILE));
  } finally {
    db.close();
  }
  const files = copyDir(path.join(dataDir, 'files'), path.join(dest, 'files'));
  return { dest, files: index.files + files.files + 1, bytes: index.bytes + files.bytes + fs.statSync(path.join(dest, DB_FILE)).size };
}

export function restoreDataDir(backup: string, dataDir: string): void {
  if (!fs.existsSync(path.join(backup, DB_FILE))) throw new Error(`${backup} is not a Pagewise backup (no ${DB_FILE})`);
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) throw new Error(`DATA_DIR ${dataDir} is not empty; restore into an empty directory`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(path.join(backup, DB_FILE), path.join(dataDir, DB_FILE));
  copyDir(path.join(backup, 'files'), path.join(dataDir, 'files'));
  copyDir(path.join(backup, 'index'), path.join(dataDir, 'index'));
}
