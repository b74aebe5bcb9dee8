// `npm run bench:serve` (in-process part): concurrent rank() calls through the scheduler vs the same calls awaited
// one by one, latency percentiles by concurrency, bitwise equality with each call scored alone, overload-rejection
// and cancel latency, event-loop delay while saturated. Needs the built dist/ (npm run build:ts) and the addon.
// Usage: node bench/serve/in-process.mjs [--rounds 5] [--threads 2] [--calls 64] [--max-batch-tokens 2048] [--model dir]
//        [--precision fp32|bf16|int8] (the FLOP rows compare with the fp32 FMA peak, so they are printed for fp32 only)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { measurePeak } from '../peak.mjs';
import { pairFlops } from '../workloads.mjs';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { CrossEncoder } = require(path.join(REPO, 'dist/cjs/index.js'));

function parseArgs(argv) {
  const o = { rounds: 5, threads: 2, calls: 64, maxBatchTokens: 2048, precision: 'fp32', model: path.join(REPO, 'test/.cache/models/minilm-ce') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--calls') o.calls = Number(argv[++i]);
    else if (a === '--model') o.model = argv[++i];
    else if (a === '--max-batch-tokens') o.maxBatchTokens = Number(argv[++i]);
    else if (a === '--precision') o.precision = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// Deterministic English-like text: a passage of 22 words is ~30 WordPiece tokens.
const WORDS = ('the city river museum population station history library winter market bridge school garden ' +
  'council harbour festival railway university district century castle island mountain village').split(' ');
function text(words, seed) {
  let state = seed * 2654435761 % 4294967296;
  const out = [];
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[state % WORDS.length]);
  }
  return out.join(' ');
}
const requestFor = (i) => ({ query: `what about ${text(5, i)}?`, documents: [0, 1, 2, 3].map((d) => text(22, i * 4 + d + 1)) });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const byCorpus = (ranked) => ranked.slice().sort((x, y) => x.corpusId - y.corpusId).map((r) => r.score);

// CPU time of this process (all its threads) in ms: on a shared machine, the work a mode costs, whatever share
// of the cores it got.
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function oneByOne(model, requests) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = [];
  for (const r of requests) results.push(await model.rank(r.query, r.documents));
  return { ms: performance.now() - start, cpu: cpuMs(cpu), results };
}

async function concurrent(model, requests) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = await Promise.all(requests.map((r) => model.rank(r.query, r.documents)));
  return { ms: performance.now() - start, cpu: cpuMs(cpu), results };
}

// Event-loop delay p99 (ms) over `ms` of an idle loop: the machine's own noise floor.
async function idleLoopDelayP99(ms) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  return histogram.percentile(99) / 1e6;
}

