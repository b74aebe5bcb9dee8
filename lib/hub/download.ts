// Downloads one blob into blobs/<etag>.incomplete, resuming with Range, checks its size and sha256, and
// renames it into place. Network cuts mid-body are retried (resuming) a few times before giving up.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import * as path from 'node:path';

import { abortErrorFor } from './abort';
import { HubError } from './errors';
import { getFollowingRedirects, type FileRef } from './http';

const MAX_ATTEMPTS = 4;
const SHA256 = /^[0-9a-f]{64}$/;

export interface Progress {
  file: string;
  loaded: number;
  total: number | undefined;
}

export interface BlobDownload {
  url: string;
  ref: FileRef;
  token: string | undefined;
  blobPath: string;
  etag: string;
  size: number | undefined;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export async function downloadBlob(job: BlobDownload): Promise<void> {
  const partial = `${job.blobPath}.incomplete`;
  const verifySha = SHA256.test(job.etag);
  try {
    await mkdir(path.dirname(job.blobPath), { recursive: true });
  } catch (err) {
    throw new HubError('ERR_HUB_CACHE', `Cannot create the cache folder '${path.dirname(job.blobPath)}': ${(err as Error).message}`, {
      cause: err,
    });
  }
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      await downloadAttempt(job, partial);
      break;
    } catch (err) {
      if (job.signal?.aborted) {
        throw abortErrorFor(job.signal, `Download of '${job.ref.file}' from '${job.ref.repoId}' (partial file kept for resuming)`);
      }
      if (!(err instanceof ConnectionCut) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
  await verifyAndCommit(job, partial, verifySha);
}

/** A body that broke off mid-way: worth another attempt, which resumes from the bytes already on disk. */
class ConnectionCut extends HubError {}

async function partialSize(partial: string): Promise<number> {
  try {
    return (await stat(partial)).size;
  } catch {
    return 0;
  }
}

async function downloadAttempt(job: BlobDownload, partial: string): Promise<void> {
  let have = await partialSize(partial);
  if (job.size !== undefined && have > job.size) {
    await truncate(partial, 0);
    have = 0;
  }
  if (job.size !== undefined && have === job.size && have > 0) return; // complete; verified by the caller
  const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
  let res = await getFollowingRedirects(job.url, job.ref, job.token, headers, job.signal);
  if (have > 0 && (res.status === 416 || (res.status === 206 && !rangeStartsAt(res, have)))) {
    // The server cannot continue where we stopped: start over from byte 0.
    await res.body?.cancel();
    have = 0;
    res = await getFollowingRedirects(job.url, job.ref, job.token, {}, job.signal);
  }
  if (res.status !== 206) have = 0; // a 200 carries the whole file again
  const handle = await open(partial, have > 0 ? 'a' : 'w');
  let loaded = have;
  job.onProgress?.({ file: job.ref.file, loaded, total: job.size });
  const body = res.body;
  if (!body) {
    await handle.close();
    throw new HubError('ERR_HUB_PROTOCOL', `The server sent no body for '${job.ref.file}'.`);
  }
  const chunks = (body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (err) {
        if (job.signal?.aborted) throw err;
        finished = true; // the stream is already dead
        throw new ConnectionCut(
          'ERR_HUB_NETWORK',
          `The connection broke while downloading '${job.ref.file}' from '${job.ref.repoId}' after ${loaded} bytes ` +
            `(${(err as Error).message}); the partial file is kept and the next try resumes from there.`,
          { cause: err },
        );
      }
      if (next.done) {
        finished = true;
        break;
      }
      try {
        await handle.write(next.value);
      } catch (err) {
        throw new HubError('ERR_HUB_CACHE', `Cannot write '${partial}': ${(err as Error).message}`, { cause: err });
      }
      loaded += next.value.byteLength;
      // A throwing callback is the caller's error: it propagates as is (and is not retried).
      job.onProgress?.({ file: job.ref.file, loaded, total: job.size });
    }
  } finally {
    if (!finished) await chunks.return?.().catch(() => undefined);
    await handle.close();
  }
}

function rangeStartsAt(res: Response, offset: number): boolean {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  return m !== null && Number(m[1]) === offset;
}

async function verifyAndCommit(job: BlobDownload, partial: string, verifySha: boolean): Promise<void> {
  const size = await partialSize(partial);
  if (job.size !== undefined && size !== job.size) {
    await rm(partial, { force: true });
    throw new HubError(
      'ERR_HUB_INTEGRITY',
      `Downloaded '${job.ref.file}' from '${job.ref.repoId}' has ${size} bytes but the hub announced ${job.size}; ` +
        'the partial file was deleted, try again.',
    );
  }
  if (verifySha) {
    // Hashing from disk (rather than while streaming) also covers bytes kept from an earlier, resumed run.
    const actual = await sha256File(partial);
    if (actual !== job.etag) {
      await rm(partial, { force: true });
      throw new HubError(
        'ERR_HUB_INTEGRITY',
        `Downloaded '${job.ref.file}' from '${job.ref.repoId}' has sha256 ${actual} but the hub announced ${job.etag}; ` +
          'the corrupt file was deleted, try again.',
      );
    }
  }
  await rename(partial, job.blobPath);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
