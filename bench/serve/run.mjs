// `npm run bench:serve`: the serving benchmarks in one run: the in-process scheduler benchmark beside this
// file (when present) and then the HTTP benchmark (http.mjs); arguments go to the HTTP benchmark. Both save their
// results in bench/results/, and BENCHMARKS.md is rewritten with the serving section at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeBenchmarksMarkdown } from '../report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const others = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('http')).sort();
let failed = false;
for (const file of [...others, 'http.mjs']) {
  console.log(`== bench/serve/${file}`);
  const args = file === 'http.mjs' ? process.argv.slice(2) : [];
  const result = spawnSync(process.execPath, [path.join(here, file), ...args], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
// BENCHMARKS.md gets the serving section from the results just saved (the model tables from their own saved runs).
if (!writeBenchmarksMarkdown(path.join(here, '..'), ['minilm-ce', 'xlmr-base'])) {
  console.log('bench:serve: BENCHMARKS.md not rewritten: no bench/results/latest.json (run npm run bench first)');
}
process.exitCode = failed ? 1 : 0;