// `concurrency` closed-loop clients, `perClient` calls each; per-call latencies.
async function latencies(model, requests, concurrency, perClient) {
  const out = [];
  await Promise.all(Array.from({ length: concurrency }, async (_, c) => {
    for (let k = 0; k < perClient; k++) {
      const r = requests[(c * perClient + k) % requests.length];
      const start = performance.now();
      await model.rank(r.query, r.documents);
      out.push(performance.now() - start);
    }
  }));
  return out;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const loadavgStart = os.loadavg();
  const model = await CrossEncoder.load(o.model, { threads: o.threads, maxBatchTokens: o.maxBatchTokens, precision: o.precision });
  const requests = Array.from({ length: o.calls }, (_, i) => requestFor(i));
  const pairTokens = requests.flatMap((r) => r.documents.map((d) => model.tokenize(r.query, d).inputIds.length));
  const tokens = pairTokens.slice(0, 16);
  // The model FLOPs of one round (the 64 calls' real token counts, as `npm run bench` counts them), to state
  // each mode's GFLOP/s against the measured fp32 FMA peak: how far batching across calls can go on this CPU.
  const config = JSON.parse(readFileSync(path.join(o.model, 'config.json'), 'utf8'));
  const roundFlops = pairTokens.reduce((sum, n) => sum + pairFlops(n, config), 0);
  const peakGflops = measurePeak(o.threads, path.join(REPO, 'build', 'bench')).gflops[String(o.threads)];
  console.log(`model ${o.model}, ${o.threads} threads, maxBatchTokens ${o.maxBatchTokens}, ${o.calls} calls x 4 passages, ~${Math.round(median(tokens))} tokens/pair, ` +
    `kernel ${model.gemmKernel}`);

  // Warm-up, and each call scored alone: the reference every concurrent score must equal bitwise.
  const alone = (await oneByOne(model, requests)).results.map(byCorpus);
  let mismatches = 0;
  const sequentialMs = [];
  const concurrentMs = [];
  const sequentialCpu = [];
  const concurrentCpu = [];
  for (let round = 0; round < o.rounds; round++) {
    // Alternate which goes first: the machine is shared and noisy.
    const order = round % 2 === 0 ? ['seq', 'conc'] : ['conc', 'seq'];
    for (const kind of order) {
      const run = kind === 'seq' ? await oneByOne(model, requests) : await concurrent(model, requests);
      (kind === 'seq' ? sequentialMs : concurrentMs).push(run.ms);
      (kind === 'seq' ? sequentialCpu : concurrentCpu).push(run.cpu);
      run.results.forEach((ranked, i) => {
        const scores = byCorpus(ranked);
        if (scores.some((s, d) => !Object.is(s, alone[i][d]))) mismatches++;
      });
    }
  }

  const idleDelayP99 = await idleLoopDelayP99(2000);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const latencyRows = [];
  for (const concurrency of [1, 8, 64]) {
    if (concurrency === 64) histogram.enable();
    const perClient = concurrency === 1 ? 64 : Math.max(4, Math.ceil(256 / concurrency));
    const ms = await latencies(model, requests, concurrency, perClient);
    if (concurrency === 64) histogram.disable();
    latencyRows.push({ concurrency, calls: ms.length, p50: median(ms), p99: percentile(ms, 99) });
  }
  const loopDelayP99 = histogram.percentile(99) / 1e6;

  // Overload: a model whose queue holds one saturating wave; further calls are refused whole, at once.
  const small = await CrossEncoder.load(o.model, { threads: o.threads, maxQueuedPairs: o.calls * 4, precision: o.precision });
  const rejectionMs = [];
  const cancelMs = [];
  for (let round = 0; round < 5; round++) {
    const wave = requests.map((r) => small.rank(r.query, r.documents));
    for (let k = 0; k < 10; k++) {
      const start = performance.now();
      await small.rank(requests[k].query, requests[k].documents).then(
        () => { throw new Error('a call beyond maxQueuedPairs was admitted'); },
        (error) => { if (error.code !== 'ERR_OVERLOADED') throw error; });
      rejectionMs.push(performance.now() - start);
    }
    await Promise.all(wave);
  }
  // Cancel: a call queued behind a saturating wave, aborted. abort() ends the native call synchronously, so the
  // time abort() takes is the time its pairs take to leave the queue; then the time until the rejection.
  const removeMs = [];
  let notRemoved = 0;
  for (let round = 0; round < 10; round++) {
    const wave = requests.slice(0, 32).map((r) => model.rank(r.query, r.documents));
    const controller = new AbortController();
    const victim = model.rank(requests[40].query, requests[40].documents, { signal: controller.signal });
    const queuedBefore = model.stats().queuedPairs;
    const start = performance.now();
    controller.abort();
    removeMs.push(performance.now() - start);
    if (queuedBefore - model.stats().queuedPairs < 4) notRemoved++;
    await victim.catch(() => {});
    cancelMs.push(performance.now() - start);
    await Promise.all(wave);
  }
  await small.dispose();

  const seq = median(sequentialMs);
  const conc = median(concurrentMs);
  const rows = [
    ['64 calls one by one (median ms)', seq.toFixed(1)],
    ['64 calls concurrent (median ms)', conc.toFixed(1)],
    ['speed-up (target >= 1.8x)', `${(seq / conc).toFixed(2)}x`],
    ['rounds (seq ms)', sequentialMs.map((x) => x.toFixed(0)).join(' ')],
    ['rounds (conc ms)', concurrentMs.map((x) => x.toFixed(0)).join(' ')],
    ['CPU ms of the process, one by one / concurrent (medians)', `${median(sequentialCpu).toFixed(0)} / ${median(concurrentCpu).toFixed(0)}`],
    ...(o.precision !== 'fp32' ? [] : [['one by one', seq], ['concurrent', conc]].map(([mode, ms]) => {
      const gflops = roundFlops / (ms / 1e3) / 1e9;
      return [`model GFLOP/s ${mode} (% of the measured fp32 FMA peak, ${peakGflops.toFixed(1)})`, `${gflops.toFixed(1)} (${(100 * gflops / peakGflops).toFixed(0)}%)`];
    })),
    ...(o.precision !== 'fp32' ? [] : [
      ['speed-up over one by one if concurrent calls ran at 100% of that peak', `${(seq / (roundFlops / (peakGflops * 1e9) * 1e3)).toFixed(2)}x`]]),
    ['scores not bitwise equal to alone', String(mismatches)],
    ...latencyRows.map((r) => [`latency c=${r.concurrency} (${r.calls} calls) p50 / p99 ms`, `${r.p50.toFixed(2)} / ${r.p99.toFixed(2)}`]),
    ['event-loop delay p99 at c=64 (target <= 5 ms)', loopDelayP99.toFixed(2)],
    ['event-loop delay p99 idle, 2 s (the machine\'s floor)', idleDelayP99.toFixed(2)],
    ['overload rejection median ms (target <= 1)', median(rejectionMs).toFixed(3)],
    ['abort of a queued call: pairs off the queue, median ms', `${median(removeMs).toFixed(3)} (not removed: ${notRemoved}/10)`],
    ['abort of a queued call: to the rejection, median ms', median(cancelMs).toFixed(3)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
  const stats = model.stats();
  console.log(`stats: ${JSON.stringify(stats)}`);
  // Saved for BENCHMARKS.md (bench/report.mjs renders it; bench/serve/run.mjs rewrites the file).
  const summary = `Model ${path.basename(o.model)}, ${o.precision}, ${o.threads} threads, maxBatchTokens ${o.maxBatchTokens}, ${o.calls} calls x 4 passages, ` +
    `${o.rounds} rounds; GEMM kernel ${model.gemmKernel}.`;
  mkdirSync(path.join(REPO, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(REPO, 'bench', 'results', 'latest-serve-in-process.json'), `${JSON.stringify({
    startedAt, finishedAt: new Date().toISOString(), loadavgStart, loadavgEnd: os.loadavg(),
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.availableParallelism()} logical CPUs)`, summary, rows, stats,
  }, null, 2)}\n`);
  await model.dispose();
  if (mismatches > 0) process.exitCode = 1;
}

await main();
