// Hostile input, one class per test, given to the built binary as npm installs it: the exact exit code (2 for input
// that cannot be read or is invalid, on every command) and the exact message, in bounded time.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliResult, runBuiltCli } from './helpers';

const VS = [
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: a, namespace: shop}',
  'spec:',
  '  hosts: [a.shop.svc.cluster.local]',
  '  http:',
  '    - route: [{destination: {host: a.shop.svc.cluster.local}}]',
  '',
].join('\n');

let dir: string;
/** A file of the scratch directory, written with `content` (text or bytes), or a directory. */
const file = (name: string, content?: string | Buffer) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  if (content !== undefined) fs.writeFileSync(p, content);
  return p;
};
const failed = (message: string): CliResult => ({ code: 2, out: '', err: `cdk8s-lanes: ${message}\n` });
const COMMANDS = ['simulate', 'explain', 'diagram', 'check'];
/** Each class of text the API server refuses: its name, a file of it, and the message (after file and document). */
const CLASSES: Array<[string, string | Buffer, string]> = [
  ['a NUL byte', 'kind: A\n---\nkind: B\nname: a\u0000b\n', 'not valid YAML: null byte is not allowed in input at line 4, column 8'],
  ['a control character', 'kind: A\nname: a\u0001b\n', 'not valid YAML: the stream contains non-printable characters at line 2, column 8'],
  ['a duplicate key', 'kind: A\nkind: B\n', 'not valid YAML: duplicated mapping key at line 2, column 1'],
  ['invalid UTF-8', Buffer.concat([Buffer.from('kind: A\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]), 'not valid UTF-8 at line 2, column 10 (byte 0xe9)'],
  ['a document that is a scalar', 'just text\n', 'a document must be a Kubernetes object (a mapping), got "just text"'],
  ['a document that is a list', '- 1\n', 'a document must be a Kubernetes object (a mapping), got [1]'],
  ['deep nesting', `kind: A\nv: ${'['.repeat(200)}${']'.repeat(200)}\n`, 'not valid YAML: nested too deeply (more than 100 levels) at line 2, column 103'],
];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-hostile-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the built binary refuses what the API server refuses, naming file, document, line and column', () => {
  test.each<[string, string | Buffer, string]>(CLASSES)('%s: exit 2', (name, content, message) => {
    const f = file(`${name.replace(/ /g, '-')}.yaml`, content);
    const document = name === 'a NUL byte' ? 2 : 1;
    // every command reads files alike: the first class on each, then each class on one, in turn
    const index = CLASSES.findIndex(c => c[0] === name);
    const commands = index === 0 ? COMMANDS : [COMMANDS[index % COMMANDS.length]];
    for (const command of commands) expect(runBuiltCli(command, f)).toEqual(failed(`${f} (document ${document}): ${message}`));
  });

  test('an alias bomb (10^9 values from 300 characters) is stopped by the size of the text, in bounded time and memory', () => {
    const lines = ['kind: A', 'a0: &a0 [x,x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(',')}]`)];
    const f = file('bomb.yaml', `${lines.join('\n')}\n`);
    expect(runBuiltCli('simulate', f)).toEqual(failed(
      `${f} (document 1): its aliases expand what is read to too many values (at most 2 per character read, and 100,000 for short files); an alias bomb?`));
  });

  test('plain scalars as kubectl reads them: `namespace: n` is the boolean false, so the field has the wrong type', () => {
    const f = file('scalar-n.yaml', VS.replace('namespace: shop', 'namespace: n'));
    expect(runBuiltCli('explain', f)).toEqual(failed(`${f} (document 1): VirtualService a metadata.namespace: must be a string, got false`));
  });

  test('a known field of the wrong type: simulate, explain, diagram and diff refuse it (exit 2); check reports it as IST0106 (exit 1)', () => {
    const f = file('wrong-type.yaml', VS.replace(/ {2}http:\n.*\n/, '  http: oops\n'));
    const refused = failed(`${f} (document 1): VirtualService shop/a http: must be a list, got "oops"`);
    for (const command of ['simulate', 'explain', 'diagram']) expect(runBuiltCli(command, f)).toEqual(refused);
    expect(runBuiltCli('diff', f, f)).toEqual(refused);
    const check = runBuiltCli('check', f);
    expect(check.code).toBe(1);
    expect(check.out.split('\n')[0]).toBe(`Error [IST0106] (${f} (document 1): VirtualService shop/a) schema validation error: spec.http: must be a list, got string "oops"`);
  });

  test('empty documents are skipped, as kubectl skips them (Helm writes them): the object between them is read', () => {
    const f = file('empty-documents.yaml', `---\n---\n${VS}---\n\n---\n~\n`);
    expect(runBuiltCli('explain', f)).toMatchObject({ code: 0, err: '', out: expect.stringMatching(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: VirtualService shop/a\n`)) });
  });

  test('20,000 documents in one file get an answer', () => {
    const docs = Array.from({ length: 20_000 }, (_, i) => VS.replace('name: a,', `name: a${i},`).replace(/a\.shop/g, `a${i}.shop`));
    const f = file('many.yaml', docs.join('---\n'));
    expect(runBuiltCli('check', f, '--output-threshold', 'Error')).toEqual({ code: 0, out: 'no findings\n', err: '' });
  });
});

describe('the built binary reads files like kubectl', () => {
  test('a dangling symbolic link, given or inside a directory: an error naming it', () => {
    const d = file('dangling/a.yaml', VS);
    fs.symlinkSync('gone.yaml', file('dangling/b.yaml'));
    const link = path.join(path.dirname(d), 'b.yaml');
    for (const given of [path.dirname(d), link]) expect(runBuiltCli('simulate', given)).toEqual(failed(`${link}: a symbolic link to gone.yaml, which does not exist`));
  });

  test('a FIFO, given or inside a directory: an error naming it, never a hang', () => {
    file('fifo/a.yaml', VS);
    const fifo = path.join(dir, 'fifo', 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    for (const given of [path.dirname(fifo), fifo]) {
      expect(runBuiltCli('explain', given)).toEqual(failed(`${fifo}: not a regular file (a FIFO, a socket or a device); give manifest files or directories`));
    }
  });

  test('symbolic links to directories are followed, a loop is walked once, and a file reached twice is read once', () => {
    const a = file('loop/sub/a.yaml', VS);
    fs.symlinkSync('..', path.join(dir, 'loop', 'sub', 'up'));
    fs.symlinkSync(path.join(dir, 'loop'), file('via-link'));
    // the same VirtualService twice would be LANE001 (one object per kind, namespace and name): it is read once
    const r = runBuiltCli('check', path.join(dir, 'via-link'), a, path.join(dir, 'loop'), '--output-threshold', 'Warning');
    expect(r).toEqual({ code: 0, out: 'no findings\n', err: '' });
  });
});

describe('the built binary loads what a command needs', () => {
  /** The packages and modules a command loads, as the built binary runs it (its output dropped). */
  const loadedBy = (...args: string[]) => {
    const script = `const m = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js'))});
      m.main(${JSON.stringify(args)}, () => {}, () => {}).then(code => {
        const loaded = Object.keys(require.cache);
        const has = s => loaded.some(k => k.includes(s));
        console.log(JSON.stringify({ code, viz: has('@viz-js'), cdk8s: has('/cdk8s/'), analysis: has('/private/analysis/analyze'), simulator: has('lane-simulator') }));
      });`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf-8' }));
  };

  test('Graphviz\'s WebAssembly for SVG only; no analyzer for simulate, no simulator for check; cdk8s for none', () => {
    const f = file('loads.yaml', VS);
    expect(loadedBy('diagram', f)).toEqual({ code: 0, viz: false, cdk8s: false, analysis: false, simulator: true });
    expect(loadedBy('diagram', f, '--format', 'svg')).toEqual({ code: 0, viz: true, cdk8s: false, analysis: false, simulator: true });
    expect(loadedBy('simulate', f)).toEqual({ code: 0, viz: false, cdk8s: false, analysis: false, simulator: true });
    expect(loadedBy('check', f)).toEqual({ code: 0, viz: false, cdk8s: false, analysis: true, simulator: false });
    expect(loadedBy('--version')).toEqual({ code: 0, viz: false, cdk8s: false, analysis: false, simulator: false });
  });
});

describe('the built binary checks flags as the constructs check values, and names the flag', () => {
  test.each<[string[], string]>([
    [['--chain', 'a,,b'], '--chain needs host names separated by commas, without an empty one, got "a,,b"'],
    [['--cluster-domain', 'Bad_Domain'], '--cluster-domain must be a lowercase DNS name such as "cluster.local", got "Bad_Domain"'],
    [['--host', 'Bad_Host'], '--host must be a lowercase DNS name such as "mocka.default.svc.cluster.local" (no wildcard, no port), got "Bad_Host"'],
  ])('%j: a usage error, exit 2', (flags, message) => {
    const r = runBuiltCli('simulate', file('flags.yaml', VS), ...flags);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(`cdk8s-lanes: ${message}`);
  });

  test('a flag that names nothing in the files: the message names the flag, exit 2', () => {
    expect(runBuiltCli('diagram', file('lane.yaml', VS), '--lane', 'zzz')).toEqual(failed('--lane "zzz" is no subset or lane marker of the routes read (subsets: (none))'));
  });
});

