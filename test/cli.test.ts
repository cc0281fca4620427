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
    [['simulate', 'x.yaml', '--seed'], 2, /^cdk8s-lanes: --seed needs a value\n/],
    [['simulate', 'x.yaml', '-H'], 2, /^cdk8s-lanes: -H needs a value\n/],
    [['simulate', 'x.yaml', '--seed=-1'], 2, /^cdk8s-lanes: --seed needs an integer from 0 to 4,294,967,295, got "-1"/],
    [['simulate', 'x.yaml', '-n', '10000001'], 2, /^cdk8s-lanes: -n needs an integer from 0 to 10,000,000, got "10000001"/],
    [['simulate', 'x.yaml', '--gateway', 'a/b', '--host', 'h'], 2, /^cdk8s-lanes: give --gateway or --host, not both/],
    [['check', 'x.yaml', '--failure-threshold', 'Fatal'], 2, /^cdk8s-lanes: --failure-threshold needs Error, Warning or Info, got "Fatal"/],
    [['check', 'x.yaml', '--output-threshold', 'error'], 2, /^cdk8s-lanes: --output-threshold needs Error, Warning or Info, got "error"/],
    [['diagram', 'x.yaml', '--format', 'table'], 2, /^cdk8s-lanes: --format needs mermaid, markdown or svg, got "table"/],
    [['diff', 'a.yaml', 'b.yaml', '--format', 'svg'], 2, /^cdk8s-lanes: --format needs table, markdown or json, got "svg"/],
    [['diff', 'a.yaml'], 2, /^cdk8s-lanes: diff needs two inputs, OLD and NEW \(files or directories\), got 1/],
    [['diff', 'a.yaml', 'b.yaml', 'c.yaml'], 2, /^cdk8s-lanes: diff needs two inputs, OLD and NEW \(files or directories\), got 3/],
    [['check', 'x.yaml', '--chain', 'a'], 2, /^cdk8s-lanes: --chain is an option of simulate, not of check/],
    [['explain'], 2, /^cdk8s-lanes: explain needs at least one YAML file/],
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


