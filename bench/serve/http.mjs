// HTTP benchmark of `cross-encoder serve` on loopback (autocannon, programmatic, bounded in time): saturation
// throughput against the in-process library on the same requests, p50/p99 latency at 50% and 90% of that
// capacity (open loop: overallRate), and a burst at 3x capacity that may answer only 200 or 429 (with
// Retry-After), with no 5xx and no timeouts, after which the queue must drain to 0.
// Usage: node bench/serve/http.mjs [--model dir|demo] [--threads 1] [--docs 20] [--duration 5] [--connections 16]
//                                  [--max-queued-pairs n (default: 2 x docs x connections)]
// Needs dist/ (npm run build:ts). Writes build/bench/serve-http.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import autocannon from 'autocannon';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MINILM = path.join(REPO, 'test/.cache/models/minilm-ce');
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const o = { model: existsSync(MINILM) ? MINILM : 'demo', threads: 1, docs: 20, duration: 5, connections: 16, 'max-queued-pairs': 0 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]?.replace(/^--/, '');
    if (!(key in o)) throw new Error(`bench:serve: unknown argument ${argv[i]}`);
    const value = argv[++i];
    o[key] = key === 'model' ? value : Number(value);
    if (key !== 'model' && !(Number.isInteger(o[key]) && o[key] >= 1)) throw new Error(`bench:serve: --${key} must be a positive integer`);
  }
  // Twice what the saturation phase's connections can have queued: no 429 there, and the 3x burst overflows it.
  if (o['max-queued-pairs'] === 0) o['max-queued-pairs'] = 2 * o.docs * o.connections;
  return o;
}

/** The same request every time: one query and `count` passages of ~60 tokens (a RAG rerank of top-k chunks). */
function workload(count) {
  const query = 'how do I configure a reverse proxy with TLS termination';
  const texts = Array.from({ length: count }, (_, i) =>
    `Passage ${i}: the web server forwards requests to the application backend, terminates TLS with the ` +
    `certificate configured in the site file, and caches static assets for ${i + 1} minutes before revalidating them.`);
  return { query, texts };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The library in this process, `connections` calls kept in flight for `duration` s: requests per second, and
 * whether the library has the request scheduler (queue limit, stats).
 */
async function inProcessThroughput(o, request) {
  const { CrossEncoder } = require(path.join(REPO, 'dist/cjs/index.js'));
  const model = await CrossEncoder.load(o.model, { threads: o.threads });
  const scheduler = typeof model.stats === 'function';
  try {
    await model.rank(request.query, request.texts, { activation: 'sigmoid' });
    const end = performance.now() + o.duration * 1000;
    let done = 0;
    const worker = async () => {
      while (performance.now() < end) {
        await model.rank(request.query, request.texts, { activation: 'sigmoid' });
        done++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: o.connections }, worker));
    return { rps: done / ((performance.now() - start) / 1000), scheduler };
  } finally {
    await model.dispose();
  }
}

async function startServer(o, port, scheduler) {
  const args = [path.join(REPO, 'dist/cjs/cli/main.js'), 'serve', '--model', o.model, '--port', String(port), '--threads', String(o.threads), '--log-level', 'warn', '--no-docs'];
  // A library without the scheduler refuses the option (and has no queue limit: a burst is all 200, slowly).
  if (scheduler) args.push('--max-queued-pairs', String(o['max-queued-pairs']));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`bench:serve: the server exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/ready`).then((r) => r.status === 200, () => false);
    if (ready) return { child, base };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error('bench:serve: the server was not ready within 120 s');
}

