// Bench engine: onnxruntime-node on the exported fp32 ONNX graph, or with `--onnx-file model_int8.onnx` its
// dynamically quantised int8 copy (all graph optimisations, intra-op = N, inter-op = 1). ORT has no tokenizer;
// @huggingface/transformers' tokenizer is used and its time is included.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { serve, chunks } from './protocol.mjs';

const require = createRequire(import.meta.url);

await serve(async (dir, threads, args) => {
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(dir) + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(path.basename(dir));
  const file = args['onnx-file'] ?? 'model.onnx';
  const session = await ort.InferenceSession.create(path.join(dir, file), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const toOrt = (t) => new ort.Tensor('int64', t.data, t.dims);
  return {
    version: require('onnxruntime-node/package.json').version,
    kernel: file,
    async score(pairs, batchSize) {
      const out = [];
      for (const chunk of chunks(pairs, batchSize)) {
        const enc = tokenizer(chunk.map((p) => p[0]), { text_pair: chunk.map((p) => p[1]), padding: true, truncation: true });
        const feeds = { input_ids: toOrt(enc.input_ids), attention_mask: toOrt(enc.attention_mask) };
        // XLM-R / RoBERTa graphs have no token_type_ids input (their tokenizers return none).
        if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = toOrt(enc.token_type_ids);
        const res = await session.run(feeds);
        out.push(...res.logits.data);
      }
      return out;
    },
    dispose: () => session.release(),
  };
});
