/**
 * `npx projen mutation [GROUP...]`: mutation testing of src/ by Stryker, one group of folders at a time. Each
 * group's mutants are judged by the tests that are about that code (its test files), not by every test that
 * happens to run it: a mutant in the analyzer that only a snapshot of an unrelated example would notice is
 * a gap in the analyzer's tests. Each group keeps its incremental results in test/mutation/GROUP.json
 * (committed), so a run after a small change tests only the mutants it touches. The JSON and HTML reports
 * go to reports/mutation/GROUP/; the score table per folder is printed and written to
 * reports/mutation/scores.md.
 *
 *   npx projen mutation              every group
 *   npx projen mutation analysis cli only these groups
 *   npx projen mutation --list       the groups, their code and their tests
 *   npx projen mutation --force model
 *                                    every mutant of the group run again, none taken from the record (after a
 *                                    large change to its tests, Stryker's comparison with the record can run out
 *                                    of memory)
 *   npx projen mutation --survivors analysis
 *                                    the mutants of a group's last run that no test killed, each with its line
 *   npx projen mutation --times simulation
 *                                    where a group's last run spent its time: by source file and by test file
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface Group {
  /** what it mutates (Stryker globs) */
  readonly mutate: string[];
  /**
   * the test files (test/NAME.test.ts) that judge it, in the order a mutant runs them: the unit tests of the code
   * first, the broad and slow tests (properties, whole apps) last, since a mutant's run stops at its first failure
   */
  readonly tests: string[];
}

export const GROUPS: { [name: string]: Group } = {
  validation: {
    mutate: ['src/private/validation/**/*.ts', 'src/match.ts', 'src/propagation.ts', 'src/route.ts', 'src/rule.ts', 'src/lane.ts', 'src/entry-point.ts', 'src/workload.ts'],
    tests: ['values', 'shape', 'match', 'checks', 'boundary', 'workloads'],
  },
  model: {
    mutate: ['src/private/model/**/*.ts'],
    tests: ['model', 'lane-routing', 'gateway-api', 'lane-group', 'baggage', 'one-model', 'workloads'],
  },
  render: {
    mutate: ['src/private/render/**/*.ts'],
    tests: ['render', 'lane-routing', 'lane-group', 'baggage', 'gateway-api', 'examples', 'workloads'],
  },
  simulation: {
    mutate: ['src/private/simulate/**/*.ts', 'src/lane-simulator.ts'],
    tests: ['engine', 'read-manifests', 'read-virtual-service', 'read-httproute', 'httproute', 'gateways', 'reading', 'simulation', 'diff', 'conformance', 'differential', 'gateway-api', 'baggage', 'one-model', 'boundary', 'properties', 'workloads'],
  },
  analysis: {
    mutate: ['src/private/analysis/**/*.ts'],
    tests: ['istio-analyzers', 'istio-validation', 'istio-reading', 'analyzers', 'check', 'app-checks', 'gateways'],
  },
  diagram: {
    mutate: ['src/private/diagram/**/*.ts'],
    tests: ['diagram', 'diagram-fonts', 'workloads'],
  },
  constructs: {
    mutate: ['src/lane-routing.ts', 'src/lane-group.ts'],
    tests: ['lane-routing', 'lane-group', 'one-model', 'junk', 'lane-group-properties', 'workloads'],
  },
  cli: {
    mutate: ['src/cli/**/*.ts'],
    tests: ['cli', 'check', 'diff', 'diagram', 'boundary', 'workloads'],
  },
};

const ROOT = path.join(__dirname, '..');
const args = process.argv.slice(2);
/**
 * Prints `text` and ends the process once it is written: process.exit() right after printing to a pipe cut the
 * output at the pipe's buffer (64 KiB), e.g. a long list of survivors piped to grep.
 */
function finish(text: string, code = 0): void {
  process.stdout.write(text, () => process.exit(code));
}

/** The groups, their code and their tests. */
function list(): string {
  return Object.entries(GROUPS).map(([name, g]) => `${name}\n  mutates ${g.mutate.join(' ')}\n  tests   ${g.tests.map(t => `test/${t}.test.ts`).join(' ')}\n`).join('');
}

