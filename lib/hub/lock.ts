// A cross-process lock file (O_EXCL create) so two processes never write the same blob at once.
// The holder refreshes the file's mtime; a lock whose holder died (dead pid on this host, or no refresh
// for STALE_MS) is taken over.
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { HubError } from './errors';

const REFRESH_MS = 2_000;
const STALE_MS = 20_000;
const POLL_MS = 100;

export interface Lock {
  release(): Promise<void>;
}

interface Owner {
  pid: number;
  host: string;
}

export async function acquireLock(lockPath: string, signal?: AbortSignal): Promise<Lock> {
  await mkdir(path.dirname(lockPath), { recursive: true }).catch((err: unknown) => {
    throw new HubError('ERR_HUB_CACHE', `Cannot create the lock folder for '${lockPath}': ${(err as Error).message}`, {
      cause: err,
    });
  });
  const owner: Owner = { pid: process.pid, host: os.hostname() };
  for (;;) {
    signal?.throwIfAborted();
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return heldLock(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new HubError('ERR_HUB_CACHE', `Cannot create the lock file '${lockPath}': ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    if (await isStale(lockPath)) {
      await rm(lockPath, { force: true });
      continue;
    }
    await sleep(POLL_MS, signal);
  }
}

function heldLock(lockPath: string): Lock {
  const timer = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, REFRESH_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await rm(lockPath, { force: true });
    },
  };
}

async function isStale(lockPath: string): Promise<boolean> {
  let mtimeMs: number;
  let owner: Partial<Owner> = {};
  try {
    mtimeMs = (await stat(lockPath)).mtimeMs;
    owner = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<Owner>;
  } catch {
    // Vanished (released) or still being written: not stale; the next O_EXCL try decides.
    return false;
  }
  if (owner.host === os.hostname() && typeof owner.pid === 'number' && owner.pid !== process.pid) {
    if (!pidAlive(owner.pid)) return true;
  }
  return Date.now() - mtimeMs > STALE_MS;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
