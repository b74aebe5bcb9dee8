// Public entry point of the cross-encoder package.
export { CrossEncoder, ACTIVATIONS, PRECISIONS } from './cross-encoder';
export type {
  Activation,
  Encoding,
  LoadOptions,
  ModelConfig,
  ModelStats,
  PredictOptions,
  Precision,
  RankOptions,
  RankResult,
  TextPair,
  WeightsInfo,
} from './cross-encoder';
export { CALL_CHANNEL } from './diagnostics';
export type { CallMessage, CallOutcome } from './diagnostics';
export {
  AbortError,
  CrossEncoderError,
  CrossEncoderRangeError,
  CrossEncoderTypeError,
} from './errors';
export type { ArgumentTypeErrorCode, CrossEncoderErrorCode } from './errors';
export { HubError, resolveModelDir } from './hub';
export type { HubErrorCode, HubProgress, ResolveOptions } from './hub';
export { DEMO_MODEL, demoModelDir } from './models';
