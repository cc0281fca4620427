/**
 * What the npm package ships (`npm pack --dry-run` over the compiled lib/, as the build's package step packs
 * it): the compiled library, its public types, the CLI with its shebang, the bundled dependencies, and the
 * project metadata. Runs after `compile` in the build.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './repo';

const PROJECT = 'https://github.com/cdk8s-traffic-lanes/cdk8s-traffic-lanes';

/** What a release may weigh: the tarball downloaded, and what it adds to `node_modules` (its dependencies are bundled). */
const LIMITS = { tarball: 3_000_000, installed: 12_000_000 };

function packed(): { files: string[]; bundled: string[]; size: number; unpackedSize: number } {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) {
    throw new Error('lib/ is not compiled: run `npx projen compile` (the build does) before this test');
  }
  // the README samples' translations are written by the build's post-compile step: made here when jest runs
  // on its own after `npx projen compile`, as that step makes them
  if (!fs.existsSync(path.join(ROOT, '.jsii.tabl.json'))) {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'jsii-rosetta', 'bin', 'jsii-rosetta'), 'extract', '--strict'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  }
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [result] = JSON.parse(out);
  return { files: result.files.map((f: { path: string }) => f.path), bundled: result.bundled, size: result.size, unpackedSize: result.unpackedSize };
}

describe('the npm package', () => {
  let files: string[];
  let bundled: string[];
  let size: number;
  let unpackedSize: number;
  beforeAll(() => ({ files, bundled, size, unpackedSize } = packed()), 60_000);

  test(`weighs at most ${LIMITS.tarball / 1e6} MB packed and ${LIMITS.installed / 1e6} MB installed`, () => {
    // npm's own measures of the tarball: compressed, and unpacked (what installing it adds, bundled dependencies included)
    expect({ size: Math.min(size, LIMITS.tarball), unpackedSize: Math.min(unpackedSize, LIMITS.installed) }).toEqual({ size, unpackedSize });
    // no source maps: they were more than half of lib/
    expect(files.filter(f => f.startsWith('lib/') && f.endsWith('.map'))).toEqual([]);
    const index = fs.readFileSync(path.join(ROOT, 'lib', 'src', 'index.js'), 'utf-8');
    expect(index).not.toContain('sourceMappingURL');
  });

  test('ships the compiled library, its types and the CLI', () => {
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'API.md', '.jsii',
      'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/cli/main.js',
      'lib/src/lane-routing.js', 'lib/src/lane-routing.d.ts', 'lib/src/private/model/normalize.js', 'lib/src/private/simulate/read/manifests.js',
      'lib/imports/asm-networking.istio.io.js', 'lib/imports/istio-networking.istio.io.js',
    ]));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(pkg.bin).toEqual({ 'cdk8s-lanes': 'lib/src/cli/main.js' });
    expect(fs.readFileSync(path.join(ROOT, 'lib', 'src', 'cli', 'main.js'), 'utf-8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(pkg.types).toBe('lib/src/index.d.ts');
    expect(pkg.main).toBe('lib/src/index.js');
  });

  test('bundles its runtime dependencies', () => {
    // argparse comes with js-yaml (its command line)
    expect([...bundled].sort()).toEqual(['@viz-js/viz', 'argparse', 'fastest-levenshtein', 'js-yaml', 're2js', 'valibot']);
    expect(files).toEqual(expect.arrayContaining([
      'node_modules/js-yaml/package.json', 'node_modules/re2js/package.json', 'node_modules/valibot/package.json', 'node_modules/@viz-js/viz/package.json', 'node_modules/@viz-js/viz/dist/viz.cjs',
    ]));
  });

  test('ships no tests, scripts, examples, fixtures, CRD bundles, TypeScript sources or private declarations', () => {
    const own = files.filter(f => !f.startsWith('node_modules/'));
    const unwanted = own.filter(f =>
      /^(test|scripts|examples|crds|imports|src|projenrc|docs|\.ci|\.projen|cdk8s\.out|coverage|test-reports|dist)\//.test(f)
      || /(^|\/)fixtures\//.test(f)
      || (f.endsWith('.ts') && !f.endsWith('.d.ts'))
      || f.startsWith('lib/src/private/') && f.endsWith('.d.ts')
      || /^(\.projenrc\.ts|cdk8s\.yaml|tsconfig.*\.json|\.eslintrc\.json|\.gitattributes|CONTRIBUTING\.md)$/.test(f));
    expect(unwanted).toEqual([]);
    expect(own.every(f => /^(lib\/|package\.json$|README\.md$|LICENSE$|API\.md$|\.jsii$|\.jsii\.tabl\.json$)/.test(f))).toBe(true);
  });

  test('the published types expose no internal member and refer only to published declarations', () => {
    const declarations = files.filter(f => f.startsWith('lib/') && f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of declarations) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
      for (const m of text.matchAll(/^\s*(?:(?:public|protected|static|readonly|get|set)\s+)*(_\w+)\s*[(:?<]/gm)) problems.push(`${file}: member ${m[1]}`);
      for (const m of text.matchAll(/(?:from\s+|import\()['"](\.[^'"]+)['"]/g)) {
        const target = path.posix.join(path.posix.dirname(file), m[1]) + '.d.ts';
        if (!files.includes(target)) problems.push(`${file}: refers to ${m[1]}, which is not published`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('carries the project metadata', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(pkg.repository).toEqual({ type: 'git', url: PROJECT });
    expect(pkg.homepage).toBe(PROJECT);
    expect(pkg.bugs).toEqual({ url: `${PROJECT}/issues` });
    expect(pkg.author).toEqual({ name: 'cdk8s-traffic-lanes maintainers', url: 'https://github.com/cdk8s-traffic-lanes', organization: true });
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.stability).toBe('experimental');
    expect(pkg.version).toMatch(/^0\./);
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
    expect(assembly.author).toEqual({ name: 'cdk8s-traffic-lanes maintainers', url: 'https://github.com/cdk8s-traffic-lanes', organization: true, roles: ['author'] });
    expect(assembly.repository.url).toBe(PROJECT);
    expect(assembly.homepage).toBe(PROJECT);
    expect(assembly.docs.stability).toBe('experimental');
  });

  test('ships the README samples translated for the jsii languages', () => {
    expect(files).toContain('.jsii.tabl.json');
  });

  test('the API docs describe every parameter of every constructor and method', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
    const undocumented: string[] = [];
    for (const t of Object.values<any>(assembly.types)) {
      for (const m of [...(t.initializer ? [{ ...t.initializer, name: 'constructor' }] : []), ...(t.methods ?? [])]) {
        for (const p of m.parameters ?? []) if (!p.docs?.summary) undocumented.push(`${t.name}.${m.name}(${p.name})`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
