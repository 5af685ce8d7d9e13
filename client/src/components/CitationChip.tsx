import { collapseLeaders, pageRef, type Source, type VerifiedClaim } from '@pagewise/shared';
import { useLayoutEffect, useRef, useState } from 'react';

type Support = NonNullable<VerifiedClaim['support']>;

/** Gap between the chip and its preview, and between the preview and the edge of the chat area. */
const GAP_PX = 6;
/** Where the preview sits by default: this far left of the chip (CSS `left: -1rem`). */
const DEFAULT_LEFT_PX = -16;

/**
 * Where the preview fits inside the chat's scroll area: above the chip when there is room, else below it
 * (the first message sits right under the top edge), shifted sideways so that it never sticks out.
 */
function placement(chip: DOMRect, box: DOMRect, area: DOMRect): { below: boolean; left: number } {
  const roomAbove = chip.top - area.top;
  const roomBelow = area.bottom - chip.bottom;
  const below = roomAbove < box.height + GAP_PX && roomBelow > roomAbove;
  const start = chip.left + DEFAULT_LEFT_PX;
  const clamped = Math.max(area.left + GAP_PX, Math.min(start, area.right - GAP_PX - box.width));
  return { below, left: DEFAULT_LEFT_PX + (clamped - start) };
}

/**
 * An inline `[n]` chip: hover or focus shows document, page and passage (with a claim's supporting span, that
 * span); click opens the viewer there, highlighting the span when there is one.
 */
export function CitationChip({ source, support, onOpen }: { source: Source; support?: Support; onOpen?: (s: Source, support?: Support) => void }) {
  const where = pageRef(source.page, source.pageLabel);
  const shown = collapseLeaders(support ? support.quote : source.text);
  const [open, setOpen] = useState(false);
  const [place, setPlace] = useState({ below: false, left: DEFAULT_LEFT_PX });
  const wrap = useRef<HTMLSpanElement>(null);
  const preview = useRef<HTMLSpanElement>(null);

  useLayoutEffect(() => {
    if (!open || !wrap.current || !preview.current) return;
    const scrollArea = wrap.current.closest('.messages') ?? document.documentElement;
    const chip = wrap.current.getBoundingClientRect();
    const next = placement(chip, preview.current.getBoundingClientRect(), scrollArea.getBoundingClientRect());
    setPlace((p) => (p.below === next.below && Math.abs(p.left - next.left) < 1 ? p : next));
  }, [open]);

  return (
    <span className={`cite-wrap${open ? ' open' : ''}`} ref={wrap} onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}>
      <button
        type="button"
        className="cite"
        data-cite={source.n}
        data-support={support ? `${support.charStart}-${support.charEnd}` : undefined}
        aria-label={`Source ${source.n}: ${source.documentName}, ${where}`}
        onClick={() => (setOpen(false), onOpen?.(source, support))}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      >
        {source.n}
      </button>
      <span className={`cite-preview${place.below ? ' below' : ''}`} role="tooltip" ref={preview} style={{ left: place.left }}>
        <strong>{source.documentName}</strong> · {where}
        <span className="cite-text">{shown.length > 320 ? `${shown.slice(0, 320)}…` : shown}</span>
      </span>
    </span>
  );
}
