// The server on a real socket: a client that disconnects aborts its queued call; close() drains (ready -> 503
// during the drain delay); `cross-encoder serve` on SIGTERM lets the request in flight complete and exits 0
// (run as a child process).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';

import { createServer } from '../lib/server/index';
import { REPO_ROOT } from './helpers/paths';
import { stubModel } from './helpers/served-model';

const MAIN = path.join(REPO_ROOT, 'lib', 'cli', 'main.ts');

test('a client that disconnects aborts its call (the signal the library gets fires)', async () => {
  let started!: () => void;
  const callStarted = new Promise<void>((resolve) => (started = resolve));
  let aborted!: (reason: unknown) => void;
  const callAborted = new Promise<unknown>((resolve) => (aborted = resolve));
  const model = stubModel({
    // Held like a call waiting in the queue, until its signal fires (as the library rejects then).
    behave: (call) => new Promise<void>((_resolve, reject) => {
      const signal = call.options['signal'] as AbortSignal;
      signal.addEventListener('abort', () => {
        aborted(signal.reason);
        reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
      }, { once: true });
      started();
    }),
  });
  const server = await createServer({ model });
  await server.loaded;
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = new URL(address);
    const body = JSON.stringify({ query: 'q', texts: ['a', 'b'] });
    const req = request({ host: '127.0.0.1', port, path: '/rerank', method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(body);
    await callStarted;
    req.destroy();
    const reason = await callAborted;
    assert.match(String((reason as Error).message), /client closed the connection/);
    // Counted as 499 (client closed request), not as a server failure.
    for (let i = 0; i < 50 && !/status="499"/.test((await server.app.inject({ url: '/metrics' })).body); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.match((await server.app.inject({ url: '/metrics' })).body, /http_requests_total\{route="\/rerank",method="POST",status="499"\} 1/);
  } finally {
    await server.close();
  }
});

interface Child {
  exited: Promise<number | null>;
  stdout: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function serveChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', ...args], { cwd: REPO_ROOT, env: { ...process.env, HF_HUB_OFFLINE: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
    if (code !== 0) process.stderr.write(`serve child stderr:\n${stderr}\n`);
    resolve(code);
  }));
  return { exited, stdout: () => stdout, kill: (signal) => child.kill(signal) };
}

async function waitForLog(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(child.stdout());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no log line ${pattern} within ${timeoutMs} ms; stdout:\n${child.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('close() drains: /ready answers 503 during the drain delay while requests are still served, then connections are refused', async () => {
  const server = await createServer({ model: stubModel(), drainDelay: 1000 });
  await server.loaded;
  const base = await server.listen({ host: '127.0.0.1', port: 0 });
  assert.equal((await fetch(`${base}/ready`)).status, 200);
  const closed = server.close();
  const ready = await fetch(`${base}/ready`);
  assert.equal(ready.status, 503);
  assert.equal(ready.headers.get('retry-after'), '5');
  assert.deepEqual(await ready.json(), { status: 'draining' });
  const late = await fetch(`${base}/rerank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'q', texts: ['a'] }) });
  assert.equal(late.status, 200, 'a request that arrives while the load balancer catches up is still served');
  await closed;
  await assert.rejects(fetch(`${base}/health`), 'the server no longer accepts connections');
});

test('cross-encoder serve on SIGTERM: the request in flight completes after the server stops accepting, exit 0', { timeout: 120_000 }, async () => {
  const child = serveChild(['--model', 'demo', '--port', '0', '--threads', '1', '--max-client-batch-size', '5000']);
  try {
    const [, base] = await waitForLog(child, /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/, 60_000);
    await waitForLog(child, /model loaded and warm: ready/, 60_000);
    assert.equal((await fetch(`${base}/ready`)).status, 200);

    // 1500 pairs on one thread: hundreds of milliseconds even on a fast machine, so the signal, sent as soon
    // as the server has logged the request, arrives while it is being scored.
    const texts = Array.from({ length: 1500 }, (_, i) => `package ${i}: ${'a long description of a debian package '.repeat(8)}`);
    const inFlight = fetch(`${base}/rerank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'web server', texts }) });
    await waitForLog(child, /"url":"\/rerank"[^\n]*"msg":"incoming request"/, 30_000);
    child.kill('SIGTERM');

    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as unknown[]).length, texts.length);
    assert.equal(response.headers.get('connection'), 'close', 'a draining server closes connections after answering');
    const answered = Date.now();
    assert.equal(await child.exited, 0);
    // Not held open by the client's keep-alive connection (fastify's keepAliveTimeout is 72 s).
    assert.ok(Date.now() - answered < 20_000, `exited ${Date.now() - answered} ms after answering`);
    const lines = child.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const closing = lines.findIndex((l) => String(l['msg']).startsWith('closing: no new connections'));
    const rerankId = lines.find((l) => (l['req'] as { url?: string } | undefined)?.url === '/rerank')?.['reqId'];
    const completed = lines.findIndex((l) => l['reqId'] === rerankId && l['msg'] === 'request completed');
    assert.ok(closing >= 0 && completed >= 0, 'both logged');
    assert.ok(completed > closing, 'the request completed after the server stopped accepting: close() waited for it');
    await assert.rejects(fetch(`${base}/health`), 'the server no longer accepts connections');
  } finally {
    child.kill('SIGKILL');
  }
});
