// Type test of the shipped ESM declarations (dist/esm/index.d.mts): the public API as a user writes it.
import {
  AbortError,
  CrossEncoder,
  CrossEncoderError,
  CrossEncoderRangeError,
  CrossEncoderTypeError,
  CALL_CHANNEL,
  type CallMessage,
  type ModelStats,
  type PredictOptions,
  type RankResult,
} from 'cross-encoder';

export async function usage(dir: string): Promise<void> {
  await using model = await CrossEncoder.load(dir, { threads: 2, maxLength: 512 });
  const scores: Float32Array = await model.predict([['q', 'p1'], ['q', 'p2']], { batchSize: 8, activation: 'sigmoid' });
  const pairs: ReadonlyArray<readonly [string, string]> = [['q', 'p']] as const;
  await model.predict(pairs, { signal: AbortSignal.timeout(1000) });
  const ranks: RankResult[] = await model.rank('q', ['a', 'b'], { topK: 1, returnDocuments: true });
  const first: { corpusId: number; score: number; text?: string } | undefined = ranks[0];
  const encoding: { inputIds: number[]; tokenTypeIds: number[] } = model.tokenize('q', 'p');
  const numLabels: number = model.numLabels;
  const labels: readonly string[] = model.labels;
  const maxLength: number = model.maxLength;
  const config: unknown = model.config.hidden_size;
  void [scores, first, encoding, numLabels, labels, maxLength, config];
  const options: PredictOptions = { activation: 'default', priority: 1, timeout: 500 };
  void options;
  // The scheduler's surface (issue 11): load options, stats, the diagnostics channel's message.
  await using served = await CrossEncoder.load(dir, { maxBatchTokens: 2048, maxQueuedPairs: 20000 });
  const stats: ModelStats = served.stats();
  const queued: number = stats.queuedPairs + stats.rejectedCalls + stats.tokens;
  const channel: 'cross-encoder:call' | string = CALL_CHANNEL;
  const message: CallMessage = { model: 'demo', pairs: 1, queueMs: 0, computeMs: 1, truncatedPairs: 0, priority: 0, outcome: 'timeout' };
  void [queued, channel, message];
  // @ts-expect-error outcomes are a closed set
  const bad: CallMessage['outcome'] = 'late';
  void bad;

  // @ts-expect-error pairs hold strings only
  await model.predict([['q', 1]]);
  // @ts-expect-error a pair has exactly two texts
  await model.predict([['q', 'p', 'r']]);
  // @ts-expect-error unknown activation
  await model.predict([['q', 'p']], { activation: 'relu' });
  // @ts-expect-error unknown option
  await model.rank('q', ['a'], { top_k: 1 });
  // @ts-expect-error config is readonly
  model.config.hidden_size = 3;
  // @ts-expect-error the constructor is private: use CrossEncoder.load
  new CrossEncoder();

  try {
    await model.dispose();
  } catch (error) {
    if (error instanceof CrossEncoderError) {
      const code: string = error.code;
      void code;
    }
    if (error instanceof AbortError || error instanceof CrossEncoderTypeError || error instanceof CrossEncoderRangeError) {
      void error.code;
    }
  }
}
