// Bench engine: this package (native C++ core through N-API), loaded from the built dist/.
import { createRequire } from 'node:module';
import { serve } from './protocol.mjs';

const require = createRequire(import.meta.url);
const { CrossEncoder } = require('../../dist/cjs/index.js');
const { version } = require('../../package.json');

await serve(async (dir, threads) => {
  const model = await CrossEncoder.load(dir, { threads });
  return {
    version,
    score: (pairs, batchSize) => model.predict(pairs, { batchSize }),
    dispose: () => model.dispose(),
  };
});
