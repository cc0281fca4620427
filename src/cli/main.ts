#!/usr/bin/env node
/**
 * cdk8s-lanes: simulate, explain, draw, diff and check lane routing from manifests (synthesized by this
 * library or hand-written). This module dispatches to the commands (commands/), after the arguments
 * (args.ts) and before the files (files.ts) are read.
 */
import { HelpRequest, Options, parseArgs, UsageError } from './args';
import { commandUsage, USAGE } from './help';

/* eslint-disable @typescript-eslint/no-require-imports */
/** Each command's modules, loaded when it runs: `check` loads no simulator, `simulate` no analyzer, only SVG Graphviz. */
const COMMAND_MODULES = {
  diff: () => (require('./commands/diff') as typeof import('./commands/diff')).diffCommand,
  check: () => (require('./commands/check') as typeof import('./commands/check')).checkCommand,
  read: () => (require('./commands/read') as typeof import('./commands/read')).simulatorCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs the command line `cdk8s-lanes ARGV...`: resolves to its exit code. */
export async function main(argv: string[], out: (s: string) => void = s => process.stdout.write(`${s}\n`), err: (s: string) => void = s => process.stderr.write(`${s}\n`)): Promise<number> {
  return run(argv, out, err);
}

/**
 * The same, synchronously where it can be: the exit code, or a promise of it for what is drawn asynchronously
 * (`diagram --format svg`). Each line goes to `out` (stdout) or `err` (stderr).
 */
export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number | Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof HelpRequest) {
      out(e.message); // help and --version go to stdout
      return 0;
    }
    const command = e instanceof UsageError ? e.command : undefined;
    err(`cdk8s-lanes: ${(e as Error).message}\n\n${command ? commandUsage(command) : USAGE}`);
    return 2;
  }
  if (o.command === 'diff') return COMMAND_MODULES.diff()(o, out, err);
  if (o.command === 'check') return COMMAND_MODULES.check()(o, out, err);
  return COMMAND_MODULES.read()(o, out, err);
}

// Stryker disable all: runs only when node runs this file as the program, never under jest; the tests of the built binary run it
if (require.main === module) {
  void main(process.argv.slice(2)).then(code => process.exitCode = code);
}
// Stryker restore all
