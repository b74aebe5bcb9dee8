// Ordering of rank() results exactly as sentence-transformers: score descending, ties keep corpus order.

export interface RankResult {
  corpusId: number;
  score: number;
  /** The document text; present only with `returnDocuments: true`. */
  text?: string;
}

export function rankScores(
  scores: Float32Array,
  documents: readonly string[],
  topK: number | undefined,
  returnDocuments: boolean,
): RankResult[] {
  const results: RankResult[] = Array.from(scores, (score, corpusId) =>
    returnDocuments ? { corpusId, score, text: documents[corpusId] } : { corpusId, score },
  );
  // ST uses Python's stable sorted(reverse=True); Array.prototype.sort is stable too, and the explicit
  // corpusId tie-break keeps that order even if the engine's guarantee ever changed.
  results.sort((x, y) => (y.score - x.score) || (x.corpusId - y.corpusId));
  return topK === undefined ? results : results.slice(0, topK);
}