/** A group's report of its last run (reports/mutation/GROUP/mutation.json). */
function lastReport(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'reports', 'mutation', name, 'mutation.json'), 'utf-8'));
}

/** The mutants of the groups' last runs that no test killed, each with its line. */
function survivors(names: string[]): string {
  const out: string[] = [];
  for (const name of names) {
    const report = lastReport(name);
    for (const [file, result] of Object.entries<any>(report.files)) {
      const lines = String(result.source).split('\n');
      for (const m of result.mutants) {
        if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
        const at = m.location.start;
        out.push(`${file}:${at.line}:${at.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}\n    ${lines[at.line - 1].trim()}\n`);
      }
    }
  }
  return out.join('');
}

/**
 * Where a group's last run spent its time (reports/mutation/GROUP/times.jsonl, written by mutation-runner.cjs): the
 * seconds its mutants' runs took, by the source file mutated and by the test file run, with counts, slowest first.
 */
function times(name: string): string {
  const report = lastReport(name);
  const fileOf = new Map<string, string>();
  for (const [file, result] of Object.entries<any>(report.files)) for (const m of result.mutants) fileOf.set(String(m.id), file);
  const bySource = new Map<string, [number, number]>();
  const byTest = new Map<string, [number, number]>();
  const add = (to: Map<string, [number, number]>, key: string, ms: number) => {
    const [n, total] = to.get(key) ?? [0, 0];
    to.set(key, [n + 1, total + ms]);
  };
  const lines = fs.readFileSync(path.join(ROOT, 'reports', 'mutation', name, 'times.jsonl'), 'utf-8').split('\n').filter(Boolean);
  for (const line of lines) {
    const { mutant, files } = JSON.parse(line) as { mutant: string; files: [string, number][] };
    add(bySource, fileOf.get(mutant) ?? '(a mutant not in the report)', files.reduce((sum, [, ms]) => sum + ms, 0));
    for (const [test, ms] of files) add(byTest, test, ms);
  }
  const table = (title: string, counted: string, rows: Map<string, [number, number]>) => [
    `${title}: seconds, ${counted}`,
    ...[...rows].sort(([, a], [, b]) => b[1] - a[1]).map(([key, [n, ms]]) => `  ${(ms / 1000).toFixed(0).padStart(6)}  ${String(n).padStart(5)}  ${key}`),
  ].join('\n');
  return `${table('by source file', 'mutants run', bySource)}\n${table('by test file', 'loads', byTest)}\n`;
}

const dir = path.join(ROOT, '.stryker-tmp');

/**
 * The incremental file as committed: what the next run reuses (sources, mutants, tests, which test killed or
 * covered what), without what only this machine's run said (its root folder, its configuration, the stack
 * traces of killed mutants).
 */
function scrub(file: string): void {
  if (!fs.existsSync(file)) return;
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  delete report.config;
  report.projectRoot = '.';
  for (const result of Object.values<any>(report.files)) for (const m of result.mutants) delete m.statusReason;
  const text = JSON.stringify(report).split(`${ROOT}${path.sep}`).join('').split(ROOT).join('.');
  fs.writeFileSync(file, text);
}

/**
 * The names of the group's tests, per test file (jest --collectTests, which loads the files without running a
 * test), for the mutation run's sequencer (scripts/mutation-sequencer.cjs): a mutant's run loads only the
 * files that hold the tests covering it. Returns the list's file.
 */
