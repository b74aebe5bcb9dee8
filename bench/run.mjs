// `npm run bench`: our engine (fp32, bf16, int8) vs onnxruntime-node (fp32 and dynamically quantised int8),
// transformers.js and sentence-transformers, in one run, interleaved call by call, at 1 and 2 threads; prints a
// table, writes bench/results/latest.json + BENCHMARKS.md.
// Usage: node bench/run.mjs [--reps N] [--threads 1,2] [--engines ours,ours-bf16,ours-int8,ort,ort-int8,transformersjs,st]
//                           [--workloads berlin10,ms100,b32x128,single32] [--settle-ms 150] [--no-md]
//                           [--model minilm-ce|xlmr-base]
// --model xlmr-base: an XLM-R-base-shaped random-weight model (tools/reference/make_bench_models.py, generated on
// first use into test/.cache/models/); its results go to bench/results/latest-xlmr-base.json, not BENCHMARKS.md.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measurePeak } from './peak.mjs';
import { buildWorkloads, pairFlops } from './workloads.mjs';
import { renderTable, renderMarkdown, renderModelSection, savedServeSection } from './report.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(BENCH);
const BENCH_MODELS = ['minilm-ce', 'xlmr-base'];
let MODEL_NAME = 'minilm-ce';
let MODEL = path.join(REPO, 'test/.cache/models/minilm-ce');
let ONNX = path.join(REPO, 'test/.cache/onnx/minilm-ce');
const OUT = path.join(REPO, 'build/bench');
const BATCH = 32;  // sentence-transformers' default predict batch size; every engine uses it
const require = createRequire(import.meta.url);

// Engine ids: the process script under engines/ and its arguments. Our precisions run the same script.
const ENGINES = {
  ours: { script: 'ours', args: [] },
  'ours-bf16': { script: 'ours', args: ['--precision', 'bf16'] },
  'ours-int8': { script: 'ours', args: ['--precision', 'int8'] },
  ort: { script: 'ort', args: [] },
  'ort-int8': { script: 'ort', args: ['--onnx-file', 'model_int8.onnx'] },
  transformersjs: { script: 'transformersjs', args: [] },
  st: { script: 'st', args: [] },
};
const isOnnxPeer = (engine) => ['ort', 'transformersjs'].includes(ENGINES[engine]?.script);

function parseArgs(argv) {
  const o = { reps: 5, threads: [1, 2], engines: Object.keys(ENGINES), workloads: null, md: true, settleMs: 150 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = Number(argv[++i]);
    else if (a === '--threads') o.threads = argv[++i].split(',').map(Number);
    else if (a === '--engines') o.engines = argv[++i].split(',');
    else if (a === '--workloads') o.workloads = argv[++i].split(',');
    else if (a === '--no-md') o.md = false;
    else if (a === '--settle-ms') o.settleMs = Number(argv[++i]);
    else if (a === '--model') o.model = argv[++i];
    else throw new Error(`bench: unknown argument ${a}`);
  }
  o.model ??= 'minilm-ce';
  if (!BENCH_MODELS.includes(o.model)) throw new Error(`bench: --model must be one of ${BENCH_MODELS.join(', ')}`);
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('bench: --reps must be a positive integer');
  if (!Number.isInteger(o.settleMs) || o.settleMs < 0) throw new Error('bench: --settle-ms must be an integer >= 0');
  if (o.threads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error('bench: --threads must be positive integers, e.g. 1,2');
  const unknown = o.engines.find((e) => !ENGINES[e]);
  if (unknown) throw new Error(`bench: unknown engine ${unknown} (have ${Object.keys(ENGINES).join(', ')})`);
  return o;
}

const log = (...a) => console.error('[bench]', ...a);

/** A Python with torch + sentence-transformers: $CE_BENCH_PYTHON if set (only it), else the repo's .venv; or null. */
function findPython() {
  const candidates = process.env.CE_BENCH_PYTHON ? [process.env.CE_BENCH_PYTHON] : [path.join(REPO, '.venv/bin/python')];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch, sentence_transformers, onnx, onnxscript'], { stdio: 'ignore' });
    if (r.status === 0) return { py, onnx: true };
    const r2 = spawnSync(py, ['-c', 'import torch, sentence_transformers'], { stdio: 'ignore' });
    if (r2.status === 0) return { py, onnx: false };
  }
  return null;
}

