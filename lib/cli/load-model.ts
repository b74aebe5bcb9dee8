// Loads the model a CLI command names, showing download progress on stderr (a TTY only).
import { CrossEncoder, type LoadOptions } from '../cross-encoder';
import type { CliContext } from './context';
import { progressReporter } from './progress';

export async function loadModel(model: string, options: LoadOptions, ctx: CliContext): Promise<CrossEncoder> {
  const progress = progressReporter(ctx.stderr);
  try {
    return await CrossEncoder.load(model, progress.onProgress ? { ...options, onProgress: progress.onProgress } : options);
  } finally {
    progress.stop();
  }
}
