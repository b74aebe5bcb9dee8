// The soak test's load (forked by scripts/soak.mjs): one long-lived model taking concurrent rank and predict
// calls, small and over-long inputs, calls aborted before and during scoring, bad arguments, and models loaded
// and disposed with calls in flight; sends RSS samples and the first unexpected failure to the parent.
import { readFileSync } from 'node:fs';

import { AbortError, CrossEncoder, CrossEncoderError, CrossEncoderTypeError } from '../lib/index.ts';

const [durationMs, sampleMs] = process.argv.slice(2).map(Number);
const started = Date.now();
const counters = { ops: 0, loads: 0, aborts: 0 };

// A fixed pseudo-random sequence, so a failing run can be replayed.
let seed = 0x2545f491;
function random() {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
const WORDS = ('terminal multiplexer window manager package archive compression library kernel module ' +
  'network daemon editor shell font printer driver audio video codec database server client ' +
  'naïve café straße 漢字 😀 tab\there ﬁle').split(' ');
function text(words) {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

function fail(message) {
  process.send({ type: 'failure', error: message });
  process.exitCode = 1;
  throw new Error(message);
}

function describe(error) {
  return error instanceof Error ? `${error.name} ${error.code ?? ''}: ${error.message}` : String(error);
}

// The fixed pairs' scores must come out bitwise the same on every call, whatever runs beside them.
const FIXED_PAIRS = [['tiling window manager', 'a dynamic tiling window manager for X'], ['', text(400)], [text(3), '']];
let reference;

function checkScores(scores, expectedLength, what) {
  if (!(scores instanceof Float32Array) || scores.length !== expectedLength) fail(`${what}: expected ${expectedLength} scores, got ${scores?.length}`);
  for (const score of scores) if (!Number.isFinite(score)) fail(`${what}: non-finite score ${score}`);
}

async function fixedScores(model) {
  const scores = await model.predict(FIXED_PAIRS);
  checkScores(scores, FIXED_PAIRS.length, 'fixed pairs');
  reference ??= scores;
  for (let i = 0; i < scores.length; i++) {
    if (!Object.is(scores[i], reference[i])) fail(`fixed pair ${i} scored ${scores[i]}, first ${reference[i]}`);
  }
  counters.ops++;
}

async function rankSmall(model) {
  const documents = Array.from({ length: 1 + Math.floor(random() * 24) }, () => text(1 + Math.floor(random() * 12)));
  const topK = 1 + Math.floor(random() * documents.length);
  const ranked = await model.rank(text(3), documents, { topK, returnDocuments: true, batchSize: 1 + Math.floor(random() * 16) });
  if (ranked.length !== topK) fail(`rank returned ${ranked.length} results for topK ${topK}`);
  counters.ops++;
}

async function predictLong(model) {
  // Longer than maxLength: truncation on every pair.
  const pairs = Array.from({ length: 1 + Math.floor(random() * 6) }, () => [text(50 + Math.floor(random() * 100)), text(300 + Math.floor(random() * 600))]);
  checkScores(await model.predict(pairs, { activation: random() < 0.5 ? 'identity' : 'sigmoid' }), pairs.length, 'long pairs');
  counters.ops++;
}

async function expectAbortOrScores(promise, expectedLength) {
  try {
    checkScores(await promise, expectedLength, 'abortable call');
  } catch (error) {
    if (!(error instanceof AbortError)) fail(`an aborted call rejected with ${describe(error)}, not AbortError`);
    counters.aborts++;
  }
  counters.ops++;
}

async function aborted(model) {
  const pairs = Array.from({ length: 8 + Math.floor(random() * 24) }, () => [text(8), text(40 + Math.floor(random() * 200))]);
  const controller = new AbortController();
  const scoring = expectAbortOrScores(model.predict(pairs, { signal: controller.signal, batchSize: 2 }), pairs.length);
  // From at once to well after a typical call has finished, so both outcomes keep happening.
  setTimeout(() => controller.abort(new Error('soak abort')), Math.floor(random() * 150));
  await scoring;
  // Already aborted: must reject at once, never score.
  try {
    await model.rank('q', ['d'], { signal: AbortSignal.abort() });
    fail('rank with an aborted signal resolved');
  } catch (error) {
    if (!(error instanceof AbortError)) fail(`rank with an aborted signal rejected with ${describe(error)}`);
    counters.aborts++;
  }
}

async function badArguments(model) {
  for (const call of [() => model.predict([['a', 7]]), () => model.rank('q', 'not an array'), () => model.predict([['a', 'b']], { batchSize: 0 })]) {
    try {
      await call();
      fail('a call with a bad argument resolved');
    } catch (error) {
      if (!(error instanceof CrossEncoderTypeError || error instanceof RangeError)) fail(`a bad argument gave ${describe(error)}`);
    }
    counters.ops++;
  }
}

// Load, score with a call in flight while dispose() runs (a call already running resolves; one still queued
// rejects with ERR_DISPOSED, as the scheduler promises), then use after dispose.
async function loadDisposeCycle() {
  const model = await CrossEncoder.load('demo', { threads: 1 + Math.floor(random() * 2), maxLength: 16 + Math.floor(random() * 241) });
  counters.loads++;
  const pairs = Array.from({ length: 4 }, () => [text(4), text(30)]);
  const inFlight = model.predict(pairs).then(
    (scores) => ({ scores }),
    (error) => ({ error }),
  );
  await model.dispose();
  const settled = await inFlight;
  if (settled.error === undefined) {
    checkScores(settled.scores, pairs.length, 'call in flight during dispose');
  } else if (!(settled.error instanceof CrossEncoderError) || settled.error.code !== 'ERR_DISPOSED') {
    fail(`a call in flight during dispose gave ${describe(settled.error)}`);
  }
  try {
    await model.predict(pairs);
    fail('predict after dispose resolved');
  } catch (error) {
    if (!(error instanceof CrossEncoderError) || error.code !== 'ERR_DISPOSED') fail(`predict after dispose gave ${describe(error)}`);
  }
  counters.ops += 2;
}

// Linux splits RSS into anonymous memory (heap, stacks: where a leak shows) and mapped files (the weights, Node's
// own binary: pages the kernel may drop and fault back in under memory pressure); Threads counts live threads.
function procStatus() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
    return { rssAnon: field('RssAnon') * 1024, rssFile: field('RssFile') * 1024, threads: field('Threads') };
  } catch {
    return { rssAnon: NaN, rssFile: NaN, threads: NaN };
  }
}

