// Bench engine: this package (native C++ core through N-API), loaded from the built dist/; `--precision p` picks
// fp32 (default), bf16 or int8.
import { createRequire } from 'node:module';
import { serve } from './protocol.mjs';

const require = createRequire(import.meta.url);
const { CrossEncoder } = require('../../dist/cjs/index.js');
const { version } = require('../../package.json');

await serve(async (dir, threads, args) => {
  const model = await CrossEncoder.load(dir, { threads, ...(args.precision ? { precision: args.precision } : {}) });
  return {
    version,
    kernel: `${model.precision} ${model.gemmKernel}`,
    score: (pairs, batchSize) => model.predict(pairs, { batchSize }),
    dispose: () => model.dispose(),
  };
});
