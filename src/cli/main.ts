#!/usr/bin/env node
/**
 * cdk8s-lanes: simulate, explain, draw, diff and check lane routing from manifests (synthesized by this
 * library or hand-written). This module dispatches to the commands (commands/), after the arguments
 * (args.ts) and before the files (files.ts) are read.
 */
import { HelpRequest, Options, parseArgs, USAGE, UsageError } from './args';
import { checkCommand } from './commands/check';
import { diagramCommand } from './commands/diagram';
import { diffCommand } from './commands/diff';
import { explainCommand } from './commands/explain';
import { simulate } from './commands/simulate';
import { manifestFiles, readManifestFiles } from './files';
import { LaneSimulator } from '../lane-simulator';

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
    err(`cdk8s-lanes: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.command === 'diff') return diffCommand(o, out, err);
  if (o.command === 'check') return checkCommand(o, out, err);
  try {
    const files = readManifestFiles(o.files.flatMap(manifestFiles));
    const sim = LaneSimulator.fromYamlSources(files, {
      clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace, listenerIsolation: o.listenerIsolation,
    });
    for (const note of sim.notes) err(`note: ${note}`);
    if (o.command === 'explain') {
      explainCommand(sim, out);
    } else if (o.command === 'diagram') {
      const drawn = diagramCommand(sim, o, out, err);
      if (drawn) return drawn.then(() => 0, e => failed(e, err));
    } else {
      simulate(sim, o, out, err);
    }
    return 0;
  } catch (e) {
    return failed(e, err);
  }
}

/** A flag that names nothing in the files is a usage error (2); a bad file, field or reference is bad input (1). */
function failed(e: unknown, err: (s: string) => void): number {
  err(`cdk8s-lanes: ${(e as Error).message}`);
  return e instanceof UsageError ? 2 : 1;
}

// Stryker disable all: runs only when node runs this file as the program, never under jest; the tests of the built binary run it
if (require.main === module) {
  void main(process.argv.slice(2)).then(code => process.exitCode = code);
}
// Stryker restore all
