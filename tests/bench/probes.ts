/** What the benchmarks watch while they run: child processes' CPU, this process's memory, the server's latency. */
import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU-seconds (user + system) used by this process's children that have exited and been reaped (Linux:
 * cutime and cstime of /proc/self/stat); a child's CPU counts here once it is gone.
 */
export function childCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of the whole line: 14 and 15 counted from the state field (3).
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** Resolves once this process has no child process left (up to `timeoutMs`), so their CPU has been counted. */
export async function waitForChildren(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const file = `/proc/self/task/${process.pid}/children`;
  while (Date.now() < deadline) {
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8').trim() === '') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(t), peak / 1048576) };
}

/** Asks `url` every 100 ms, one request at a time; `stop` returns each request's latency in ms. */
export function sampleHealth(url: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(url)).arrayBuffer();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}
