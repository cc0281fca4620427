import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { runBuiltCli, runCli, synth } from './helpers';
import { MockChain } from '../examples/chain';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import { Target } from '../src';

// The CLI runs in this process (runCli); the built binary, as npm installs it, is run where that matters.
const BIN = path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'mock-chain.yaml');
let dir: string;
let seedYaml: string;
let customYaml: string;

const cli = runCli;

beforeAll(() => {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run the build (npx projen build) before the tests`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const write = (name: string) => {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, Yaml.stringify(...synth(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS[name]))));
    return file;
  };
  seedYaml = write('seed');
  customYaml = write('custom-header');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the built binary', () => {
  test('runs as npm installs it: output, exit codes and errors on its streams', () => {
    const r = runBuiltCli('simulate', seedYaml, '-H', 'env: dev', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(runBuiltCli('simulate', seedYaml, '--bogus')).toMatchObject({ code: 2, out: '', err: expect.stringMatching(/^cdk8s-lanes: unknown option --bogus\n\nusage:/) });
    expect(runBuiltCli('simulate', 'missing.yaml')).toMatchObject({ code: 1, out: '', err: 'cdk8s-lanes: missing.yaml: no such file or directory\n' });
  });
});

describe('cdk8s-lanes simulate', () => {
  test('env: dev on the synthesized seed: s2 and s3 at 50% each, sampled counts within tolerance', () => {
    const r = cli('simulate', seedYaml, '-H', 'env: dev', '-H', 'x-asm-prefer-tag: s1', '-n', '2000', '--seed', '7');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toEqual('request: GET / env: dev x-asm-prefer-tag: s1');
    expect(lines[2]).toEqual('rule:    dev-route');
    const rows = Object.fromEntries(lines.slice(5).filter(Boolean).map(l => { const [lane, p, n, h] = l.split(/\s+/); return [lane, { p, n: Number(n), h }]; }));
    expect(Object.keys(rows)).toEqual(['s2', 's3']);
    expect([rows.s2.p, rows.s3.p, rows.s2.h, rows.s3.h]).toEqual(['50%', '50%', 's2', 's3']);
    // binomial(2000, 0.5): sd ≈ 22.4; 4 sd either side
    expect(Math.abs(rows.s2.n - 1000)).toBeLessThan(90);
    expect(rows.s2.n + rows.s3.n).toBe(2000);
  });

  test('the same seed gives the same samples', () => {
    const a = cli('simulate', seedYaml, '-H', 'env: dev', '--seed', '42');
    const b = cli('simulate', seedYaml, '-H', 'env: dev', '--seed', '42');
    expect(a.out).toEqual(b.out);
  });

  test('--down s3 sends its share to the fallback lane s1', () => {
    const r = cli('simulate', seedYaml, '-H', 'env: dev', '--down', 's3', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.subsetProbabilities).toEqual({ s2: 0.5, s1: 0.5 });
    expect(j.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(j.sampled.s1 + j.sampled.s2).toBe(100);
    expect(j.outcomes[1]).toMatchObject({ lane: 's3', backend: { subset: 's1' }, viaFallback: true });
  });

  test('custom header on the sidecar: my-trace-id: s2 without env: dev lands in s1', () => {
    const r = cli('simulate', customYaml, '--host', 'mocka.default.svc.cluster.local', '-H', 'my-trace-id: s2', '--routing-header', 'my-trace-id', '--json');
    const j = JSON.parse(r.out);
    expect([j.rule, j.laneProbabilities, j.outcomes[0].marker.value]).toEqual(['base-route', { s1: 1 }, 's1']);
  });

  test('a call chain prints the hop-by-hop versions like the seed', () => {
    const r = cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka,mockb,mockc', '-n', '1000');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mocka\(version: v2\) -> mockb\(version: v1\) -> mockc\(version: v2\)\s+50%\s+\d+$/m);
    expect(r.out).toMatch(/^mocka\(version: v1, fallback from s3\) -> mockb\(version: v3\) -> mockc\(version: v1\)\s+50%\s+\d+$/m);
  });

  test('a long run prints progress lines on stderr', () => {
    const r = cli('simulate', seedYaml, '-H', 'env: dev', '-n', '1000000');
    expect(r.code).toBe(0);
    expect(r.err.trim().split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `sampled ${(i + 1) * 100000}/1000000 requests`));
  });
});

describe('cdk8s-lanes explain and diagram', () => {
  test('explain prints the rule table', () => {
    const r = cli('explain', seedYaml);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  1  dev-route   env exact "dev"  mocka/s2 50%, set x-asm-prefer-tag=s2; mocka/s3 50%, fallback mocka/s1, set x-asm-prefer-tag=s3');
    expect(r.out).toContain('  2  base-route  (any request)    mocka/s1 100%, set x-asm-prefer-tag=s1');
  });

  test('diagram prints a Mermaid flowchart', () => {
    const r = cli('diagram', seedYaml);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^flowchart LR\n/);
    expect(r.out).toContain('vs0r0 -- "50% · x-asm-prefer-tag: s3" --> vs0b1');
    expect(r.out).toContain('vs0b1 -. "fallback (no healthy endpoints)" .-> vs0b2');
  });
});

describe('cdk8s-lanes errors', () => {
  test.each<[string[], number, RegExp]>([
    [[], 2, /^cdk8s-lanes: no command\n\nusage:/],
    [['frobnicate', 'x.yaml'], 2, /^cdk8s-lanes: unknown command "frobnicate"/],
    [['simulate'], 2, /^cdk8s-lanes: simulate needs at least one YAML file/],
    [['simulate', 'x.yaml', '-n', 'many'], 2, /^cdk8s-lanes: -n needs an integer from 0 to 10,000,000, got "many"/],
    [['simulate', 'x.yaml', '-H', 'nocolon'], 2, /^cdk8s-lanes: -H needs "name: value", got "nocolon"/],
    [['simulate', 'x.yaml', '--bogus'], 2, /^cdk8s-lanes: unknown option --bogus/],
    [['explain', 'x.yaml', '--json'], 2, /^cdk8s-lanes: --json is an option of simulate, not of explain/],
    [['simulate', 'missing.yaml'], 1, /^cdk8s-lanes: missing.yaml: no such file/],
  ])('%j exits %i', (args, code, message) => {
    const r = cli(...args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  test('help and --version go to stdout; each command has its own help', () => {
    for (const args of [['--help'], ['-h'], ['help']]) expect(cli(...args)).toMatchObject({ code: 0, err: '', out: expect.stringMatching(/^usage:\n {2}cdk8s-lanes simulate/) });
    const simulateHelp = cli('help', 'simulate');
    expect(simulateHelp).toMatchObject({ code: 0, err: '' });
    expect(simulateHelp.out).toContain('cdk8s-lanes simulate FILES...');
    expect(simulateHelp.out).not.toContain('cdk8s-lanes diff');
    expect(simulateHelp.out).toContain('--cluster-domain DOMAIN');
    expect(cli('simulate', '--help').out).toBe(simulateHelp.out);
    expect(cli('diff', '-h').out).toContain('cdk8s-lanes diff OLD NEW');
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));
    expect(cli('--version')).toMatchObject({ code: 0, out: `cdk8s-lanes ${pkg.version}\n` });
    expect(cli('help', 'frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/^cdk8s-lanes: unknown command "frobnicate"/) });
  });

  test('the routing header is inferred from the header the routes set, unless given', () => {
    const r = cli('simulate', customYaml, '--host', 'mocka', '-H', 'my-trace-id: s2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('lane marker my-trace-id');
    expect(r.out).toMatch(/^s1 +100% +100 +s1$/m);
  });

  test('every 503 in a chain comes with its reason', () => {
    const r = cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka,mockb,mockc', '--down', 's3');
    expect(r.code).toBe(0);
    expect(r.out).toContain('mockb(503)');
    expect(r.out).toMatch(/^mockb: rule "s3" matched; subset "s3" of mockb.default.svc.cluster.local is marked unhealthy and it has no fallback \(503\)$/m);
  });

  test('an unsupported construct is named, with a non-zero exit', () => {
    const file = path.join(dir, 'redirect.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: n}\nspec:\n  hosts: [a.n.svc.cluster.local]\n  http: [{redirect: {uri: /x}}]\n');
    const r = cli('simulate', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cdk8s-lanes: ${file} (document 1): VirtualService n/r http[0]: "redirect" is not supported by the lane simulation`);
  });
});

