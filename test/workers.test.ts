// worker_threads: a Worker's environment going away closes its handles, and core threads never call into it.
// Each scenario runs in a child process so that an abort fails one test, not the suite.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';

import { runScenario } from './helpers/scenarios';

describe('worker_threads', () => {
  test('Workers terminated with predict and load calls in flight: the process keeps running, then loads and predicts', () => {
    // Before: a pool thread settled a call through the dead environment's thread-safe function (abort).
    assert.deepEqual(runScenario('terminate-workers'), { survived: true, scores: 2 });
  });

  test('one model directory scored by several Workers at once and by the main thread: identical scores', () => {
    assert.deepEqual(runScenario('concurrent-workers'), { workers: 3, same: true });
  });
});
