// Every bad input named in the spec: broken model directories (built in temp dirs from a fixture) and bad
// arguments. Each case checks the error class, the code, and that the message names the problem.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  CrossEncoder,
  CrossEncoderError,
  CrossEncoderRangeError,
  CrossEncoderTypeError,
  type CrossEncoderErrorCode,
} from '../lib/index';
import { native } from '../lib/native';
import {
  copyModelDir,
  editJson,
  editSafetensorsHeader,
  emptyTempDir,
  readSafetensors,
  removeTempDirs,
  removeTensor,
  type TensorEntry,
  writeSafetensors,
} from './helpers/model-dir';
import { fixtureModelDir } from './helpers/paths';

after(removeTempDirs);

/** Asserts that loading `dir` rejects with CrossEncoderError `code` and a message matching every pattern. */
async function assertLoadFails(dir: string, code: CrossEncoderErrorCode, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(CrossEncoder.load(dir), (error: unknown) => {
    assert.ok(error instanceof CrossEncoderError, `expected CrossEncoderError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

function brokenCopy(source = 'tiny-1label-f32' as const): string {
  return copyModelDir(fixtureModelDir(source));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('model directory errors', () => {
  test('missing directory', async () => {
    const dir = path.join(emptyTempDir(), 'does-not-exist');
    await assertLoadFails(dir, 'ERR_FILE_NOT_FOUND', new RegExp(escape(dir)));
  });

  test('missing config.json', async () => {
    const dir = brokenCopy();
    rmSync(path.join(dir, 'config.json'));
    await assertLoadFails(dir, 'ERR_FILE_NOT_FOUND', /config\.json/);
  });

  test('missing model.safetensors', async () => {
    const dir = brokenCopy();
    rmSync(path.join(dir, 'model.safetensors'));
    await assertLoadFails(dir, 'ERR_FILE_NOT_FOUND', /model\.safetensors/);
  });

  test('missing tokenizer files', async () => {
    const dir = brokenCopy();
    rmSync(path.join(dir, 'vocab.txt'));
    await assertLoadFails(dir, 'ERR_FILE_NOT_FOUND', /vocab\.txt|tokenizer\.json/);
  });

  test('weights file truncated after load: predict rejects with ERR_FILE_UNREADABLE, no crash', async () => {
    // The word embeddings of an F32 model are read from the open file per call (the default).
    const dir = brokenCopy();
    await using model = await CrossEncoder.load(dir);
    assert.equal((await model.predict([['a', 'b']])).length, 1);
    truncateSync(path.join(dir, 'model.safetensors'), 64);
    await assert.rejects(model.predict([['a', 'b']]), (error: unknown) => {
      assert.ok(error instanceof CrossEncoderError, String(error));
      assert.equal(error.code, 'ERR_FILE_UNREADABLE');
      assert.match(error.message, /model\.safetensors.*truncated/);
      return true;
    });
  });

  test('unreadable file (a directory where model.safetensors should be)', async () => {
    // Tests run as root, so chmod 000 would not stop reads; a directory cannot be read as a file by anyone.
    const dir = brokenCopy();
    rmSync(path.join(dir, 'model.safetensors'));
    mkdirSync(path.join(dir, 'model.safetensors'));
    await assertLoadFails(dir, 'ERR_FILE_UNREADABLE', /model\.safetensors/);
  });

  test('unreadable config.json (a directory)', async () => {
    const dir = brokenCopy();
    rmSync(path.join(dir, 'config.json'));
    mkdirSync(path.join(dir, 'config.json'));
    await assertLoadFails(dir, 'ERR_FILE_UNREADABLE', /config\.json/);
  });

  test('malformed config.json', async () => {
    const dir = brokenCopy();
    writeFileSync(path.join(dir, 'config.json'), '{"hidden_size": 32,');
    await assertLoadFails(dir, 'ERR_INVALID_CONFIG', /config\.json/);
  });

  test('inconsistent config.json (hidden_size not divisible by heads)', async () => {
    const dir = brokenCopy();
    editJson(path.join(dir, 'config.json'), (config) => { config.num_attention_heads = 5; });
    await assertLoadFails(dir, 'ERR_INVALID_CONFIG', /num_attention_heads|hidden_size/);
  });

  test('unsupported architecture', async () => {
    const dir = brokenCopy();
    editJson(path.join(dir, 'config.json'), (config) => {
      config.architectures = ['GPT2ForSequenceClassification'];
      config.model_type = 'gpt2';
    });
    await assertLoadFails(dir, 'ERR_UNSUPPORTED_ARCHITECTURE', /GPT2ForSequenceClassification/);
  });

  test('unsupported activation class', async () => {
    const dir = brokenCopy();
    editJson(path.join(dir, 'config.json'), (config) => {
      config.sentence_transformers = { activation_fn: 'torch.nn.modules.activation.ReLU6' };
    });
    await assertLoadFails(dir, 'ERR_UNSUPPORTED_ARCHITECTURE', /ReLU6/);
  });

  for (const token of ['[UNK]', '[CLS]', '[SEP]']) {
    test(`vocab.txt without ${token}`, async () => {
      const dir = brokenCopy();
      const vocabFile = path.join(dir, 'vocab.txt');
      // Rename the token in place so every other id stays where it was.
      const lines = readFileSync(vocabFile, 'utf8').split('\n').map((line) => (line === token ? `${token}x` : line));
      writeFileSync(vocabFile, lines.join('\n'));
      await assertLoadFails(dir, 'ERR_INVALID_TOKENIZER', new RegExp(escape(token)));
    });
  }

  test('tokenizer.json that is not JSON', async () => {
    const dir = copyModelDir(fixtureModelDir('tiny-3label-f16'));
    writeFileSync(path.join(dir, 'tokenizer.json'), '{"model": {"vocab": ');
    await assertLoadFails(dir, 'ERR_INVALID_TOKENIZER', /tokenizer\.json/);
  });
});

describe('safetensors errors', () => {
  const file = (dir: string) => path.join(dir, 'model.safetensors');
  const entry = (header: Record<string, unknown>, name: string) => header[name] as TensorEntry;

  test('header length larger than the file', async () => {
    const dir = brokenCopy();
    const bytes = readFileSync(file(dir));
    bytes.writeBigUInt64LE(BigInt(bytes.length) * 4n, 0);
    writeFileSync(file(dir), bytes);
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /model\.safetensors/, /header/i);
  });

  test('file shorter than the 8-byte header length', async () => {
    const dir = brokenCopy();
    writeFileSync(file(dir), Buffer.from([1, 2, 3]));
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /model\.safetensors/);
  });

  test('header that is not JSON', async () => {
    const dir = brokenCopy();
    const parts = readSafetensors(file(dir));
    writeSafetensors(file(dir), parts, JSON.stringify(parts.header).slice(0, -20));
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /model\.safetensors/, /JSON|header/i);
  });

  test('truncated file (data offsets beyond the end)', async () => {
    const dir = brokenCopy();
    truncateSync(file(dir), Math.floor(statSync(file(dir)).size / 2));
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /model\.safetensors/);
  });

  test('offsets outside the data section', async () => {
    const dir = brokenCopy();
    editSafetensorsHeader(file(dir), (header) => {
      const bias = entry(header, 'classifier.bias');
      bias.data_offsets = [bias.data_offsets[0] + 10_000_000, bias.data_offsets[1] + 10_000_000];
    });
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /classifier\.bias/);
  });

  test('overlapping tensors', async () => {
    const dir = brokenCopy();
    editSafetensorsHeader(file(dir), (header) => {
      // Point the pooler bias (32 floats) at the start of the pooler weight's bytes.
      const weight = entry(header, 'bert.pooler.dense.weight');
      entry(header, 'bert.pooler.dense.bias').data_offsets = [weight.data_offsets[0], weight.data_offsets[0] + 128];
    });
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /overlap/i);
  });

  test('shape * dtype size != byte length', async () => {
    const dir = brokenCopy();
    editSafetensorsHeader(file(dir), (header) => { entry(header, 'classifier.weight').shape = [1, 31]; });
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /classifier\.weight/);
  });

  test('missing tensor', async () => {
    const dir = brokenCopy();
    removeTensor(file(dir), 'classifier.weight');
    await assertLoadFails(dir, 'ERR_MISSING_TENSOR', /classifier\.weight/);
  });

  test('tensor with the wrong shape for the config', async () => {
    const dir = brokenCopy();
    editSafetensorsHeader(file(dir), (header) => { entry(header, 'bert.pooler.dense.weight').shape = [16, 64]; });
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /bert\.pooler\.dense\.weight/);
  });

  test('unknown dtype', async () => {
    const dir = brokenCopy();
    editSafetensorsHeader(file(dir), (header) => { entry(header, 'classifier.bias').dtype = 'Q3_K'; });
    await assertLoadFails(dir, 'ERR_INVALID_SAFETENSORS', /Q3_K/);
  });
});

describe('argument errors', () => {
  let model: CrossEncoder;
  let multiLabel: CrossEncoder;
  before(async () => {
    model = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'));
    multiLabel = await CrossEncoder.load(fixtureModelDir('tiny-3label-f16'));
  });
  after(async () => {
    await model.dispose();
    await multiLabel.dispose();
  });

  function typeError(code: string, message: string | RegExp) {
    return (error: unknown) => {
      assert.ok(error instanceof CrossEncoderTypeError, `expected CrossEncoderTypeError, got ${String(error)}`);
      assert.ok(error instanceof TypeError);
      assert.equal(error.code, code);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    };
  }
  function rangeError(message: string) {
    return (error: unknown) => {
      assert.ok(error instanceof CrossEncoderRangeError, `expected CrossEncoderRangeError, got ${String(error)}`);
      assert.ok(error instanceof RangeError);
      assert.equal(error.code, 'ERR_OUT_OF_RANGE');
      assert.equal(error.message, message);
      return true;
    };
  }
  const anyArgs = (value: unknown) => value as never;

  test('non-string texts in pairs', async () => {
    await assert.rejects(model.predict(anyArgs([['q', 'p'], ['q', 'p'], ['q', 'p'], ['q', 7]])),
      typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for pairs[3][1] but received number'));
    await assert.rejects(model.predict(anyArgs([[null, 'p']])),
      typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for pairs[0][0] but received null'));
  });

  test('non-array pairs and malformed pairs', async () => {
    await assert.rejects(model.predict(anyArgs('query')), typeError('ERR_INVALID_ARG_TYPE', /for pairs but received string/));
    await assert.rejects(model.predict(anyArgs([{ 0: 'a', 1: 'b' }])), typeError('ERR_INVALID_ARG_TYPE', /pair for pairs\[0\] but received object/));
    await assert.rejects(model.predict(anyArgs([['a', 'b', 'c']])), typeError('ERR_INVALID_ARG_VALUE', /pairs\[0\].*length 3/));
    await assert.rejects(model.predict(anyArgs([['a']])), typeError('ERR_INVALID_ARG_VALUE', /pairs\[0\].*length 1/));
  });

  test('rank: non-string query and documents', async () => {
    await assert.rejects(model.rank(anyArgs(1), ['a']), typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for query but received number'));
    await assert.rejects(model.rank('q', anyArgs('a')), typeError('ERR_INVALID_ARG_TYPE', /documents but received string/));
    await assert.rejects(model.rank('q', anyArgs(['a', {}])), typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for documents[1] but received object'));
  });

  test('tokenize: non-string texts', () => {
    assert.throws(() => model.tokenize(anyArgs(undefined), 'b'), typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for query but received undefined'));
    assert.throws(() => model.tokenize('a', anyArgs(Symbol('b'))), typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for passage but received symbol'));
  });

  for (const [value, shown] of [[NaN, 'NaN'], [-1, '-1'], [0, '0'], [1.5, '1.5'], [Infinity, 'Infinity'], [2 ** 60, String(2 ** 60)]] as const) {
    test(`batchSize ${shown} and topK ${shown}`, async () => {
      await assert.rejects(model.predict([['a', 'b']], { batchSize: value }),
        rangeError(`Expected a positive integer for options.batchSize but received ${shown}`));
      await assert.rejects(model.rank('a', ['b'], { batchSize: value }),
        rangeError(`Expected a positive integer for options.batchSize but received ${shown}`));
      await assert.rejects(model.rank('a', ['b'], { topK: value }),
        rangeError(`Expected a positive integer for options.topK but received ${shown}`));
    });
  }

  test('options of the wrong type', async () => {
    await assert.rejects(model.predict([['a', 'b']], anyArgs({ batchSize: '8' })),
      typeError('ERR_INVALID_ARG_TYPE', 'Expected a positive integer for options.batchSize but received string'));
    await assert.rejects(model.predict([['a', 'b']], anyArgs('fast')), typeError('ERR_INVALID_ARG_TYPE', /options object for options but received string/));
    await assert.rejects(model.predict([['a', 'b']], anyArgs({ activation: 'relu' })),
      typeError('ERR_INVALID_ARG_VALUE', "Expected one of 'default', 'identity', 'sigmoid', 'softmax', 'tanh' for options.activation but received 'relu'"));
    await assert.rejects(model.predict([['a', 'b']], anyArgs({ signal: { aborted: false } })),
      typeError('ERR_INVALID_ARG_TYPE', 'Expected an AbortSignal for options.signal but received object'));
    await assert.rejects(model.rank('a', ['b'], anyArgs({ returnDocuments: 'yes' })),
      typeError('ERR_INVALID_ARG_TYPE', 'Expected a boolean for options.returnDocuments but received string'));
  });

  test('unknown option keys', async () => {
    await assert.rejects(model.predict([['a', 'b']], anyArgs({ batchsize: 8 })), typeError('ERR_UNKNOWN_OPTION', /'batchsize'/));
    await assert.rejects(model.rank('a', ['b'], anyArgs({ top_k: 1 })), typeError('ERR_UNKNOWN_OPTION', /'top_k'/));
    await assert.rejects(CrossEncoder.load(fixtureModelDir('tiny-1label-f32'), anyArgs({ thread: 2 })), typeError('ERR_UNKNOWN_OPTION', /'thread'/));
  });

  test('load options out of range', async () => {
    const dir = fixtureModelDir('tiny-1label-f32');
    await assert.rejects(CrossEncoder.load(dir, { threads: 0 }), rangeError('Expected an integer from 1 to 1024 for options.threads but received 0'));
    await assert.rejects(CrossEncoder.load(dir, { threads: 5000 }), rangeError('Expected an integer from 1 to 1024 for options.threads but received 5000'));
    await assert.rejects(CrossEncoder.load(dir, { threads: 1.5 }), rangeError('Expected an integer from 1 to 1024 for options.threads but received 1.5'));
    await assert.rejects(CrossEncoder.load(dir, anyArgs({ embeddingsInMemory: 'no' })), typeError('ERR_INVALID_ARG_TYPE', /options\.embeddingsInMemory/));
    await assert.rejects(CrossEncoder.load(dir, { maxLength: 2 }), rangeError('Expected an integer >= 3 for options.maxLength but received 2'));
    await assert.rejects(CrossEncoder.load(anyArgs(42)), typeError('ERR_INVALID_ARG_TYPE', 'Expected a string for modelDir but received number'));
  });

  test('maxLength above what the model supports', async () => {
    await assert.rejects(CrossEncoder.load(fixtureModelDir('tiny-1label-f32'), { maxLength: 65 }), (error: unknown) => {
      assert.ok(error instanceof CrossEncoderError);
      assert.equal(error.code, 'ERR_INVALID_ARGUMENT');
      assert.match(error.message, /65/);
      return true;
    });
  });

  test('rank on a multi-label model', async () => {
    await assert.rejects(multiLabel.rank('a', ['b']), (error: unknown) =>
      error instanceof CrossEncoderError && error.code === 'ERR_UNSUPPORTED_OPERATION' && /num_labels=1/.test(error.message));
  });

  test('calls after dispose()', async () => {
    const doomed = await CrossEncoder.load(fixtureModelDir('tiny-1label-f32'));
    await doomed.dispose();
    const disposed = (error: unknown) => {
      assert.ok(error instanceof CrossEncoderError);
      assert.equal(error.code, 'ERR_DISPOSED');
      assert.match(error.message, /disposed/);
      return true;
    };
    await assert.rejects(doomed.predict([['a', 'b']]), disposed);
    await assert.rejects(doomed.predict([]), disposed);
    await assert.rejects(doomed.rank('a', ['b']), disposed);
    assert.throws(() => doomed.tokenize('a', 'b'), disposed);
    await doomed.dispose();
  });
});

describe('native boundary defends itself', () => {
  // Misuse that skips the TS layer must be a TypeError/RangeError, never a crash.
  test('load() with wrong argument types', () => {
    const addon = native() as unknown as Record<string, (...args: unknown[]) => unknown>;
    assert.throws(() => addon.load!(42, {}), TypeError);
    assert.throws(() => addon.load!('dir', { threads: 'x' }), TypeError);
    assert.throws(() => addon.load!('dir', { threads: -1 }), RangeError);
    assert.throws(() => addon.load!('dir', { maxLength: 1.5 }), RangeError);
    assert.throws(() => addon.load!('dir', 0), TypeError);
    assert.throws(() => addon.load!('dir', { embeddingsInMemory: 1 }), TypeError);
  });

  test('ModelHandle cannot be constructed from JS and predict() checks its arguments', async () => {
    const handle = (await native().load(fixtureModelDir('tiny-1label-f32'), { threads: 1 })) as unknown as Record<string, (...args: unknown[]) => unknown>;
    try {
      const HandleClass = (handle as object).constructor as new (...args: unknown[]) => unknown;
      assert.throws(() => new HandleClass(), TypeError);
      assert.throws(() => new HandleClass({}), TypeError);
      assert.throws(() => handle.predict!('pairs', { activation: 'default', batchSize: 1 }), TypeError);
      assert.throws(() => handle.predict!([['a', 1]], { activation: 'default', batchSize: 1 }), TypeError);
      assert.throws(() => handle.predict!([['a']], { activation: 'default', batchSize: 1 }), TypeError);
      assert.throws(() => handle.predict!([['a', 'b']], { activation: 'relu', batchSize: 1 }), TypeError);
      assert.throws(() => handle.predict!([['a', 'b']], { activation: 'default', batchSize: 0 }), RangeError);
      assert.throws(() => handle.predict!([['a', 'b']], { activation: 'default', batchSize: 1, cancel: { cancel() {} } }), TypeError);
      assert.throws(() => handle.tokenize!('a', 2), TypeError);
      const scores = (await handle.predict!([['a', 'b']], { activation: 'identity', batchSize: 1, cancel: new (native().CancelToken)() })) as Float32Array;
      assert.equal(scores.length, 1);
    } finally {
      handle.dispose!();
    }
    assert.throws(() => handle.info!(), (error: unknown) => (error as { code?: string }).code === 'ERR_DISPOSED');
  });
});
