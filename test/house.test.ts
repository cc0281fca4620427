/**
 * The house rules of the source tree (docs/architecture.md): the import rules dependency-cruiser checks in
 * every build, shown to fail on a tree that breaks each of them, no source file above 400 lines, and the
 * Node.js versions the workflows build, release and test on.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** The checker's exit code for `dir` (as the build runs it), and the rules it reports broken, as `rule: from`. */
function cruise(dir: string): { code: number | null; violations: string[] } {
  const r = spawnSync(process.execPath, [DEPCRUISE, dir, '--config', '.dependency-cruiser.cjs'], { cwd: ROOT, encoding: 'utf-8' });
  const violations = [...r.stdout.matchAll(/^ {2}error ([a-z-]+): (\S+)/gm)].map(m => `${m[1]}: ${m[2]}`);
  return { code: r.status, violations: violations.sort() };
}

describe('the import rules', () => {
  test('src/ keeps them', () => {
    expect(cruise('src')).toEqual({ code: 0, violations: [] });
  });

  test('a tree that breaks each rule fails, a type-only import circle included', () => {
    const f = 'test/fixtures/house/src';
    const r = cruise(f);
    expect(r.code).not.toBe(0);
    expect(r.violations).toEqual([
      `no-circular: ${f}/private/a.ts`,
      `nothing-imports-the-cli: ${f}/lane-routing.ts`,
      `private-below-constructs: ${f}/private/uses-routing.ts`,
      `result-types-are-leaves: ${f}/simulation.ts`,
    ]);
  });
});

describe('file sizes', () => {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

  test('no source file is above 400 lines (generated imports/ excepted)', () => {
    const long = files(path.join(ROOT, 'src'))
      .map(f => ({ file: path.relative(ROOT, f), lines: fs.readFileSync(f, 'utf-8').split('\n').length }))
      .filter(x => x.lines > 400);
    expect(long).toEqual([]);
  });
});

describe('the workflows', () => {
  const workflow = (name: string) => parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', `${name}.yml`), 'utf-8'));
  /** The Node.js each job of a workflow sets up, by job. */
  const nodes = (name: string) => Object.fromEntries(Object.entries<any>(workflow(name).jobs)
    .map(([id, job]) => [id, job.steps.filter((s: any) => String(s.uses).startsWith('actions/setup-node@')).map((s: any) => s.with['node-version'])])
    .filter(([, versions]) => versions.length > 0));

  test('build and release on the current LTS; a matrix job tests the lowest Node.js that `engines` states', () => {
    const { engines } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    const lowest = /^>= (\d+\.\d+\.\d+)$/.exec(engines.node)![1];
    const { 'node-versions': matrix, ...build } = nodes('build');
    expect(Object.values(build).flat().length).toBeGreaterThan(0);
    expect(new Set([...Object.values(build).flat(), ...Object.values(nodes('release')).flat()])).toEqual(new Set(['lts/*']));
    expect(matrix).toEqual(['${{ matrix.node }}']);
    expect(workflow('build').jobs['node-versions'].strategy.matrix.node).toEqual([lowest, 'lts/-1']);
    expect(workflow('build').jobs['node-versions'].steps.map((s: any) => s.run).filter(Boolean)).toEqual(['npm ci', 'npx projen compile && npx projen test']);
  });
});
