// Builds the four benchmark workloads (deterministically, from committed text) and counts their tokens
// with our tokenizer (ids identical to the HF fast tokenizer), which the FLOP counts are computed from.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

/** The seed's Berlin example: the `const query` / `const passages = [...]` block of README.md. */
function berlinFromReadme(repo) {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const q = readme.match(/const query = '([^']+)';/);
  const block = readme.match(/const passages = \[\n([\s\S]*?)\n\];/);
  if (!q || !block) throw new Error('bench: README.md no longer has the `const query` / `const passages = [...]` Berlin example');
  const passages = [...block[1].matchAll(/^\s*'((?:[^'\\]|\\.)*)',?\s*$/gm)].map((m) => m[1].replace(/\\'/g, "'"));
  if (passages.length !== 10) throw new Error(`bench: expected 10 Berlin passages in README.md, found ${passages.length}`);
  return { query: q[1], passages };
}

/** English Debian package descriptions (src "debian-en:*") from the committed corpus, whitespace-normalised. */
function debianEnglish(repo) {
  const lines = gunzipSync(readFileSync(path.join(repo, 'test/fixtures/pairs.jsonl.gz'))).toString('utf8').split('\n');
  const seen = new Set();
  const out = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (!String(r.src).startsWith('debian-en')) continue;
    const text = `${r.a}. ${r.b}`.replace(/\s+/g, ' ').trim();
    if (!seen.has(text)) { seen.add(text); out.push(text); }
  }
  return out;
}

/** Longest word-prefix of `text` whose pair with `query` has at most `maxTokens` tokens. */
function cutToTokens(count, query, text, maxTokens) {
  const words = text.split(' ');
  let lo = 1, hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(query, words.slice(0, mid).join(' ')) <= maxTokens) lo = mid; else hi = mid - 1;
  }
  return words.slice(0, lo).join(' ');
}

/**
 * @param repo repository root
 * @param tokenize (query, passage) => token ids of the pair as the model sees it
 * @returns {{[name: string]: {title: string, pairs: [string, string][], tokens: number[]}}}
 */
export function buildWorkloads(repo, tokenize) {
  const count = (q, p) => tokenize(q, p).length;
  const berlin = berlinFromReadme(repo);
  const debian = debianEnglish(repo);

  const q100 = 'which package provides a server for voice over IP calls';
  const msmarco = debian.filter((t) => { const n = count(q100, t); return n >= 60 && n <= 130; }).slice(0, 100);
  if (msmarco.length < 100) throw new Error(`bench: only ${msmarco.length} Debian descriptions give 60-130 token pairs`);

  const q32 = 'what does this package do';
  const long = debian.filter((t) => count(q32, t) > 128).slice(0, 32).map((t) => cutToTokens(count, q32, t, 128));
  if (long.length < 32) throw new Error(`bench: only ${long.length} Debian descriptions reach 128 tokens`);

  const single = cutToTokens(count, berlin.query, berlin.passages[3], 32);

  const workloads = {
    berlin10: { title: 'Berlin query x 10 passages (README)', pairs: berlin.passages.map((p) => [berlin.query, p]) },
    ms100: { title: '1 query x 100 passages, 60-130 tokens (Debian en)', pairs: msmarco.map((p) => [q100, p]) },
    b32x128: { title: '32 pairs x ~128 tokens (Debian en, cut at 128)', pairs: long.map((p) => [q32, p]) },
    single32: { title: 'single pair, ~32 tokens (latency)', pairs: [[berlin.query, single]] },
  };
  for (const w of Object.values(workloads)) w.tokens = w.pairs.map(([q, p]) => count(q, p));
  return workloads;
}

/**
 * Forward FLOPs of one pair of `n` tokens (multiply-add = 2 FLOPs): per layer the Q/K/V/O projections
 * (4·n·H·H MACs), the FFN (2·n·H·I), and attention scores + weighted sum (2·n·n·H); then pooler + classifier
 * on [CLS]. Embedding gathers, LayerNorm, softmax and GELU are O(n·H) and left out (<1%).
 */
export function pairFlops(n, cfg) {
  const H = cfg.hidden_size, I = cfg.intermediate_size, L = cfg.num_hidden_layers, C = cfg.num_labels ?? 1;
  const perLayer = 4 * n * H * H + 2 * n * H * I + 2 * n * n * H;
  return 2 * (L * perLayer + H * H + H * C);
}
