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
import * as lib from '../src';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

/** The fenced blocks of one language in the README, in order ('' for plain ``` blocks). */
function blocks(lang: string): string[] {
  const found: string[] = [];
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of README.split('\n')) {
    if (!open && line.startsWith('```')) {
      open = { lang: line.slice(3).trim().split(' ')[0], lines: [] }; // "ts fixture=complete": the language, then rosetta's metadata
    } else if (open && line === '```') {
      if (open.lang === lang) found.push(open.lines.join('\n') + '\n');
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    }
  }
  return found;
}

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

/** Runs a snippet after others (sharing their variables) and returns what `expose` names. */
function runAfter(before: string[], snippet: string, expose: string[]): { [name: string]: any } {
  lastExports = {};
  run([...before, snippet, ...expose.map(n => `exports.${n} = ${n};`)].join('\n'));
  return lastExports;
}

describe('README', () => {
  test('starts with the install command; "Develop" keeps the two commands for a fresh clone', () => {
    const [install, develop] = blocks('sh');
    expect(README.indexOf('```sh')).toBeLessThan(README.indexOf('## '));
    expect(install.trim()).toBe('npm install cdk8s-traffic-lanes cdk8s constructs');
    expect(README.indexOf('```sh', README.indexOf('## Develop'))).toBeGreaterThan(0);
    expect(develop.trim().split('\n').map(l => l.split('#')[0].trim())).toEqual([
      'npm ci && npx projen example',
      'npm ci && npx projen build',
    ]);
  });

  test('the quick start runs verbatim and synthesizes exactly the YAML shown', () => {
    const [snippet] = blocks('ts');
    const [yaml] = blocks('yaml');
    expect(run(snippet)).toEqual([yaml]);
    parseAllDocuments(yaml).forEach(d => assertConforms(d.toJS()));
  });

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
      // the compiler options of cdk8s-cli's typescript-app template
      const program = ts.createProgram(files, {
        alwaysStrict: true,
        declaration: true,
        experimentalDecorators: true,
        lib: ['lib.es2016.d.ts'],
        module: ts.ModuleKind.CommonJS,
        noEmit: true,
        noFallthroughCasesInSwitch: true,
        noImplicitAny: true,
        noImplicitReturns: true,
        noImplicitThis: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        resolveJsonModule: true,
        strict: true,
        strictNullChecks: true,
        strictPropertyInitialization: true,
        stripInternal: true,
        target: ts.ScriptTarget.ES2017,
        types: [],
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

  test('the simulate snippet, after the quick start, returns what its comments state', () => {
    const snippet = blocks('ts').find(b => b.includes('routing.simulate('))!;
    const { result } = runAfter([blocks('ts')[0].replace('app.synth();', '')], snippet, ['result']);
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
    const transcripts = blocks('').flatMap(b => b.split(/^(?=\$ npx cdk8s-lanes )/m)).filter(t => t.startsWith('$ npx cdk8s-lanes '));
    // what `npx cdk8s synth` writes to dist/ for the README's apps: the quick start, and the LaneGroup app
    let quickStart: string;
    let chain: string;

    beforeAll(() => {
      const app = (files: { [name: string]: string }) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
        fs.mkdirSync(path.join(dir, 'dist'));
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'dist', name), text);
        return dir;
      };
      quickStart = app({ 'lanes.k8s.yaml': run(blocks('ts')[0])[0] });
      // the diff transcript's main branch: the quick start with a 70/30 split (both VirtualServices)
      const main70 = fs.readFileSync(path.join(quickStart, 'dist', 'lanes.k8s.yaml'), 'utf-8').split('weight: 50').map((part, i) => (i === 0 ? part : `weight: ${i % 2 ? 70 : 30}${part}`)).join('');
      fs.mkdirSync(path.join(quickStart, 'dist-main'));
      fs.writeFileSync(path.join(quickStart, 'dist-main', 'lanes.k8s.yaml'), main70);
      chain = app({ 'mock-chain.k8s.yaml': cdk8s.Yaml.stringify(...synth(new MockChain(cdk8s.Testing.app(), 'mock-chain', { target: lib.Target.ISTIO }))) });
    });
    afterAll(() => [quickStart, chain].forEach(d => fs.rmSync(d, { recursive: true, force: true })));

    const cli = (command: string) => {
      const args = [...command.matchAll(/'([^']*)'|(\S+)/g)].map(m => m[1] ?? m[2]).slice(2);
      const cwd = args.includes('--chain') ? chain : quickStart;
      const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js'), ...args], { cwd, encoding: 'utf-8' });
      expect(r.status).toBe(args[0] === 'diff' ? 1 : 0); // diff: 1 when traffic changed
      return r.stdout;
    };

    test('the README holds the transcripts', () => {
      expect(transcripts.map(t => t.split('\n')[0].split(' ')[3])).toEqual(['simulate', 'simulate', 'simulate', 'simulate', 'explain', 'diff']);
    });

    test.each(transcripts.map(t => [t.split('\n')[0], t]))('%s', (_title, transcript) => {
      const [command, ...expected] = transcript.trimEnd().split('\n');
      const actual = cli(command.slice(2)).trimEnd().split('\n');
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
