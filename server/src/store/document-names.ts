/**
 * What a document is called: renaming it (the file name it was uploaded as is kept), and the display titles of
 * documents stored before titles were kept, filled in once at start-up from the metadata title already stored.
 */
import { sensibleTitle } from '../ingest/title.js';
import type { Logger } from '../logger.js';
import { getMeta, setMeta, type Db } from './db.js';

const META_KEY = 'pdf_titles';
/** Bump when `sensibleTitle` changes in a way that stored titles should be judged again. */
const VERSION = '1';

/** Returns false when there is no such document. */
export function renameDocument(db: Db, id: string, name: string): boolean {
  return (
    db
      .prepare('UPDATE documents SET original_name = COALESCE(original_name, name), name = ?, updated_at = ? WHERE id = ?')
      .run(name, new Date().toISOString(), id).changes === 1
  );
}

/** Judges every stored metadata title once; the raw title, names and everything else stay as they are. */
export function backfillTitles(db: Db, log: Logger): number {
  if (getMeta(db, META_KEY) === VERSION) return 0;
  const rows = db.prepare('SELECT id, name, original_name, title FROM documents WHERE title IS NOT NULL').all() as {
    id: string;
    name: string;
    original_name: string | null;
    title: string;
  }[];
  const update = db.prepare('UPDATE documents SET pdf_title = ? WHERE id = ?');
  let titled = 0;
  db.transaction(() => {
    for (const r of rows) {
      const shown = sensibleTitle(r.title, r.original_name ?? r.name);
      if (shown) titled++;
      update.run(shown, r.id);
    }
    setMeta(db, META_KEY, VERSION);
  })();
  if (titled) log.info({ documents: titled }, 'titles of stored documents filled in');
  return titled;
}
