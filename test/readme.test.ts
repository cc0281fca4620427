import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { synth } from './helpers';
import { ROOT } from './repo';
import { assertConforms } from './schema';
import { MockChain } from '../examples/chain';
import { ChainWithWorkloads } from '../examples/workloads';
import * as lib from '../src';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
/** The README and the topic pages it links to: their samples and transcripts are run the same way. */
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];

/** The fenced blocks of one language in the pages (or one page), in order ('' for plain ``` blocks). */
function blocks(lang: string, pages: readonly string[] = PAGES): string[] {
  const found: string[] = [];
  for (const page of pages) {
    let open: { lang: string; lines: string[] } | undefined;
    for (const line of fs.readFileSync(path.join(ROOT, page), 'utf-8').split('\n')) {
      if (!open && line.startsWith('```')) {
        open = { lang: line.slice(3).trim().split(' ')[0], lines: [] }; // "ts fixture=complete": the language, then rosetta's metadata
      } else if (open && line === '```') {
        if (open.lang === lang) found.push(open.lines.join('\n') + '\n');
        open = undefined;
      } else if (open) {
        open.lines.push(line);
      }
    }
  }
  return found;
}

/** The README's quick start: the program, and the YAML it synthesizes. */
const quickStart = () => ({ program: blocks('ts', ['README.md'])[0], yaml: blocks('yaml', ['README.md'])[0] });

