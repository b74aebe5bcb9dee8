// HTTP against the hub: HEAD for file metadata (commit, etag, size) and GET that follows redirects itself,
// so the bearer token never reaches a redirect target on another host (e.g. the CDN holding LFS files).
import { HubError } from './errors';

const USER_AGENT = 'cross-encoder-node (huggingface_hub-compatible)';
const MAX_REDIRECTS = 10;

export interface FileRef {
  repoId: string;
  revision: string;
  file: string;
  /** How messages name the revision when `revision` is the resolved commit (e.g. "main (commit 1a2b…)"). */
  revisionLabel?: string;
}

export interface FileMetadata {
  commit: string;
  /** Normalised (no W/ prefix, no quotes); a 64-hex sha256 for LFS files, the git blob sha1 otherwise. */
  etag: string;
  size: number | undefined;
}

export function resolveUrl(endpoint: string, ref: FileRef): string {
  const file = ref.file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${ref.repoId}/resolve/${encodeURIComponent(ref.revision)}/${file}`;
}

function baseHeaders(token: string | undefined): Record<string, string> {
  // identity: sizes and Range offsets must refer to the stored bytes, not a gzip encoding of them.
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return headers;
}

function describe(ref: FileRef): string {
  return `'${ref.file}' of '${ref.repoId}' at revision '${ref.revisionLabel ?? ref.revision}'`;
}

/** Raises the HubError an HTTP status means; `what` names the file, repo and revision. */
export function throwForStatus(res: Response, ref: FileRef, hadToken: boolean): void {
  if (res.status < 400) return;
  const errorCode = res.headers.get('x-error-code') ?? '';
  const serverMsg = res.headers.get('x-error-message');
  const detail = serverMsg ? ` (server: ${serverMsg})` : '';
  if (res.status === 401 || res.status === 403) {
    const why =
      errorCode === 'GatedRepo'
        ? 'is gated: accept its conditions on the hub with your account, then'
        : 'does not exist, or is private or gated:';
    const tokenHint = hadToken
      ? 'the token given was refused; check it has read access'
      : "pass { token } or set HF_TOKEN to an access token with read access";
    throw new HubError(
      'ERR_HUB_UNAUTHORIZED',
      `Access to ${describe(ref)} was denied (HTTP ${res.status}): the repo '${ref.repoId}' ${why} ${tokenHint}${detail}.`,
    );
  }
  if (res.status === 404) {
    const what =
      errorCode === 'RepoNotFound'
        ? `Repo '${ref.repoId}' was not found on the hub`
        : errorCode === 'RevisionNotFound'
          ? `Revision '${ref.revisionLabel ?? ref.revision}' of '${ref.repoId}' was not found`
          : `File ${describe(ref)} was not found (HTTP 404)`;
    throw new HubError('ERR_HUB_NOT_FOUND', `${what}${detail}.`);
  }
  throw new HubError('ERR_HUB_NETWORK', `The hub answered HTTP ${res.status} for ${describe(ref)}${detail}; try again later.`);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof HubError && err.code === 'ERR_HUB_NOT_FOUND';
}

/** Turns fetch's TypeError('fetch failed') into ERR_HUB_NETWORK, and aborts into the signal's rejection. */
async function request(url: string, init: RequestInit, ref: FileRef): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new HubError(
      'ERR_HUB_NETWORK',
      `Cannot reach the hub at ${new URL(url).origin} for ${describe(ref)}: ${why}. ` +
        'Check the connection or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only cached files.',
      { cause: err },
    );
  }
}

/**
 * HEAD without following absolute redirects: the metadata headers are on the hub's own answer, not on the
 * CDN's. Relative redirects (a renamed repo) are followed, as huggingface_hub does.
 */
export async function headMetadata(
  endpoint: string,
  ref: FileRef,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<FileMetadata> {
  let url = resolveUrl(endpoint, ref);
  for (let hop = 0; ; hop++) {
    const init: RequestInit = { method: 'HEAD', headers: baseHeaders(token), redirect: 'manual' };
    if (signal) init.signal = signal;
    const res = await request(url, init, ref);
    throwForStatus(res, ref, token !== undefined);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && isRelative(location) && hop < MAX_REDIRECTS) {
      url = new URL(location, url).toString();
      continue;
    }
    const commit = res.headers.get('x-repo-commit');
    const rawEtag = res.headers.get('x-linked-etag') ?? res.headers.get('etag');
    if (!commit || !rawEtag) {
      throw new HubError(
        'ERR_HUB_PROTOCOL',
        `The server at ${new URL(url).origin} answered ${describe(ref)} without ${commit ? 'an ETag' : 'X-Repo-Commit'}; ` +
          'is HF_ENDPOINT a Hugging Face hub?',
      );
    }
    const sizeHeader = res.headers.get('x-linked-size') ?? (res.status < 300 ? res.headers.get('content-length') : null);
    const size = sizeHeader !== null && /^\d+$/.test(sizeHeader) ? Number(sizeHeader) : undefined;
    return { commit, etag: normalizeEtag(rawEtag), size };
  }
}

export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"+|"+$/g, '');
}

function isRelative(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('//');
}

/**
 * GET following redirects by hand (up to 10): the Authorization header is dropped as soon as a hop leaves
 * the hub's origin, and never restored. Other headers (Range) travel along.
 */
export async function getFollowingRedirects(
  url: string,
  ref: FileRef,
  token: string | undefined,
  extraHeaders: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  const origin = new URL(url).origin;
  let current = url;
  let sendToken = token;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const init: RequestInit = {
      method: 'GET',
      headers: { ...baseHeaders(sendToken), ...extraHeaders },
      redirect: 'manual',
    };
    if (signal) init.signal = signal;
    const res = await request(current, init, ref);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      current = new URL(location, current).toString();
      if (new URL(current).origin !== origin) sendToken = undefined;
      continue;
    }
    if (res.status >= 400) await res.body?.cancel();
    throwForStatus(res, ref, token !== undefined);
    return res;
  }
  throw new HubError('ERR_HUB_NETWORK', `Too many redirects (more than ${MAX_REDIRECTS}) downloading ${describe(ref)}.`);
}
