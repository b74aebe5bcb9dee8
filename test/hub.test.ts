// The hub resolver against a local fake hub (test/helpers/fake-hub.ts): cache layout shared with Python's
// huggingface_hub, reuse, offline mode, errors (404, 401, integrity), resume, shards, progress and abort.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, unlinkSync, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';

import { CrossEncoder } from '../lib/cross-encoder';
import { AbortError } from '../lib/errors';
import { HubError, resolveModelDir, type HubErrorCode } from '../lib/hub';
import { FakeHub, filesFromDir, gitBlobSha, sha256, shardSafetensors, type FakeRepo } from './helpers/fake-hub';
import { REPO_ROOT, fixtureModelDir } from './helpers/paths';

const ENV_KEYS = ['HF_ENDPOINT', 'HF_TOKEN', 'HF_HUB_OFFLINE', 'HF_HUB_CACHE', 'HF_HOME'] as const;
const savedEnv = new Map(ENV_KEYS.map((k) => [k, process.env[k]]));
const tempDirs: string[] = [];

function tempCache(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ce-hub-'));
  tempDirs.push(dir);
  return dir;
}

function repoFolder(cacheDir: string, repoId: string): string {
  return path.join(cacheDir, `models--${repoId.replace('/', '--')}`);
}

async function rejectsWith(promise: Promise<unknown>, code: HubErrorCode, ...mentions: (string | RegExp)[]): Promise<HubError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HubError, `expected a HubError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const m of mentions) {
      if (typeof m === 'string') assert.ok(err.message.includes(m), `message should mention '${m}': ${err.message}`);
      else assert.match(err.message, m);
    }
    return err;
  }
  assert.fail(`expected rejection with ${code}`);
}

const f32 = filesFromDir(fixtureModelDir('tiny-1label-f32'));
const f16 = filesFromDir(fixtureModelDir('tiny-3label-f16'));
const sharded = new Map([...f32].filter(([name]) => name !== 'model.safetensors'));
for (const [name, data] of shardSafetensors(f32.get('model.safetensors')!, 3)) sharded.set(name, data);
const without = (files: Map<string, Buffer>, ...drop: string[]): Map<string, Buffer> =>
  new Map([...files].filter(([name]) => !drop.includes(name)));

const REPOS: Record<string, FakeRepo> = {
  'acme/tiny-f32': { files: f32 },
  'tiny-f16': { files: f16 },
  'acme/tiny-f32-resume': { files: f32 },
  'acme/tiny-f32-seeded': { files: f32 },
  'acme/tiny-f32-badpartial': { files: f32 },
  'acme/tiny-f32-corrupt': { files: f32 },
  'acme/tiny-f32-progress': { files: f32 },
  'acme/tiny-f32-abort': { files: f32 },
  'acme/tiny-f32-offline': { files: f32 },
  'acme/tiny-f32-lock': { files: f32 },
  'acme/tiny-sharded': { files: sharded },
  'acme/bad-index': {
    files: new Map([
      ...without(f32, 'model.safetensors'),
      ['model.safetensors.index.json', Buffer.from(JSON.stringify({ weight_map: { 'a.weight': '../../evil.safetensors' } }))],
    ]),
  },
  'acme/no-config': { files: without(f32, 'config.json') },
  'acme/no-weights': { files: without(f32, 'model.safetensors') },
  'acme/no-tokenizer': { files: without(f32, 'vocab.txt') },
  'acme/gated': { files: f32, token: 'hf_secret_token' },
  'acme/old-name': { files: new Map(), movedTo: 'acme/tiny-f32' },
};

let hub: FakeHub;

before(async () => {
  hub = await FakeHub.start(REPOS);
});
after(async () => {
  await hub.stop().catch(() => undefined);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
beforeEach(() => {
  for (const k of ENV_KEYS) delete process.env[k];
  process.env['HF_ENDPOINT'] = hub.endpoint;
  // Any default-cache fallback during a test lands in a temp dir, never the user's ~/.cache.
  process.env['HF_HOME'] = tempCache();
});
afterEach(() => {
  for (const k of ENV_KEYS) delete process.env[k];
});

function assertSnapshotMatches(dir: string, files: Map<string, Buffer>): void {
  for (const [name, data] of files) {
    const p = path.join(dir, name);
    assert.ok(existsSync(p), `${name} missing from ${dir}`);
    assert.equal(sha256(readFileSync(p)), sha256(data), `${name} content differs`);
  }
}

describe('hub resolver', { timeout: 60_000 }, () => {
  test('fresh download: HF cache layout (blobs, relative snapshot symlinks, refs/main)', async () => {
    const cacheDir = tempCache();
    const dir = await resolveModelDir('acme/tiny-f32', { cacheDir });
    const commit = hub.commitOf('acme/tiny-f32');
    const root = repoFolder(cacheDir, 'acme/tiny-f32');
    assert.equal(dir, path.join(root, 'snapshots', commit));
    assert.equal(readFileSync(path.join(root, 'refs', 'main'), 'utf8'), commit);
    assertSnapshotMatches(dir, f32);
    for (const [name, data] of f32) {
      const etag = name.endsWith('.safetensors') ? sha256(data) : gitBlobSha(data);
      const link = path.join(dir, name);
      assert.ok(lstatSync(link).isSymbolicLink(), `${name} should be a symlink`);
      assert.equal(readlinkSync(link), path.join('..', '..', 'blobs', etag));
      assert.ok(statSync(path.join(root, 'blobs', etag)).isFile());
    }
    // Nothing half-done is left behind.
    assert.deepEqual(readdirSync(path.join(root, 'blobs')).filter((n) => n.includes('.')), []);
    // The weights came from the CDN origin via the hub's 302.
    assert.equal(hub.contentGets('model.safetensors').filter((r) => r.path.includes('/acme/tiny-f32/')).length, 1);
    // Optional files the repo lacks are marked like huggingface_hub does.
    assert.ok(existsSync(path.join(root, '.no_exist', commit, 'tokenizer.json')));
  });

  test('single-part repo id works', async () => {
    const cacheDir = tempCache();
    const dir = await resolveModelDir('tiny-f16', { cacheDir });
    assert.equal(dir, path.join(cacheDir, 'models--tiny-f16', 'snapshots', hub.commitOf('tiny-f16')));
    assertSnapshotMatches(dir, f16);
  });

  test('second call reuses the cache: online only HEADs; offline / hub down needs no server', async () => {
    const cacheDir = tempCache();
    const repo = 'acme/tiny-f32-offline';
    const first = await resolveModelDir(repo, { cacheDir });
    const before = hub.requests.length;
    assert.equal(await resolveModelDir(repo, { cacheDir }), first);
    const again = hub.requests.slice(before);
    assert.ok(again.length > 0 && again.every((r) => r.method === 'HEAD'), JSON.stringify(again));

    const n = hub.requests.length;
    assert.equal(await resolveModelDir(repo, { cacheDir, localFilesOnly: true }), first);
    process.env['HF_HUB_OFFLINE'] = '1';
    assert.equal(await resolveModelDir(repo, { cacheDir }), first);
    assert.equal(hub.requests.length, n, 'offline resolution must not send any request');
    delete process.env['HF_HUB_OFFLINE'];

    // A stopped hub (its port now closed): the complete cached snapshot still serves, as in huggingface_hub.
    const down = await FakeHub.start({});
    await down.stop();
    process.env['HF_ENDPOINT'] = down.endpoint;
    assert.equal(await resolveModelDir(repo, { cacheDir }), first);
    // ...but a repo that was never downloaded gives a network error naming the endpoint.
    await rejectsWith(resolveModelDir('acme/never-seen', { cacheDir }), 'ERR_HUB_NETWORK', new URL(down.endpoint).host, 'HF_HUB_OFFLINE');
  });

  test('HF_HUB_OFFLINE with a missing file names the file and how to get it', async () => {
    const cacheDir = tempCache();
    process.env['HF_HUB_OFFLINE'] = '1';
    await rejectsWith(resolveModelDir('acme/tiny-f32', { cacheDir }), 'ERR_HUB_OFFLINE_MISSING', 'acme/tiny-f32', 'npx cross-encoder download acme/tiny-f32');
    delete process.env['HF_HUB_OFFLINE'];
    const dir = await resolveModelDir('acme/tiny-f32', { cacheDir });
    unlinkSync(path.join(dir, 'model.safetensors'));
    const n = hub.requests.length;
    process.env['HF_HUB_OFFLINE'] = 'true';
    await rejectsWith(resolveModelDir('acme/tiny-f32', { cacheDir }), 'ERR_HUB_OFFLINE_MISSING', 'model.safetensors', 'HF_HUB_OFFLINE', 'run once with network access');
    assert.equal(hub.requests.length, n);
  });

  test('404 for a required file names repo, revision and file; optional files may be absent', async () => {
    const cacheDir = tempCache();
    await rejectsWith(resolveModelDir('acme/no-config', { cacheDir }), 'ERR_HUB_NOT_FOUND', 'acme/no-config', "'main'", 'config.json');
    await rejectsWith(resolveModelDir('acme/no-weights', { cacheDir }), 'ERR_HUB_NOT_FOUND', 'acme/no-weights', 'main', 'model.safetensors');
    await rejectsWith(resolveModelDir('acme/no-tokenizer', { cacheDir }), 'ERR_HUB_NOT_FOUND', 'tokenizer.json or vocab.txt');
    await rejectsWith(resolveModelDir('acme/tiny-f32', { cacheDir, revision: 'v9' }), 'ERR_HUB_NOT_FOUND', "Revision 'v9'");
    // tiny-3label-f16 has no vocab.txt / special_tokens_map.json: fine, tokenizer.json is there.
    assert.ok(existsSync(path.join(await resolveModelDir('tiny-f16', { cacheDir }), 'tokenizer.json')));
  });

  test('a renamed repo (relative 307) is followed and cached under the requested id', async () => {
    const cacheDir = tempCache();
    const dir = await resolveModelDir('acme/old-name', { cacheDir });
    assert.equal(dir, path.join(repoFolder(cacheDir, 'acme/old-name'), 'snapshots', hub.commitOf('acme/tiny-f32')));
    assertSnapshotMatches(dir, f32);
  });

  test('revision given as a commit sha: no refs file, snapshot under that sha', async () => {
    const cacheDir = tempCache();
    const commit = hub.commitOf('acme/tiny-f32');
    const dir = await resolveModelDir('acme/tiny-f32', { cacheDir, revision: commit });
    assert.equal(path.basename(dir), commit);
    assert.ok(!existsSync(path.join(repoFolder(cacheDir, 'acme/tiny-f32'), 'refs')));
    assert.equal(await resolveModelDir('acme/tiny-f32', { cacheDir, revision: commit, localFilesOnly: true }), dir);
  });

  test('401 gated repo: error without token; token from option or HF_TOKEN works and never reaches the CDN', async () => {
    const cacheDir = tempCache();
    await rejectsWith(resolveModelDir('acme/gated', { cacheDir }), 'ERR_HUB_UNAUTHORIZED', 'acme/gated', 'gated', 'HF_TOKEN', 'token');
    await rejectsWith(resolveModelDir('acme/gated', { cacheDir, token: 'hf_wrong' }), 'ERR_HUB_UNAUTHORIZED', 'refused');
    // A repo that does not exist is a 401 on the real hub too.
    await rejectsWith(resolveModelDir('acme/does-not-exist', { cacheDir }), 'ERR_HUB_UNAUTHORIZED', 'does not exist');
    const n = hub.requests.length;
    const dir = await resolveModelDir('acme/gated', { cacheDir, token: 'hf_secret_token' });
    assertSnapshotMatches(dir, f32);
    const seen = hub.requests.slice(n);
    assert.ok(seen.some((r) => r.server === 'cdn'), 'weights should come from the CDN origin');
    for (const r of seen) {
      if (r.server === 'hub') assert.equal(r.authorization, 'Bearer hf_secret_token');
      else assert.equal(r.authorization, undefined, 'the token must not be sent to another host');
    }
    process.env['HF_TOKEN'] = 'hf_secret_token';
    assert.equal(await resolveModelDir('acme/gated', { cacheDir: tempCache() }).then((d) => path.basename(d)), hub.commitOf('acme/gated'));
  });

  test('resume after a cut connection: Range request, correct sha256', async () => {
    const cacheDir = tempCache();
    const weights = f32.get('model.safetensors')!;
    hub.cutOnce('model.safetensors', 1_000_000);
    const dir = await resolveModelDir('acme/tiny-f32-resume', { cacheDir });
    const gets = hub.contentGets('model.safetensors').filter((r) => r.path.includes('/acme/tiny-f32-resume/'));
    assert.equal(gets.length, 2, JSON.stringify(gets));
    assert.equal(gets[0]!.range, undefined);
    const m = /^bytes=(\d+)-$/.exec(gets[1]!.range ?? '');
    assert.ok(m && Number(m[1]) > 0 && Number(m[1]) <= 1_000_000, `resume range: ${gets[1]!.range}`);
    assert.equal(sha256(readFileSync(path.join(dir, 'model.safetensors'))), sha256(weights));
  });

  test('a partial file left by an earlier process is resumed; a bad partial fails integrity and is discarded', async () => {
    const weights = f32.get('model.safetensors')!;
    const sha = sha256(weights);
    const cacheDir = tempCache();
    const blobs = path.join(repoFolder(cacheDir, 'acme/tiny-f32-seeded'), 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(path.join(blobs, `${sha}.incomplete`), weights.subarray(0, 123_457));
    const dir = await resolveModelDir('acme/tiny-f32-seeded', { cacheDir });
    const gets = hub.contentGets('model.safetensors').filter((r) => r.path.includes('/acme/tiny-f32-seeded/'));
    assert.deepEqual(gets.map((r) => r.range), ['bytes=123457-']);
    assert.equal(sha256(readFileSync(path.join(dir, 'model.safetensors'))), sha);

    const cache2 = tempCache();
    const blobs2 = path.join(repoFolder(cache2, 'acme/tiny-f32-badpartial'), 'blobs');
    mkdirSync(blobs2, { recursive: true });
    writeFileSync(path.join(blobs2, `${sha}.incomplete`), Buffer.alloc(5000, 7));
    await rejectsWith(resolveModelDir('acme/tiny-f32-badpartial', { cacheDir: cache2 }), 'ERR_HUB_INTEGRITY', 'model.safetensors', sha);
    assert.ok(!existsSync(path.join(blobs2, `${sha}.incomplete`)));
    assertSnapshotMatches(await resolveModelDir('acme/tiny-f32-badpartial', { cacheDir: cache2 }), f32);
  });

  test('concurrent resolves of one repo download each blob once (lock); a dead holder\'s lock is taken over', async () => {
    const cacheDir = tempCache();
    const [a, b] = await Promise.all([
      resolveModelDir('acme/tiny-f32-lock', { cacheDir }),
      resolveModelDir('acme/tiny-f32-lock', { cacheDir }),
    ]);
    assert.equal(a, b);
    assertSnapshotMatches(a, f32);
    assert.equal(hub.contentGets('model.safetensors').filter((r) => r.path.includes('/acme/tiny-f32-lock/')).length, 1);

    // A lock file left by a process that died: same host, pid no longer alive.
    const deadPid = await new Promise<number>((resolve, reject) => {
      const child = execFile(process.execPath, ['-e', '0'], (err) => (err ? reject(err) : resolve(child.pid!)));
    });
    const cache2 = tempCache();
    const lockDir = path.join(cache2, '.locks', 'models--acme--tiny-f32-lock');
    mkdirSync(lockDir, { recursive: true });
    const lockFile = path.join(lockDir, `${sha256(f32.get('model.safetensors')!)}.node.lock`);
    writeFileSync(lockFile, JSON.stringify({ pid: deadPid, host: os.hostname() }));
    const started = Date.now();
    assertSnapshotMatches(await resolveModelDir('acme/tiny-f32-lock', { cacheDir: cache2 }), f32);
    assert.ok(Date.now() - started < 10_000, 'a dead holder must not make us wait for the staleness timeout');
    assert.ok(!existsSync(lockFile), 'the lock is released after the download');
  });

  test('sharded weights: index plus every shard it lists', async () => {
    const cacheDir = tempCache();
    const dir = await resolveModelDir('acme/tiny-sharded', { cacheDir });
    assertSnapshotMatches(dir, sharded);
    assert.ok(!existsSync(path.join(dir, 'model.safetensors')));
    const shards = readdirSync(dir).filter((n) => /^model-\d{5}-of-00003\.safetensors$/.test(n));
    assert.equal(shards.length, 3);
    await rejectsWith(resolveModelDir('acme/bad-index', { cacheDir }), 'ERR_HUB_INVALID_MODEL', '../../evil.safetensors');
    assert.ok(!existsSync(path.join(cacheDir, 'evil.safetensors')));
  });

  test('a sharded repo loads and scores bitwise like the same weights in one file', async () => {
    const pairs: [string, string][] = [
      ['how many people live in berlin?', 'Berlin had a population of 3,520,031 registered inhabitants.'],
      ['terminal multiplexer', 'tmux enables a number of terminals to be accessed from a single screen.'],
    ];
    const fromShards = await CrossEncoder.load('acme/tiny-sharded', { cacheDir: tempCache(), threads: 1 });
    const oneFile = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'), { threads: 1 });
    try {
      assert.deepEqual(fromShards.weights.dtypes, oneFile.weights.dtypes);
      assert.equal(fromShards.weights.parameters, oneFile.weights.parameters);
      assert.deepEqual(Array.from(await fromShards.predict(pairs)), Array.from(await oneFile.predict(pairs)));
    } finally {
      await fromShards.dispose();
      await oneFile.dispose();
    }
  });

  test('corrupt download (sha256 mismatch) -> ERR_HUB_INTEGRITY, nothing left in blobs', async () => {
    const cacheDir = tempCache();
    hub.corrupt('model.safetensors');
    try {
      await rejectsWith(resolveModelDir('acme/tiny-f32-corrupt', { cacheDir }), 'ERR_HUB_INTEGRITY', 'sha256', 'model.safetensors');
    } finally {
      (hub as unknown as { corrupted: Set<string> }).corrupted.clear();
    }
    const blobs = path.join(repoFolder(cacheDir, 'acme/tiny-f32-corrupt'), 'blobs');
    assert.deepEqual(readdirSync(blobs).filter((n) => n.startsWith(sha256(f32.get('model.safetensors')!))), []);
  });

  test('progress events: per file, monotonic, ending at the total', async () => {
    const events: { file: string; loaded: number; total: number | undefined }[] = [];
    await resolveModelDir('acme/tiny-f32-progress', { cacheDir: tempCache(), onProgress: (p) => events.push({ ...p }) });
    const weights = events.filter((e) => e.file === 'model.safetensors');
    const size = f32.get('model.safetensors')!.length;
    assert.ok(weights.length > 3, `expected several events, got ${weights.length}`);
    for (let i = 1; i < weights.length; i++) assert.ok(weights[i]!.loaded >= weights[i - 1]!.loaded);
    assert.deepEqual(weights.at(-1), { file: 'model.safetensors', loaded: size, total: size });
    const files = new Set(events.map((e) => e.file));
    for (const f of f32.keys()) assert.ok(files.has(f), `no progress for ${f}`);

    // A callback that throws fails the resolve with its own error, and is not mistaken for a network cut.
    const boom = new Error('boom from onProgress');
    const n = hub.requests.length;
    await assert.rejects(
      resolveModelDir('acme/tiny-f32-progress', {
        cacheDir: tempCache(),
        onProgress: (p) => {
          if (p.file === 'model.safetensors' && p.loaded > 0) throw boom;
        },
      }),
      (err) => err === boom,
    );
    assert.equal(hub.requests.slice(n).filter((r) => r.server === 'cdn').length, 1, 'no retry after a callback error');
  });

  test('abort: rejects with AbortError, keeps the partial file, a later call resumes it', async () => {
    const cacheDir = tempCache();
    const controller = new AbortController();
    const size = f32.get('model.safetensors')!.length;
    const onProgress = (p: { file: string; loaded: number }): void => {
      if (p.file === 'model.safetensors' && p.loaded > 200_000) controller.abort();
    };
    await assert.rejects(resolveModelDir('acme/tiny-f32-abort', { cacheDir, signal: controller.signal, onProgress }), (err: Error) => {
      assert.ok(err instanceof AbortError, String(err));
      assert.equal(err.code, 'ABORT_ERR');
      assert.match(err.message, /model\.safetensors/);
      return true;
    });
    const partial = path.join(repoFolder(cacheDir, 'acme/tiny-f32-abort'), 'blobs', `${sha256(f32.get('model.safetensors')!)}.incomplete`);
    const kept = statSync(partial).size;
    assert.ok(kept > 0 && kept < size, `partial size ${kept}`);
    await assert.rejects(resolveModelDir('acme/tiny-f32-abort', { cacheDir, signal: AbortSignal.abort() }), AbortError);
    const dir = await resolveModelDir('acme/tiny-f32-abort', { cacheDir });
    const gets = hub.contentGets('model.safetensors').filter((r) => r.path.includes('/acme/tiny-f32-abort/'));
    assert.equal(gets.at(-1)!.range, `bytes=${kept}-`);
    assertSnapshotMatches(dir, f32);
  });

  test('local paths are returned as is; bad ids are TypeErrors that say what a valid id is', async () => {
    const n = hub.requests.length;
    const local = fixtureModelDir('tiny-1label-f32');
    assert.equal(await resolveModelDir(local), local);
    const rel = path.relative(process.cwd(), local);
    assert.equal(await resolveModelDir(rel.startsWith('.') ? rel : `./${rel}`), rel.startsWith('.') ? rel : `./${rel}`);
    await rejectsWith(resolveModelDir('./no/such/dir'), 'ERR_HUB_NOT_FOUND', './no/such/dir');
    await rejectsWith(resolveModelDir(path.join(REPO_ROOT, 'nope-model')), 'ERR_HUB_NOT_FOUND', 'nope-model');
    for (const bad of ['a/b/c', 'org--x/name', 'org/na..me', '-org/name', 'org/name.', 'org/na me', '', 'org/name.git', 'x'.repeat(97)]) {
      await assert.rejects(resolveModelDir(bad), (err: Error) => {
        assert.ok(err instanceof TypeError, `${bad}: ${String(err)}`);
        assert.match(err.message, /valid repo id is 'name' or 'org\/name'/);
        return true;
      });
    }
    await assert.rejects(resolveModelDir('acme/tiny-f32', { revision: '../../etc' }), TypeError);
    await assert.rejects(resolveModelDir(42 as unknown as string), TypeError);
    assert.equal(hub.requests.length, n, 'no request for local paths or invalid ids');
  });
});

// Interoperability with Python's huggingface_hub: scripts/setup.sh installs the pinned version into
// test/.cache/pyhub (CI does too); CE_HF_PYTHON may point at another interpreter that has it.
const PYTHON = process.env.CE_HF_PYTHON ?? path.join(REPO_ROOT, 'test', '.cache', 'pyhub', 'bin', 'python');

function python(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', script], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const PY_FETCH = `
import json, sys, os
from huggingface_hub import hf_hub_download
files = json.loads(os.environ["CE_FILES"])
print(json.dumps([hf_hub_download(os.environ["CE_REPO"], f, cache_dir=os.environ["CE_CACHE"],
                                  local_files_only=os.environ.get("CE_LOCAL") == "1") for f in files]))