function prepare(opts, python) {
  if (!existsSync(path.join(REPO, 'dist/cjs/index.js')) || !existsSync(path.join(REPO, 'build/Release/cross_encoder.node'))) {
    throw new Error('bench: the package is not built; run `npm run compile` first');
  }
  if (!existsSync(path.join(MODEL, 'model.safetensors'))) {
    if (MODEL_NAME === 'minilm-ce') {
      log('building test/.cache/models/minilm-ce (tools/reference/build_minilm_ce.py)');
      execFileSync('python3', [path.join(REPO, 'tools/reference/build_minilm_ce.py')], { stdio: 'inherit' });
    } else {
      if (!python) throw new Error(`bench: ${MODEL} is missing and no Python with torch was found to generate it`);
      log(`generating ${MODEL} (tools/reference/make_bench_models.py)`);
      execFileSync(python.py, [path.join(REPO, 'tools/reference/make_bench_models.py'), MODEL_NAME], { stdio: 'inherit' });
    }
  }
  const peers = opts.engines.filter(isOnnxPeer);
  if (peers.length && !existsSync(path.join(BENCH, 'node_modules/onnxruntime-node'))) {
    // bench/.npmrc skips onnxruntime-node's CUDA download (from nuget, not npm): CPU binaries ship in the package.
    log('installing peer engines into bench/node_modules (npm ci in bench/, pinned by bench/package-lock.json)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH, stdio: 'inherit' });
  }
  const needInt8 = opts.engines.includes('ort-int8') && !existsSync(path.join(ONNX, 'model_int8.onnx'));
  if (peers.length && (!existsSync(path.join(ONNX, 'onnx/model.onnx')) || needInt8)) {
    if (!python?.onnx) throw new Error('bench: test/.cache/onnx/minilm-ce is missing and no Python with torch+onnx+onnxscript was found to export it (pip install -r tools/reference/requirements.txt)');
    log('exporting ONNX (tools/reference/export_onnx.py)');
    execFileSync(python.py, [path.join(REPO, 'tools/reference/export_onnx.py'), '--model', MODEL_NAME], { stdio: 'inherit' });
  }
  mkdirSync(OUT, { recursive: true });
}

function machine() {
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout ?? '';
  const field = (k) => (lscpu.match(new RegExp(`^${k}:\\s*(.+)$`, 'm')) ?? [])[1]?.trim() ?? null;
  const flags = (field('Flags') ?? '').split(' ').filter((f) => /^(avx|fma|f16c|amx)/.test(f));
  return {
    cpu: field('Model name') ?? os.cpus()[0]?.model,
    logicalCpus: os.cpus().length,
    threadsPerCore: Number(field('Thread\\(s\\) per core')) || null,
    simdFlags: flags,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(),
    node: process.version,
  };
}

/** One engine at one thread count in its own process; `call` sends a command and awaits its reply line. */
async function startEngine(engine, threads, wlFile, python) {
  const { script, args: variant } = ENGINES[engine];
  const dir = isOnnxPeer(engine) ? ONNX : MODEL;
  const [cmd, args] = script === 'st'
    ? [python.py, [path.join(BENCH, 'engines/st.py')]]
    : [process.execPath, [path.join(BENCH, `engines/${script}.mjs`)]];
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), TOKENIZERS_PARALLELISM: 'false' };
  const child = spawn(cmd, [...args, '--model', dir, '--threads', String(threads), '--workloads', wlFile, ...variant], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`bench: engine ${engine}@${threads} exited: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return JSON.parse(value);
  };
  const ready = await next();
  return {
    engine, threads, ready, child,
    call: async (o) => { child.stdin.write(JSON.stringify(o) + '\n'); return next(); },
  };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/**
 * Speed ratios of the reduced precisions per workload and thread count (pairs/s over pairs/s): ours bf16 and int8
 * over our fp32, and ours int8 over onnxruntime-node int8.
 */
function precisionRatios(rows) {
  const rate = (engine, threads, workload) => rows.find((r) => r.engine === engine && r.threads === threads && r.workload === workload)?.pairsPerSec;
  const out = [];
  for (const { threads, workload } of rows.filter((r) => r.engine === 'ours')) {
    const ratio = (a, b) => { const x = rate(a, threads, workload); const y = rate(b, threads, workload); return x && y ? x / y : null; };
    out.push({ workload, threads, bf16VsFp32: ratio('ours-bf16', 'ours'), int8VsFp32: ratio('ours-int8', 'ours'), int8VsOrtInt8: ratio('ours-int8', 'ort-int8') });
  }
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  MODEL_NAME = opts.model;
  MODEL = path.join(REPO, 'test/.cache/models', MODEL_NAME);
  ONNX = path.join(REPO, 'test/.cache/onnx', MODEL_NAME);
  if (MODEL_NAME !== 'minilm-ce') opts.md = false;  // BENCHMARKS.md reports MiniLM
  const python = opts.engines.includes('st') || opts.engines.some((e) => e !== 'ours') ? findPython() : null;
  prepare(opts, python);
  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg();

  const { CrossEncoder } = require(path.join(REPO, 'dist/cjs/index.js'));
  const tok = await CrossEncoder.load(MODEL, { threads: 1 });
  const all = buildWorkloads(REPO, (q, p) => tok.tokenize(q, p).inputIds);
  for (const w of opts.workloads ?? []) if (!all[w]) throw new Error(`bench: unknown workload ${w} (have ${Object.keys(all).join(', ')})`);
  const workloads = Object.fromEntries(Object.entries(all).filter(([k]) => !opts.workloads || opts.workloads.includes(k)));
  const cfg = tok.config;
  await tok.dispose();
  const wlFile = path.join(OUT, 'workloads.json');
  writeFileSync(wlFile, JSON.stringify(workloads));

  log('measuring fp32 FMA peak (bench/peak_flops.cpp)');
  const peak = measurePeak(Math.max(...opts.threads), OUT);

  const skipped = [];
  const engines = [];
  for (const threads of opts.threads) {
    for (const engine of opts.engines) {
      if (engine === 'st' && !python) { skipped.push({ engine, threads, reason: 'no Python with torch + sentence-transformers found (set CE_BENCH_PYTHON)' }); continue; }
      log(`loading ${engine} @ ${threads} thread(s)`);
      try { engines.push(await startEngine(engine, threads, wlFile, python)); }
      catch (e) { skipped.push({ engine, threads, reason: e.message }); log(e.message); }
    }
  }

  // Warm-up: one call per engine on the short workloads (first-call allocations, thread start-up); the long
  // ones warm up nothing new and would double the run time.
  for (const name of Object.keys(workloads).filter((k) => workloads[k].pairs.length <= 10)) {
    for (const e of engines) await e.call({ cmd: 'run', workload: name, batchSize: BATCH });
  }

  // Timed: rep-major, then workload, then engine in a rotating order, so drift in machine load hits every
  // engine alike instead of whichever happened to run last.
  // Repetition 0 also returns scores: each peer's max |logit - ours| at the same thread count.
  const times = new Map();
  const agreement = {};
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const name of Object.keys(workloads)) {
      const scores = new Map();
      for (let k = 0; k < engines.length; k++) {
        const e = engines[(k + rep) % engines.length];
        // Settle first: onnxruntime's pool threads keep spinning ~40-50 ms of CPU after a call returns
        // (measured here), which on a 2-vCPU machine would take a core from whichever engine is timed next.
        await new Promise((resolve) => setTimeout(resolve, opts.settleMs));
        const r = await e.call({ cmd: 'run', workload: name, batchSize: BATCH, wantScores: rep === 0 });
        const key = `${e.engine}|${e.threads}|${name}`;
        if (!times.has(key)) times.set(key, []);
        times.get(key).push(r.ms);
        if (r.scores) scores.set(e, r.scores);
      }
      for (const [e, sc] of scores) {
        const ours = [...scores].find(([o]) => o.engine === 'ours' && o.threads === e.threads)?.[1];
        if (!ours || e.engine === 'ours') continue;
        const k = `${e.engine}@${e.threads}`;
        agreement[k] = Math.max(agreement[k] ?? 0, ...sc.map((s, i) => Math.abs(s - ours[i])));
      }
    }
    log(`rep ${rep + 1}/${opts.reps} done`);
  }

  const engineInfo = [];
  for (const e of engines) {
    const s = await e.call({ cmd: 'stats' });
    engineInfo.push({ engine: e.engine, threads: e.threads, version: e.ready.version, kernel: e.ready.kernel ?? null, loadMs: e.ready.loadMs, rssAfterLoadMB: e.ready.rssAfterLoadKB / 1024, peakRssMB: s.peakRssKB / 1024 });
    e.child.stdin.write(JSON.stringify({ cmd: 'exit' }) + '\n');
  }

  const rows = [];
  for (const e of engines) {
    for (const [name, w] of Object.entries(workloads)) {
      const ms = times.get(`${e.engine}|${e.threads}|${name}`);
      const med = median(ms);
      const flops = w.tokens.reduce((a, n) => a + pairFlops(n, cfg), 0);
      const gflops = flops / (med / 1e3) / 1e9;
      rows.push({
        engine: e.engine, threads: e.threads, workload: name, pairs: w.pairs.length, tokens: w.tokens.reduce((a, b) => a + b, 0),
        msMedian: med, msMin: Math.min(...ms), msMax: Math.max(...ms), samples: ms.length,
        pairsPerSec: w.pairs.length / (med / 1e3), gflops, pctPeak: (100 * gflops) / peak.gflops[String(e.threads)],
      });
    }
  }

  let versions = { node: process.version };
  // Which binary "ours" ran: node-gyp-build prefers a local build (build/Release) over prebuilds/.
  versions.addon = path.relative(REPO, require(path.join(REPO, 'dist/cjs/native.js')).nativeAddonPath());
  try { versions.onnxruntimeNode = require(path.join(BENCH, 'node_modules/onnxruntime-node/package.json')).version; } catch {}
  try { versions.transformersjs = require(path.join(BENCH, 'node_modules/@huggingface/transformers/package.json')).version; } catch {}
  const st = engineInfo.find((x) => x.engine === 'st');
  if (st) versions.python = st.version;

  let onnxExportCheck = null;
  try { onnxExportCheck = JSON.parse(readFileSync(path.join(ONNX, 'export_check.json'), 'utf8')); } catch {}
  const result = {
    startedAt, finishedAt: new Date().toISOString(), loadavgStart: loadStart, loadavgEnd: os.loadavg(),
    machine: machine(), versions, peak, batchSize: BATCH, reps: opts.reps, settleMs: opts.settleMs,
    model: { name: MODEL_NAME, layers: cfg.num_hidden_layers, hidden: cfg.hidden_size, intermediate: cfg.intermediate_size },
    workloads: Object.fromEntries(Object.entries(workloads).map(([k, w]) => [k, { title: w.title, pairs: w.pairs.length, tokens: w.tokens }])),
    engines: engineInfo, skipped, onnxExportCheck, agreementMaxAbsVsOurs: agreement, rows,
    precisionRatios: precisionRatios(rows),
  };
  mkdirSync(path.join(BENCH, 'results'), { recursive: true });
  const resultFile = MODEL_NAME === 'minilm-ce' ? 'results/latest.json' : `results/latest-${MODEL_NAME}.json`;
  writeFileSync(path.join(BENCH, resultFile), JSON.stringify(result, null, 2) + '\n');
  console.log(renderTable(result));
  // BENCHMARKS.md = the MiniLM run (results/latest.json) + each other model's latest run as its own section.
  const saved = (file) => { try { return JSON.parse(readFileSync(path.join(BENCH, file), 'utf8')); } catch { return null; } };
  const minilm = MODEL_NAME === 'minilm-ce' ? (opts.md ? result : null) : saved('results/latest.json');
  if (minilm) {
    const others = BENCH_MODELS.filter((m) => m !== 'minilm-ce')
      .map((m) => (m === MODEL_NAME ? result : saved(`results/latest-${m}.json`))).filter(Boolean);
    writeFileSync(path.join(REPO, 'BENCHMARKS.md'), renderMarkdown(minilm) + others.map(renderModelSection).join('') + savedServeSection(BENCH));
  }
  log(`wrote bench/${resultFile}${minilm ? ' and BENCHMARKS.md' : ''}`);
}

main().catch((e) => { console.error(e.message ?? e); process.exit(1); });
