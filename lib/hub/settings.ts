// Reads the huggingface_hub environment variables (endpoint, cache dir, token, offline) in one place.
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export function hubEndpoint(): string {
  const fromEnv = process.env['HF_ENDPOINT'];
  return (fromEnv && fromEnv.length > 0 ? fromEnv : DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** options.cacheDir ?? HF_HUB_CACHE ?? $HF_HOME/hub ?? ~/.cache/huggingface/hub (as in huggingface_hub). */
export function hubCacheDir(explicit?: string): string {
  if (explicit !== undefined && explicit.length > 0) return explicit;
  const hubCache = process.env['HF_HUB_CACHE'];
  if (hubCache) return hubCache;
  const xdg = process.env['XDG_CACHE_HOME'];
  const home = process.env['HF_HOME'] || path.join(xdg || path.join(os.homedir(), '.cache'), 'huggingface');
  return path.join(home, 'hub');
}

export function hubToken(explicit?: string): string | undefined {
  if (explicit !== undefined && explicit.length > 0) return explicit;
  const fromEnv = process.env['HF_TOKEN'];
  return fromEnv && fromEnv.length > 0 ? fromEnv : undefined;
}

const TRUTHY = new Set(['1', 'on', 'yes', 'true']);
export function hubOffline(localFilesOnly?: boolean): boolean {
  if (localFilesOnly === true) return true;
  return TRUTHY.has((process.env['HF_HUB_OFFLINE'] ?? '').trim().toLowerCase());
}
