// Writes the malformed-input corpus: one broken model directory per case (safetensors, shards, config,
// tokenizer files, paths), each declaring the error code and a message fragment its load must end with.
// `node test/malformed-cases.mjs OUT_DIR` writes the directories and OUT_DIR/cases.json; test/malformed.test.ts
// imports generateCases() and loads each case in a child process.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** A vocab.txt model (BertTokenizer files) and a tokenizer.json model, both small. */
const BASES = {
  vocab: join(ROOT, 'test', 'fixtures', 'models', 'tiny-1label-f32'),
  tokenizerJson: join(ROOT, 'models', 'demo'),
};
const MiB = 1024 * 1024;

// ---- safetensors bytes -------------------------------------------------------------------------------------

function readSafetensors(file) {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')), data: bytes.subarray(8 + headerLength) };
}

/** The 8-byte little-endian length, the header text as given (valid JSON or not), then the data. */
function safetensorsBytes(headerText, data = Buffer.alloc(0), declaredLength = undefined) {
  const header = Buffer.isBuffer(headerText) ? headerText : Buffer.from(headerText, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(declaredLength ?? BigInt(header.length));
  return Buffer.concat([length, header, data]);
}

function tensorNames(header) {
  return Object.keys(header).filter((name) => name !== '__metadata__');
}

/** Entries ordered by where their bytes start. */
function byOffset(header) {
  return tensorNames(header).sort((a, b) => header[a].data_offsets[0] - header[b].data_offsets[0]);
}

/** A safetensors file holding `names` of `source` ({header, data}), repacked contiguously. */
function subsetBytes(source, names) {
  const header = {};
  const pieces = [];
  let offset = 0;
  for (const name of names) {
    const entry = source.header[name];
    const [begin, end] = entry.data_offsets;
    header[name] = { ...entry, data_offsets: [offset, offset + end - begin] };
    pieces.push(source.data.subarray(begin, end));
    offset += end - begin;
  }
  return safetensorsBytes(JSON.stringify(header), Buffer.concat(pieces));
}

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);

// ---- case directories --------------------------------------------------------------------------------------

/** `dir` as a model made of symlinks to the base's files, except those in `omit` (the case writes its own). */
function linkBase(dir, base, omit = []) {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(BASES[base])) {
    if (!omit.includes(name)) symlinkSync(join(BASES[base], name), join(dir, name));
  }
}

function mkfifo(path) {
  execFileSync('mkfifo', [path]);
}

/** A file of `bytes` holes: its size says huge, its disk use is nothing. */
function sparse(path, bytes) {
  writeFileSync(path, '');
  truncateSync(path, bytes);
}

function editedJson(base, file, edit) {
  const json = JSON.parse(readFileSync(join(BASES[base], file), 'utf8'));
  edit(json);
  return JSON.stringify(json, null, 1);
}

/**
 * Each case: name, group, what the load must end with (code, message: a fragment of the message) and how to
 * write its directory. `modelPath(dir)` gives the path to load when it is not the directory itself.
 */
