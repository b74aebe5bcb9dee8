// The malformed-input corpus (test/malformed-cases.mjs): every broken model directory must fail to load with its
// declared error code and a message that names the problem. Each load runs in a child process with a time limit,
// so a crash or a hang fails that case alone and says which.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

// @ts-expect-error: a plain .mjs generator (runnable without tsx), so it has no type declarations
import { generateCases, removeCases } from './malformed-cases.mjs';
import { REPO_ROOT } from './helpers/paths';

interface MalformedCase {
  group: string;
  name: string;
  code: string;
  message: string;
  modelPath: string;
}

interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const CHILD = path.join(REPO_ROOT, 'test', 'malformed-load.ts');
// Far above a load of these tiny models (~2 s with tsx's start-up on a loaded machine): only a hang reaches it.
const TIME_LIMIT_MS = 60_000;
const outDir = mkdtempSync(path.join(tmpdir(), 'cross-encoder-malformed-'));
const cases = generateCases(outDir) as MalformedCase[];
after(() => removeCases(outDir));

function loadInChild(modelPath: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(modelPath)], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIME_LIMIT_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, timedOut, stdout, stderr });
    });
  });
}

// Children run a few at a time: each is mostly start-up, and one at a time would take minutes.
const slots = Math.max(2, Math.min(6, availableParallelism()));
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  while (running >= slots) await new Promise<void>((wake) => waiting.push(wake));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

test('the corpus covers every group with at least 60 cases', () => {
  assert.ok(cases.length >= 60, `only ${cases.length} cases`);
  const groups = new Set(cases.map((c) => c.group));
  for (const group of ['safetensors', 'shards', 'config', 'tokenizer', 'path']) assert.ok(groups.has(group), group);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
});

for (const group of [...new Set(cases.map((c) => c.group))]) {
  describe(`malformed ${group}`, { concurrency: true }, () => {
    for (const c of cases.filter((x) => x.group === group)) {
      test(c.name, async () => {
        const r = await limited(() => loadInChild(c.modelPath));
        assert.ok(!r.timedOut, `${c.name}: the load was still running after ${TIME_LIMIT_MS} ms (a hang)`);
        assert.equal(r.signal, null, `${c.name}: the child died of ${r.signal}\n${r.stderr.slice(-2000)}`);
        assert.equal(r.status, 0, `${c.name}: the child exited with ${r.status}\n${r.stderr.slice(-2000)}`);
        const result = JSON.parse(r.stdout) as { loaded?: boolean; code?: string; message?: string };
        assert.ok(!result.loaded, `${c.name}: the model loaded; expected ${c.code}`);
        const message = String(result.message);
        const shown = message.length > 600 ? `${message.slice(0, 600)}... (${message.length} characters)` : message;
        assert.equal(result.code, c.code, `${c.name}: ${shown}`);
        assert.ok(message.includes(c.message), `${c.name}: message lacks '${c.message}': ${shown}`);
        // Messages quote bounded excerpts of bad values, never the values themselves.
        assert.ok(message.length < 2000, `${c.name}: the message is ${message.length} characters long: ${shown}`);
      });
    }
  });
}
