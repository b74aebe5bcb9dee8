// The measured fp32 FMA peak of this machine (bench/peak_flops.cpp): what `npm run bench` and the serving bench
// state their GFLOP/s against.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));

/** Compiles and runs bench/peak_flops.cpp into `outDir`: { gflops: { '1': …, …, String(maxThreads): … }, … }. */
export function measurePeak(maxThreads, outDir) {
  mkdirSync(outDir, { recursive: true });
  const exe = path.join(outDir, 'peak_flops');
  execFileSync(process.env.CXX || 'g++', ['-O2', '-std=c++20', '-march=native', '-pthread', path.join(BENCH, 'peak_flops.cpp'), '-o', exe]);
  return JSON.parse(execFileSync(exe, [String(maxThreads)], { encoding: 'utf8' }));
}
