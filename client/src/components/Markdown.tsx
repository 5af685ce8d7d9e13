/**
 * Renders untrusted markdown (model output, passages) safely on every path, streaming included: no raw HTML
 * (react-markdown escapes it; rehype-sanitize as a second wall), links only to http(s)/mailto, no images at all
 * (a remote image is an exfiltration channel), and `[n]` citation markers turned into chips.
 */
import type { Citation, Source } from '@pagewise/shared';
import type { ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { CitationChip } from './CitationChip';

const SAFE_URL = /^(https?:|mailto:)/i;

/** Bare `[n]` markers become links to `#cite-n`, rendered as chips below. */
export function linkCitations(text: string): string {
  return text.replace(/\[(\d{1,3})\](?![(:[])/g, '[\\[$1\\]](#cite-$1)');
}

export function Markdown({ text, sources, onOpen }: { text: string; sources: (Source | Citation)[]; onOpen?: (c: Source) => void }) {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const components: Components = {
    a: ({ href, children }) => {
      const cite = /^#cite-(\d+)$/.exec(href ?? '');
      if (cite) {
        const source = byN.get(Number(cite[1]));
        return source ? <CitationChip source={source} onOpen={onOpen} /> : null;
      }
      if (!href || !SAFE_URL.test(href)) return <span>{children as ReactNode}</span>;
      return (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow">
          {children as ReactNode}
        </a>
      );
    },
    img: ({ alt }) => <span className="img-alt">{alt ? `[image: ${alt}]` : '[image]'}</span>,
  };
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSanitize]} components={components} skipHtml>
        {linkCitations(text)}
      </ReactMarkdown>
    </div>
  );
}
