// Brings one repo file into the cache online: HEAD for metadata, reuse the blob if present, else download
// it under a lock, then link snapshots/<commit>/<file> to it.
import { abortErrorFor } from './abort';
import { exists, type RepoCache } from './cache';
import { downloadBlob, type Progress } from './download';
import { headMetadata, resolveUrl, type FileRef } from './http';
import { acquireLock } from './lock';

export interface OnlineContext {
  endpoint: string;
  cache: RepoCache;
  token: string | undefined;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface CachedFile {
  path: string;
  commit: string;
}

export async function fetchFile(ctx: OnlineContext, ref: FileRef): Promise<CachedFile> {
  const meta = await headMetadata(ctx.endpoint, ref, ctx.token, ctx.signal);
  const snapshotPath = ctx.cache.snapshotFile(meta.commit, ref.file);
  const blobPath = ctx.cache.blobPath(meta.etag);
  if ((await exists(snapshotPath)) && (await exists(blobPath))) return { path: snapshotPath, commit: meta.commit };

  if (!(await exists(blobPath))) {
    let lock;
    try {
      lock = await acquireLock(ctx.cache.lockPath(meta.etag), ctx.signal);
    } catch (err) {
      if (ctx.signal?.aborted) throw abortErrorFor(ctx.signal, `Waiting for another process to download '${ref.file}'`);
      throw err;
    }
    try {
      // Another process may have finished this blob while we waited for the lock.
      if (!(await exists(blobPath))) {
        const job: Parameters<typeof downloadBlob>[0] = {
          // Download from the commit, not the branch: every file of one resolve comes from the same commit.
          url: resolveUrl(ctx.endpoint, { ...ref, revision: meta.commit }),
          ref,
          token: ctx.token,
          blobPath,
          etag: meta.etag,
          size: meta.size,
        };
        if (ctx.onProgress) job.onProgress = ctx.onProgress;
        if (ctx.signal) job.signal = ctx.signal;
        await downloadBlob(job);
      }
    } finally {
      await lock.release();
    }
  }
  await ctx.cache.linkSnapshot(meta.commit, ref.file, meta.etag);
  return { path: snapshotPath, commit: meta.commit };
}
