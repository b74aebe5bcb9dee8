// Where the tests find fixture models, goldens, the demo model and the assembled MiniLM cross-encoder.
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
export const GOLDENS_DIR = path.join(FIXTURES_DIR, 'goldens');
export const PAIRS_FILE = path.join(FIXTURES_DIR, 'pairs.jsonl.gz');
export const CACHE_DIR = path.join(REPO_ROOT, 'test', '.cache');

export const TINY_MODELS = ['tiny-1label-f32', 'tiny-3label-f16', 'tiny-1label-bf16'] as const;
/** DebertaV2ForSequenceClassification fixtures (tools/reference/make_tiny_deberta.py). */
export const TINY_DEBERTA_MODELS = ['tiny-deberta-1label-f32', 'tiny-deberta-3label-f16', 'tiny-deberta-1label-bf16'] as const;
export type TinyModel = (typeof TINY_MODELS)[number] | (typeof TINY_DEBERTA_MODELS)[number];

export function fixtureModelDir(name: TinyModel): string {
  return path.join(FIXTURES_DIR, 'models', name);
}

/** The trained demo model; in CI it sits beside the repository, at ../shared/models/debian-packages-mini. */
export const DEMO_MODEL_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'models', 'debian-packages-mini');

/** Built by tools/reference/build_minilm_ce.py (scripts/ensure-minilm.mjs runs it before test:parity). */
export const MINILM_DIR = path.join(CACHE_DIR, 'models', 'minilm-ce');

/** Model directory for a golden's model name. */
export function modelDirFor(name: string): string {
  if ([...TINY_MODELS, ...TINY_DEBERTA_MODELS].includes(name as TinyModel)) return fixtureModelDir(name as TinyModel);
  if (name === 'minilm-ce') return MINILM_DIR;
  if (name === 'debian-packages-mini') return DEMO_MODEL_DIR;
  throw new Error(`no model directory known for golden '${name}'`);
}
