// The on-disk cache layout shared with Python's huggingface_hub: blobs/, snapshots/<commit>/, refs/, .no_exist/.
import { copyFile, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { HubError } from './errors';

export class RepoCache {
  /** <cache>/models--{org}--{name} */
  readonly root: string;

  constructor(
    readonly cacheDir: string,
    readonly repoId: string,
  ) {
    this.root = path.join(cacheDir, `models--${repoId.split('/').join('--')}`);
  }

  blobPath(etag: string): string {
    return path.join(this.root, 'blobs', etag);
  }

  snapshotDir(commit: string): string {
    return path.join(this.root, 'snapshots', commit);
  }

  snapshotFile(commit: string, file: string): string {
    return path.join(this.snapshotDir(commit), ...file.split('/'));
  }

  /** Python marks files the hub answered 404 for, so offline runs know the file truly does not exist. */
  noExistPath(commit: string, file: string): string {
    return path.join(this.root, '.no_exist', commit, ...file.split('/'));
  }

  /** Where this package's download locks live (Python keeps its own flock files in the same folder). */
  lockPath(etag: string): string {
    return path.join(this.cacheDir, '.locks', path.basename(this.root), `${etag}.node.lock`);
  }

  async readRef(revision: string): Promise<string | undefined> {
    try {
      const sha = (await readFile(path.join(this.root, 'refs', ...revision.split('/')), 'utf8')).trim();
      return sha.length > 0 ? sha : undefined;
    } catch {
      return undefined;
    }
  }

  /** Written through a temp file + rename so a concurrent reader never sees a half-written sha. */
  async writeRef(revision: string, commit: string): Promise<void> {
    const refPath = path.join(this.root, 'refs', ...revision.split('/'));
    if ((await this.readRef(revision)) === commit) return;
    await guardCache(refPath, async () => {
      await mkdir(path.dirname(refPath), { recursive: true });
      const tmp = `${refPath}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, commit);
      await rename(tmp, refPath);
    });
  }

  async markNoExist(commit: string, file: string): Promise<void> {
    const marker = this.noExistPath(commit, file);
    try {
      await mkdir(path.dirname(marker), { recursive: true });
      await writeFile(marker, '');
    } catch {
      // Only an optimisation for offline runs; a read-only cache must not fail an online resolve.
    }
  }

  /**
   * Points snapshots/<commit>/<file> at blobs/<etag> with a relative symlink, exactly like huggingface_hub,
   * so the cache can be moved and Python finds our files. Falls back to a copy where symlinks are not
   * allowed (Windows without developer mode), as huggingface_hub does.
   */
  async linkSnapshot(commit: string, file: string, etag: string): Promise<string> {
    const target = this.snapshotFile(commit, file);
    const blob = this.blobPath(etag);
    await guardCache(target, async () => {
      await mkdir(path.dirname(target), { recursive: true });
      const relative = path.relative(path.dirname(target), blob);
      await rm(target, { force: true });
      try {
        await symlink(relative, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // a concurrent process linked it
        await copyFile(blob, target);
      }
    });
    return target;
  }
}

/** True when `p` exists, following symlinks (a dangling snapshot link counts as missing). */
export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function guardCache(p: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    throw new HubError('ERR_HUB_CACHE', `Cannot write '${p}' in the Hugging Face cache: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
