import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { assertConforms } from './schema';
import * as lib from '../src';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

/** The fenced blocks of one language in the README, in order. */
function blocks(lang: string): string[] {
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  return [...README.matchAll(re)].map(m => m[1]);
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
  vm.runInNewContext(js, { require: req, exports: {}, module: { exports: {} } });
  return outputs;
}

describe('README', () => {
  test('starts with the two commands: set up and run the example, run the tests', () => {
    const [sh] = blocks('sh');
    expect(README.indexOf('```sh')).toBeLessThan(README.indexOf('## '));
    expect(sh.trim().split('\n').map(l => l.split('#')[0].trim())).toEqual([
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
});
