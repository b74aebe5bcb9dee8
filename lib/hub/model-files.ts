// Which files make a BERT cross-encoder directory, shared by the online and the offline resolver:
// config.json, the weights (single file or shard index + shards), a tokenizer, optional tokenizer configs.
import { readFile } from 'node:fs/promises';

import { HubError } from './errors';
import { isSafeRepoFileName } from './repo-id';

/** Returns the local path of `file`, or undefined when the repo does not have it. */
export type FileGetter = (file: string) => Promise<string | undefined>;
/** Builds the error for a required file that is missing (differs online vs offline). */
export type MissingError = (file: string) => Error;

export const WEIGHTS = 'model.safetensors';
export const WEIGHTS_INDEX = 'model.safetensors.index.json';

export async function collectModelFiles(get: FileGetter, missing: MissingError): Promise<void> {
  if ((await get('config.json')) === undefined) throw missing('config.json');
  if ((await get(WEIGHTS)) === undefined) {
    const index = await get(WEIGHTS_INDEX);
    if (index === undefined) throw missing(`${WEIGHTS} (nor ${WEIGHTS_INDEX} for sharded weights)`);
    for (const shard of await readShardNames(index)) {
      if ((await get(shard)) === undefined) throw missing(`${shard} (a shard listed in ${WEIGHTS_INDEX})`);
    }
  }
  const tokenizerJson = await get('tokenizer.json');
  const vocab = await get('vocab.txt');
  if (tokenizerJson === undefined && vocab === undefined) throw missing('tokenizer.json or vocab.txt (one is required)');
  await get('tokenizer_config.json');
  await get('special_tokens_map.json');
}

/** The distinct shard file names of a safetensors index, in first-seen order. */
export async function readShardNames(indexPath: string): Promise<string[]> {
  const bad = (why: string): HubError =>
    new HubError('ERR_HUB_INVALID_MODEL', `Shard index '${indexPath}' is unusable: ${why}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (err) {
    throw bad(`it is not valid JSON (${(err as Error).message})`);
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw bad('it has no "weight_map" object');
  }
  const shards = new Set<string>();
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || !isSafeRepoFileName(shard)) {
      throw bad(`tensor '${tensor}' maps to ${JSON.stringify(shard)}, not a relative file name inside the repo`);
    }
    shards.add(shard);
  }
  if (shards.size === 0) throw bad('its "weight_map" is empty');
  return [...shards];
}
