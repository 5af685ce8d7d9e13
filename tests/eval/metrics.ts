/** Aggregation for `npm run eval`. */

export interface QuestionResult {
  id: string;
  type: string;
  lang: string;
  tags?: string[];
  ms: number;
  /** 1-based rank of the first result from a gold document; null when none in the results. */
  docRank: number | null;
  /** 1-based rank of the first result on a gold page; null when none; undefined when no gold pages. */
  pageRank?: number | null;
  evidenceAny?: boolean;
  evidenceAll?: boolean;
  top: string[];
}

export interface GroupSummary {
  group: string;
  n: number;
  docHit5: number;
  pageHit1: number | null;
  pageHit5: number | null;
  pageHit10: number | null;
  mrr: number | null;
  evidenceN: number;
  evidenceAny5: number | null;
  evidenceAll5: number | null;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

function group(name: string, rs: QuestionResult[]): GroupSummary {
  const share = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : null);
  const paged = rs.filter((r) => r.pageRank !== undefined);
  const ev = rs.filter((r) => r.evidenceAny !== undefined);
  return {
    group: name,
    n: rs.length,
    docHit5: share(rs.map((r) => r.docRank !== null && r.docRank <= 5)) ?? 0,
    pageHit1: share(paged.map((r) => r.pageRank != null && r.pageRank <= 1)),
    pageHit5: share(paged.map((r) => r.pageRank != null && r.pageRank <= 5)),
    pageHit10: share(paged.map((r) => r.pageRank != null && r.pageRank <= 10)),
    mrr: paged.length ? paged.reduce((a, r) => a + (r.pageRank ? 1 / r.pageRank : 0), 0) / paged.length : null,
    evidenceN: ev.length,
    evidenceAny5: share(ev.map((r) => Boolean(r.evidenceAny))),
    evidenceAll5: share(ev.map((r) => Boolean(r.evidenceAll))),
  };
}

export function summarize(results: QuestionResult[]) {
  const groups: GroupSummary[] = [group('all', results)];
  for (const key of ['type', 'lang'] as const) {
    const values = [...new Set(results.map((r) => r[key]))].sort();
    if (values.length < 2 && key === 'lang') continue;
    for (const v of values) groups.push(group(`${key}:${v}`, results.filter((r) => r[key] === v)));
  }
  // A question may carry several tags, so these groups overlap each other and the ones above.
  for (const tag of [...new Set(results.flatMap((r) => r.tags ?? []))].sort()) {
    groups.push(group(`tag:${tag}`, results.filter((r) => r.tags?.includes(tag))));
  }
  const ms = results.map((r) => r.ms);
  return { groups, latency: { p50: percentile(ms, 50), p95: percentile(ms, 95) } };
}
