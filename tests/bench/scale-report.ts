/** The scale benchmark's table: one row per library size, then each cost's growth from the first size to the last. */
import type { ScaleRow } from './scale.js';

const f = (x: number, d = 0) => x.toFixed(d);

export function scaleTable(title: string, rows: ScaleRow[]): string {
  const head = [
    `${title}`,
    '| chunks | search p50 / p95 | 8 clients p50 / throughput | extractive chat p50 | RSS main / all | per 1k chunks (main) | DATA_DIR | shutdown | restart to first search | health p99 / max while ingesting | list max | unique-word hit@1 | load |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const body = rows.map(
    (r) =>
      `| ${r.chunks} | ${f(r.searchP50, 1)} / ${f(r.searchP95, 1)} ms | ${f(r.concP50, 1)} ms / ${f(r.concQps, 1)} q/s | ${f(r.chatP50, 1)} ms | ` +
      `${f(r.rssMain)} / ${f(r.rssAll)} MB | ${f((r.rssMain / r.chunks) * 1000, 2)} MB | ${f(r.dataMb)} MB | ${f(r.shutdownMs)} ms | ${f(r.restartMs)} ms | ` +
      `${r.healthMax ? `${f(r.healthP99, 1)} / ${f(r.healthMax)} ms` : '—'} | ${r.listMax ? `${f(r.listMax)} ms` : '—'} | ${f(r.hit1, 2)} | ${f(r.load ?? 0, 1)} |`,
  );
  return [...head, ...body, growth(rows)].join('\n');
}

/** Each cost's ratio and exponent from the first size to the last (cost ∝ chunks^exponent; 1 = linear). */
function growth(rows: ScaleRow[]): string {
  if (rows.length < 2) return '';
  const a = rows[0]!;
  const b = rows[rows.length - 1]!;
  const keys: [keyof ScaleRow, string][] = [
    ['searchP50', 'search p50'],
    ['searchP95', 'search p95'],
    ['concP50', '8-client p50'],
    ['chatP50', 'chat p50'],
    ['rssMain', 'RSS main'],
    ['dataMb', 'DATA_DIR'],
    ['restartMs', 'restart'],
  ];
  const parts = keys.map(([k, name]) => {
    const ratio = (b[k] as number) / (a[k] as number);
    return `${name} ×${f(ratio, 2)} (exp ${f(Math.log(ratio) / Math.log(b.chunks / a.chunks), 2)})`;
  });
  const perChunk = ((b.rssMain - a.rssMain) / (b.chunks - a.chunks)) * 1000;
  return `growth ${a.chunks} → ${b.chunks} chunks: ${parts.join(', ')}; main RSS slope ${f(perChunk, 2)} MB per 1,000 chunks`;
}
