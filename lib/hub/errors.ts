// HubError: the one error class of the hub resolver, with a stable `code` callers can switch on.

export type HubErrorCode =
  | 'ERR_HUB_NOT_FOUND' // repo, revision, required file or local directory does not exist
  | 'ERR_HUB_UNAUTHORIZED' // 401/403: private or gated repo, or a wrong token
  | 'ERR_HUB_OFFLINE_MISSING' // offline mode and the cache lacks a needed file
  | 'ERR_HUB_INTEGRITY' // downloaded bytes do not match the advertised size or sha256
  | 'ERR_HUB_NETWORK' // connection failed, cut, or the server answered 5xx/429
  | 'ERR_HUB_PROTOCOL' // the server's answer lacks what a Hugging Face hub always sends
  | 'ERR_HUB_INVALID_MODEL' // the repo's files are unusable (bad shard index, no tokenizer)
  | 'ERR_HUB_CACHE'; // the cache directory cannot be written or read

export class HubError extends Error {
  readonly code: HubErrorCode;
  constructor(code: HubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubError';
    this.code = code;
  }
}
