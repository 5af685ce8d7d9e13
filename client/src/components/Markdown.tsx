/**
 * Renders untrusted markdown (model output, passages) safely on every path, streaming included: no raw HTML
 * (react-markdown escapes it; rehype-sanitize as a second wall), links only to http(s)/mailto, no images at all
 * (a remote image is an exfiltration channel), and `[n]` citation markers turned into chips. With the answer's
 * claim check, unsupported, uncited and partly supported claims are marked (the title says why), and a chip
 * inside a supported claim opens the viewer on the claim's supporting span.
 */
import type { Citation, Source, VerifiedClaim } from '@pagewise/shared';
import { createContext, useContext, type ComponentProps, type ReactNode } from 'react';
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { CitationChip } from './CitationChip';
import { claimReason, linkCitationsMapped, rehypeClaimMarks, type ClaimMark } from './claims';

const SAFE_URL = /^(https?:|mailto:)/i;

/** The part of a passage that supports a claim (offsets in the passage's text). */
export type SupportSpan = NonNullable<VerifiedClaim['support']>;

/** Bare `[n]` markers become links to `#cite-n`, rendered as chips below. */
export function linkCitations(text: string): string {
  return linkCitationsMapped(text).text;
}

interface CiteContextValue {
  byN: Map<number, Source | Citation>;
  claimAt: (offset: number | undefined) => VerifiedClaim | undefined;
  onOpen?: (c: Source, support?: SupportSpan) => void;
}

const CiteContext = createContext<CiteContextValue>({ byN: new Map(), claimAt: () => undefined });

/**
 * The renderer's components are module-level, so they keep their identity across renders: a re-render (a stream
 * delta, a library refresh) updates a chip in place instead of replacing it, and a focused chip keeps focus.
 */
function LinkOrCite({ href, children, node }: ComponentProps<'a'> & ExtraProps) {
  const { byN, claimAt, onOpen } = useContext(CiteContext);
  const cite = /^#cite-(\d+)$/.exec(href ?? '');
  if (cite) {
    const n = Number(cite[1]);
    const source = byN.get(n);
    const support = claimAt(node?.position?.start.offset)?.support;
    return source ? <CitationChip source={source} support={support?.citation === n ? support : undefined} onOpen={onOpen} /> : null;
  }
  if (!href || !SAFE_URL.test(href)) return <span>{children as ReactNode}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children as ReactNode}
    </a>
  );
}

const COMPONENTS: Components = {
  a: LinkOrCite,
  img: ({ alt }) => <span className="img-alt">{alt ? `[image: ${alt}]` : '[image]'}</span>,
};

export function Markdown({
  text,
  sources,
  onOpen,
  claims,
}: {
  text: string;
  sources: (Source | Citation)[];
  onOpen?: (c: Source, support?: SupportSpan) => void;
  claims?: VerifiedClaim[];
}) {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const parsed = linkCitationsMapped(text);
  const marks: ClaimMark[] = (claims ?? [])
    .filter((c) => c.verdict !== 'supported')
    .map((c) => ({ start: parsed.toParsed(c.start), end: parsed.toParsed(c.end), claim: c, title: claimReason(c, byN) }));
  const claimAt = (offset: number | undefined) => {
    if (offset === undefined) return undefined;
    const at = parsed.toAnswer(offset);
    return claims?.find((c) => c.start <= at && at < c.end);
  };
  return (
    <div className="markdown">
      <CiteContext.Provider value={{ byN, claimAt, onOpen }}>
        <ReactMarkdown
          remarkPlugins={[remarkGfm]}
          rehypePlugins={[rehypeSanitize, rehypeClaimMarks({ marks, source: parsed.text })]}
          components={COMPONENTS}
          skipHtml
        >
          {parsed.text}
        </ReactMarkdown>
      </CiteContext.Provider>
    </div>
  );
}
