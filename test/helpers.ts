import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { parseAllDocuments, stringify as yamlStringify } from 'yaml';
import { ROOT } from './repo';
import { HeaderMatch, LaneGroupProps, Target } from '../src';
import { assertConforms } from './schema';
import { run } from '../src/cli/main';
// the CLI's commands, loaded with every test file (the CLI loads one when it runs it), so that what they hold at
// module level is no single test's
import '../src/cli/commands/check';
import '../src/cli/commands/diff';
import '../src/cli/commands/read';

/**
 * One document as YAML 1.1 writes it, as cdk8s does: the texts that YAML 1.1 (kubectl, and the CLI) would read as
 * something else (`y`, `on`, `0777`) are quoted.
 */
export function stringify(doc: unknown): string {
  return yamlStringify(doc, { version: '1.1' });
}

/** The manifests a chart synthesizes, as plain objects; each is checked against its CRD schema. */
export function synth(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  manifests.forEach(assertConforms);
  return manifests;
}

/** The YAML a whole app synthesizes (every chart); each manifest is checked against its CRD schema. */
export function synthApp(app: App): string {
  const yaml = app.synthYaml();
  parseAllDocuments(yaml).forEach(d => assertConforms(d.toJS()));
  return yaml;
}

/** The manifests a chart synthesizes, as the YAML text `cdk8s synth` writes; each is checked against its CRD schema. */
export function synthYaml(chart: Chart): string {
  return Yaml.stringify(...synth(chart));
}

/**
 * The two VirtualServices of the reference scenario (test/fixtures/permissive-scenario-virtualservices.yaml, copied from
 * the ASM guide), as plain objects; `transform` edits the YAML text first.
 */
export function referenceManifests(transform: (text: string) => string = t => t): any[] {
  const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'permissive-scenario-virtualservices.yaml'), 'utf-8');
  return parseAllDocuments(transform(text)).map(d => d.toJS());
}

/** Finds the one manifest of `kind` named `name`. */
export function find(manifests: any[], kind: string, name: string): any {
  const found = manifests.filter(m => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/**
 * A simulation result read from YAML named `origin`, with that name taken off the VirtualService sources
 * (`origin: VirtualService ns/name` → `VirtualService ns/name`), to compare with one a construct gives.
 */
export function withoutOrigin<T>(result: T, origin: string): T {
  const prefix = `${origin}: `;
  return JSON.parse(JSON.stringify(result), (_key, value) =>
    (typeof value === 'string' && value.startsWith(prefix) ? value.slice(prefix.length) : value));
}

/** The call chain of ASM's permissive-lane scenario as LaneGroup props: s1 holds mocka, mockb and mockc, s2 mocka and mockc, s3 mockb. */
export function chainGroupProps(overrides: Partial<LaneGroupProps> = {}): LaneGroupProps {
  return {
    name: 'mock',
    target: Target.ISTIO,
    services: [{ name: 'mocka', namespace: 'default' }, { name: 'mockb', namespace: 'default' }, { name: 'mockc', namespace: 'default' }],
    lanes: [
      { name: 's1', services: ['mocka', 'mockb', 'mockc'], podLabels: { version: 'v1' } },
      { name: 's2', services: ['mocka', 'mockc'], podLabels: { version: 'v2' } },
      { name: 's3', services: ['mockb'], podLabels: { version: 'v3' } },
    ],
    baseline: 's1',
    ingress: {
      gateway: 'istio-system/ingressgateway',
      entryService: 'mocka',
      rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }] }],
    },
    ...overrides,
  };
}

/** What a command line printed (each line ended by a newline, as on a terminal) and its exit code. */
export interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `cdk8s-lanes ARGS...` in this process, as the binary runs it (the same `run`, without colour), so that
 * the tests of the CLI exercise the sources; a command line that draws asynchronously (SVG) needs runCliAsync.
 */
export function runCli(...args: string[]): CliResult {
  const { result, out, err } = inProcess(args);
  if (typeof result !== 'number') throw new Error(`runCli(${args.join(' ')}): this command line draws asynchronously; use runCliAsync`);
  return { code: result, out: out.join(''), err: err.join('') };
}

/** runCli for any command line, SVG included. */
export async function runCliAsync(...args: string[]): Promise<CliResult> {
  const { result, out, err } = inProcess(args);
  const code = await result;
  return { code, out: out.join(''), err: err.join('') };
}

function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const noColor = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    return { result: run(args, s => out.push(`${s}\n`), s => err.push(`${s}\n`)), out, err };
  } finally {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  }
}

/** Runs the built `cdk8s-lanes` binary (lib/src/cli/main.js, as npm installs it) with these arguments. */
export function runBuiltCli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'lib', 'src', 'cli', 'main.js'), ...args], { encoding: 'utf-8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The message of the error `f` throws (the test fails when none is thrown). */
export function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
