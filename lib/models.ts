// Model-name resolution for CrossEncoder.load and the CLI: the built-in 'demo', local directories, hub repo ids.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CrossEncoderTypeError } from './errors';
import { resolveModelDir, type ResolveOptions } from './hub';
import { looksLikePath, validateRepoId } from './hub/repo-id';

/** The name of the model that ships inside the package (debian-packages-mini). */
export const DEMO_MODEL = 'demo';

// Runs as dist/cjs/models.js when installed and as lib/models.ts under tsx: find the package root (the
// nearest directory with a package.json) instead of assuming a depth.
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, '..');
    dir = parent;
  }
  return dir;
}

/** Directory of the built-in demo model (models/demo in the package). */
export function demoModelDir(): string {
  return path.join(packageRoot(), 'models', DEMO_MODEL);
}

export type ModelSource = 'demo' | 'local' | 'hub';

/** How a model name will be resolved, without touching the network. */
export function modelSource(model: string): ModelSource {
  if (model === DEMO_MODEL) return 'demo';
  if (looksLikePath(model) || fs.existsSync(model)) return 'local';
  return 'hub';
}

/**
 * Resolves a model name to a local directory: 'demo' is the built-in model (never a hub repo; a local
 * folder called demo is './demo'); a path-like name or an existing path is used as is (a missing one is
 * reported by the loader as ERR_FILE_NOT_FOUND); anything else is a hub repo id, downloaded or found in
 * the HF cache. A failing hub lookup is an error, never a silent fallback to another model.
 */
export async function resolveModel(model: string, options: ResolveOptions = {}): Promise<string> {
  const source = modelSource(model);
  if (source === 'demo') return demoModelDir();
  if (source === 'local') return model;
  try {
    validateRepoId(model);
  } catch (error) {
    // Neither an existing path nor a valid repo id: say both, so a mistyped relative path is obvious.
    throw new CrossEncoderTypeError(
      'ERR_INVALID_ARG_VALUE',
      `'${model}' is not an existing local directory, and ${(error as Error).message.replace(/^Invalid model id '[^']*': /, 'as a hub repo id ')}`,
    );
  }
  return resolveModelDir(model, options);
}
