// Misuse of the native addon that took the whole process down (issue 14), one scenario per child process.
// Usage: node native-scenarios.cjs <scenario> <addon.node> <modelDir>; prints one JSON line with what happened.
// Plain CommonJS so that Workers can run it without a TS loader.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const [scenario, addonPath, modelDir] = isMainThread ? process.argv.slice(2) : [workerData.scenario, workerData.addonPath, workerData.modelDir];
const addon = require(addonPath);

const pair = (i) => [`query ${i}`, `passage ${i} `.repeat(3)];
// Long enough that a 1-thread predict of these takes well over the time a Worker needs to be terminated.
const slowPairs = Array.from({ length: 700 }, (_, i) => [`query ${i} `.repeat(8), `a long passage ${i} `.repeat(12)]);

function print(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a Worker running `workerScenario` of this file; resolves with the Worker once it posts `ready`. */
function startWorker(workerScenario, onMessage = () => {}) {
  const worker = new Worker(__filename, { workerData: { scenario: workerScenario, addonPath, modelDir } });
  return new Promise((resolve, reject) => {
    worker.on('message', (message) => {
      if (message === 'ready') resolve(worker);
      else onMessage(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited early with code ${code}`)));
  });
}

const scenarios = {
  // A getter on one element pushes more pairs while the binding copies the array.
  async 'grow-during-copy'() {
    const handle = await addon.load(modelDir, { threads: 1 });
    const pairs = [pair(0), pair(1), pair(2), pair(3)];
    Object.defineProperty(pairs, 1, {
      get() {
        for (let i = 0; i < 20000; i++) pairs.push(pair(i));
        return pair(1);
      },
    });
    const scores = await handle.predict(pairs, { batchSize: 4 });
    print({ scores: scores.length, lengthAfter: pairs.length });
  },

  // A getter disposes the handle while the binding copies the pairs of its predict.
  async 'dispose-during-copy'() {
    const handle = await addon.load(modelDir, { threads: 1 });
    const pairs = [pair(0), pair(1), pair(2)];
    Object.defineProperty(pairs, 1, {
      get() {
        handle.dispose();
        return pair(1);
      },
    });
    const scores = await handle.predict(pairs, { batchSize: 1 });
    let afterwards;
    try {
      handle.info();
    } catch (error) {
      afterwards = error.code;
    }
    print({ scores: scores.length, afterwards });
  },

  // Getters that throw, return non-strings, shrink the array, or sit behind a Proxy.
  async 'hostile-elements'() {
    const handle = await addon.load(modelDir, { threads: 1 });
    const outcome = (call) => {
      try {
        const result = call();
        return result instanceof Promise ? result.then((scores) => `scores:${scores.length}`, (e) => `rejected:${e.message}`) : 'returned';
      } catch (error) {
        return `${error.constructor.name}:${error.message}`;
      }
    };
    const throwing = [pair(0)];
    Object.defineProperty(throwing, 0, { get() { throw new Error('getter says no'); } });
    const nonString = [[pair(0)[0], pair(0)[1]]];
    Object.defineProperty(nonString[0], 1, { get: () => 42 });
    const shrinking = [pair(0), pair(1), pair(2)];
    Object.defineProperty(shrinking, 0, { get() { shrinking.length = 1; return pair(0); } });
    const proxied = new Proxy([pair(0), pair(1)], { get: (target, key) => (key === 'length' ? 1e9 : target[key]) });
    const results = {
      throwing: await outcome(() => handle.predict(throwing, {})),
      nonString: await outcome(() => handle.predict(nonString, {})),
      shrinking: await outcome(() => handle.predict(shrinking, {})),
      proxied: await outcome(() => handle.predict(proxied, {})),
      sparse: await outcome(() => handle.predict(new Array(2 ** 32 - 1), {})),
      throwingOptions: await outcome(() => handle.predict([pair(0)], { get batchSize() { throw new Error('options getter'); } })),
    };
    handle.dispose();
    print(results);
  },

  // A modelDir with a NUL used to load the directory named by the part before it.
  async 'nul-path'() {
    try {
      const handle = await addon.load(`${modelDir}\0/elsewhere`, {});
      handle.dispose();
      print({ loaded: true });
    } catch (error) {
      print({ loaded: false, error: `${error.constructor.name}:${error.message}` });
    }
  },

  // Workers terminated while their predict (or load) calls run on core threads; the process must survive,
  // and then load and predict as usual.
  async 'terminate-workers'() {
    for (let round = 0; round < 4; round++) {
      const worker = await startWorker(round % 2 === 0 ? 'worker-predicting' : 'worker-loading');
      await worker.terminate();
    }
    // The core threads finish the abandoned calls in this time and try to settle them.
    await sleep(3000);
    const handle = await addon.load(modelDir, { threads: 1 });
    const scores = await handle.predict([pair(0), pair(1)], {});
    handle.dispose();
    print({ survived: true, scores: scores.length });
  },

  // One model directory used by several Workers at once, each with its own handle, and by this thread.
  async 'concurrent-workers'() {
    const handle = await addon.load(modelDir, { threads: 1 });
    const pairs = Array.from({ length: 40 }, (_, i) => pair(i));
    const expected = Array.from(await handle.predict(pairs, { batchSize: 8 }));
    const results = await Promise.all(Array.from({ length: 3 }, () => new Promise((resolve, reject) => {
      startWorker('worker-scoring', resolve).catch(reject);
    })));
    handle.dispose();
    print({ workers: results.length, same: results.every((scores) => JSON.stringify(scores) === JSON.stringify(expected)) });
  },

  // Worker side of terminate-workers: several predicts in flight, then `ready`; never finishes them.
  async 'worker-predicting'() {
    const handle = await addon.load(modelDir, { threads: 1 });
    const calls = Array.from({ length: 3 }, () => handle.predict(slowPairs, { batchSize: 4 }));
    // Queued behind them when the Worker goes: other priorities, a deadline, a cancel token (the scheduler).
    calls.push(handle.predict(slowPairs.slice(0, 50), { priority: 3, timeout: 60000 }));
    calls.push(handle.predict(slowPairs.slice(0, 50), { priority: 0, cancel: new addon.CancelToken() }));
    parentPort.postMessage('ready');
    await Promise.all(calls);
    parentPort.postMessage('finished before terminate');
  },

  // Worker side of terminate-workers: a load in flight, then `ready`.
  async 'worker-loading'() {
    const loading = addon.load(modelDir, { threads: 1 });
    parentPort.postMessage('ready');
    await loading;
  },

  // Worker side of concurrent-workers: scores the same pairs and posts them back.
  async 'worker-scoring'() {
    parentPort.postMessage('ready');
    const handle = await addon.load(modelDir, { threads: 1 });
    const pairs = Array.from({ length: 40 }, (_, i) => pair(i));
    const scores = Array.from(await handle.predict(pairs, { batchSize: 8 }));
    // Not disposed on purpose: the environment's cleanup closes it when the Worker exits.
    parentPort.postMessage(scores);
  },
};

const run = scenarios[scenario];
if (!run) throw new Error(`unknown scenario '${scenario}'`);
run().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