/** One autocannon run; counts statuses, 429s without Retry-After, errors and timeouts. */
async function load(base, body, options) {
  let missingRetryAfter = 0;
  const result = await autocannon({
    url: `${base}/rerank`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    timeout: 30,
    ...options,
    requests: [{
      onResponse(status, _body, _context, headers) {
        // autocannon passes the raw header list [name, value, name, value, ...] or an object, by version.
        const names = Array.isArray(headers) ? headers.filter((_, i) => i % 2 === 0).map(String) : Object.keys(headers ?? {});
        if (status === 429 && !names.some((n) => n.toLowerCase() === 'retry-after')) missingRetryAfter++;
      },
    }],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  return {
    // Completed requests over the run, not autocannon's mean of per-second samples (coarse at a few req/s).
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    missingRetryAfter,
  };
}

async function queuedPairs(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /^cross_encoder_queued_pairs (\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export async function runHttpBench(argv = []) {
  const o = parseArgs(argv);
  if (!existsSync(path.join(REPO, 'dist/cjs/server/index.js'))) throw new Error('bench:serve: dist/ is missing or stale; run npm run build:ts');
  const request = workload(o.docs);
  const body = JSON.stringify(request);
  console.log(`bench:serve: model ${path.basename(o.model)}, ${o.threads} thread(s), ${o.docs} passages per request, ${o.duration} s per phase`);

  const { rps: inProcess, scheduler } = await inProcessThroughput(o, request);
  console.log(`  in-process library, ${o.connections} calls in flight: ${inProcess.toFixed(1)} req/s` +
    (scheduler ? `; server queue limit ${o['max-queued-pairs']} pairs` : '; library without the request scheduler (no queue limit)'));

  const { child, base } = await startServer(o, await freePort(), scheduler);
  const phases = {};
  try {
    await load(base, body, { connections: 2, amount: 10 });
    phases.saturation = await load(base, body, { connections: o.connections, duration: o.duration });
    const capacity = phases.saturation.rps;
    console.log(`  HTTP at saturation (${o.connections} connections): ${capacity.toFixed(1)} req/s = ${(100 * capacity / inProcess).toFixed(1)}% of in-process`);
    for (const share of [0.5, 0.9]) {
      const rate = Math.max(1, Math.round(capacity * share));
      const phase = await load(base, body, { connections: 64, overallRate: rate, duration: o.duration });
      phases[`rate${share * 100}`] = { rate, ...phase };
      console.log(`  open loop at ${share * 100}% (${rate} req/s): p50 ${phase.p50} ms, p99 ${phase.p99} ms`);
    }
    const burstRate = Math.max(3, Math.round(capacity * 3));
    phases.burst = { rate: burstRate, ...(await load(base, body, { connections: 256, overallRate: burstRate, duration: o.duration })) };
    let queued;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      queued = await queuedPairs(base);
      if (!queued) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    phases.burst.queuedPairsAfter = queued ?? null;
    const burst = phases.burst;
    const bad = Object.keys(burst.statuses).filter((code) => code !== '200' && code !== '429');
    console.log(`  burst at 3x (${burstRate} req/s): statuses ${JSON.stringify(burst.statuses)}, errors ${burst.errors}, timeouts ${burst.timeouts}, ` +
      `429 without Retry-After ${burst.missingRetryAfter}, queued pairs after ${queued ?? 'n/a (library without stats)'}`);
    const verdicts = {
      throughputAtLeast90: capacity >= 0.9 * inProcess,
      burstOnly200or429: bad.length === 0 && burst.errors === 0 && burst.timeouts === 0 && burst.missingRetryAfter === 0,
      queueDrained: queued === undefined || queued === 0,
    };
    console.log(`  verdicts: ${JSON.stringify(verdicts)}`);
    const out = path.join(REPO, 'build/bench');
    mkdirSync(out, { recursive: true });
    const saved = `${JSON.stringify({ options: o, inProcess, phases, verdicts, date: new Date().toISOString() }, null, 2)}\n`;
    writeFileSync(path.join(out, 'serve-http.json'), saved);
    // Also kept for BENCHMARKS.md (bench/report.mjs renders it; bench/serve/run.mjs rewrites the file).
    mkdirSync(path.join(REPO, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(REPO, 'bench', 'results', 'latest-serve-http.json'), saved);
    return verdicts;
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runHttpBench(process.argv.slice(2));
}
