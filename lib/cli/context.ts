// What a CLI command may touch: its streams (results on stdout, progress and logs on stderr).
export interface CliContext {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

export interface Command {
  /** One line for the command list of `cross-encoder --help`. */
  summary: string;
  /** Full text of `cross-encoder <command> --help`. */
  usage: string;
  run(argv: string[], ctx: CliContext): Promise<void>;
}
