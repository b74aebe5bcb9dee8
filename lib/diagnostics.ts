// The `cross-encoder:call` diagnostics channel: one message per finished predict/rank call, whatever its outcome.
import * as diagnosticsChannel from 'node:diagnostics_channel';

/** Name of the node:diagnostics_channel channel the package publishes one CallMessage per finished call on. */
export const CALL_CHANNEL = 'cross-encoder:call';

export type CallOutcome = 'ok' | 'overloaded' | 'timeout' | 'aborted' | 'disposed' | 'error';

export interface CallMessage {
  /** The model id or path given to CrossEncoder.load(). */
  model: string;
  pairs: number;
  /** Posted until its first pair entered a forward pass (or until it ended, if none did). */
  queueMs: number;
  /** Its first pair entered a forward pass until it ended; 0 if none did. */
  computeMs: number;
  /** Pairs cut to the model's maxLength. */
  truncatedPairs: number;
  priority: number;
  outcome: CallOutcome;
}

const channel = diagnosticsChannel.channel(CALL_CHANNEL);

export function publishCall(message: CallMessage): void {
  // Building the message costs nothing worth skipping; publishing to nobody is skipped.
  if (channel.hasSubscribers) channel.publish(message);
}

/** The outcome a native error code stands for. */
export function outcomeOf(code: string | undefined): CallOutcome {
  switch (code) {
    case 'ERR_OVERLOADED': return 'overloaded';
    case 'ERR_TIMEOUT': return 'timeout';
    case 'ERR_CANCELLED': return 'aborted';
    case 'ERR_DISPOSED': return 'disposed';
    default: return 'error';
  }
}
