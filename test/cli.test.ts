// The `cross-encoder` CLI run as a child process (demo, rank, predict, info, download, help, bad arguments),
// and CrossEncoder.load by hub repo id through the fake hub (HF_ENDPOINT), with the demo model as the repo.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CrossEncoder, CrossEncoderError, CrossEncoderTypeError, HubError, demoModelDir } from '../lib/index';
import { DEMO_DOCUMENTS, DEMO_QUERIES } from '../lib/cli/demo-data';
import { FakeHub, filesFromDir } from './helpers/fake-hub';
import { REPO_ROOT } from './helpers/paths';

const MAIN = path.join(REPO_ROOT, 'lib', 'cli', 'main.ts');
const HF_KEYS = ['HF_ENDPOINT', 'HF_HOME', 'HF_HUB_CACHE', 'HF_TOKEN', 'HF_HUB_OFFLINE'];
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-cli-'));
  tempDirs.push(dir);
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the fake hub in this process must keep serving while it runs). */
function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of HF_KEYS) delete env[key];
  // Nothing a test does may reach the real hub or the user's cache.
  env['HF_HOME'] = tempDir();
  env['HF_ENDPOINT'] = 'http://127.0.0.1:9';
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A failure: the exit code, nothing on stdout, exactly one line on stderr matching `pattern`. */
function assertFails(run: Run, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, `exit code; stderr: ${run.stderr}`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got: ${run.stderr}`);
  assert.match(lines[0]!, pattern);
}

const PASSAGES = [
  'AbiWord is a full-featured, efficient word processing application.',
  'tmux enables a number of terminals (or windows) to be accessed and controlled from a single terminal like screen.',
  'The Ace of Penguins is a set of solitaire games inspired by the ones available for MS Windows.',
];
const QUERY = 'terminal multiplexer';

let demo: CrossEncoder;
let hub: FakeHub;
before(async () => {
  demo = await CrossEncoder.load('demo');
  hub = await FakeHub.start({ 'acme/debian-mini': { files: filesFromDir(demoModelDir()) } });
});
after(async () => {
  await demo.dispose();
  await hub.stop().catch(() => undefined);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('cli', { timeout: 120_000 }, () => {
  test('demo ranks the right package first for every query, with timings, offline', async () => {
    const run = await cli(['demo', '--top-k', '1']);
    assert.equal(run.code, 0, run.stderr);
    const want: Record<string, string> = {
      'terminal multiplexer': 'tmux', 'IRC client': 'hexchat', 'video editing': 'kdenlive',
      'side-by-side diff tool': 'icdiff', 'clipboard manager': 'clipit', 'solitaire card games': 'ace-of-penguins',
      'convert Word documents to plain text': 'docx2txt',
    };
    assert.deepEqual(Object.keys(want), [...DEMO_QUERIES]);
    for (const [query, pkg] of Object.entries(want)) {
      const block = run.stdout.split(`Query: "${query}"`)[1]?.split('\n') ?? [];
      assert.match(block[0] ?? '', /passages in [\d.]+ ms/);
      assert.match(block[2] ?? '', new RegExp(`^1\\s+0\\.\\d{6}\\s+${pkg}\\s`), `${query}: ${block[2]}`);
    }
    assert.match(run.stdout, new RegExp(`${DEMO_QUERIES.length * DEMO_DOCUMENTS.length} pairs scored in [\\d.]+ ms`));
    assert.match(run.stdout, /loaded in \d+ ms/);
  });

  test('rank --file --json: JSON lines best first, scores equal the API', async () => {
    const file = path.join(tempDir(), 'passages.txt');
    // Blank lines are skipped; index counts the non-empty lines.
    writeFileSync(file, `${PASSAGES[0]}\n\n${PASSAGES[1]}\r\n${PASSAGES[2]}\n`);
    const run = await cli(['rank', '--model', 'demo', '--query', QUERY, '--file', file, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    const api = await demo.rank(QUERY, PASSAGES, { returnDocuments: true });
    assert.deepEqual(lines.map((l) => [l['rank'], l['index'], l['text']]), api.map((r, i) => [i + 1, r.corpusId, r.text]));
    for (const [i, l] of lines.entries()) assert.ok(Math.abs((l['score'] as number) - api[i]!.score) < 1e-6);
    assert.equal(lines[0]!['index'], 1);
  });

  test('rank from stdin prints a table; --top-k keeps the best', async () => {
    const run = await cli(['rank', '-m', 'demo', '-q', QUERY, '-k', '2'], { input: PASSAGES.join('\n') });
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.trimEnd().split('\n');
    assert.match(rows[0]!, /^rank\s+score\s+index\s+text$/);
    assert.equal(rows.length, 3);
    assert.match(rows[1]!, /^1\s+0\.\d{6}\s+1\s+tmux enables/);
  });

  test('predict: JSONL objects and arrays in, one JSON line per pair in order', async () => {
    const pairs = [[QUERY, PASSAGES[1]!], [QUERY, PASSAGES[0]!], ['solitaire', PASSAGES[2]!]] as const;
    const input = `${JSON.stringify({ query: pairs[0][0], passage: pairs[0][1] })}\n${JSON.stringify(pairs[1])}\n\n` +
      `${JSON.stringify({ passage: pairs[2][1], query: pairs[2][0] })}\n`;
    const run = await cli(['predict', '--model', 'demo'], { input });
    assert.equal(run.code, 0, run.stderr);
    const api = await demo.predict(pairs);
    const lines = jsonLines(run.stdout);
    assert.equal(lines.length, 3);
    for (const [i, l] of lines.entries()) assert.ok(Math.abs((l['score'] as number) - api[i]!) < 1e-6, JSON.stringify(l));
    const raw = jsonLines((await cli(['predict', '-m', 'demo', '--activation', 'identity'], { input })).stdout);
    assert.ok(Math.abs((raw[0]!['score'] as number) - Math.log(api[0]! / (1 - api[0]!))) < 1e-4, 'identity = logit');
  });

  test('predict: a bad record names its line', async () => {
    assertFails(await cli(['predict', '-m', 'demo'], { input: '["a","b"]\n{"query":"a"}\n' }), 1, /^cross-encoder predict: input line 2: expected/);
    assertFails(await cli(['predict', '-m', 'demo'], { input: '["a","b"]\nnot json\n' }), 1, /input line 2 is not valid JSON/);
  });

  test('info demo: architecture, labels, max length, dtype, size', async () => {
    const run = await cli(['info', 'demo', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const info = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(info['architecture'], 'BertForSequenceClassification');
    assert.equal(info['family'], 'bert');
    assert.equal(info['layers'], 4);
    assert.equal(info['hiddenSize'], 128);
    assert.deepEqual(info['labels'], ['LABEL_0']);
    assert.equal(info['maxLength'], 256);
    assert.equal(info['defaultActivation'], 'sigmoid');
    assert.deepEqual(Object.keys(info['dtypes'] as object), ['F16']);
    assert.equal(info['weightBytes'], 9507802);
    assert.match(String(info['gemmKernel']), /^(avx512|avx2|neon|portable)$/);
    const text = await cli(['info', 'demo']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^architecture +BertForSequenceClassification \(bert\): 4 layers, hidden 128/m);
    assert.match(text.stdout, /^dtype +F16 /m);
    assert.match(text.stdout, /^cpu kernel +(avx512|avx2|neon|portable) /m);
  });

  test('--help: top level and per command, on stdout, exit 0', async () => {
    const top = await cli(['--help']);
    assert.equal(top.code, 0);
    for (const name of ['rank', 'predict', 'download', 'info', 'demo']) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
    for (const name of ['rank', 'predict', 'download', 'info', 'demo']) {
      const run = await cli([name, '--help']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: cross-encoder ${name}`));
      assert.equal(run.stderr, '');
    }
  });

  test('bad arguments: exit 2 with a one-line reason', async () => {
    assertFails(await cli(['frobnicate']), 2, /unknown command 'frobnicate'/);
    assertFails(await cli(['rank', '--model', 'demo']), 2, /^cross-encoder rank: --query is required \(see cross-encoder rank --help\)$/);
    assertFails(await cli(['rank', '-m', 'demo', '-q', 'x', '--top-k', '0'], { input: 'a\n' }), 2, /--top-k must be an integer >= 1, got '0'/);
    assertFails(await cli(['rank', '-m', 'demo', '-q', 'x', '--nope'], { input: 'a\n' }), 2, /Unknown option '--nope'/);
    assertFails(await cli(['predict', '-m', 'demo', '--activation', 'relu'], { input: '["a","b"]\n' }), 2, /--activation must be one of/);
    assertFails(await cli(['info']), 2, /^cross-encoder info: a model .* is required/);
    assertFails(await cli(['download', 'demo']), 2, /built-in demo model/);
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: cross-encoder <command>/);
  });

  test('runtime failures: exit 1 with the error code and a one-line reason', async () => {
    const missing = path.join(tempDir(), 'no-such-model');
    assertFails(await cli(['rank', '-m', missing, '-q', 'x'], { input: 'a\n' }), 1, /ERR_FILE_NOT_FOUND: .*no-such-model/);
    assertFails(await cli(['rank', '-m', 'demo', '-q', 'x', '--file', missing]), 1, /cannot read --file .*no-such-model: ENOENT/);
    assertFails(await cli(['rank', '-m', 'a/b/c', '-q', 'x'], { input: 'a\n' }), 1, /ERR_INVALID_ARG_VALUE: 'a\/b\/c' is not an existing local directory/);
    // Offline with an empty cache: an error, never a silent fallback to the demo model.
    assertFails(await cli(['rank', '-m', 'acme/debian-mini', '-q', 'x', '--offline'], { input: 'a\n' }), 1, /ERR_HUB_OFFLINE_MISSING/);
  });

  test('hub: download, then rank by repo id online and offline, same scores as demo', async () => {
    const home = tempDir();
    const env = { HF_ENDPOINT: hub.endpoint, HF_HOME: home };
    const dl = await cli(['download', 'acme/debian-mini'], { env });
    assert.equal(dl.code, 0, dl.stderr);
    assert.equal(dl.stdout, `${path.join(home, 'hub', 'models--acme--debian-mini', 'snapshots', hub.commitOf('acme/debian-mini'))}\n`);
    const viaDemo = await cli(['rank', '-m', 'demo', '-q', QUERY, '--json'], { input: PASSAGES.join('\n') });
    const online = await cli(['rank', '-m', 'acme/debian-mini', '-q', QUERY, '--json'], { input: PASSAGES.join('\n'), env });
    const offline = await cli(['rank', '-m', 'acme/debian-mini', '-q', QUERY, '--json', '--offline'], {
      input: PASSAGES.join('\n'),
      env: { HF_HOME: home },
    });
    assert.equal(online.code, 0, online.stderr);
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(online.stdout, viaDemo.stdout);
    assert.equal(offline.stdout, viaDemo.stdout);
    // The hub answers 401 for a repo that does not exist (so private names do not leak); so does the fake.
    assertFails(await cli(['download', 'acme/missing'], { env }), 1, /ERR_HUB_UNAUTHORIZED: .*'acme\/missing' does not exist/);
  });
});

