// Bench engine: @huggingface/transformers (transformers.js) on the same fp32 ONNX, local files only,
// onnxruntime-node backend with intra-op = N, inter-op = 1 passed through session_options.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, AutoModelForSequenceClassification, env } from '@huggingface/transformers';
import { serve, chunks } from './protocol.mjs';

// The package's exports map hides package.json, so read it from beside the resolved entry point's root.
const pkgJson = new URL('../node_modules/@huggingface/transformers/package.json', import.meta.url);

await serve(async (dir, threads) => {
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(dir) + path.sep;
  const id = path.basename(dir);  // resolved as <localModelPath>/<id>/onnx/model.onnx
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  const model = await AutoModelForSequenceClassification.from_pretrained(id, {
    device: 'cpu',
    dtype: 'fp32',
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  });
  return {
    version: JSON.parse(readFileSync(pkgJson, 'utf8')).version,
    async score(pairs, batchSize) {
      const out = [];
      for (const chunk of chunks(pairs, batchSize)) {
        const enc = tokenizer(chunk.map((p) => p[0]), { text_pair: chunk.map((p) => p[1]), padding: true, truncation: true });
        const { logits } = await model(enc);
        out.push(...logits.data);
      }
      return out;
    },
    dispose: () => model.dispose(),
  };
});
