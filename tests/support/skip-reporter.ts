/**
 * Names every skipped suite on a line of its own at the end of a run, with the reason the suite gave
 * (`ctx.skip(reason)`): the default reporter only counts skipped tests.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const m of modules) {
      const byReason = new Map<string, string[]>();
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state !== 'skipped') continue;
        const reason = r.note ?? 'skipped in the source (no reason given)';
        byReason.set(reason, [...(byReason.get(reason) ?? []), t.fullName]);
      }
      for (const [reason, names] of byReason) {
        const suite = names[0]!.includes(' > ') ? names[0]!.slice(0, names[0]!.lastIndexOf(' > ')) : '';
        const oneSuite = suite !== '' && names.every((n) => n.startsWith(`${suite} > `));
        const what = names.length === 1 ? `"${names[0]}"` : oneSuite ? `${names.length} tests of "${suite}"` : `${names.length} tests ("${names[0]}", …)`;
        lines.push(`SKIPPED ${m.relativeModuleId} — ${what}: ${reason}`);
      }
    }
    if (lines.length) process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
