// The CLI dispatcher: picks the command, prints help, and turns every failure into one line on stderr
// plus a non-zero exit code (2 for a bad command line, 1 for anything else).
import { UsageError } from './args';
import { demo } from './commands/demo';
import { download } from './commands/download';
import { evalCommand } from './commands/eval';
import { info } from './commands/info';
import { predict } from './commands/predict';
import { rank } from './commands/rank';
import { serve } from './commands/serve';
import type { CliContext, Command } from './context';

// Adding a command is one entry here plus its module under commands/.
const COMMANDS: Record<string, Command> = { rank, predict, eval: evalCommand, serve, download, info, demo };

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: cross-encoder <command> [options]

Run BERT cross-encoder rerankers on CPU. Results go to stdout, progress and errors to stderr.

Commands:
${list}

Models: a hub repo id (e.g. cross-encoder/ms-marco-MiniLM-L-6-v2), a local model directory, or 'demo'
(the built-in model, no network). Run 'cross-encoder <command> --help' for a command's options.
`;
}

/** The message of an error, on one line. */
function oneLineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    ctx.stderr.write(mainUsage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic !== undefined ? COMMANDS[topic] : undefined;
    ctx.stdout.write(command ? `${command.usage}\n` : mainUsage());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    ctx.stderr.write(`cross-encoder: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')} (see cross-encoder --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(rest, ctx);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.stderr.write(`cross-encoder ${name}: ${oneLineMessage(error)} (see cross-encoder ${name} --help)\n`);
      return 2;
    }
    const code = (error as { code?: unknown } | null)?.code;
    const prefix = typeof code === 'string' && code.startsWith('ERR_') ? `${code}: ` : '';
    ctx.stderr.write(`cross-encoder ${name}: ${prefix}${oneLineMessage(error)}\n`);
    return 1;
  }
}
