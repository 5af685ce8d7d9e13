/**
 * A chat as Markdown: the questions and answers in order, each answer's `[n]` markers turned into footnotes
 * numbered across the whole chat, each footnote naming the document, the page and the quote (the span the claim
 * check found supporting the claim, else the passage).
 */
import { pageName, type Citation, type StoredMessage } from '@pagewise/shared';

const MAX_QUOTE_CHARS = 300;

export interface ExportedChat {
  title: string;
  messages: StoredMessage[];
  collectionName: string | null;
  exportedAt: Date;
}

function quoteOf(m: StoredMessage, c: Citation): string {
  const support = m.verification?.claims.find((claim) => claim.support?.citation === c.n)?.support?.quote;
  const text = (support ?? c.text).replace(/\s+/g, ' ').trim();
  return text.length > MAX_QUOTE_CHARS ? `${text.slice(0, MAX_QUOTE_CHARS - 1)}…` : text;
}

function pageOf(c: Citation): string {
  return `page ${pageName(c.page, c.pageLabel)}`;
}

export function chatMarkdown(chat: ExportedChat): string {
  const footnotes: string[] = [];
  const out: string[] = [`# ${chat.title}`, ''];
  const scope = chat.collectionName ? `, collection "${chat.collectionName}"` : '';
  out.push(`*Exported from Pagewise on ${chat.exportedAt.toISOString().slice(0, 10)}${scope}.*`, '');
  for (const m of chat.messages) {
    if (m.role === 'user') {
      out.push(`**Question:** ${m.content.trim()}`, '');
      continue;
    }
    const byN = new Map(m.citations.map((c) => [c.n, c]));
    const numbers = new Map<number, number>();
    const body = m.content.replace(/\s*\[(\d+)\]/g, (marker, raw: string) => {
      const c = byN.get(Number(raw));
      if (!c) return marker;
      let k = numbers.get(c.n);
      if (k === undefined) {
        k = footnotes.length + 1;
        numbers.set(c.n, k);
        footnotes.push(`[^${k}]: ${c.documentName}, ${pageOf(c)}: "${quoteOf(m, c)}"`);
      }
      return `[^${k}]`;
    });
    out.push(body.trim() || '*(no answer)*');
    if (m.status === 'incomplete') out.push('', '*(This answer was cut off.)*');
    if (m.error) out.push('', `*The answer failed: ${m.error.message}*`);
    out.push('');
  }
  if (footnotes.length) out.push('---', '', ...footnotes, '');
  return out.join('\n');
}

/** A file name for the export: the title without path separators or control characters. */
export function exportFileName(title: string): string {
  const safe = title.replace(/[\u0000-\u001f\u007f-\u009f\\/]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
  return `${safe || 'chat'}.md`;
}
