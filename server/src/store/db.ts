import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Schema migrations, applied in order; `user_version` records how many ran. Never edit a shipped step. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    bytes         INTEGER NOT NULL,
    pages         INTEGER,
    pages_done    INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('queued','processing','ready','failed')),
    error_code    TEXT,
    error_message TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    title         TEXT,
    -- What the document is (file name, title, opening text): indexed with every chunk so that a question
    -- naming the company, report or product finds its passages even when a page never repeats the name.
    context       TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE INDEX documents_status ON documents(status, created_at);

  CREATE TABLE pages (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_number INTEGER NOT NULL,
    label       TEXT,
    text        TEXT NOT NULL,
    PRIMARY KEY (document_id, page_number)
  ) WITHOUT ROWID;

  CREATE TABLE chunks (
    id          INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    page_start  INTEGER NOT NULL,
    page_end    INTEGER NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    embedding   BLOB
  );
  CREATE INDEX chunks_document ON chunks(document_id, ord);

  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    terms, context, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
  );

  -- Document-level keyword index over each document's context (rowid = documents.rowid).
  CREATE VIRTUAL TABLE documents_fts USING fts5(
    context, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
  );

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  `
  CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user','assistant')),
    content         TEXT NOT NULL,
    reasoning       TEXT,
    citations       TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('complete','incomplete','error')),
    error_code      TEXT,
    error_message   TEXT,
    created_at      TEXT NOT NULL
  );
  CREATE INDEX messages_conversation ON messages(conversation_id, seq);
  `,
  `
  -- Browser sessions: only the sha256 of the cookie value is stored.
  CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  `
  -- How long the last processing attempt took (extraction to ready/failed), for progress and limits.
  ALTER TABLE documents ADD COLUMN processing_ms INTEGER;
  `,
  `
  -- The page title and table header a chunk sits under, indexed and embedded with it (see ingest/chunker.ts).
  ALTER TABLE chunks ADD COLUMN heading TEXT;
  `,
  `
  -- The claim check of an assistant answer (the chat stream's verification event, as JSON), so a reloaded chat
  -- shows the same marks. NULL for questions and for answers stored before the check existed.
  ALTER TABLE messages ADD COLUMN verification TEXT;
  `,
  `
  -- A document's place in its upload (1 for the first file of a request): queued documents are taken by this,
  -- then by age, so uploads take turns and a later upload never waits behind all of an earlier one.
  ALTER TABLE documents ADD COLUMN upload_seq INTEGER NOT NULL DEFAULT 1;
  CREATE INDEX documents_queue ON documents(status, upload_seq, created_at);
  `,
  `
  -- What a page is when it points to other pages: 'contents' (a table of contents, a list of figures) or 'index'
  -- (a back-of-book index); NULL for a body page (see ingest/page-kind.ts). Search ranks such pages lower.
  ALTER TABLE pages ADD COLUMN kind TEXT;
  `,
  `
  -- Where each page's text came from (the text layer, OCR, or nowhere), the OCR's mean confidence, and the quality
  -- warnings found while reading it (a JSON array of codes; NULL = none). Pages stored before this have no
  -- warnings on record; an empty one among them had no text.
  ALTER TABLE pages ADD COLUMN source TEXT NOT NULL DEFAULT 'text' CHECK (source IN ('text','ocr','none'));
  ALTER TABLE pages ADD COLUMN ocr_confidence REAL;
  ALTER TABLE pages ADD COLUMN warnings TEXT;
  UPDATE pages SET source = 'none' WHERE text = '';
  -- Passages whose text came from OCR.
  ALTER TABLE chunks ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- The library as a place to work (issue 18). A document's display title (its metadata /Title or XMP dc:title
  -- when that is a sensible title; filled in at start-up for documents stored before) and the file name it was
  -- uploaded as, kept once it is renamed (NULL until then).
  ALTER TABLE documents ADD COLUMN pdf_title TEXT;
  ALTER TABLE documents ADD COLUMN original_name TEXT;
  -- Collections: named sets of documents; a document can be in several. Deleting either side removes only the
  -- membership.
  CREATE TABLE collections (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE collection_documents (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    document_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    added_at      TEXT NOT NULL,
    PRIMARY KEY (collection_id, document_id)
  ) WITHOUT ROWID;
  CREATE INDEX collection_documents_document ON collection_documents(document_id);
  -- The collection a chat belongs to (its scope). No foreign key: a chat whose collection was deleted keeps the
  -- id and is refused (COLLECTION_NOT_FOUND) rather than silently widened to the whole library.
  ALTER TABLE conversations ADD COLUMN collection_id TEXT;
  -- A document's overview (summary with citations, suggested questions), generated once after ingestion.
  CREATE TABLE document_overviews (
    document_id   TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('pending','ready','failed')),
    summary       TEXT,
    questions     TEXT NOT NULL DEFAULT '[]',
    citations     TEXT NOT NULL DEFAULT '[]',
    error_code    TEXT,
    error_message TEXT,
    updated_at    TEXT NOT NULL
  );
  `,
  `
  -- A conversation's document scope: the ids its latest question was limited to (a JSON array), NULL for the
  -- whole library. A reopened chat restores it.
  ALTER TABLE conversations ADD COLUMN document_ids TEXT;
  `,
];

export function openDb(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'pagewise.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
