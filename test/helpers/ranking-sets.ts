// The query sets the precision gate ranks: the demo model's held-out evaluation (demo-mrr.json's 600 queries x
// 30 candidates over dev.jsonl.gz) and, for MiniLM, queries built from the pair corpus's Debian pairs.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { LabelledQuery } from '../../lib/eval/labelled-file';
import { type FixturePair, readJsonLinesGz } from './jsonl';
import { DEMO_MODEL_DIR, GOLDENS_DIR, PAIRS_FILE } from './paths';

/** Every `step`-th of `items`, starting at the first: a deterministic subset spread over the whole list. */
export function everyNth<T>(items: readonly T[], count: number): T[] {
  const step = Math.max(1, Math.floor(items.length / Math.max(1, count)));
  return items.filter((_, i) => i % step === 0).slice(0, count);
}

/**
 * The demo model's held-out ranking (train.py's evaluation, recorded in demo-mrr.json): query i's candidates are
 * dev passages, the first one its own (label 1), 9 sharing a word with it where possible, the rest random.
 */
export function demoQueries(): LabelledQuery[] {
  const golden = JSON.parse(readFileSync(path.join(GOLDENS_DIR, 'demo-mrr.json'), 'utf8')) as { candidates: number[][] };
  const dev = readJsonLinesGz<{ q: string; p: string }>(path.join(DEMO_MODEL_DIR, 'dev.jsonl.gz'));
  return golden.candidates.map((candidates, i) => ({
    query: dev[i]!.q,
    passages: candidates.map((c) => dev[c]!.p),
    labels: candidates.map((c) => (c === i ? 1 : 0)),
  }));
}

const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);

/**
 * `queries` queries (spread over the corpus) over the pair corpus's English Debian pairs (summary ->
 * description): each summary ranks its own
 * description (label 1) among the `candidates - 1` other descriptions sharing the most words with it (hard
 * negatives: a ranking where small score changes can reorder candidates).
 */
export function debianPairQueries(queries: number, candidates: number): LabelledQuery[] {
  const pairs = readJsonLinesGz<FixturePair>(PAIRS_FILE).filter((p) => p.src === 'debian-en:dev');
  const passageWords = pairs.map((p) => words(p.b));
  return everyNth(pairs.map((_, i) => i), queries).map((i) => {
    const pair = pairs[i]!;
    const queryWords = words(pair.a);
    const overlap = (j: number) => {
      let shared = 0;
      for (const w of queryWords) if (passageWords[j]!.has(w)) shared++;
      return shared;
    };
    const others = pairs.map((_, j) => j).filter((j) => j !== i && pairs[j]!.b !== pair.b);
    others.sort((x, y) => overlap(y) - overlap(x) || x - y);
    const chosen = [i, ...others.slice(0, candidates - 1)];
    return { query: pair.a, passages: chosen.map((j) => pairs[j]!.b), labels: chosen.map((j) => (j === i ? 1 : 0)) };
  });
}
