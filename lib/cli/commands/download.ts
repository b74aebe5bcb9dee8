// `cross-encoder download`: fetches a hub model into the HF cache and prints its local directory.
import { modelSource, resolveModel } from '../../models';
import { UsageError, parse } from '../args';
import type { Command } from '../context';
import { progressReporter } from '../progress';

const OPTIONS = {
  revision: { type: 'string' },
  'cache-dir': { type: 'string' },
  offline: { type: 'boolean' },
} as const;

export const download: Command = {
  summary: 'download a hub model into the Hugging Face cache and print its directory',
  usage: `Usage: cross-encoder download <repo-id> [--revision <rev>] [--cache-dir <dir>] [--offline]

Downloads config.json, the safetensors weights and the tokenizer files of a hub model into the shared
Hugging Face cache (the layout Python's huggingface_hub uses) and prints the snapshot directory on
stdout. Files already cached are not downloaded again. With --offline it only checks the cache.
HF_TOKEN is sent for private or gated repos; HF_ENDPOINT selects another hub.

  --revision <rev>     branch, tag or commit (default: main)
  --cache-dir <dir>    cache directory (default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)
  --offline            cache only (same as HF_HUB_OFFLINE=1)`,

  async run(argv, ctx) {
    const { values, positionals } = parse('download', argv, OPTIONS, 1);
    const model = positionals[0];
    if (model === undefined) throw new UsageError('a hub repo id is required', 'download');
    if (modelSource(model) !== 'hub') {
      throw new UsageError(`'${model}' is ${model === 'demo' ? 'the built-in demo model' : 'a local path'}, not a hub repo id; nothing to download`, 'download');
    }
    const progress = progressReporter(ctx.stderr);
    let dir: string;
    try {
      dir = await resolveModel(model, {
        ...(values.revision !== undefined ? { revision: values.revision } : {}),
        ...(values['cache-dir'] !== undefined ? { cacheDir: values['cache-dir'] } : {}),
        ...(values.offline ? { localFilesOnly: true } : {}),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
    } finally {
      progress.stop();
    }
    ctx.stdout.write(`${dir}\n`);
  },
};