// Taken between rounds, when only the long-lived model exists and no call is in flight: a sample taken mid-round
// would also count the cycle's second model (its packed weights, ~20 MiB for the demo model) and the buffers of
// the calls running, so RSS would depend on where in a round the timer fell (measured: +-10% between samples).
async function sample() {
  globalThis.gc?.();
  // Node-API finalizers of collected handles may run on the next turn of the loop: let them free native memory.
  await new Promise((resolve) => setImmediate(resolve));
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.send({ type: 'sample', elapsedMs: Date.now() - started, rss, heapUsed, heapTotal, external, ...procStatus(), ...counters });
}

const model = await CrossEncoder.load('demo', { threads: 2 });
counters.loads++;
let nextSampleMs = 0;
try {
  while (Date.now() - started < durationMs) {
    await Promise.all([fixedScores(model), rankSmall(model), rankSmall(model), predictLong(model), aborted(model),
      badArguments(model), loadDisposeCycle()]);
    if (Date.now() - started >= nextSampleMs) {
      await sample();
      nextSampleMs = Date.now() - started + sampleMs;
    }
  }
} catch (error) {
  if (!process.exitCode) fail(`unexpected: ${describe(error)}\n${error?.stack ?? ''}`);
}
await sample();
await model.dispose();
process.disconnect();