describe('cdk8s-lanes on ASM lane resources', () => {
  let asmYaml: string;
  beforeAll(() => {
    asmYaml = path.join(dir, 'chain-asm.yaml');
    fs.writeFileSync(asmYaml, Yaml.stringify(...synth(new MockChain(Testing.app(), 'mock-chain', { target: Target.ASM }))));
  });

  test('a chain through ASMSwimLaneGroup/ASMSwimLane YAML follows the lanes ASM generates', () => {
    const r = cli('simulate', asmYaml, '-H', 'env: dev', '--chain', 'mocka,mockb,mockc', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).paths.map((p: any) => [p.trace, p.probability])).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
  });

  test('explain lists the modelled per-service routing', () => {
    const r = cli('explain', asmYaml);
    expect(r.out).toContain('ASMSwimLaneGroup mock: ASM-generated VirtualService istio-system/trafficlabel-vs-mock-default-mockb');
    expect(r.out).toContain('  1  lane-s2     x-asm-prefer-tag exact "s2"  mockb/s1 100%, set x-asm-prefer-tag=s2');
  });

  test('a group whose fallbackTarget is not one of its lanes is reported', () => {
    const file = path.join(dir, 'broken-group.yaml');
    const text = fs.readFileSync(asmYaml, 'utf-8').replace('fallbackTarget: s1', 'fallbackTarget: s9');
    fs.writeFileSync(file, text);
    const r = cli('simulate', file, '--chain', 'mocka');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(document \\d+\\): ASMSwimLaneGroup mock: permissiveModeConfiguration.fallbackTarget "s9" is not an ASMSwimLane of the group \\(lanes: s1, s2, s3\\)`));
  });
});

describe('cdk8s-lanes simulate: destinations without a subset, repeated headers', () => {
  test('a route to any endpoint of a host is a row of its own, and -H twice sends the header twice', () => {
    const file = path.join(dir, 'any.yaml');
    fs.writeFileSync(file, [
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata: {name: any, namespace: default}',
      'spec:',
      '  hosts: [web]',
      '  http:',
      '    - name: both',
      '      match: [{headers: {baggage: {exact: "a=1,lane=s2"}}}]',
      '      route: [{destination: {host: web}, weight: 30}, {destination: {host: web, subset: s2}, weight: 70}]',
      '    - name: rest',
      '      route: [{destination: {host: web}}]',
    ].join('\n'));
    const rest = cli('simulate', file, '--host', 'web', '-n', '10');
    expect(rest.code).toBe(0);
    expect(rest.out).toContain('(any endpoint)  100%         10');
    const both = cli('simulate', file, '--host', 'web.default.svc.cluster.local', '-H', 'baggage: a=1', '-H', 'baggage: lane=s2', '-n', '100');
    expect(both.out).toMatch(/rule: {4}both/);
    expect(both.out).toMatch(/\(any endpoint\) +30% +\d+/);
    expect(both.out).toMatch(/s2 +70% +\d+/);
  });
});

