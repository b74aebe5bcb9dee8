// resolveModelDir: a local directory as is, else the hub repo's snapshot folder in the shared HF cache,
// downloading what is missing (or, offline, finding it in the cache).
import { AbortError } from '../errors';
import { abortErrorFor } from './abort';
import { RepoCache } from './cache';
import type { Progress } from './download';
import { HubError } from './errors';
import { fetchFile, type OnlineContext } from './fetch-file';
import { isNotFound } from './http';
import { collectModelFiles } from './model-files';
import { resolveOffline } from './offline';
import { existingLocalPath, looksLikePath, validateRepoId, validateRevision } from './repo-id';
import { hubCacheDir, hubEndpoint, hubOffline, hubToken } from './settings';

export interface ResolveOptions {
  /** Branch, tag or commit sha; default 'main'. */
  revision?: string;
  /** Default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub (shared with Python). */
  cacheDir?: string;
  /** Access token for private/gated repos; default HF_TOKEN. Never sent to another host on redirect. */
  token?: string;
  /** Like HF_HUB_OFFLINE=1: no network, only the cache. */
  localFilesOnly?: boolean;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function resolveModelDir(repoIdOrPath: string, options: ResolveOptions = {}): Promise<string> {
  try {
    return await resolve(repoIdOrPath, options);
  } catch (err) {
    // fetch, timers and streams each reject with their own abort error; callers get one kind.
    const signal = (options as ResolveOptions | null)?.signal;
    if (signal?.aborted && !(err instanceof AbortError)) throw abortErrorFor(signal, `Resolving '${repoIdOrPath}'`);
    throw err;
  }
}

async function resolve(repoIdOrPath: string, options: ResolveOptions): Promise<string> {
  if (typeof repoIdOrPath !== 'string') {
    throw new TypeError(`resolveModelDir: the model must be a string (a hub repo id or a local path), got ${typeof repoIdOrPath}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('resolveModelDir: options must be an object');
  }
  const local = await existingLocalPath(repoIdOrPath);
  if (local !== undefined) return local;
  if (looksLikePath(repoIdOrPath)) {
    throw new HubError('ERR_HUB_NOT_FOUND', `Local model directory '${repoIdOrPath}' does not exist.`);
  }
  validateRepoId(repoIdOrPath);
  const revision = options.revision ?? 'main';
  if (typeof revision !== 'string') throw new TypeError('resolveModelDir: options.revision must be a string');
  validateRevision(revision);
  options.signal?.throwIfAborted();

  const cache = new RepoCache(hubCacheDir(options.cacheDir), repoIdOrPath);
  if (hubOffline(options.localFilesOnly)) {
    const why = options.localFilesOnly === true ? 'localFilesOnly is set' : 'HF_HUB_OFFLINE is set';
    return resolveOffline(cache, revision, why);
  }
  const ctx: OnlineContext = { endpoint: hubEndpoint(), cache, token: hubToken(options.token) };
  if (options.onProgress) ctx.onProgress = options.onProgress;
  if (options.signal) ctx.signal = options.signal;
  try {
    return await resolveOnline(ctx, revision);
  } catch (err) {
    // As huggingface_hub does: when the hub cannot be reached, a complete cached snapshot still serves.
    if (err instanceof HubError && err.code === 'ERR_HUB_NETWORK') {
      try {
        return await resolveOffline(cache, revision, 'the hub could not be reached');
      } catch {
        throw err;
      }
    }
    throw err;
  }
}

async function resolveOnline(ctx: OnlineContext, revision: string): Promise<string> {
  // config.json fixes the commit; every later file is requested at that commit so the set is consistent
  // even if the branch moves during the download.
  const first = await fetchFile(ctx, { repoId: ctx.cache.repoId, revision, file: 'config.json' });
  const commit = first.commit;
  if (commit !== revision) await ctx.cache.writeRef(revision, commit);
  const label = commit === revision ? revision : `${revision} (commit ${commit})`;
  await collectModelFiles(
    async (file) => {
      if (file === 'config.json') return first.path;
      try {
        return (await fetchFile(ctx, { repoId: ctx.cache.repoId, revision: commit, revisionLabel: label, file })).path;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await ctx.cache.markNoExist(commit, file);
        return undefined;
      }
    },
    (file) =>
      new HubError(
        'ERR_HUB_NOT_FOUND',
        `'${ctx.cache.repoId}' at revision '${label}' has no ${file}; it is not a BERT cross-encoder repo in safetensors format.`,
      ),
  );
  return ctx.cache.snapshotDir(commit);
}
