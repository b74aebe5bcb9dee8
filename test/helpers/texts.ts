// Sample texts for API tests: a few real-looking queries/passages, and long text for truncation.

export const QUERY = 'How many people live in Berlin?';
export const PASSAGES = [
  'Berlin had a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers.',
  'Berlin is well known for its museums.',
  'In 2014, the city state Berlin had 37,368 live births (+6.6%), a record number since 1991.',
  'The city of Paris had a population of 2,165,423 people within its administrative city limits as of January 1, 2019',
  'Berlin is subdivided into 12 boroughs or districts (Bezirke).',
];

/** `words` space-separated words: long enough to force truncation on every fixture model. */
export function longText(words: number, seed = 1): string {
  const vocabulary = ['terminal', 'multiplexer', 'window', 'session', 'Überprüfung', 'données', 'café', 'network'];
  let state = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push(vocabulary[state % vocabulary.length]!);
  }
  return out.join(' ');
}
