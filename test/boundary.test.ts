// The TS/native boundary (issue 10): enumerations shared with the addon, options read by name, the model's
// special-token count, and lib/ copying hostile JS input before native code sees it.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';

import {
  ACTIVATIONS,
  CrossEncoder,
  CrossEncoderError,
  CrossEncoderRangeError,
  CrossEncoderTypeError,
  type CrossEncoderErrorCode,
} from '../lib/index';
import { fromNativeError, isCrossEncoderErrorCode, TS_ERROR_CODES } from '../lib/errors';
import { NATIVE_ACTIVATIONS, NATIVE_ERROR_CODES, native } from '../lib/native';
import { fixtureModelDir, TINY_MODELS } from './helpers/paths';
import { PASSAGES, QUERY } from './helpers/texts';

const PAIRS = PASSAGES.map((passage) => [QUERY, passage] as const);

describe('enumerations are the addon lists', () => {
  test('error codes: NATIVE_ERROR_CODES equals the addon errorCodes, in order', () => {
    assert.deepEqual([...native().errorCodes], [...NATIVE_ERROR_CODES]);
    assert.ok(Object.isFrozen(native().errorCodes));
  });

  test('activations: NATIVE_ACTIVATIONS and the public ACTIVATIONS equal the addon activations', () => {
    assert.deepEqual([...native().activations], [...NATIVE_ACTIVATIONS]);
    assert.deepEqual([...ACTIVATIONS], [...native().activations]);
  });

  test('fromNativeError keeps exactly the addon codes and the TS-only ones', () => {
    const codes: readonly string[] = [...native().errorCodes, ...TS_ERROR_CODES];
    for (const code of codes) {
      const converted = fromNativeError(Object.assign(new Error('boom'), { code }));
      assert.ok(converted instanceof CrossEncoderError);
      assert.equal(converted.code, code);
      assert.ok(isCrossEncoderErrorCode(code));
    }
    for (const code of ['ERR_NOT_A_CODE', 'EACCES', 42, undefined]) {
      assert.equal(isCrossEncoderErrorCode(code), false);
      assert.equal((fromNativeError(Object.assign(new Error('boom'), { code })) as CrossEncoderError).code, 'ERR_INTERNAL');
    }
    // The literal union accepts every listed code (a compile-time check as much as a runtime one).
    const typed: CrossEncoderErrorCode[] = [...NATIVE_ERROR_CODES, ...TS_ERROR_CODES];
    assert.equal(new Set(typed).size, codes.length);
  });
});

describe('activation tanh', () => {
  test('can be requested in predict and rank, and is tanh of the logits', async () => {
    for (const name of TINY_MODELS) {
      await using model = await CrossEncoder.load(fixtureModelDir(name));
      const logits = await model.predict(PAIRS, { activation: 'identity' });
      const tanh = await model.predict(PAIRS, { activation: 'tanh' });
      assert.equal(tanh.length, logits.length);
      for (let i = 0; i < logits.length; i++) assert.ok(Math.abs(tanh[i]! - Math.tanh(logits[i]!)) <= 1e-6, `${name}[${i}]`);
      if (model.numLabels === 1) {
        const ranked = await model.rank(QUERY, PASSAGES, { activation: 'tanh' });
        for (const { corpusId, score } of ranked) assert.ok(Math.abs(score - tanh[corpusId]!) <= 0);
      }
    }
  });
});

describe('options objects read by name', () => {
  const dir = fixtureModelDir('tiny-1label-f32');

  test('native load and predict: missing options or fields take the core defaults', async () => {
    const explicit = await native().load(dir, { threads: 1, maxLength: 0, embeddingsInMemory: false });
    const defaults = await native().load(dir);
    const empty = await native().load(dir, {});
    try {
      const reference = await explicit.predict(PAIRS, { activation: 'default', batchSize: 32 });
      assert.deepEqual(await defaults.predict(PAIRS, {}), reference);
      assert.deepEqual(await empty.predict(PAIRS, { batchSize: 2 }), reference);
      assert.equal(defaults.info().maxLength, explicit.info().maxLength);
    } finally {
      explicit.dispose();
      defaults.dispose();
      empty.dispose();
    }
  });

  test('an object that only looks like a CancelToken is a TypeError', async () => {
    const handle = await native().load(dir, { threads: 1 });
    try {
      const CancelToken = native().CancelToken;
      const impostor = Object.create(CancelToken.prototype) as unknown;
      assert.throws(() => handle.predict(PAIRS, { cancel: impostor as InstanceType<typeof CancelToken> }), TypeError);
    } finally {
      handle.dispose();
    }
  });
});

