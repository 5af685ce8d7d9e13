import type { Source } from '@pagewise/shared';

/** An inline `[n]` chip: hover or focus shows document, page and passage; click opens the viewer there. */
export function CitationChip({ source, onOpen }: { source: Source; onOpen?: (s: Source) => void }) {
  const page = source.pageLabel && source.pageLabel !== String(source.page) ? `${source.page} (${source.pageLabel})` : String(source.page);
  return (
    <span className="cite-wrap">
      <button
        type="button"
        className="cite"
        data-cite={source.n}
        aria-label={`Source ${source.n}: ${source.documentName}, page ${page}`}
        onClick={() => onOpen?.(source)}
      >
        {source.n}
      </button>
      <span className="cite-preview" role="tooltip">
        <strong>{source.documentName}</strong> · page {page}
        <span className="cite-text">{source.text.length > 320 ? `${source.text.slice(0, 320)}…` : source.text}</span>
      </span>
    </span>
  );
}
