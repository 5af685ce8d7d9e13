/**
 * Original PDFs on disk, stored under server-generated ids only. The uploaded name never becomes a path.
 */
import fs from 'node:fs';
import path from 'node:path';

export class FileStore {
  readonly dir: string;
  readonly tmpDir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'files');
    this.tmpDir = path.join(dataDir, 'tmp');
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  /** Path of a stored document. Ids are server-made, but containment is still checked, never assumed. */
  pathFor(documentId: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(documentId)) throw new Error(`invalid document id for storage: ${documentId}`);
    const p = path.resolve(this.dir, `${documentId}.pdf`);
    const rel = path.relative(this.dir, p);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error('document path escapes the file store');
    return p;
  }

  /** Move an uploaded temp file into place (same filesystem: an atomic rename). */
  adopt(tmpPath: string, documentId: string): void {
    fs.renameSync(tmpPath, this.pathFor(documentId));
  }

  remove(documentId: string): void {
    fs.rmSync(this.pathFor(documentId), { force: true });
  }

  /** Remove temp files left by a crash, and stored files no document row refers to. */
  reconcile(knownIds: Set<string>): { tmpRemoved: number; orphansRemoved: number } {
    let tmpRemoved = 0;
    let orphansRemoved = 0;
    for (const f of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, f), { force: true, recursive: true });
      tmpRemoved++;
    }
    for (const f of fs.readdirSync(this.dir)) {
      const id = f.endsWith('.pdf') ? f.slice(0, -4) : null;
      if (id === null || !knownIds.has(id)) {
        fs.rmSync(path.join(this.dir, f), { force: true });
        orphansRemoved++;
      }
    }
    return { tmpRemoved, orphansRemoved };
  }
}