function caseList() {
  const cases = [];
  const add = (group, name, code, message, write, modelPath) => cases.push({ group, name, code, message, write, modelPath });
  const weights = () => readSafetensors(join(BASES.vocab, 'model.safetensors'));

  // A model whose model.safetensors is `bytes` (a Buffer, or a function of the parsed base file).
  const st = (name, code, message, bytes) =>
    add('safetensors', name, code, message, (dir) => {
      linkBase(dir, 'vocab', ['model.safetensors']);
      writeFileSync(join(dir, 'model.safetensors'), typeof bytes === 'function' ? bytes(weights()) : bytes);
    });
  // The base weights with the header edited (data unchanged).
  const stEdit = (name, code, message, edit) =>
    st(name, code, message, (w) => {
      edit(w.header);
      return safetensorsBytes(JSON.stringify(w.header), w.data);
    });
  const firstTensor = (h) => byOffset(h)[0];
  const ERR_ST = 'ERR_INVALID_SAFETENSORS';

  st('st-empty-file', ERR_ST, '0 bytes', Buffer.alloc(0));
  st('st-shorter-than-length-prefix', ERR_ST, '5 bytes', Buffer.alloc(5));
  st('st-header-length-zero', ERR_ST, 'header length is 0', safetensorsBytes('', Buffer.alloc(16)));
  st('st-header-length-huge', ERR_ST, '100 MB', safetensorsBytes('{}', Buffer.alloc(0), 1n << 62n));
  st('st-header-past-eof', ERR_ST, 'exceeds the', safetensorsBytes('{}', Buffer.alloc(0), 4096n));
  st('st-header-not-json', ERR_ST, 'not valid JSON', safetensorsBytes('{"w": nope}'));
  st('st-header-truncated-json', ERR_ST, 'not valid JSON', safetensorsBytes('{"w": {"dtype": "F32"'));
  st('st-header-not-utf8', ERR_ST, 'not valid JSON', safetensorsBytes(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])));
  st('st-header-array', ERR_ST, 'not a JSON object', safetensorsBytes('[1, 2]'));
  stEdit('st-entry-not-object', ERR_ST, 'not a JSON object', (h) => (h[firstTensor(h)] = [1, 2]));
  stEdit('st-unknown-dtype', ERR_ST, 'unknown dtype "F8_E4M3"', (h) => (h[firstTensor(h)].dtype = 'F8_E4M3'));
  stEdit('st-dtype-not-string', ERR_ST, '"dtype" is not a string', (h) => (h[firstTensor(h)].dtype = 32));
  stEdit('st-integer-dtype-for-weights', ERR_ST, 'is not a float type', (h) => (h[firstTensor(h)].dtype = 'I32'));
  stEdit('st-missing-data-offsets', ERR_ST, 'missing "data_offsets"', (h) => delete h[firstTensor(h)].data_offsets);
  stEdit('st-offsets-beyond-data', ERR_ST, 'beyond the data section', (h) => {
    const e = h[byOffset(h).at(-1)];
    e.data_offsets = [e.data_offsets[0] + 4, e.data_offsets[1] + 4];
  });
  stEdit('st-offsets-reversed', ERR_ST, 'begin', (h) => {
    const e = h[firstTensor(h)];
    e.data_offsets = [e.data_offsets[1], e.data_offsets[0]];
  });
  stEdit('st-offsets-negative', ERR_ST, '"data_offsets" must be [begin, end] of non-negative integers', (h) => {
    h[firstTensor(h)].data_offsets[0] = -4;
  });
  stEdit('st-offsets-overlap', ERR_ST, 'overlap', (h) => {
    const [a, b] = byOffset(h);
    const span = h[b].data_offsets[1] - h[b].data_offsets[0];
    h[b].data_offsets = [h[a].data_offsets[0], h[a].data_offsets[0] + span];
  });
  stEdit('st-offsets-huge', ERR_ST, '"data_offsets" must be [begin, end]', (h) => {
    h[firstTensor(h)].data_offsets = [0, 1e30];
  });
  stEdit('st-shape-product-mismatch', ERR_ST, 'needs', (h) => h[firstTensor(h)].shape.push(2));
  stEdit('st-shape-transposed', ERR_ST, 'does not match the expected', (h) => {
    const name = tensorNames(h).find((n) => h[n].shape.length === 2 && h[n].shape[0] !== h[n].shape[1]);
    h[name].shape.reverse();
  });
  stEdit('st-shape-overflows', ERR_ST, 'overflows 64 bits', (h) => (h[firstTensor(h)].shape = [4294967296, 4294967296, 16]));
  stEdit('st-shape-negative', ERR_ST, 'non-negative integers, got [-1', (h) => (h[firstTensor(h)].shape = [-1, 32]));
  stEdit('st-shape-float', ERR_ST, 'non-negative integers', (h) => (h[firstTensor(h)].shape = [1.5]));
  stEdit('st-shape-not-array', ERR_ST, '"shape" is not an array', (h) => (h[firstTensor(h)].shape = '32'));
  st('st-shape-deeply-nested', ERR_ST, 'nests deeper than 128', (w) => {
    const text = JSON.stringify(w.header).replace(/"shape":\[[^\]]*\]/, `"shape":${nested(1_000_000)}`);
    return safetensorsBytes(text, w.data);
  });
  st('st-duplicate-tensor-name', ERR_ST, 'more than once', (w) => {
    const name = firstTensor(w.header);
    const text = JSON.stringify(w.header).replace(/^\{/, `{"${name}":${JSON.stringify(w.header[name])},`);
    return safetensorsBytes(text, w.data);
  });
  stEdit('st-metadata-not-object', ERR_ST, '"__metadata__" is not a JSON object', (h) => (h.__metadata__ = 'pt'));
  stEdit('st-metadata-non-string-value', ERR_ST, '"__metadata__" value for key', (h) => (h.__metadata__ = { format: { a: 1 } }));
  st('st-metadata-deeply-nested', ERR_ST, 'nests deeper than 128', (w) => {
    const text = JSON.stringify({ __metadata__: { format: 'x' } }).replace('"x"', nested(1_000_000));
    return safetensorsBytes(text.slice(0, -1) + ',' + JSON.stringify(w.header).slice(1), w.data);
  });
  stEdit('st-metadata-huge-key', ERR_ST, "...' (100000 bytes) is not a string, got 1", (h) => (h.__metadata__ = { ['k'.repeat(100000)]: 1 }));
  stEdit('st-missing-tensor', 'ERR_MISSING_TENSOR', 'classifier.weight', (h) => delete h['classifier.weight']);
  add('safetensors', 'st-is-directory', 'ERR_FILE_UNREADABLE', 'not a regular file: it is a directory', (dir) => {
    linkBase(dir, 'vocab', ['model.safetensors']);
    mkdirSync(join(dir, 'model.safetensors'));
  });
  add('safetensors', 'st-is-fifo', 'ERR_FILE_UNREADABLE', 'FIFO', (dir) => {
    linkBase(dir, 'vocab', ['model.safetensors']);
    mkfifo(join(dir, 'model.safetensors'));
  });
  add('safetensors', 'st-is-dev-zero', 'ERR_FILE_UNREADABLE', 'character device', (dir) => {
    linkBase(dir, 'vocab', ['model.safetensors']);
    symlinkSync('/dev/zero', join(dir, 'model.safetensors'));
  });
  add('safetensors', 'st-no-weights-file', 'ERR_FILE_NOT_FOUND', 'model.safetensors', (dir) => {
    linkBase(dir, 'vocab', ['model.safetensors']);
  });

  // ---- shards: model.safetensors.index.json and the files it names ----
  const INDEX = 'model.safetensors.index.json';
  /** The base weights split in two shards (first half, second half) with an index naming them. */
  const sharded = (name, code, message, edit = () => {}) =>
    add('shards', name, code, message, (dir) => {
      linkBase(dir, 'vocab', ['model.safetensors']);
      const w = weights();
      const names = tensorNames(w.header);
      const half = Math.ceil(names.length / 2);
      const shards = { 'model-00001-of-00002.safetensors': names.slice(0, half), 'model-00002-of-00002.safetensors': names.slice(half) };
      const weightMap = {};
      for (const [file, list] of Object.entries(shards)) {
        writeFileSync(join(dir, file), subsetBytes(w, list));
        for (const tensor of list) weightMap[tensor] = file;
      }
      const index = { metadata: { total_size: w.data.length }, weight_map: weightMap };
      // edit() returns the index text to write instead, or null when it made the index file itself.
      const text = edit(index, dir);
      if (text !== null) writeFileSync(join(dir, INDEX), text ?? JSON.stringify(index));
    });
  sharded('shard-index-outside-dir', ERR_ST, 'is not a file name in the model directory', (index) => {
    index.weight_map['classifier.weight'] = '../model.safetensors';
  });
  sharded('shard-index-absolute-path', ERR_ST, 'is not a file name in the model directory', (index) => {
    index.weight_map['classifier.weight'] = '/etc/passwd';
  });
  sharded('shard-missing-file', 'ERR_FILE_NOT_FOUND', 'does not exist', (index) => {
    index.weight_map['classifier.weight'] = 'model-00003-of-00002.safetensors';
  });
  sharded('shard-tensor-not-in-its-shard', ERR_ST, 'does not contain it', (index) => {
    const files = [...new Set(Object.values(index.weight_map))];
    const tensor = Object.keys(index.weight_map).find((t) => index.weight_map[t] === files[0]);
    index.weight_map[tensor] = files[1];
  });
  sharded('shard-tensor-not-in-index', 'ERR_MISSING_TENSOR', 'classifier.weight', (index) => {
    delete index.weight_map['classifier.weight'];
  });
  sharded('shard-index-not-json', ERR_ST, 'not valid JSON', () => '{"weight_map": {');
  sharded('shard-index-no-weight-map', ERR_ST, '"weight_map" object', () => '{"metadata": {}}');
  sharded('shard-index-weight-map-array', ERR_ST, '"weight_map" object', () => '{"weight_map": ["a"]}');
  sharded('shard-index-empty-weight-map', ERR_ST, 'lists no tensors', () => '{"weight_map": {}}');
  sharded('shard-index-shard-not-string', ERR_ST, 'is not a string, got 7', (index) => {
    index.weight_map['classifier.weight'] = 7;
  });
  sharded('shard-index-deeply-nested', ERR_ST, 'nests deeper than 128', () => `{"weight_map": {"a": ${nested(1_000_000)}}}`);
  sharded('shard-index-is-fifo', 'ERR_FILE_UNREADABLE', 'FIFO', (index, dir) => {
    mkfifo(join(dir, INDEX));
    return null;
  });
  sharded('shard-is-corrupt', ERR_ST, 'header length is 0', (index, dir) => {
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), Buffer.alloc(16));
  });

  // ---- config.json ----
  const ERR_CFG = 'ERR_INVALID_CONFIG';
  // A case whose `file` (a JSON file of base model `base`) is replaced by `text`, or by the base's copy edited by
  // `text` when it is a function.
  const jsonFileCase = (group, base, file) => (name, code, message, text) =>
    add(group, name, code, message, (dir) => {
      linkBase(dir, base, [file]);
      writeFileSync(join(dir, file), typeof text === 'function' ? editedJson(base, file, text) : text);
    });
  const config = jsonFileCase('config', 'vocab', 'config.json');
  config('config-not-json', ERR_CFG, 'not valid JSON', '{"model_type": "bert",');
  config('config-empty', ERR_CFG, 'not valid JSON', '');
  config('config-top-level-array', ERR_CFG, 'top level must be a JSON object', '[1, 2]');
  config('config-missing-model-type', ERR_CFG, 'missing "model_type"', (c) => delete c.model_type);
  config('config-model-type-number', ERR_CFG, '"model_type" must be a string, got 3', (c) => (c.model_type = 3));
  config('config-unsupported-architecture', 'ERR_UNSUPPORTED_ARCHITECTURE', 'GPT2ForSequenceClassification', (c) => {
    c.architectures = ['GPT2ForSequenceClassification'];
  });
  config('config-hidden-size-negative', ERR_CFG, '"hidden_size" must be positive, got -32', (c) => (c.hidden_size = -32));
  config('config-hidden-size-zero', ERR_CFG, '"hidden_size" must be positive', (c) => (c.hidden_size = 0));
  config('config-hidden-size-huge', ERR_CFG, 'exceeds the limit', (c) => (c.hidden_size = 1e12));
  config('config-layers-huge', ERR_CFG, '"num_hidden_layers" = 1000000 exceeds the limit 1024', (c) => (c.num_hidden_layers = 1e6));
  config('config-vocab-size-string', ERR_CFG, '"vocab_size" must be an integer, got "30522"', (c) => (c.vocab_size = '30522'));
  config('config-heads-float', ERR_CFG, '"num_attention_heads" must be an integer, got 4.5', (c) => (c.num_attention_heads = 4.5));
  config('config-intermediate-object', ERR_CFG, '"intermediate_size" must be an integer, got an object with 1 key', (c) => {
    c.intermediate_size = { a: 1 };
  });
  config('config-hidden-not-multiple-of-heads', ERR_CFG, 'is not a multiple of "num_attention_heads"', (c) => (c.num_attention_heads = 5));
  config('config-layer-norm-eps-negative', ERR_CFG, '"layer_norm_eps" must be a small positive number', (c) => (c.layer_norm_eps = -1));
  config('config-id2label-bad-key', ERR_CFG, '"id2label" key "x" is not an id', (c) => (c.id2label = { x: 'a' }));
  config('config-hidden-act-unknown', 'ERR_UNSUPPORTED_ARCHITECTURE', 'hidden_act "swish"', (c) => (c.hidden_act = 'swish'));
  config('config-deeply-nested', ERR_CFG, 'nests deeper than 128', `{"model_type": "bert", "hidden_size": ${nested(1_000_000)}}`);
  config('config-nested-value', ERR_CFG, '"hidden_size" must be an integer, got an array of 1 element', `{"model_type": "bert", "hidden_size": ${nested(100)}}`);
  config('config-long-string-value', 'ERR_UNSUPPORTED_ARCHITECTURE', '..." (1000000 bytes) is not supported', (c) => (c.model_type = 'b'.repeat(1_000_000)));
  config('config-vocab-smaller-than-tokenizer', ERR_CFG, "smaller than the tokenizer's vocabulary", (c) => (c.vocab_size = 100));
  config('config-sizes-disagree-with-weights', ERR_ST, 'does not match the expected', (c) => (c.intermediate_size = 128));
  add('config', 'config-missing', 'ERR_FILE_NOT_FOUND', 'config.json', (dir) => linkBase(dir, 'vocab', ['config.json']));
  add('config', 'config-is-fifo', 'ERR_FILE_UNREADABLE', 'FIFO', (dir) => {
    linkBase(dir, 'vocab', ['config.json']);
    mkfifo(join(dir, 'config.json'));
  });
  add('config', 'config-sparse-huge', 'ERR_FILE_UNREADABLE', '16777216-byte limit for config.json', (dir) => {
    linkBase(dir, 'vocab', ['config.json']);
    sparse(join(dir, 'config.json'), 64 * 1024 * MiB);
  });

  // ---- tokenizer files ----
  const ERR_TOK = 'ERR_INVALID_TOKENIZER';
  const vocabFile = (name, code, message, write) =>
    add('tokenizer', name, code, message, (dir) => {
      linkBase(dir, 'vocab', ['vocab.txt']);
      write(join(dir, 'vocab.txt'));
    });
  const baseVocab = () => readFileSync(join(BASES.vocab, 'vocab.txt'), 'utf8');
  vocabFile('vocab-empty', ERR_TOK, '[UNK]', (p) => writeFileSync(p, ''));
  vocabFile('vocab-binary', ERR_TOK, 'is not valid UTF-8', (p) => writeFileSync(p, Buffer.from([0x5b, 0x50, 0x41, 0x44, 0x5d, 0x0a, 0xff, 0xfe, 0x00, 0x80, 0x0a])));
  vocabFile('vocab-missing-special-tokens', ERR_TOK, '[UNK]', (p) => {
    writeFileSync(p, baseVocab().split('\n').filter((t) => !t.startsWith('[')).join('\n'));
  });
  vocabFile('vocab-huge-line', ERR_CFG, "smaller than the tokenizer's vocabulary", (p) => {
    writeFileSync(p, baseVocab() + 'x'.repeat(8 * MiB) + '\n' + 'y\n'.repeat(100));
  });
  vocabFile('vocab-is-fifo', 'ERR_FILE_UNREADABLE', 'FIFO', (p) => mkfifo(p));
  vocabFile('vocab-is-dev-zero', 'ERR_FILE_UNREADABLE', 'character device', (p) => symlinkSync('/dev/zero', p));
  vocabFile('vocab-sparse-huge', 'ERR_FILE_UNREADABLE', '67108864-byte limit for vocab.txt', (p) => sparse(p, 4096 * MiB));
  add('tokenizer', 'vocab-is-directory', 'ERR_FILE_UNREADABLE', 'a directory', (dir) => {
    linkBase(dir, 'vocab', ['vocab.txt']);
    mkdirSync(join(dir, 'vocab.txt'));
  });
  add('tokenizer', 'no-tokenizer-files', 'ERR_FILE_NOT_FOUND', 'vocab.txt', (dir) => linkBase(dir, 'vocab', ['vocab.txt']));

  const sideFile = (name, file, code, message, write) =>
    add('tokenizer', name, code, message, (dir) => {
      linkBase(dir, 'vocab', [file]);
      write(join(dir, file));
    });
  sideFile('tokenizer-config-fifo', 'tokenizer_config.json', 'ERR_FILE_UNREADABLE', 'FIFO', mkfifo);
  sideFile('tokenizer-config-not-json', 'tokenizer_config.json', ERR_TOK, 'not valid JSON', (p) => writeFileSync(p, '{"do_lower_case": tru'));
  sideFile('tokenizer-config-array', 'tokenizer_config.json', ERR_TOK, 'top level is not a JSON object', (p) => writeFileSync(p, '[]'));
  sideFile('tokenizer-config-deeply-nested', 'tokenizer_config.json', ERR_TOK, 'nests deeper than 128', (p) => {
    writeFileSync(p, `{"added_tokens_decoder": ${nested(1_000_000)}}`);
  });
  sideFile('special-tokens-map-fifo', 'special_tokens_map.json', 'ERR_FILE_UNREADABLE', 'FIFO', mkfifo);
  sideFile('special-tokens-map-not-json', 'special_tokens_map.json', ERR_TOK, 'not valid JSON', (p) => writeFileSync(p, '{'));
  sideFile('special-tokens-map-deeply-nested', 'special_tokens_map.json', ERR_TOK, 'nests deeper than 128', (p) => {
    writeFileSync(p, `{"unk_token": ${nested(1_000_000)}}`);
  });

  const tokenizerJson = jsonFileCase('tokenizer', 'tokenizerJson', 'tokenizer.json');
  tokenizerJson('tokenizer-json-not-json', ERR_TOK, 'not valid JSON', '{"model": {"vocab": {"a": 1,');
  tokenizerJson('tokenizer-json-array', ERR_TOK, 'top level is not a JSON object', '[]');
  tokenizerJson('tokenizer-json-vocab-array', ERR_TOK, 'model.vocab is not an object', (t) => (t.model.vocab = ['[PAD]', '[UNK]']));
  tokenizerJson('tokenizer-json-vocab-id-string', ERR_TOK, 'is not a valid id', (t) => {
    const first = Object.keys(t.model.vocab)[0];
    t.model.vocab[first] = 'zero';
  });
  tokenizerJson('tokenizer-json-model-missing', ERR_TOK, 'no "model" object', (t) => delete t.model);
  tokenizerJson('tokenizer-json-deeply-nested', ERR_TOK, 'nests deeper than 128', `{"model": {"vocab": {"a": ${nested(1_000_000)}}}}`);
  add('tokenizer', 'tokenizer-json-fifo', 'ERR_FILE_UNREADABLE', 'FIFO', (dir) => {
    linkBase(dir, 'tokenizerJson', ['tokenizer.json']);
    mkfifo(join(dir, 'tokenizer.json'));
  });

  // ---- the model path itself ----
  add('path', 'path-missing-dir', 'ERR_FILE_NOT_FOUND', 'does not exist', () => {}, (dir) => join(dir, 'absent'));
  add('path', 'path-is-a-file', 'ERR_FILE_NOT_FOUND', 'not a directory', (dir) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model'), 'not a directory');
  }, (dir) => join(dir, 'model'));
  add('path', 'path-symlink-loop', 'ERR_FILE_UNREADABLE', 'symbolic links', (dir) => {
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
  }, (dir) => join(dir, 'a'));
  add('path', 'path-with-nul', 'ERR_INVALID_ARGUMENT', 'NUL', (dir) => linkBase(dir, 'vocab'), (dir) => `${dir}\0/../elsewhere`);
  add('path', 'path-empty-dir', 'ERR_FILE_NOT_FOUND', 'config.json', (dir) => mkdirSync(dir, { recursive: true }));
  return cases;
}

/** Writes every case under `outDir` (emptied first) and returns {group, name, code, message, modelPath}. */
export function generateCases(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return caseList().map(({ write, modelPath, ...spec }) => {
    const dir = join(outDir, spec.name);
    write(dir);
    return { ...spec, modelPath: modelPath ? modelPath(dir) : dir };
  });
}

/** Removes what generateCases wrote; FIFOs and sparse files included. */
export function removeCases(outDir) {
  rmSync(outDir, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node test/malformed-cases.mjs OUT_DIR');
    process.exit(2);
  }
  const cases = generateCases(resolve(outDir));
  writeFileSync(join(outDir, 'cases.json'), JSON.stringify(cases, null, 1));
  console.log(`wrote ${cases.length} malformed model directories to ${outDir}`);
}