describe('cdk8s-lanes simulate: the whole output', () => {
  const lines = (text: string) => text.split('\n');

  test('a chain with a lane down: the request, the chain, a row per trace, then each 503 and fallback with its reason', () => {
    const r = cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka,mockb,mockc', '--down', 's3', '-n', '10');
    expect(r).toMatchObject({ code: 0, err: '' });
    const out = lines(r.out);
    expect(out.slice(0, 3)).toEqual(['request: GET / env: dev', 'chain:   mocka -> mockb -> mockc (no healthy endpoints: s3)', '']);
    expect(out[3]).toMatch(/^trace +probability +sampled \(n=10, seed 1\)$/);
    expect(out[4]).toMatch(/^mocka\(version: v2\) -> mockb\(version: v1\) -> mockc\(version: v2\) +50% +\d+$/);
    expect(out[5]).toMatch(/^mocka\(version: v1, fallback from s3\) -> mockb\(503\) +50% +\d+$/);
    expect(Number(out[4].split(/\s+/).pop()) + Number(out[5].split(/\s+/).pop())).toBe(10);
    expect(out.slice(6)).toEqual([
      '',
      'mocka: rule "dev-route" matched, weight 50 of 100; subset "s3" of mocka.default.svc.cluster.local is marked unhealthy, so the fallback subset "s1" of mocka.default.svc.cluster.local serves it',
      'mockb: rule "s3" matched; subset "s3" of mockb.default.svc.cluster.local is marked unhealthy and it has no fallback (503)',
      '',
    ]);
    // without a lane down, the chain line names none
    expect(lines(cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka', '-n', '10').out)[1]).toBe('chain:   mocka');
  });

  test('one VirtualService: the request, the entry, the rule, and a row per serving subset with its lane marker', () => {
    const r = cli('simulate', FIXTURE, '--host', 'mockb', '-n', '10', '--path', '/x', '--method', 'POST');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(lines(r.out)).toEqual([
      'request: POST /x',
      `entry:   ${FIXTURE}: VirtualService default/mockb-lanes`,
      'rule:    baseline',
      '',
      'subset  probability  sampled (n=10, seed 1)  lane marker x-asm-prefer-tag',
      's1      100%         10                      (unset)',
      '',
    ]);
  });

  test('a request no rule takes: Istio answers 404', () => {
    const file = path.join(dir, 'only-dev.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: d, namespace: n}\nspec:\n  hosts: [a.n.svc.cluster.local]\n  http: [{name: dev, match: [{headers: {env: {exact: dev}}}], route: [{destination: {host: a.n.svc.cluster.local, subset: s2}}]}]\n');
    expect(lines(cli('simulate', file, '-n', '5').out)).toEqual([
      'request: GET /',
      `entry:   ${file}: VirtualService n/d`,
      'rule:    none matched (Istio answers 404)',
      '',
    ]);
  });

  test('--json: the request with its defaults, the chain, and each path with its samples', () => {
    const j = JSON.parse(cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka,mockb', '--json', '-n', '4', '--seed', '9').out);
    expect(j.request).toEqual({ multiValueHeaders: { env: ['dev'] }, path: '/', method: 'GET' });
    expect([j.chain, j.n, j.seed]).toEqual([['mocka', 'mockb'], 4, 9]);
    expect(j.paths.map((p: any) => p.probability)).toEqual([0.5, 0.5]);
    expect(j.paths.reduce((n: number, p: any) => n + p.sampled, 0)).toBe(4);
  });

  test('samples follow unequal shares over three rows', () => {
    const file = path.join(dir, 'three.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: t, namespace: n}\nspec:\n  hosts: [a.n.svc.cluster.local]\n  http: [{route: [{destination: {host: a.n.svc.cluster.local, subset: a}, weight: 20}, {destination: {host: a.n.svc.cluster.local, subset: b}, weight: 30}, {destination: {host: a.n.svc.cluster.local, subset: c}, weight: 50}]}]\n');
    const j = JSON.parse(cli('simulate', file, '-n', '20000', '--json').out);
    // binomial sd at most 71: within 5 sd of each share
    expect(Math.abs(j.sampled.a - 4000)).toBeLessThan(360);
    expect(Math.abs(j.sampled.b - 6000)).toBeLessThan(360);
    expect(Math.abs(j.sampled.c - 10000)).toBeLessThan(360);
  });

  test('the routing header: several set and none given is a question; given, it is the marker; a lane in baggage is found', () => {
    const file = path.join(dir, 'two-headers.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: h, namespace: n}\nspec:\n  hosts: [a.n.svc.cluster.local]\n  http:\n    - {name: x, match: [{uri: {prefix: /x}}], route: [{destination: {host: a.n.svc.cluster.local, subset: s2}, headers: {request: {set: {x-one: s2}}}}]}\n    - {name: rest, route: [{destination: {host: a.n.svc.cluster.local, subset: s1}, headers: {request: {set: {x-two: s1}}}}]}\n');
    expect(cli('simulate', file)).toMatchObject({ code: 2, err: expect.stringMatching(/^cdk8s-lanes: the routes set several headers \(x-one, x-two\); choose the routing header with --routing-header/) });
    const given = cli('simulate', file, '--routing-header', 'x-two', '-n', '5');
    expect(given.code).toBe(0);
    expect(given.out).toContain('lane marker x-two');
    expect(given.out).toMatch(/^s1 +100% +5 +s1$/m);
    const baggage = path.join(dir, 'baggage-lane.yaml');
    fs.writeFileSync(baggage, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: b, namespace: n}\nspec:\n  hosts: [a.n.svc.cluster.local]\n  http:\n    - {name: rest, route: [{destination: {host: a.n.svc.cluster.local, subset: s1}, headers: {request: {add: {baggage: lane=s1}}}}]}\n');
    const inBaggage = cli('simulate', baggage, '-n', '5');
    expect(inBaggage.out).toContain('lane marker baggage');
    expect(inBaggage.out).toMatch(/^s1 +100% +5 +s1$/m);
    expect(cli('simulate', baggage, '--down', 'x/s9')).toMatchObject({ code: 2, err: expect.stringMatching(/^cdk8s-lanes: --down x\/s9: no such subset in the files read \(subsets: s1\)/) });
  });
});

describe('cdk8s-lanes: the files it reads', () => {
  test('a directory is read in name order, whatever order the file system lists it in', () => {
    const d = fs.mkdtempSync(path.join(dir, 'order-'));
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: x}\n';
    for (const name of ['b.yaml', 'c.yml', 'a.json']) fs.writeFileSync(path.join(d, name), name.endsWith('json') ? JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'x' } }) : cm);
    fs.writeFileSync(path.join(d, 'notes.txt'), 'not a manifest');
    const r = cli('check', d, '--json');
    expect(JSON.parse(r.out).filter((f: any) => f.code === 'LANE001').map((f: any) => [path.basename(f.resource.split(' ')[0]), f.message.split(' as ')[1].split(' ')[0]]))
      .toEqual([['b.yaml', path.join(d, 'a.json')], ['c.yml', path.join(d, 'a.json')]]);
  });

  test('what is not a regular file, a file over 16 MiB, or more than 64 MiB in all is refused before it is read', () => {
    expect(cli('simulate', '/dev/null')).toMatchObject({ code: 1, err: 'cdk8s-lanes: /dev/null: not a regular file\n' });
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 17 * 1024 * 1024);
    expect(cli('simulate', big)).toMatchObject({ code: 1, err: `cdk8s-lanes: ${big}: 17.0 MiB; cdk8s-lanes reads files of at most 16 MiB (split it, or give the directory of a cdk8s synth output)\n` });
    const many = fs.mkdtempSync(path.join(dir, 'many-'));
    for (let i = 0; i < 5; i++) {
      const f = path.join(many, `part${i}.yaml`);
      fs.writeFileSync(f, '');
      fs.truncateSync(f, 13 * 1024 * 1024);
    }
    expect(cli('explain', many)).toMatchObject({ code: 1, err: 'cdk8s-lanes: the 5 files given hold 65.0 MiB; cdk8s-lanes reads at most 64 MiB in all\n' });
    const fits = fs.mkdtempSync(path.join(dir, 'fits-'));
    fs.writeFileSync(path.join(fits, 'a.yaml'), fs.readFileSync(seedYaml, 'utf-8'));
    expect(cli('explain', fits).code).toBe(0);
  });
});
