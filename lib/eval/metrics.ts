// Ranking metrics of one query's candidates: rank correlation between two scorings, MRR@10 and nDCG@10 against
// relevance labels. Pure functions over plain arrays (the eval command and the precision gate share them).

/** Ranks 1..n by descending score, ties sharing their average rank (the usual Spearman convention). */
export function averageRanks(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((x, y) => scores[y]! - scores[x]! || x - y);
  const ranks = new Array<number>(scores.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && scores[order[end]!] === scores[order[start]!]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation of two scorings of the same candidates (Pearson of their average ranks), or
 * undefined when either scoring is constant (the correlation is not defined).
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | undefined {
  if (a.length !== b.length) throw new RangeError(`spearman: ${a.length} vs ${b.length} scores`);
  const n = a.length;
  if (n < 2) return undefined;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return undefined;
  return sab / Math.sqrt(saa * sbb);
}

/** Index of the best score (the first one on ties): what rank() puts first. */
export function topIndex(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

/**
 * Reciprocal rank of the best-placed relevant candidate (label > 0) if it is in the top `k`, else 0. A candidate's
 * rank is 1 + the number of candidates scoring strictly higher (ties in its favour, as the demo model's reference
 * evaluation counts). 0 when no candidate is relevant.
 */
export function reciprocalRankAt(scores: ArrayLike<number>, labels: ArrayLike<number>, k = 10): number {
  let best = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!(labels[i]! > 0)) continue;
    let rank = 1;
    for (let j = 0; j < scores.length; j++) if (scores[j]! > scores[i]!) rank++;
    if (rank <= k) best = Math.max(best, 1 / rank);
  }
  return best;
}

/**
 * nDCG@k with graded labels (gain 2^label - 1, discount log2(position + 1)); candidates in descending score order,
 * ties in input order (rank()'s order). 0 when no candidate is relevant.
 */
export function ndcgAt(scores: ArrayLike<number>, labels: ArrayLike<number>, k = 10): number {
  const gain = (label: number) => 2 ** label - 1;
  const dcg = (order: number[]) => order.slice(0, k).reduce((sum, i, position) => sum + gain(labels[i]!) / Math.log2(position + 2), 0);
  const indices = Array.from({ length: scores.length }, (_, i) => i);
  const ideal = dcg([...indices].sort((x, y) => labels[y]! - labels[x]! || x - y));
  if (ideal === 0) return 0;
  return dcg([...indices].sort((x, y) => scores[y]! - scores[x]! || x - y)) / ideal;
}

/** The value at quantile q (0..1) of `values`, nearest-rank on the sorted copy; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One query scored twice: by the reference (fp32) and by the candidate precision; labels optional. */
export interface ScoredQuery {
  reference: ArrayLike<number>;
  candidate: ArrayLike<number>;
  labels?: ArrayLike<number>;
}

/** How closely the candidate scoring ranks like the reference over many queries. */
export interface Agreement {
  queries: number;
  /** Queries whose Spearman is undefined (a constant scoring): left out of the median. */
  undefinedSpearman: number;
  medianSpearman: number;
  minSpearman: number;
  /** Share of queries whose best candidate is the same under both scorings. */
  top1Agreement: number;
  /** MRR@10 of each scoring against the labels, and candidate - reference; undefined without labels. */
  referenceMrr10?: number;
  candidateMrr10?: number;
  deltaMrr10?: number;
  referenceNdcg10?: number;
  candidateNdcg10?: number;
  /** |candidate - reference| over every candidate of every query. */
  absDelta: { p50: number; p99: number; max: number };
}

export function agreement(queries: readonly ScoredQuery[]): Agreement {
  const correlations: number[] = [];
  const deltas: number[] = [];
  let undefinedSpearman = 0;
  let sameTop = 0;
  let labelled = 0;
  let referenceMrr = 0;
  let candidateMrr = 0;
  let referenceNdcg = 0;
  let candidateNdcg = 0;
  for (const { reference, candidate, labels } of queries) {
    if (reference.length !== candidate.length) throw new RangeError(`agreement: ${reference.length} vs ${candidate.length} scores`);
    const rho = spearman(reference, candidate);
    if (rho === undefined) undefinedSpearman++;
    else correlations.push(rho);
    if (topIndex(reference) === topIndex(candidate)) sameTop++;
    for (let i = 0; i < reference.length; i++) {
      const delta = Math.abs(candidate[i]! - reference[i]!);
      deltas.push(Number.isNaN(delta) ? Infinity : delta);
    }
    if (labels) {
      labelled++;
      referenceMrr += reciprocalRankAt(reference, labels);
      candidateMrr += reciprocalRankAt(candidate, labels);
      referenceNdcg += ndcgAt(reference, labels);
      candidateNdcg += ndcgAt(candidate, labels);
    }
  }
  const result: Agreement = {
    queries: queries.length,
    undefinedSpearman,
    medianSpearman: quantile(correlations, 0.5),
    minSpearman: correlations.length ? Math.min(...correlations) : Number.NaN,
    top1Agreement: queries.length ? sameTop / queries.length : Number.NaN,
    absDelta: { p50: quantile(deltas, 0.5), p99: quantile(deltas, 0.99), max: deltas.reduce((m, d) => Math.max(m, d), 0) },
  };
  if (labelled > 0) {
    result.referenceMrr10 = referenceMrr / labelled;
    result.candidateMrr10 = candidateMrr / labelled;
    result.deltaMrr10 = result.candidateMrr10 - result.referenceMrr10;
    result.referenceNdcg10 = referenceNdcg / labelled;
    result.candidateNdcg10 = candidateNdcg / labelled;
  }
  return result;
}
