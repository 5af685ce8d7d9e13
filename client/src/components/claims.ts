/**
 * The claim check in the rendered answer: claims the server found unsupported, uncited or only partly supported
 * are wrapped in marked spans whose title says why, and each claim's citation chips know its supporting span.
 * Claims carry offsets in the answer text; the rendered tree carries offsets in the markdown actually parsed
 * (the answer with `[n]` turned into chip links), so offsets are mapped between the two. Everything is built as
 * hast nodes after sanitising: no HTML strings anywhere.
 */
import type { Citation, Source, VerifiedClaim } from '@pagewise/shared';
import type { Element, ElementContent, Root, Text } from 'hast';

const MARKER = /\[(\d{1,3})\](?![(:[])/g;

/** Bare `[n]` markers become links to `#cite-n` (rendered as chips), with a map back to answer offsets. */
export function linkCitationsMapped(text: string): { text: string; toAnswer: (offset: number) => number; toParsed: (offset: number) => number } {
  const edits: { at: number; from: number; to: number; len: number }[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    out += text.slice(last, m.index);
    const link = `[\\[${m[1]}\\]](#cite-${m[1]})`;
    edits.push({ at: out.length, from: m.index, to: m.index + m[0].length, len: link.length });
    out += link;
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  const toAnswer = (offset: number) => {
    let delta = 0;
    for (const e of edits) {
      if (offset < e.at) break;
      if (offset < e.at + e.len) return e.from;
      delta += e.len - (e.to - e.from);
    }
    return offset - delta;
  };
  const toParsed = (offset: number) => {
    let delta = 0;
    for (const e of edits) {
      if (offset <= e.from) break;
      if (offset < e.to) return e.at;
      delta += e.len - (e.to - e.from);
    }
    return offset + delta;
  };
  return { text: out, toAnswer, toParsed };
}

const digits = (s: string) => s.normalize('NFKC').replace(/[^\d]/g, '');

/** Why a claim is marked, in words ("the number 999,999,999 is not in passage 2"). */
export function claimReason(claim: VerifiedClaim, byN: Map<number, Source | Citation>): string {
  const ns = claim.citations.join(', ');
  const where = `passage${claim.citations.length > 1 ? 's' : ''} ${ns}`;
  if (claim.verdict === 'uncited') return 'No passage is cited for this sentence.';
  if (claim.verdict === 'partial') return `Only partly supported by ${where}.`;
  if (claim.verdict === 'supported') return `Supported by passage ${claim.support?.citation ?? ns}.`;
  const passageNumbers = new Set(
    claim.citations.flatMap((n) => (byN.get(n)?.text.normalize('NFKC').match(/\d[\d,.'’ ]*\d|\d/g) ?? []).map(digits)),
  );
  const plain = claim.text.replace(/\[\d{1,3}\]/g, ' ').normalize('NFKC');
  const missing = (plain.match(/\d(?:[\d,.'’]*\d)?/g) ?? []).find((n) => !passageNumbers.has(digits(n)) && ![...passageNumbers].some((p) => p.startsWith(digits(n))));
  if (missing) return `Not supported: the number ${missing} is not in ${where}.`;
  return `Not supported: ${where} ${claim.citations.length > 1 ? 'do' : 'does'} not say this.`;
}

export interface ClaimMark {
  /** Offsets in the parsed markdown. */
  start: number;
  end: number;
  claim: VerifiedClaim;
  title: string;
}

function flagElement(mark: ClaimMark, children: ElementContent[]): Element {
  return {
    type: 'element',
    tagName: 'span',
    properties: { className: ['claim-flag', `claim-${mark.claim.verdict}`], title: mark.title, dataClaim: mark.claim.index, dataVerdict: mark.claim.verdict },
    children,
  };
}

/** A text node cut at the marks' edges, the covered parts wrapped. `source` is the parsed markdown. */
function splitText(node: Text, marks: ClaimMark[], source: string): ElementContent[] {
  const a = node.position?.start.offset;
  const b = node.position?.end.offset;
  if (a === undefined || b === undefined) return [node];
  const hit = marks.filter((m) => m.start < b && m.end > a);
  if (!hit.length) return [node];
  // Escapes or entities make the source differ from the text: wrap the whole node in the claim it mostly belongs to.
  if (source.slice(a, b) !== node.value) {
    const mid = (a + b) / 2;
    const m = hit.find((x) => x.start <= mid && mid < x.end);
    return m ? [flagElement(m, [node])] : [node];
  }
  const out: ElementContent[] = [];
  let pos = a;
  for (const m of hit) {
    const s = Math.max(a, m.start);
    const e = Math.min(b, m.end);
    if (s > pos) out.push({ type: 'text', value: node.value.slice(pos - a, s - a) });
    out.push(flagElement(m, [{ type: 'text', value: node.value.slice(s - a, e - a) }]));
    pos = e;
  }
  if (pos < b) out.push({ type: 'text', value: node.value.slice(pos - a) });
  return out;
}

/** The rehype plugin: wraps the text of marked claims, leaving citation chips and code alone. */
export function rehypeClaimMarks(opts: { marks: ClaimMark[]; source: string }) {
  return () => (tree: Root) => {
    if (!opts.marks.length) return;
    const walk = (parent: Root | Element) => {
      const children: (Root['children'][number] | ElementContent)[] = [];
      for (const child of parent.children) {
        if (child.type === 'text') children.push(...splitText(child, opts.marks, opts.source));
        else {
          if (child.type === 'element' && child.tagName !== 'a' && child.tagName !== 'code' && child.tagName !== 'pre') walk(child);
          children.push(child);
        }
      }
      parent.children = children as typeof parent.children;
    };
    walk(tree);
  };
}
