// `cross-encoder info`: what a model is (architecture, labels, max length, dtype, size, GEMM kernel) after
// loading it; everything comes from the loaded model, as the core read it.
import * as path from 'node:path';

import { modelSource } from '../../models';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, UsageError, loadOptions, parse } from '../args';
import type { Command } from '../context';
import { loadModel } from '../load-model';

const OPTIONS = { ...MODEL_OPTIONS, json: { type: 'boolean' } } as const;

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export const info: Command = {
  summary: 'describe a model: architecture, labels, max length, dtype, size, CPU kernel',
  usage: `Usage: cross-encoder info <id|dir|demo> [--json] [options]

Loads the model (downloading it if needed) and prints its architecture, labels, default activation,
max length, weight dtype(s), parameter count, size on disk and the CPU kernel in use; --json prints one JSON object instead.

${MODEL_OPTIONS_HELP}`,

  async run(argv, ctx) {
    const { values, positionals } = parse('info', argv, OPTIONS, 1);
    const model = positionals[0];
    if (model === undefined) throw new UsageError('a model (hub repo id, directory or demo) is required', 'info');
    const options = loadOptions(values, 'info');
    const encoder = await loadModel(model, options, ctx);
    try {
      const { directory, weights } = encoder;
      const config = encoder.config as Record<string, unknown>;
      const summary = {
        model,
        source: modelSource(model),
        directory: path.resolve(directory),
        architecture: encoder.architecture,
        family: encoder.family,
        modelType: config['model_type'],
        layers: config['num_hidden_layers'],
        hiddenSize: config['hidden_size'],
        attentionHeads: config['num_attention_heads'],
        intermediateSize: config['intermediate_size'],
        vocabSize: config['vocab_size'],
        numLabels: encoder.numLabels,
        labels: encoder.labels,
        defaultActivation: encoder.defaultActivation,
        maxLength: encoder.maxLength,
        dtypes: weights.dtypes,
        parameters: weights.parameters,
        weightBytes: weights.bytes,
        gemmKernel: encoder.gemmKernel,
        precision: encoder.precision,
      };
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const dtypeText = Object.entries(weights.dtypes).map(([d, n]) => `${d} (${n.toLocaleString('en-US')} params)`).join(', ');
      const lines = [
        ['model', `${model} (${summary.source})`],
        ['directory', summary.directory],
        ['architecture', `${summary.architecture} (${summary.family}): ${String(summary.layers)} layers, hidden ${String(summary.hiddenSize)}, ` +
          `${String(summary.attentionHeads)} heads, intermediate ${String(summary.intermediateSize)}, vocab ${String(summary.vocabSize)}`],
        ['labels', `${summary.numLabels}: ${summary.labels.join(', ')}`],
        ['activation', summary.defaultActivation],
        ['max length', `${summary.maxLength} tokens`],
        ['dtype', `${dtypeText}`],
        ['precision', encoder.precision === 'fp32' ? 'fp32 (exact)' : `${encoder.precision} (Linear layers; the rest in fp32)`],
        ['size', `${mib(weights.bytes)} in model.safetensors; ${weights.parameters.toLocaleString('en-US')} parameters`],
        ['cpu kernel', `${encoder.gemmKernel} (GEMM, chosen at run time; CE_FORCE_ISA overrides)`],
      ];
      for (const [key, value] of lines) ctx.stdout.write(`${(key ?? '').padEnd(13)}${value ?? ''}\n`);
    } finally {
      await encoder.dispose();
    }
  },
};