describe('CrossEncoder.load by hub repo id', { timeout: 60_000 }, () => {
  const saved = new Map(HF_KEYS.map((k) => [k, process.env[k]]));
  before(() => {
    for (const k of HF_KEYS) delete process.env[k];
    process.env['HF_ENDPOINT'] = hub.endpoint;
    process.env['HF_HOME'] = tempDir();
  });
  after(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test('downloads through HF_ENDPOINT with progress, scores like demo, then loads offline from the cache', async () => {
    const cacheDir = tempDir();
    const events: { file: string; loaded: number }[] = [];
    await using model = await CrossEncoder.load('acme/debian-mini', { cacheDir, onProgress: (p) => events.push(p) });
    assert.ok(events.some((e) => e.file === 'model.safetensors' && e.loaded === 9507802), 'progress for the weights');
    const want = await demo.predict([[QUERY, PASSAGES[1]!], [QUERY, PASSAGES[0]!]]);
    assert.deepEqual(await model.predict([[QUERY, PASSAGES[1]!], [QUERY, PASSAGES[0]!]]), want);
    assert.equal(model.config['model_type'], 'bert');
    const gets = hub.requests.length;
    await using offline = await CrossEncoder.load('acme/debian-mini', { cacheDir, localFilesOnly: true });
    assert.equal(hub.requests.length, gets, 'localFilesOnly must not touch the hub');
    assert.deepEqual(await offline.predict([[QUERY, PASSAGES[1]!], [QUERY, PASSAGES[0]!]]), want);
  });

  test('hub failures are HubErrors, never a fallback to the demo model', async () => {
    await assert.rejects(CrossEncoder.load('acme/missing', { cacheDir: tempDir() }),
      (e: unknown) => e instanceof HubError && e.code === 'ERR_HUB_UNAUTHORIZED' && /does not exist/.test(e.message));
    await assert.rejects(CrossEncoder.load('acme/debian-mini', { cacheDir: tempDir(), localFilesOnly: true }),
      (e: unknown) => e instanceof HubError && e.code === 'ERR_HUB_OFFLINE_MISSING');
  });

  test('a missing local path is still ERR_FILE_NOT_FOUND; hub options are type-checked', async () => {
    await assert.rejects(CrossEncoder.load('./no-such-dir'), (e: unknown) => e instanceof CrossEncoderError && e.code === 'ERR_FILE_NOT_FOUND');
    const typeError = (pattern: RegExp) => (e: unknown) => e instanceof CrossEncoderTypeError && pattern.test(e.message);
    await assert.rejects(CrossEncoder.load('demo', { revision: 3 as unknown as string }), typeError(/Expected a string for options.revision but received number/));
    await assert.rejects(CrossEncoder.load('demo', { localFilesOnly: 'yes' as unknown as boolean }), typeError(/options.localFilesOnly/));
    await assert.rejects(CrossEncoder.load('demo', { onProgress: 1 as unknown as () => void }), typeError(/Expected a function for options.onProgress/));
    await assert.rejects(CrossEncoder.load('demo', { signal: AbortSignal.abort() }), (e: unknown) => (e as Error).name === 'AbortError');
  });
});
