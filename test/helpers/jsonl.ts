// Reads the gzip'd JSON-lines fixtures (pairs and goldens).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export function readJsonLinesGz<T>(file: string): T[] {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}

export interface FixturePair {
  a: string;
  b: string;
  src: string;
}

export interface GoldenLine {
  input_ids: number[];
  token_type_ids: number[];
  logits: number[];
}

export interface GoldenRankCase {
  query: string;
  documents: string[];
  top_k: number | null;
  return_documents: boolean;
  result: { corpus_id: number; score: number; text?: string }[];
}

export interface GoldenMeta {
  model: string;
  max_length: number;
  num_labels: number;
  labels: string[];
  default_activation: string;
  activations: Record<'default' | 'sigmoid' | 'identity' | 'softmax', number[][]>;
  rank?: GoldenRankCase[];
  rank_error?: string;
  /** Which corpus lines the golden covers: the first `count`. */
  pairs?: { file: string; count: number };
}
