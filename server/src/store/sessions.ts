/**
 * Browser sessions made by signing in with the access token: a random id goes to the cookie, only its SHA-256
 * is stored, and expired rows are swept whenever a new session is made.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.js';

const idHash = (raw: string) => createHash('sha256').update(raw, 'utf8').digest('hex');

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly days: number,
  ) {}

  create(): string {
    const raw = randomBytes(32).toString('base64url');
    const now = new Date();
    const expires = new Date(now.getTime() + this.days * 86_400_000);
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now.toISOString());
    this.db.prepare('INSERT INTO sessions (id_hash, created_at, expires_at) VALUES (?, ?, ?)').run(idHash(raw), now.toISOString(), expires.toISOString());
    return raw;
  }

  valid(raw: string): boolean {
    const row = this.db.prepare('SELECT expires_at FROM sessions WHERE id_hash = ?').get(idHash(raw)) as { expires_at: string } | undefined;
    return row !== undefined && row.expires_at > new Date().toISOString();
  }

  delete(raw: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash(raw));
  }
}