/** Runs a README snippet with `cdk8s-traffic-lanes` resolved to this source tree; returns the YAML each app.synth() produced. */
function run(snippet: string): string[] {
  const outputs: string[] = [];
  class App extends cdk8s.App {
    public synth(): void {
      outputs.push(this.synthYaml());
    }
  }
  const modules: { [name: string]: unknown } = {
    'cdk8s': { ...cdk8s, App },
    'cdk8s-traffic-lanes': lib,
  };
  const js = ts.transpileModule(snippet, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const req = (name: string) => {
    if (!(name in modules)) throw new Error(`README snippet imports ${name}, which the test does not provide`);
    return modules[name];
  };
  vm.runInNewContext(js, { require: req, exports: lastExports, module: { exports: lastExports } });
  return outputs;
}

/** What the last snippet run exported. */
let lastExports: { [name: string]: any } = {};

describe('README', () => {
  test('starts with the install command; "Develop" keeps the two commands for a fresh clone', () => {
    const [install, develop] = blocks('sh', ['README.md']);
    expect(README.indexOf('```sh')).toBeLessThan(README.indexOf('## '));
    expect(install.trim()).toBe('npm install cdk8s-traffic-lanes cdk8s constructs');
    expect(README.indexOf('```sh', README.indexOf('## Develop'))).toBeGreaterThan(0);
    expect(develop.trim().split('\n').map(l => l.split('#')[0].trim())).toEqual([
      'npm ci && npx projen example',
      'npm ci && npx projen build',
    ]);
  });

  test('the quick start runs verbatim and synthesizes exactly the YAML shown', () => {
    const { program, yaml } = quickStart();
    expect(run(program)).toEqual([yaml]);
    parseAllDocuments(yaml).forEach(d => assertConforms(d.toJS()));
  });

  test('the quick start is `cdk8s init typescript-app`\'s main.ts with lanes in MyChart, and the template\'s own test passes', () => {
    const template = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
    const { program } = quickStart();
    // the template's main.ts, its placeholder comment replaced by the lanes and one import added, with the folder's name
    const main = fs.readFileSync(path.join(template, 'main.ts'), 'utf-8').replace('{{ $base }}', 'lanes');
    const kept = main.split('\n').filter(l => l.trim() !== '// define resources here' && l.trim() !== '');
    const lines = program.split('\n');
    let at = 0;
    for (const line of kept) {
      at = lines.indexOf(line, at) + 1;
      expect({ line, found: at > 0 }).toEqual({ line, found: true });
    }
    expect(lines.filter(l => l.startsWith('import ') && !kept.includes(l))).toEqual(["import { HeaderMatch, LaneRouting, Target } from 'cdk8s-traffic-lanes';"]);

    // an app as `cdk8s init` leaves it: the template's test, jest config and tsconfig, this package, cdk8s and constructs
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-init-'));
    try {
      for (const file of ['main.test.ts', 'jest.config.js']) fs.copyFileSync(path.join(template, file), path.join(dir, file));
      // the template pins TypeScript 5.9; this runs 6, whose defaults differ in two ways, set here as 5.9 has them:
      // every @types package installed is included (jest, node), and deprecated options are no error
      const tsconfig = JSON.parse(fs.readFileSync(path.join(template, 'tsconfig.json'), 'utf-8'));
      const as59 = { types: ['jest', 'node'], ignoreDeprecations: '6.0' };
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, ...as59 } }));
      fs.mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
      for (const dep of ['cdk8s', 'constructs', 'ts-jest', 'typescript', '@types/jest', '@types/node']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep));
      fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'cdk8s-traffic-lanes'));
      const jest = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...args], { cwd: dir, encoding: 'utf-8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      // `cdk8s init` records the snapshot of the empty chart
      fs.writeFileSync(path.join(dir, 'main.ts'), main);
      const init = jest('-u');
      expect({ status: init.status, out: init.stderr }).toEqual({ status: 0, out: expect.stringMatching(/1 snapshot written/) });
      // with the lanes, the test fails on the changed snapshot until it is recorded again, as the README says
      fs.writeFileSync(path.join(dir, 'main.ts'), program);
      const changed = jest('--ci');
      expect({ status: changed.status, snapshot: /1 snapshot failed/.test(changed.stderr) }).toEqual({ status: 1, snapshot: true });
      expect(README).toMatch(/npx jest -u|npm test -- -u/);
      const recorded = jest('-u');
      expect({ status: recorded.status, out: recorded.stderr }).toEqual({ status: 0, out: expect.stringMatching(/1 snapshot updated/) });
      const again = jest('--ci');
      expect({ status: again.status, out: again.stderr }).toEqual({ status: 0, out: expect.stringMatching(/Tests: +1 passed, 1 total/) });
      // the snapshot holds the routing the README shows
      const snapshot = fs.readFileSync(path.join(dir, '__snapshots__', 'main.test.ts.snap'), 'utf-8');
      for (const name of ['swimlane-ingress-vs-custom', 'swimlane-sidecar-vs-custom', 'x-asm-prefer-tag']) expect(snapshot).toContain(name);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('the complete samples compile in an app made by `cdk8s init typescript-app` (its tsconfig, the published types)', () => {
    const samples = blocks('ts').filter(b => b.includes("from 'cdk8s-traffic-lanes'"));
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
    try {
      const files = samples.map((sample, i) => {
        const file = path.join(dir, `main${i}.ts`);
        fs.writeFileSync(file, sample);
        return file;
      });
      // the compiler options of cdk8s-cli's typescript-app template, read from it
      const template = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
      const { options, errors } = ts.convertCompilerOptionsFromJson(JSON.parse(fs.readFileSync(template, 'utf-8')).compilerOptions, ROOT);
      expect(errors).toEqual([]);
      expect(options).toMatchObject({ strict: true, noUnusedLocals: true, noImplicitAny: true, module: ts.ModuleKind.CommonJS });
      const program = ts.createProgram(files, {
        ...options,
        noEmit: true,
        types: [],
        ignoreDeprecations: '6.0',
        // the app's node_modules: this package as published (its compiled types), cdk8s and constructs
        paths: {
          'cdk8s-traffic-lanes': [path.join(ROOT, 'lib', 'src', 'index.d.ts')],
          'cdk8s': [path.join(ROOT, 'node_modules', 'cdk8s', 'lib', 'index.d.ts')],
          'constructs': [path.join(ROOT, 'node_modules', 'constructs', 'lib', 'index.d.ts')],
        },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the one-App-per-target snippet synthesizes each target with its own App', () => {
    const snippet = blocks('ts').find(b => b.includes('new App({ outdir })'))!;
    const [asm, istio] = run(snippet);
    const versions = (yaml: string) => [...new Set(parseAllDocuments(yaml).map(d => d.toJS().apiVersion))];
    expect(versions(asm)).toEqual(['networking.istio.io/v1beta1']);
    expect(versions(istio)).toEqual(['networking.istio.io/v1']);
    [asm, istio].forEach(y => parseAllDocuments(y).forEach(d => assertConforms(d.toJS())));
  });

  test('the simulate sample returns what its comments state', () => {
    const snippet = blocks('ts').find(b => b.includes('routing.simulate('))!;
    lastExports = {};
    run(snippet);
    const { result } = lastExports;
    const stated = snippet.split('\n').map(l => /^\/\/ result\.(\w+)(?: ===|:) (\{[^}]*\}|'[^']*')/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    expect(stated.map(m => m[1])).toEqual(['rule', 'subsetProbabilities', 'laneProbabilities']);
    for (const [, field, value] of stated) expect(result[field]).toEqual(new Function(`return (${value});`)());
    expect(result.outcomes[1]).toMatchObject({ lane: 's3', backend: { subset: 's1' }, viaFallback: true, marker: { header: 'x-asm-prefer-tag', value: 's3' } });
  });

  test('the LaneGroup snippet renders the ISTIO chain example, and its trace table is what simulate() returns', () => {
    const snippet = blocks('ts').find(b => b.includes('new LaneGroup('))!;
    const app = cdk8s.Testing.app();
    const chart = new cdk8s.Chart(app, 'readme');
    const js = ts.transpileModule(snippet, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    vm.runInNewContext(js, { ...lib, chart });
    const example = new MockChain(cdk8s.Testing.app(), 'readme', { target: lib.Target.ISTIO });
    expect(synth(chart)).toEqual(synth(example));

    const shown = blocks('').find(b => b.includes('mocka(version: v2) ->'))!;
    const actual = example.group.simulate({ headers: { env: 'dev' } }).map(p => `${p.trace}   ${p.probability}`);
    expect(shown.trimEnd().split('\n')).toEqual(actual);
  });

  describe('CLI transcripts run against the built binary', () => {
    // every "$ npx cdk8s-lanes ..." transcript in a plain ``` block; "..." stands for lines left out
    const transcripts = PAGES.flatMap(page => blocks('', [page]).flatMap(b => b.split(/^(?=\$ npx cdk8s-lanes )/m))
      .filter(t => t.startsWith('$ npx cdk8s-lanes ')).map(text => ({ text, page })));
    // what `npx cdk8s synth` writes to dist/ for the README's apps: the quick start, and the LaneGroup app
    let quickStartDir: string;
    let chain: string;
    // the chain with its Services and Deployments (docs/workloads.md)
    let workloads: string;

    beforeAll(() => {
      const app = (files: { [name: string]: string }) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
        fs.mkdirSync(path.join(dir, 'dist'));
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'dist', name), text);
        return dir;
      };
      quickStartDir = app({ 'lanes.k8s.yaml': run(quickStart().program)[0] });
      // the diff transcript's main branch: the quick start with a 70/30 split (both VirtualServices)
      const main70 = fs.readFileSync(path.join(quickStartDir, 'dist', 'lanes.k8s.yaml'), 'utf-8').split('weight: 50').map((part, i) => (i === 0 ? part : `weight: ${i % 2 ? 70 : 30}${part}`)).join('');
      fs.mkdirSync(path.join(quickStartDir, 'dist-main'));
      fs.writeFileSync(path.join(quickStartDir, 'dist-main', 'lanes.k8s.yaml'), main70);
      chain = app({ 'mock-chain.k8s.yaml': cdk8s.Yaml.stringify(...synth(new MockChain(cdk8s.Testing.app(), 'mock-chain', { target: lib.Target.ISTIO }))) });
      workloads = app({ 'chain-workloads.k8s.yaml': cdk8s.Yaml.stringify(...synth(new ChainWithWorkloads(cdk8s.Testing.app(), 'chain-workloads', { target: lib.Target.ISTIO }))) });
    });
    afterAll(() => [quickStartDir, chain, workloads].forEach(d => fs.rmSync(d, { recursive: true, force: true })));

    const cli = (command: string, page?: string) => {
      const args = [...command.matchAll(/'([^']*)'|(\S+)/g)].map(m => m[1] ?? m[2]).slice(2);
      const cwd = page === 'docs/workloads.md' ? workloads : args.includes('--chain') ? chain : quickStartDir;
      const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js'), ...args], { cwd, encoding: 'utf-8' });
      expect(r.status).toBe(args[0] === 'diff' ? 1 : 0); // diff: 1 when traffic changed
      return r.stdout;
    };

    test('the pages hold the transcripts', () => {
      expect(transcripts.map(t => t.text.split('\n')[0].split(' ')[3]).sort()).toEqual(['diff', 'explain', 'simulate', 'simulate', 'simulate', 'simulate', 'simulate']);
    });

    test.each(transcripts.map(t => [t.text.split('\n')[0], t]))('%s', (_title, transcript) => {
      const [command, ...expected] = transcript.text.trimEnd().split('\n');
      const actual = cli(command.slice(2), transcript.page).trimEnd().split('\n');
      // the shown lines appear in the real output, in order; "..." skips lines
      let at = 0;
      for (const line of expected) {
        if (line === '...') continue;
        const found = actual.indexOf(line, at);
        expect({ line, found: found >= 0 }).toEqual({ line, found: true });
        at = found + 1;
      }
    });

    test('the Mermaid diagram is the gateway part of `cdk8s-lanes diagram`', () => {
      const [shown] = blocks('mermaid');
      const actual = cli('npx cdk8s-lanes diagram dist/').split('\n');
      for (const line of shown.trimEnd().split('\n')) expect(actual).toContain(line);
    });
  });
});
