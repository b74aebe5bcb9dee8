// The server's lifecycle (loading -> ready -> draining, or failed) and the model once it is there.
import { unavailable } from './api-error';
import type { ServedModel } from './model';

export type Lifecycle = 'loading' | 'ready' | 'draining' | 'failed';

export interface ServerLimits {
  maxClientBatchSize: number;
  requestTimeout: number | undefined;
}

export class ServerState {
  lifecycle: Lifecycle = 'loading';
  model: ServedModel | undefined;
  loadError: Error | undefined;

  constructor(readonly modelId: string, readonly limits: ServerLimits) {}

  /** The model for a scoring request: served while ready and while draining (in-flight and late requests). */
  requireModel(): ServedModel {
    if (this.model && (this.lifecycle === 'ready' || this.lifecycle === 'draining')) return this.model;
    if (this.lifecycle === 'failed') throw unavailable(`the model failed to load: ${this.loadError?.message ?? 'unknown error'}`);
    throw unavailable('the model is still loading');
  }
}
