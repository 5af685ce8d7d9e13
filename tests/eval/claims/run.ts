/**
 * `npm run eval:claims`: the claim checker over the hand-written table (pairs.json). Prints accuracy, precision
 * and recall on `unsupported`, accuracy per language, the confusion matrix (rows expected, columns given) and
 * every miss with the checker's reason. `--json` prints the metrics as JSON. Exit code 1 below the targets
 * (accuracy 0.9, unsupported precision 0.95).
 */
import { CLAIM_VERDICTS } from '@pagewise/shared';
import { metrics, runTable } from './table.js';

const results = await runTable();
const m = metrics(results);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(m, null, 2));
} else {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`claims: ${m.n}`);
  console.log(`accuracy: ${m.accuracy.toFixed(3)} (${pct(m.accuracy)})`);
  console.log(`unsupported precision: ${m.unsupportedPrecision.toFixed(3)}   recall: ${m.unsupportedRecall.toFixed(3)}`);
  for (const [lang, l] of Object.entries(m.byLang)) console.log(`  ${lang}: ${l.n} claims, accuracy ${l.accuracy.toFixed(3)}`);
  const cols = [...CLAIM_VERDICTS, 'none'] as const;
  console.log(`\nconfusion (rows: expected, columns: checker)\n${'expected'.padEnd(12)}${cols.map((c) => c.padStart(12)).join('')}`);
  for (const e of CLAIM_VERDICTS) console.log(`${e.padEnd(12)}${cols.map((c) => String(m.confusion[e][c]).padStart(12)).join('')}`);
  const misses = results.filter((r) => r.got !== r.expected);
  if (misses.length) console.log('\nmisses:');
  for (const r of misses) console.log(`  #${r.id} [${r.lang}] expected ${r.expected}, got ${r.got} (${r.reason}): ${r.claim}${r.note ? `  — ${r.note}` : ''}`);
}
process.exitCode = m.accuracy >= 0.9 && m.unsupportedPrecision >= 0.95 ? 0 : 1;
