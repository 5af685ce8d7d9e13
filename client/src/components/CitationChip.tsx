import { collapseLeaders, type Source, type VerifiedClaim } from '@pagewise/shared';

type Support = NonNullable<VerifiedClaim['support']>;

/**
 * An inline `[n]` chip: hover or focus shows document, page and passage (with a claim's supporting span, that
 * span); click opens the viewer there, highlighting the span when there is one.
 */
export function CitationChip({ source, support, onOpen }: { source: Source; support?: Support; onOpen?: (s: Source, support?: Support) => void }) {
  const page = source.pageLabel && source.pageLabel !== String(source.page) ? `${source.page} (${source.pageLabel})` : String(source.page);
  const shown = collapseLeaders(support ? support.quote : source.text);
  return (
    <span className="cite-wrap">
      <button
        type="button"
        className="cite"
        data-cite={source.n}
        data-support={support ? `${support.charStart}-${support.charEnd}` : undefined}
        aria-label={`Source ${source.n}: ${source.documentName}, page ${page}`}
        onClick={() => onOpen?.(source, support)}
      >
        {source.n}
      </button>
      <span className="cite-preview" role="tooltip">
        <strong>{source.documentName}</strong> · page {page}
        <span className="cite-text">{shown.length > 320 ? `${shown.slice(0, 320)}…` : shown}</span>
      </span>
    </span>
  );
}
