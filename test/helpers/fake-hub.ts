// A local stand-in for the Hugging Face hub (node:http on 127.0.0.1): the resolve URL scheme with
// X-Repo-Commit / ETag / X-Linked-* headers, LFS-style 302s to a separate "CDN" origin, Range, gated
// repos, and switches that cut or corrupt a download, for the hub resolver tests. Never touches the internet.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface FakeRepo {
  files: Map<string, Buffer>;
  /** When set, requests need `Authorization: Bearer <token>`; else 401 (as the hub does for gated repos). */
  token?: string;
  /** 40-hex commit sha; default derived from the repo id. */
  commit?: string;
  /** A renamed repo: every request gets a relative 307 to the same path under this repo id. */
  movedTo?: string;
}

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

const CHUNK = 64 * 1024;

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** git's blob id, the ETag the hub gives non-LFS files. */
export function gitBlobSha(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

function isLfs(file: string): boolean {
  return file.endsWith('.safetensors');
}

/** Reads every file of a fixture model directory (recursively) into a repo file map. */
export function filesFromDir(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else files.set(rel, readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return files;
}

/**
 * Splits a safetensors file into `count` valid safetensors shards plus the HF index that maps every
 * tensor to its shard (the layout of sharded checkpoints: model-0000i-of-0000n.safetensors).
 */
export function shardSafetensors(file: Buffer, count: number): Map<string, Buffer> {
  const headerLen = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLen).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const dataStart = 8 + headerLen;
  const names = Object.keys(header).filter((n) => n !== '__metadata__');
  const out = new Map<string, Buffer>();
  const weightMap: Record<string, string> = {};
  const pad = (n: number): string => String(n).padStart(5, '0');
  let totalSize = 0;
  for (let s = 0; s < count; s++) {
    const shardName = `model-${pad(s + 1)}-of-${pad(count)}.safetensors`;
    const shardHeader: Record<string, unknown> = {};
    if (header['__metadata__']) shardHeader['__metadata__'] = header['__metadata__'];
    const parts: Buffer[] = [];
    let offset = 0;
    names.forEach((name, i) => {
      if (i % count !== s) return;
      const entry = header[name]!;
      const bytes = file.subarray(dataStart + entry.data_offsets[0], dataStart + entry.data_offsets[1]);
      shardHeader[name] = { dtype: entry.dtype, shape: entry.shape, data_offsets: [offset, offset + bytes.length] };
      parts.push(bytes);
      offset += bytes.length;
      weightMap[name] = shardName;
    });
    totalSize += offset;
    let json = Buffer.from(JSON.stringify(shardHeader), 'utf8');
    json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    out.set(shardName, Buffer.concat([len, json, ...parts]));
  }
  out.set('model.safetensors.index.json', Buffer.from(JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)));
  return out;
}

export class FakeHub {
  readonly requests: LoggedRequest[] = [];
  private readonly cuts = new Map<string, number>();
  private readonly corrupted = new Set<string>();
  private hubServer!: http.Server;
  private cdnServer!: http.Server;
  endpoint = '';
  cdnOrigin = '';

  private constructor(private readonly repos: Map<string, FakeRepo>) {}

  static async start(repos: Record<string, FakeRepo>): Promise<FakeHub> {
    const hub = new FakeHub(new Map(Object.entries(repos)));
    hub.hubServer = http.createServer((req, res) => hub.handleHub(req, res));
    hub.cdnServer = http.createServer((req, res) => hub.handleCdn(req, res));
    hub.endpoint = `http://127.0.0.1:${await listen(hub.hubServer)}`;
    hub.cdnOrigin = `http://127.0.0.1:${await listen(hub.cdnServer)}`;
    return hub;
  }

  commitOf(repoId: string): string {
    const repo = this.repos.get(repoId);
    if (!repo) throw new Error(`fake hub has no repo ${repoId}`);
    return repo.commit ?? createHash('sha1').update(`commit:${repoId}`).digest('hex');
  }

