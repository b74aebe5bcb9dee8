// Reads a labelled ranking file for `cross-encoder eval`: JSON Lines, one query per line with its candidates and
// (optionally) their relevance labels; gzip'd files are recognised by their magic bytes.
import { gunzipSync } from 'node:zlib';

/** One query with its candidate passages; labels[i] is passage i's relevance (>= 0; > 0 = relevant). */
export interface LabelledQuery {
  query: string;
  passages: string[];
  labels?: number[];
}

/** A line of the file that is not a valid record: names the line (1-based) and what to fix. */
export class LabelledFileError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'LabelledFileError';
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The file's text: gunzipped when it starts with gzip's magic bytes. */
export function decodeLabelledFile(bytes: Buffer): string {
  const gzipped = bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

function isLabel(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Parses one record. Accepted shapes:
 *   {"query": "...", "passages": ["...", ...], "labels": [1, 0, ...]}   ("documents" is a synonym of "passages")
 *   {"query": "...", "candidates": [{"text": "...", "label": 1}, ...]}
 * Labels are optional (all or none per line); graded labels (0, 1, 2, ...) are allowed.
 */
export function parseLabelledRecord(value: unknown, line: number): LabelledQuery {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new LabelledFileError(line, 'expected a JSON object');
  const record = value as Record<string, unknown>;
  const { query } = record;
  if (typeof query !== 'string') throw new LabelledFileError(line, 'expected a string "query"');
  let passages: string[];
  let labels: number[] | undefined;
  if (record['candidates'] !== undefined) {
    const candidates = record['candidates'];
    if (!Array.isArray(candidates)) throw new LabelledFileError(line, '"candidates" must be an array of {"text", "label"} objects');
    passages = [];
    const found: (number | undefined)[] = [];
    for (const [i, candidate] of candidates.entries()) {
      const c = candidate as Record<string, unknown> | null;
      if (c === null || typeof c !== 'object' || typeof c['text'] !== 'string') {
        throw new LabelledFileError(line, `candidates[${i}] must be an object with a string "text"`);
      }
      if (c['label'] !== undefined && !isLabel(c['label'])) throw new LabelledFileError(line, `candidates[${i}].label must be a number >= 0`);
      passages.push(c['text']);
      found.push(c['label'] as number | undefined);
    }
    const withLabel = found.filter((l) => l !== undefined).length;
    if (withLabel !== 0 && withLabel !== found.length) throw new LabelledFileError(line, 'give a "label" for every candidate or for none');
    if (withLabel > 0) labels = found as number[];
  } else {
    const list = record['passages'] ?? record['documents'];
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
      throw new LabelledFileError(line, 'expected "passages" (or "documents"): an array of strings, or "candidates"');
    }
    passages = list as string[];
    const rawLabels = record['labels'];
    if (rawLabels !== undefined) {
      if (!Array.isArray(rawLabels) || !rawLabels.every(isLabel)) throw new LabelledFileError(line, '"labels" must be an array of numbers >= 0');
      if (rawLabels.length !== passages.length) {
        throw new LabelledFileError(line, `"labels" has ${rawLabels.length} entries for ${passages.length} passages`);
      }
      labels = rawLabels as number[];
    }
  }
  if (passages.length === 0) throw new LabelledFileError(line, 'no candidates');
  return labels ? { query, passages, labels } : { query, passages };
}

/** Every record of the file's text (blank lines skipped). */
export function parseLabelledFile(text: string): LabelledQuery[] {
  const records: LabelledQuery[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new LabelledFileError(index + 1, `not JSON (${(error as Error).message})`);
    }
    records.push(parseLabelledRecord(value, index + 1));
  }
  return records;
}