describe('maxLength and the special tokens of a pair', () => {
  const dir = fixtureModelDir('tiny-1label-f32');

  test('info() reports pairSpecialTokens; maxLength may be exactly that', async () => {
    const handle = await native().load(dir, { maxLength: 3 });
    try {
      assert.equal(handle.info().pairSpecialTokens, 3);
      assert.equal(handle.info().maxLength, 3);
      assert.equal(handle.tokenize('a long query', 'a long passage').inputIds.length, 3);
    } finally {
      handle.dispose();
    }
  });

  test('below it: a RangeError naming the least value', async () => {
    for (const maxLength of [1, 2]) {
      await assert.rejects(CrossEncoder.load(dir, { maxLength }), (error: unknown) => {
        assert.ok(error instanceof CrossEncoderRangeError, String(error));
        assert.equal(error.message, `Expected an integer >= 3 for options.maxLength but received ${maxLength}`);
        return true;
      });
    }
    await assert.rejects(CrossEncoder.load(dir, { maxLength: 0 }), CrossEncoderRangeError);
  });
});

test('a modelDir containing NUL is an argument error, not a silently shorter path', async () => {
  const dir = `${fixtureModelDir('tiny-1label-f32')}\0/other`;
  await assert.rejects(CrossEncoder.load(dir), (error: unknown) => {
    assert.ok(error instanceof CrossEncoderTypeError, String(error));
    assert.equal(error.code, 'ERR_INVALID_ARG_VALUE');
    assert.match(error.message, /for modelDir .*NUL at index \d+/);
    return true;
  });
});

describe('lib/ copies hostile arrays before native code sees them', () => {
  test('predict: a getter that grows the array, a Proxy, and a value that changes after validation', async () => {
    await using model = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'));
    const reference = await model.predict(PAIRS);

    const growing: Array<readonly [string, string]> = PAIRS.map((pair) => [...pair] as const);
    Object.defineProperty(growing, 0, {
      get() {
        for (let i = 0; i < 1000; i++) growing.push(['x', 'y']);
        return PAIRS[0];
      },
    });
    assert.deepEqual(await model.predict(growing), reference);

    assert.deepEqual(await model.predict(new Proxy(PAIRS.map((pair) => [...pair] as const), {})), reference);

    let reads = 0;
    const fickle = [[QUERY, PASSAGES[0]!]] as unknown as [string, string][];
    Object.defineProperty(fickle[0], 1, { get: () => (reads++ === 0 ? PASSAGES[0] : 42) });
    assert.deepEqual(await model.predict(fickle), reference.subarray(0, 1));
    assert.equal(reads, 1);
  });

  test('predict: a getter that disposes the model rejects with ERR_DISPOSED', async () => {
    const model = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'));
    const pairs = PAIRS.map((pair) => [...pair] as const);
    Object.defineProperty(pairs, 1, {
      get() {
        void model.dispose();
        return PAIRS[1];
      },
    });
    await assert.rejects(model.predict(pairs), (error: unknown) => error instanceof CrossEncoderError && error.code === 'ERR_DISPOSED');
  });

  test('rank: documents whose getter changes its answer are read once', async () => {
    await using model = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'));
    let reads = 0;
    const documents = [...PASSAGES];
    Object.defineProperty(documents, 0, { get: () => (reads++ === 0 ? PASSAGES[0] : 7) });
    const ranked = await model.rank(QUERY, documents, { returnDocuments: true });
    assert.equal(reads, 1);
    assert.ok(ranked.some((result) => result.corpusId === 0 && result.text === PASSAGES[0]));
  });
});