  /** The next content GET of `file` sends the headers for the whole file, then only `afterBytes`, then drops the socket. */
  cutOnce(file: string, afterBytes: number): void {
    this.cuts.set(file, afterBytes);
  }

  /** Content of `file` is served with one byte flipped while the metadata still advertises the true sha256/size. */
  corrupt(file: string): void {
    this.corrupted.add(file);
  }

  contentGets(file: string): LoggedRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${file}`) && (r.server === 'cdn' || !isLfs(file)));
  }

  async stop(): Promise<void> {
    for (const server of [this.hubServer, this.cdnServer]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private log(server: 'hub' | 'cdn', req: http.IncomingMessage): void {
    this.requests.push({
      server,
      method: req.method ?? '',
      path: decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
  }

  private handleHub(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.log('hub', req);
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(pathname);
    if (!m || (req.method !== 'HEAD' && req.method !== 'GET')) return end(res, 400, {});
    const repoId = m[1]!;
    const revision = decodeURIComponent(m[2]!);
    const file = m[3]!.split('/').map(decodeURIComponent).join('/');
    const repo = this.repos.get(repoId);
    // The hub answers 401 for a repo that does not exist, so as not to reveal private repos.
    if (!repo) return end(res, 401, { 'x-error-code': 'RepoNotFound' });
    if (repo.movedTo !== undefined) return end(res, 307, { location: `/${repo.movedTo}/resolve/${m[2]}/${m[3]}` });
    if (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`) {
      return end(res, 401, { 'x-error-code': 'GatedRepo', 'x-error-message': `Access to model ${repoId} is restricted.` });
    }
    const commit = this.commitOf(repoId);
    if (revision !== 'main' && revision !== commit) return end(res, 404, { 'x-error-code': 'RevisionNotFound' });
    const data = repo.files.get(file);
    if (!data) return end(res, 404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': commit });
    if (isLfs(file)) {
      const sha = sha256(data);
      return end(res, 302, {
        location: `${this.cdnOrigin}/cdn/${repoId}/${sha}/${file}?signature=fake`,
        'x-repo-commit': commit,
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(data.length),
        etag: `"${gitBlobSha(Buffer.from(`pointer ${sha}`))}"`,
      });
    }
    this.serveContent(req, res, file, data, { 'x-repo-commit': commit, etag: `"${gitBlobSha(data)}"` });
  }

  private handleCdn(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.log('cdn', req);
    const m = /^\/cdn\/(.+?)\/([0-9a-f]{64})\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const repo = m ? this.repos.get(m[1]!) : undefined;
    const data = m && repo ? repo.files.get(m[3]!) : undefined;
    if (!m || !data || sha256(data) !== m[2]) return end(res, 404, {});
    this.serveContent(req, res, m[3]!, data, { etag: `"${m[2]}"` });
  }

  private serveContent(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: string,
    original: Buffer,
    headers: Record<string, string>,
  ): void {
    let data = original;
    if (this.corrupted.has(file)) {
      data = Buffer.from(original);
      data[data.length >> 1] = data[data.length >> 1]! ^ 0xff;
    }
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= data.length) return end(res, 416, { 'content-range': `bytes */${data.length}` });
      status = 206;
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    const body = data.subarray(start);
    res.writeHead(status, { ...headers, 'content-length': String(body.length), 'accept-ranges': 'bytes' });
    if (req.method === 'HEAD') return void res.end();
    const cutAt = req.method === 'GET' ? this.cuts.get(file) : undefined;
    if (cutAt !== undefined) this.cuts.delete(file);
    const limit = cutAt === undefined ? body.length : Math.min(cutAt, body.length);
    // Small chunks with a turn of the event loop between them, so a client can abort mid-body.
    let offset = 0;
    const pump = (): void => {
      if (res.destroyed) return;
      if (offset >= limit) {
        if (cutAt !== undefined) res.socket?.destroy();
        else res.end();
        return;
      }
      const next = Math.min(offset + CHUNK, limit);
      res.write(body.subarray(offset, next), () => setImmediate(pump));
      offset = next;
    };
    pump();
  }
}

function end(res: http.ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-length': '0' });
  res.end();
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
