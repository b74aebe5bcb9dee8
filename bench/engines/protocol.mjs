// Child side of the bench protocol: one JSON command per stdin line, one JSON reply per stdout line.
// Every engine runs in its own process so its peak RSS and load time are its own.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Parses `--model DIR --threads N --workloads FILE [--name value ...]` and serves run/stats commands with the
 * engine `load(dir, threads, args)` returns (args: every --name value pair, for an engine's own variants).
 */
export async function serve(load) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, a) => (i % 2 ? acc : [...acc, [a[i].replace(/^--/, ''), a[i + 1]]]), []));
  const threads = Number(args.threads);
  const workloads = JSON.parse(readFileSync(args.workloads, 'utf8'));
  const t0 = process.hrtime.bigint();
  const engine = await load(args.model, threads, args);
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const reply = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  reply({ ready: true, loadMs, version: engine.version ?? null, kernel: engine.kernel ?? null, rssAfterLoadKB: Math.round(process.memoryUsage().rss / 1024) });
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line);
    if (cmd.cmd === 'run') {
      const w = workloads[cmd.workload];
      const s = process.hrtime.bigint();
      const scores = await engine.score(w.pairs, cmd.batchSize);
      const ms = Number(process.hrtime.bigint() - s) / 1e6;
      reply({ ms, scores: cmd.wantScores ? Array.from(scores, Number) : undefined });
    } else if (cmd.cmd === 'stats') {
      // ru_maxrss in KB on Linux: the process's lifetime peak, i.e. load + all workloads.
      reply({ peakRssKB: process.resourceUsage().maxRSS });
    } else if (cmd.cmd === 'exit') {
      if (engine.dispose) await engine.dispose();
      process.exit(0);
    }
  }
}

/** Splits pairs into consecutive chunks of `size` (every engine batches the same way: pad within a chunk). */
export function chunks(pairs, size) {
  const out = [];
  for (let i = 0; i < pairs.length; i += size) out.push(pairs.slice(i, i + size));
  return out;
}
