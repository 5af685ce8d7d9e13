/** Conversations and their messages. Reasoning is stored apart from the answer and never becomes history. */
import { randomUUID } from 'node:crypto';
import { VerificationSchema, type Citation, type ConversationSummary, type ErrorCode, type MessageStatus, type StoredMessage, type Verification } from '@pagewise/shared';
import { z } from 'zod';
import type { Db } from './db.js';
import { parseStored } from './json.js';

const StoredScopeSchema = z.array(z.string());

interface ConversationRow {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  document_ids: string | null;
  messages: number;
  collection_id: string | null;
}

interface MessageRow {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  reasoning: string | null;
  citations: string;
  verification: string | null;
  status: MessageStatus;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
}

const now = () => new Date().toISOString();
const scopeJson = (documentIds: string[] | undefined) => (documentIds ? JSON.stringify(documentIds) : null);

function toSummary(r: ConversationRow): ConversationSummary {
  const documentIds = parseStored<string[] | null>(StoredScopeSchema, r.document_ids, null);
  return { id: r.id, title: r.title, createdAt: r.created_at, updatedAt: r.updated_at, messages: r.messages, documentIds, collectionId: r.collection_id };
}

function toMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    role: r.role,
    content: r.content,
    reasoning: r.reasoning,
    citations: JSON.parse(r.citations) as Citation[],
    verification: parseVerification(r.verification),
    status: r.status,
    error: r.error_code ? { code: r.error_code as ErrorCode, message: r.error_message ?? '' } : null,
    createdAt: r.created_at,
  };
}

/** A stored check that no longer parses (a schema change) is dropped rather than failing the conversation. */
function parseVerification(raw: string | null): Verification | null {
  return parseStored<Verification | null>(VerificationSchema, raw, null);
}

export interface NewMessage {
  id?: string;
  role: 'user' | 'assistant';
  content: string;
  reasoning?: string | null;
  citations?: Citation[];
  verification?: Verification | null;
  status: MessageStatus;
  error?: { code: ErrorCode; message: string } | null;
}

export class ConversationStore {
  constructor(private readonly db: Db) {}

  /** `documentIds`: the scope of its first question (undefined = the whole library); `id`: one the client chose. */
  create(title: string, documentIds?: string[], id: string = randomUUID()): string {
    const t = now();
    this.db
      .prepare('INSERT INTO conversations (id, title, created_at, updated_at, document_ids) VALUES (?, ?, ?, ?, ?)')
      .run(id, title, t, t, scopeJson(documentIds));
    return id;
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(id) !== undefined;
  }

  /** The id of the conversation's last question, if it has one. */
  lastQuestionId(conversationId: string): string | undefined {
    const row = this.db
      .prepare(`SELECT id FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY seq DESC LIMIT 1`)
      .get(conversationId) as { id: string } | undefined;
    return row?.id;
  }

  /**
   * Store a question and make its scope the conversation's. With `replaces` (a question asked again), that
   * question and everything after it are deleted first, in the same transaction.
   */
  addQuestion(conversationId: string, content: string, opts: { documentIds?: string[]; replaces?: string }): string {
    return this.db.transaction(() => {
      if (opts.replaces) {
        this.db
          .prepare('DELETE FROM messages WHERE conversation_id = ? AND seq >= (SELECT seq FROM messages WHERE id = ? AND conversation_id = ?)')
          .run(conversationId, opts.replaces, conversationId);
      }
      this.db.prepare('UPDATE conversations SET document_ids = ? WHERE id = ?').run(scopeJson(opts.documentIds), conversationId);
      return this.addMessage(conversationId, { role: 'user', content, status: 'complete' });
    })();
  }

  /**
   * Store an answer, unless its question is gone: replaced by a retry, or its conversation deleted while it
   * was being written. Returns whether it was stored.
   */
  addAnswer(conversationId: string, questionId: string, m: Omit<NewMessage, 'role'>): boolean {
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM messages WHERE id = ?').get(questionId) === undefined) return false;
      this.addMessage(conversationId, { ...m, role: 'assistant' });
      return true;
    })();
  }

  list(): ConversationSummary[] {
    const rows = this.db
      .prepare(
        `SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS messages
         FROM conversations c ORDER BY c.updated_at DESC, c.id`,
      )
      .all() as ConversationRow[];
    return rows.map(toSummary);
  }

  get(id: string): (Omit<ConversationSummary, 'messages'> & { messages: StoredMessage[] }) | undefined {
    const row = this.db
      .prepare(`SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS messages FROM conversations c WHERE c.id = ?`)
      .get(id) as ConversationRow | undefined;
    if (!row) return undefined;
    const messages = (this.db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq').all(id) as MessageRow[]).map(toMessage);
    return { ...toSummary(row), messages };
  }

  rename(id: string, title: string): boolean {
    return this.db.prepare('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?').run(title, now(), id).changes === 1;
  }

  /** The collection a chat belongs to (set once, when the chat is created from a collection). */
  setCollection(id: string, collectionId: string): void {
    this.db.prepare('UPDATE conversations SET collection_id = ? WHERE id = ?').run(collectionId, id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id).changes === 1;
  }

  addMessage(conversationId: string, m: NewMessage): string {
    const id = m.id ?? randomUUID();
    const t = now();
    this.db.transaction(() => {
      const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM messages WHERE conversation_id = ?').get(conversationId) as { s: number }).s;
      this.db
        .prepare(
          `INSERT INTO messages (id, conversation_id, seq, role, content, reasoning, citations, verification, status, error_code, error_message, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          conversationId,
          seq,
          m.role,
          m.content,
          m.reasoning ?? null,
          JSON.stringify(m.citations ?? []),
          m.verification ? JSON.stringify(m.verification) : null,
          m.status,
          m.error?.code ?? null,
          m.error?.message ?? null,
          t,
        );
      this.db.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(t, conversationId);
    })();
    return id;
  }
}
