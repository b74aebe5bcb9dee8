// Type test of the shipped CommonJS declarations (dist/cjs/index.d.ts), as a require()-style consumer sees them.
import crossEncoder = require('cross-encoder');

export async function usage(dir: string): Promise<number> {
  const model = await crossEncoder.CrossEncoder.load(dir);
  const scores: Float32Array = await model.predict([['q', 'p']]);
  // @ts-expect-error topK must be a number
  await model.rank('q', ['d'], { topK: '1' });
  await model[Symbol.asyncDispose]();
  return scores.length;
}