`;

describe('cache shared with Python huggingface_hub', { timeout: 120_000 }, () => {
  test('a Python with huggingface_hub is available (run scripts/setup.sh)', () => {
    assert.ok(existsSync(PYTHON), `${PYTHON} is missing: run scripts/setup.sh or set CE_HF_PYTHON`);
  });
  test('Python reads what Node downloaded (offline)', async () => {
    const cacheDir = tempCache();
    const dir = await resolveModelDir('acme/tiny-f32', { cacheDir });
    const names = [...f32.keys()];
    const out = JSON.parse(await python(PY_FETCH, { CE_REPO: 'acme/tiny-f32', CE_CACHE: cacheDir, CE_FILES: JSON.stringify(names), CE_LOCAL: '1', HF_HUB_OFFLINE: '1' })) as string[];
    assert.deepEqual(out.map((p) => realpathSync(p)), names.map((n) => realpathSync(path.join(dir, n))));
  });

  test('Node reads what Python downloaded from the same hub (offline)', async () => {
    const cacheDir = tempCache();
    const names = [...f32.keys()];
    const out = JSON.parse(await python(PY_FETCH, { CE_REPO: 'acme/tiny-f32', CE_CACHE: cacheDir, CE_FILES: JSON.stringify(names), HF_ENDPOINT: hub.endpoint, HF_HUB_DISABLE_XET: '1' })) as string[];
    const n = hub.requests.length;
    const dir = await resolveModelDir('acme/tiny-f32', { cacheDir, localFilesOnly: true });
    assert.equal(hub.requests.length, n);
    assert.deepEqual(out, names.map((f) => path.join(dir, f)));
    assertSnapshotMatches(dir, f32);
  });
});
