// Public surface of the hub resolver: resolveModelDir, its options, and HubError.
export { resolveModelDir, type ResolveOptions } from './resolve';
export { HubError, type HubErrorCode } from './errors';
export type { Progress as HubProgress } from './download';
