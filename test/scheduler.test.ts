// The scheduler through the public API: cross-call batching, priorities, abort/timeout while queued and running,
// dispose with work queued, overload rejection, stats() and the cross-encoder:call diagnostics channel.
import { strict as assert } from 'node:assert';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { after, describe, test } from 'node:test';

import { AbortError, CALL_CHANNEL, CrossEncoder, CrossEncoderError, CrossEncoderRangeError } from '../lib/index';
import type { CallMessage, LoadOptions } from '../lib/index';
import { fixtureModelDir } from './helpers/paths';
import { longText, PASSAGES, QUERY } from './helpers/texts';

const MODEL = fixtureModelDir('tiny-1label-f32');
const loaded: CrossEncoder[] = [];
async function load(options?: LoadOptions): Promise<CrossEncoder> {
  const model = await CrossEncoder.load(MODEL, { threads: 1, ...options });
  loaded.push(model);
  return model;
}
after(async () => {
  await Promise.all(loaded.map((model) => model.dispose()));
});

const PAIRS = PASSAGES.map((passage) => [QUERY, passage] as const);
const bulkPairs = (n: number, seed = 0) =>
  Array.from({ length: n }, (_, i) => [longText(20, i + seed), longText(40, i + seed + 7)] as const);

function hasCode(code: string) {
  return (error: unknown) => error instanceof CrossEncoderError && error.code === code;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function collectCalls(): { messages: CallMessage[]; stop: () => void } {
  const messages: CallMessage[] = [];
  const onMessage = (message: unknown) => messages.push(message as CallMessage);
  diagnosticsChannel.subscribe(CALL_CHANNEL, onMessage);
  return { messages, stop: () => diagnosticsChannel.unsubscribe(CALL_CHANNEL, onMessage) };
}

describe('scheduler', () => {
  test('concurrent calls: results in input order, each bitwise equal to the call scored alone', async () => {
    const model = await load({ maxBatchTokens: 256 });
    const calls = Array.from({ length: 24 }, (_, c) => bulkPairs(1 + (c % 7), c * 31));
    // A long call posted first keeps the pool busy while the others are posted, so they are all queued together
    // however fast this machine scores (without it a fast machine may finish each small call before the next
    // arrives, and nothing is left to share).
    const blocker = bulkPairs(400, 5000);
    let before = model.stats();
    const blockerAlone = await model.predict(blocker);
    const blockerBatches = model.stats().batches - before.batches;
    const alone: Float32Array[] = [];
    before = model.stats();
    for (const pairs of calls) alone.push(await model.predict(pairs));
    const aloneBatches = model.stats().batches - before.batches;
    before = model.stats();
    const blocked = model.predict(blocker);
    const together = await Promise.all(calls.map((pairs) => model.predict(pairs)));
    assert.deepEqual(await blocked, blockerAlone);
    for (let c = 0; c < calls.length; c++) assert.deepEqual(together[c], alone[c], `call ${c}`);
    const stats = model.stats();
    const totalPairs = calls.reduce((sum, pairs) => sum + pairs.length, 0) + blocker.length;
    assert.equal(stats.pairs - before.pairs, totalPairs);
    assert.ok(stats.batches - before.batches < blockerBatches + aloneBatches, 'the concurrent calls shared forward passes');
    assert.equal(stats.completedCalls, 2 * calls.length + 2);
    assert.equal(stats.queuedCalls + stats.runningCalls + stats.queuedPairs + stats.runningPairs, 0);
  });

  test('an interactive call posted after a big bulk call finishes before it', async () => {
    const model = await load({ maxBatchTokens: 128 });
    let bulkDone = false;
    const bulk = model.predict(bulkPairs(600), { priority: 5 }).then((scores) => {
      bulkDone = true;
      return scores;
    });
    const interactive = await model.predict(PAIRS, { priority: 0 });
    assert.equal(bulkDone, false, 'the bulk call finished first');
    assert.equal(interactive.length, PAIRS.length);
    assert.equal((await bulk).length, 600);
  });

  test('a bulk call still finishes under continuous interactive load (aging)', async () => {
    const model = await load({ maxBatchTokens: 128 });
    let stop = false;
    let interactiveCalls = 0;
    const load_ = (async () => {
      while (!stop) {
        await Promise.all([0, 1].map(() => model.predict(PAIRS.slice(0, 2), { priority: 0 })));
        interactiveCalls += 2;
      }
    })();
    const bulk = await model.predict(bulkPairs(200), { priority: 3 });
    stop = true;
    await load_;
    assert.equal(bulk.length, 200);
    assert.ok(interactiveCalls > 0);
  });

  test('abort while queued removes the call at once; while running it rejects and the model stays usable', async () => {
    const model = await load({ maxBatchTokens: 128 });
    // Sizes leave a wide margin on fast machines: the blocker must still run when the next call is posted.
    const blocker = model.predict(bulkPairs(3000));
    await until(() => model.stats().runningCalls >= 1, 'the blocker to start');
    const controller = new AbortController();
    const queued = model.predict(bulkPairs(300, 5), { signal: controller.signal });
    await until(() => model.stats().queuedCalls >= 1, 'the call to be queued');
    const queuedBefore = model.stats().queuedPairs;
    const started = performance.now();
    controller.abort(new Error('stop'));
    // Synchronously: abort() itself took the call's pairs off the queue (the blocker's may have started since).
    assert.ok(queuedBefore - model.stats().queuedPairs >= 300, 'its pairs left the queue');
    assert.equal(model.stats().queuedCalls, 0);
    await assert.rejects(queued, AbortError);
    assert.ok(performance.now() - started < 50, 'the abort rejected at once');
    const running = new AbortController();
    const runningCall = model.predict(bulkPairs(3000, 9), { signal: running.signal });
    await blocker;
    await until(() => model.stats().runningCalls >= 1, 'the second call to start');
    running.abort();
    await assert.rejects(runningCall, AbortError);
    const stats = model.stats();
    assert.equal(stats.cancelledCalls, 2);
    assert.ok(stats.pairs < 3000 + 300 + 3000, 'the aborted calls did not run all their pairs');
    assert.equal((await model.predict(PAIRS)).length, PAIRS.length);
  });

  test('timeout while queued and while running rejects with ERR_TIMEOUT', async () => {
    const model = await load({ maxBatchTokens: 128 });
    const blocker = model.predict(bulkPairs(3000));
    await until(() => model.stats().runningCalls >= 1, 'the blocker to start');
    const started = performance.now();
    await assert.rejects(model.predict(bulkPairs(50, 3), { timeout: 20 }), hasCode('ERR_TIMEOUT'));
    const waited = performance.now() - started;
    assert.ok(waited >= 19 && waited < 1000, `rejected after ${waited} ms`);
    await blocker;
    await assert.rejects(model.predict(bulkPairs(6000, 4), { timeout: 30 }), hasCode('ERR_TIMEOUT'));
    const stats = model.stats();
    assert.equal(stats.timedOutCalls, 2);
    assert.ok(stats.pairs < 3000 + 50 + 6000, 'the timed-out calls dropped their unstarted pairs');
    assert.equal((await model.predict(PAIRS, { timeout: 60_000 })).length, PAIRS.length);
  });

  test('dispose rejects queued calls with ERR_DISPOSED and lets the running one finish', async () => {
    const model = await CrossEncoder.load(MODEL, { threads: 1, maxBatchTokens: 128 });
    const reference = await model.predict(bulkPairs(1500));
    const running = model.predict(bulkPairs(1500));
    await until(() => model.stats().runningCalls >= 1, 'the call to start');
    const queued = model.predict(PAIRS);
    const disposing = model.dispose();
    await assert.rejects(queued, hasCode('ERR_DISPOSED'));
    assert.deepEqual(await running, reference);
    await disposing;
  });

  test('a call that does not fit the queue is rejected whole and at once with ERR_OVERLOADED', async () => {
    const model = await load({ maxQueuedPairs: 5000, maxBatchTokens: 128 });
    const admitted = model.predict(bulkPairs(4990));
    // Far over the room left (10 pairs), so the rejections hold even while the admitted call's first pairs run.
    const extra = bulkPairs(1100, 1);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await assert.rejects(model.predict(extra), (error: unknown) => {
        assert.ok(hasCode('ERR_OVERLOADED')(error));
        assert.match((error as Error).message, /maxQueuedPairs 5000/);
        return true;
      });
      times.push(performance.now() - started);
    }
    await assert.rejects(model.predict(bulkPairs(5001)), hasCode('ERR_OVERLOADED'));
    assert.ok(times.sort((x, y) => x - y)[2]! < 5, `median rejection ${times[2]} ms`);
    assert.equal((await admitted).length, 4990);
    assert.equal(model.stats().rejectedCalls, 6);
    assert.equal(model.stats().queuedPairs, 0);
    assert.equal((await model.predict(extra)).length, 1100, 'admitted again once the queue drained');
  });

  test('cross-encoder:call publishes one message per finished call, any outcome', async () => {
    const model = await load({ maxQueuedPairs: 3000, maxLength: 16 });
    const { messages, stop } = collectCalls();
    try {
      await model.predict([[longText(30), 'short'], ['a', 'b']], { priority: 2 });
      await assert.rejects(model.predict(bulkPairs(3001)), hasCode('ERR_OVERLOADED'));
      const controller = new AbortController();
      const aborted = model.predict(bulkPairs(2000), { signal: controller.signal });
      controller.abort();
      await assert.rejects(aborted, AbortError);
      await until(() => messages.length >= 3, 'the aborted call to be reported');
    } finally {
      stop();
    }
    const [ok, overloaded, aborted] = messages;
    assert.deepEqual({ ...ok, queueMs: 0, computeMs: 0 },
      { model: MODEL, pairs: 2, queueMs: 0, computeMs: 0, truncatedPairs: 1, priority: 2, outcome: 'ok' });
    assert.ok(ok!.queueMs >= 0 && ok!.computeMs > 0);
    assert.deepEqual(overloaded, { model: MODEL, pairs: 3001, queueMs: 0, computeMs: 0, truncatedPairs: 0, priority: 0, outcome: 'overloaded' });
    assert.equal(aborted!.outcome, 'aborted');
    assert.equal(aborted!.pairs, 2000);
  });

  test('scheduler options are validated', async () => {
    await assert.rejects(CrossEncoder.load(MODEL, { maxBatchTokens: 0 }), CrossEncoderRangeError);
    await assert.rejects(CrossEncoder.load(MODEL, { maxQueuedPairs: 1.5 }), CrossEncoderRangeError);
    const model = await load();
    // The limits in effect are on the model: the defaults here, the given values below.
    assert.deepEqual([model.maxBatchTokens, model.maxQueuedPairs], [2048, 20000]);
    const limited = await CrossEncoder.load(MODEL, { threads: 1, maxBatchTokens: 300, maxQueuedPairs: 7 });
    assert.deepEqual([limited.threads, limited.maxBatchTokens, limited.maxQueuedPairs], [1, 300, 7]);
    await limited.dispose();
    await assert.rejects(model.predict(PAIRS, { priority: -1 }), CrossEncoderRangeError);
    await assert.rejects(model.predict(PAIRS, { timeout: 0 }), CrossEncoderRangeError);
    await assert.rejects(model.rank(QUERY, PASSAGES, { timeout: 2 ** 31 }), CrossEncoderRangeError);
    const ranked = await model.rank(QUERY, PASSAGES, { priority: 1, timeout: 60_000 });
    assert.equal(ranked.length, PASSAGES.length);
  });
});
