// Resolves a model from the cache alone (HF_HUB_OFFLINE / localFilesOnly, or the hub unreachable):
// refs/<revision> -> snapshots/<commit>, with every needed file present.
import { exists, type RepoCache } from './cache';
import { HubError } from './errors';
import { collectModelFiles } from './model-files';
import { isCommitSha } from './repo-id';

export async function resolveOffline(cache: RepoCache, revision: string, why: string): Promise<string> {
  const hint =
    `run once with network access (without HF_HUB_OFFLINE / localFilesOnly), ` +
    `or run \`npx cross-encoder download ${cache.repoId}\``;
  let commit: string | undefined;
  if (isCommitSha(revision) && (await exists(cache.snapshotDir(revision)))) commit = revision;
  else commit = await cache.readRef(revision);
  if (commit === undefined || !(await exists(cache.snapshotDir(commit)))) {
    throw new HubError(
      'ERR_HUB_OFFLINE_MISSING',
      `'${cache.repoId}' at revision '${revision}' is not in the cache ${cache.cacheDir} and ${why}; to get it, ${hint}.`,
    );
  }
  const found = commit;
  await collectModelFiles(
    async (file) => {
      const p = cache.snapshotFile(found, file);
      return (await exists(p)) ? p : undefined;
    },
    (file) =>
      new HubError(
        'ERR_HUB_OFFLINE_MISSING',
        `'${file}' of '${cache.repoId}' at revision '${revision}' (commit ${found}) is not in the cache ` +
          `${cache.cacheDir} and ${why}; to get it, ${hint}.`,
      ),
  );
  return cache.snapshotDir(found);
}
