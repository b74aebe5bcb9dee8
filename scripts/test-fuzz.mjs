// test:fuzz: builds the libFuzzer targets of cpp/fuzz/ (clang, ASan + UBSan) in build/fuzz and runs each for a
// short while on its committed seed corpus; any crash, sanitizer report, leak or stray exception fails it.
//   node scripts/test-fuzz.mjs [--seconds 25] [--targets safetensors,config,...]
// A long run by hand: --seconds 1200. New inputs libFuzzer finds go to build/fuzz/corpus/<target> (kept
// between runs, never into the committed seeds); a failing input is saved as build/fuzz/artifacts/<target>/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build', 'fuzz');
const seedRoot = join(root, 'cpp', 'fuzz', 'corpus');
const jobs = process.env.CE_BUILD_JOBS ?? String(Math.max(1, availableParallelism()));
const ALL_TARGETS = readdirSync(join(root, 'cpp', 'fuzz'))
  .filter((f) => f.endsWith('_fuzz.cpp'))
  .map((f) => f.slice(0, -'_fuzz.cpp'.length));

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '25' }, targets: { type: 'string', default: ALL_TARGETS.join(',') } },
});
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 1) {
  console.error(`test:fuzz: --seconds must be a positive whole number, got '${values.seconds}'`);
  process.exit(1);
}
const targets = values.targets.split(',').filter(Boolean);
for (const target of targets) {
  if (!ALL_TARGETS.includes(target)) {
    console.error(`test:fuzz: unknown target '${target}' (known: ${ALL_TARGETS.join(', ')})`);
    process.exit(1);
  }
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error || result.status !== 0) {
    console.error(`test:fuzz: \`${command} ${args.join(' ')}\` failed${result.error ? `: ${result.error.message}` : ''}`);
    if (result.error?.code === 'ENOENT' || command === 'cmake')
      console.error('test:fuzz: the fuzz build needs clang and its runtime (libclang-rt-14-dev): run scripts/setup.sh');
    process.exit(result.status || 1);
  }
}

if (spawnSync('sh', ['-c', 'command -v clang++'], { stdio: 'ignore' }).status !== 0) {
  console.error('test:fuzz: clang++ not found; libFuzzer comes with clang (run scripts/setup.sh)');
  process.exit(1);
}
// -O1, as libFuzzer's documentation builds targets: the sanitizers' checks do not need -O3, and the build (the
// whole core, instrumented) is most of this step's time in CI.
run('cmake', ['-S', root, '-B', buildDir, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', '-DCE_FUZZ=ON', '-DCE_BUILD_TESTS=OFF',
  '-DCMAKE_C_COMPILER=clang', '-DCMAKE_CXX_COMPILER=clang++', '-DCE_CORE_OPTIMIZATION=-O1', '-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG']);
run('cmake', ['--build', buildDir, '--parallel', jobs, '--target', ...targets.map((t) => `${t}_fuzz`)]);

// Runs one target; resolves with libFuzzer's final stats, or null (and the output shown) when it failed.
function fuzz(target) {
  const corpus = join(buildDir, 'corpus', target);
  const artifacts = join(buildDir, 'artifacts', target);
  mkdirSync(corpus, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  const args = [`-max_total_time=${seconds}`, '-timeout=10', '-rss_limit_mb=2048', '-malloc_limit_mb=1024',
    '-print_final_stats=1', `-artifact_prefix=${artifacts}/`, corpus, join(seedRoot, target)];
  return new Promise((resolve) => {
    const child = spawn(join(buildDir, `${target}_fuzz`), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => {
      const stat = (name) => Number(output.match(new RegExp(`stat::${name}:\\s+(\\d+)`))?.[1] ?? NaN);
      const done = [...output.matchAll(/#(\d+)\s+(?:DONE|pulse|NEW|REDUCE)\s+cov: (\d+) ft: (\d+) corp: (\d+)/g)].at(-1);
      if (code !== 0 || signal) {
        process.stderr.write(output.slice(-8000));
        console.error(`test:fuzz: ${target} FAILED (exit ${code ?? signal}); the input is in ${relative(root, artifacts)}/`);
        resolve(null);
        return;
      }
      resolve({ target, execs: stat('number_of_executed_units'), perSecond: stat('average_exec_per_sec'),
        coverage: Number(done?.[2] ?? NaN), features: Number(done?.[3] ?? NaN), corpus: Number(done?.[4] ?? NaN) });
    });
  });
}

const results = [];
let failed = false;
for (const target of targets) {
  console.error(`test:fuzz: ${target} for ${seconds} s`);
  const result = await fuzz(target);
  if (result) results.push(result);
  else failed = true;
}
console.table(results);
if (failed) process.exit(1);
console.error(`test:fuzz: OK, ${results.length} targets, ${seconds} s each, no findings`);