function collectTests(name: string, g: Group): string {
  const out = path.join(dir, `tests.${name}.raw.json`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--collectTests', '--json', '--outputFile', out, '--coverage=false', ...g.tests.map(t => `test/${t}.test.ts`)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LANES_MUTATION: '1' } });
  if (r.status !== 0) throw new Error(`mutation: collecting the tests of ${name} failed:\n${r.stderr}`);
  const found: { [file: string]: string[] } = {};
  for (const suite of JSON.parse(fs.readFileSync(out, 'utf-8')).testResults) {
    found[path.relative(ROOT, suite.name).split(path.sep).join('/')] = suite.assertionResults.map((a: { fullName: string }) => a.fullName);
  }
  // in the group's order, which the sequencer keeps
  const byFile: { [file: string]: string[] } = {};
  for (const t of g.tests) byFile[`test/${t}.test.ts`] = found[`test/${t}.test.ts`] ?? [];
  const file = path.join(dir, `tests.${name}.json`);
  fs.writeFileSync(file, JSON.stringify(byFile));
  return file;
}

/**
 * Per source file, the test files that killed its mutants in the group's last run (its incremental record,
 * committed), those that killed most first, for the sequencer to run first for that file's mutants. Returns the
 * list's file.
 */
function killersBySource(name: string): string {
  const bySource: { [source: string]: string[] } = {};
  const reportFile = path.join(ROOT, 'test', 'mutation', `${name}.json`);
  if (fs.existsSync(reportFile)) {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
    const fileOf = new Map<string, string>();
    for (const [file, result] of Object.entries<any>(report.testFiles ?? {})) for (const t of result.tests) fileOf.set(String(t.id), file);
    for (const [source, result] of Object.entries<any>(report.files)) {
      const kills = new Map<string, number>();
      for (const m of result.mutants) {
        const file = m.status === 'Killed' ? fileOf.get(String((m.killedBy ?? [])[0])) : undefined;
        if (file !== undefined) kills.set(file, (kills.get(file) ?? 0) + 1);
      }
      bySource[source] = [...kills].sort(([, a], [, b]) => b - a).map(([file]) => file);
    }
  }
  const file = path.join(dir, `order.${name}.json`);
  fs.writeFileSync(file, JSON.stringify(bySource));
  return file;
}

/** Runs Stryker on the groups given (every group when none is). */
function runGroups(): void {
  /** --force: every mutant is run again, none taken from the incremental record */
  const force = args.includes('--force');
  const groups = args.filter(a => a !== '--force');
  const unknown = groups.filter(a => !(a in GROUPS));
  if (unknown.length) {
    console.error(`mutation: unknown group ${unknown.join(', ')} (groups: ${Object.keys(GROUPS).join(', ')})`);
    process.exit(2);
  }
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf-8'));
  fs.mkdirSync(dir, { recursive: true });
  let failed = false;
  for (const name of groups.length ? groups : Object.keys(GROUPS)) {
    const g = GROUPS[name];
    const config = {
      ...base,
      mutate: g.mutate,
      incrementalFile: `test/mutation/${name}.json`,
      htmlReporter: { fileName: `reports/mutation/${name}/mutation.html` },
      jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
      jest: { ...base.jest, config: { ...base.jest.config, testMatch: g.tests.map(t => `<rootDir>/test/${t}.test.ts`) } },
    };
    const tests = collectTests(name, g);
    const file = path.join(dir, `stryker.${name}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    const started = Date.now();
    console.log(`mutation: ${name} (${g.mutate.join(' ')}), judged by ${g.tests.join(', ')}`);
    const timesFile = path.join(ROOT, 'reports', 'mutation', name, 'times.jsonl');
    fs.mkdirSync(path.dirname(timesFile), { recursive: true });
    fs.rmSync(timesFile, { force: true });
    const env = { ...process.env, LANES_MUTATION: '1', LANES_MUTATION_TESTS: tests, LANES_MUTATION_ORDER: killersBySource(name), LANES_MUTATION_TIMES: timesFile };
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', file, ...(force ? ['--force'] : [])], { cwd: ROOT, stdio: 'inherit', env });
    console.log(`mutation: ${name} took ${Math.round((Date.now() - started) / 1000)} s`);
    if (r.status !== 0) failed = true;
    scrub(path.join(ROOT, config.incrementalFile));
  }
  process.exitCode = failed ? 1 : 0;
}

if (args.includes('--list')) finish(list());
else if (args[0] === '--survivors') finish(survivors(args.slice(1)));
else if (args[0] === '--times') finish(args.slice(1).map(times).join('\n'));
else runGroups();
