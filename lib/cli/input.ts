// Reads the CLI's text input from --file or stdin, refusing to wait on an interactive terminal.
import { readFile } from 'node:fs/promises';

import { UsageError } from './args';

export interface InputSource {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The whole input as text: the file when given ('-' = stdin), else piped stdin. */
export async function readInput(file: string | undefined, source: InputSource, command: string, what: string): Promise<string> {
  if (file !== undefined && file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (source.stdin.isTTY) {
    throw new UsageError(`no ${what}: give --file <path> or pipe them on stdin`, command);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of source.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Non-empty lines (a trailing \r of CRLF files removed): one passage or record per line. */
export function nonEmptyLines(text: string): string[] {
  return text.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
}
