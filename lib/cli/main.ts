#!/usr/bin/env node
// Executable entry of `npx cross-encoder` (package.json bin): runs the CLI on this process's streams.
import { runCli } from './run';

runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    // exitCode instead of exit(): stdout may still be flushing into a pipe.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cross-encoder: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
