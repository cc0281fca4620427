import { execFileSync } from 'child_process';
import * as fs from 'fs';
// the module object itself, to list a directory in another order (an `import * as` copy has read-only getters)
// eslint-disable-next-line @typescript-eslint/no-require-imports
import realFs = require('fs');
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { CliResult, runBuiltCli, runCli, runCliAsync, synth } from './helpers';
import { MockChain } from '../examples/chain';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import { Target } from '../src';
import { version } from '../src/cli/args';
import { mermaidEdgeCount } from '../src/cli/commands/diagram';
import { shortHosts } from '../src/cli/commands/diff';
import { commandUsage, USAGE } from '../src/cli/help';
import { main, run } from '../src/cli/main';
import { table } from '../src/cli/output';

// The CLI runs in this process (runCli); the built binary, as npm installs it, is run where that matters.
const BIN = path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'mock-chain.yaml');
let dir: string;
let scenarioYaml: string;
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
  scenarioYaml = write('permissive');
  customYaml = write('custom-header');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the built binary', () => {
  test('runs as npm installs it: output, exit codes and errors on its streams', () => {
    const r = runBuiltCli('simulate', scenarioYaml, '-H', 'env: dev', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(runBuiltCli('simulate', scenarioYaml, '--bogus')).toMatchObject({ code: 2, out: '', err: expect.stringMatching(/^cdk8s-lanes: unknown option --bogus\n\nusage:/) });
    expect(runBuiltCli('simulate', 'missing.yaml')).toMatchObject({ code: 2, out: '', err: 'cdk8s-lanes: missing.yaml: no such file or directory\n' });
  });
});

describe('cdk8s-lanes simulate', () => {
  test('env: dev on the synthesized scenario: s2 and s3 at 50% each, sampled counts within tolerance', () => {
    const r = cli('simulate', scenarioYaml, '-H', 'env: dev', '-H', 'x-asm-prefer-tag: s1', '-n', '2000', '--seed', '7');
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
    const a = cli('simulate', scenarioYaml, '-H', 'env: dev', '--seed', '42');
    const b = cli('simulate', scenarioYaml, '-H', 'env: dev', '--seed', '42');
    expect(a.out).toEqual(b.out);
  });

  test('--down s3 sends its share to the fallback lane s1', () => {
    const r = cli('simulate', scenarioYaml, '-H', 'env: dev', '--down', 's3', '--json');
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

  test('a call chain prints the hop-by-hop lanes and versions like ASM\'s permissive-lane scenario', () => {
    const r = cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka,mockb,mockc', '-n', '1000');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mocka\/s2\(version: v2\) -> mockb\/s1\(version: v1\) -> mockc\/s2\(version: v2\)\s+50%\s+\d+$/m);
    // the lane that served (s1), and the one the request asked for (s3)
    expect(r.out).toMatch(/^mocka\/s1\(version: v1, fallback from s3\) -> mockb\/s3\(version: v3\) -> mockc\/s1\(version: v1\)\s+50%\s+\d+$/m);
  });

  test('a long run prints progress lines on stderr', () => {
    const r = cli('simulate', scenarioYaml, '-H', 'env: dev', '-n', '1000000');
    expect(r.code).toBe(0);
    expect(r.err.trim().split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `sampled ${(i + 1) * 100000}/1000000 requests`));
  });
});

describe('cdk8s-lanes explain and diagram', () => {
  test('explain prints the rule table', () => {
    const r = cli('explain', scenarioYaml);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  1  dev-route   env exact "dev"  mocka/s2 50%, set x-asm-prefer-tag=s2; mocka/s3 50%, fallback mocka/s1, set x-asm-prefer-tag=s3');
    expect(r.out).toContain('  2  base-route  (any request)    mocka/s1 100%, set x-asm-prefer-tag=s1');
  });

  test('diagram prints a Mermaid flowchart', () => {
    const r = cli('diagram', scenarioYaml);
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
    [['explain', 'x.yaml', '--json'], 2, /^cdk8s-lanes: --json is an option of simulate, diff and check, not of explain\n\nusage: cdk8s-lanes explain FILES\.\.\. \[FLAGS\] {3}\(cdk8s-lanes help explain lists the flags\)\n$/],
    [['simulate', 'missing.yaml'], 2, /^cdk8s-lanes: missing.yaml: no such file/],
    [['simulate', 'x.yaml', '--seed'], 2, /^cdk8s-lanes: --seed needs a value\n/],
    [['simulate', 'x.yaml', '-H'], 2, /^cdk8s-lanes: -H needs a value\n/],
    [['simulate', 'x.yaml', '--seed=-1'], 2, /^cdk8s-lanes: --seed needs an integer from 0 to 4,294,967,295, got "-1"/],
    [['simulate', 'x.yaml', '-n', '10000001'], 2, /^cdk8s-lanes: -n needs an integer from 0 to 10,000,000, got "10000001"/],
    [['simulate', 'x.yaml', '--gateway', 'a/b', '--host', 'h'], 2, /^cdk8s-lanes: give --gateway or --host, not both/],
    [['check', 'x.yaml', '--failure-threshold', 'Fatal'], 2, /^cdk8s-lanes: --failure-threshold needs Error, Warning or Info, got "Fatal"/],
    [['check', 'x.yaml', '--output-threshold', 'fatal'], 2, /^cdk8s-lanes: --output-threshold needs Error, Warning or Info, got "fatal"/],
    // a typo: the closest command or flag, within two edits
    [['simlate', 'x.yaml'], 2, /^cdk8s-lanes: unknown command "simlate" \(did you mean simulate\?\)\n\nusage: cdk8s-lanes COMMAND/],
    [['chek', 'x.yaml'], 2, /^cdk8s-lanes: unknown command "chek" \(did you mean check\?\)\n/],
    [['simulate', 'x.yaml', '--hots', 'a'], 2, /^cdk8s-lanes: unknown option --hots \(did you mean --host\?\)\n/],
    [['diagram', 'x.yaml', '--formt=svg'], 2, /^cdk8s-lanes: unknown option --formt \(did you mean --format\?\)\n/],
    [['check', 'x.yaml', '--verbose'], 2, /^cdk8s-lanes: unknown option --verbose\n/],
    [['diagram', 'x.yaml', '--format', 'table'], 2, /^cdk8s-lanes: --format needs mermaid, markdown or svg, got "table"/],
    [['diff', 'a.yaml', 'b.yaml', '--format', 'svg'], 2, /^cdk8s-lanes: --format needs table, markdown or json, got "svg"/],
    [['diff', 'a.yaml'], 2, /^cdk8s-lanes: diff needs two inputs, OLD and NEW \(files or directories\), got 1/],
    [['diff', 'a.yaml', 'b.yaml', 'c.yaml'], 2, /^cdk8s-lanes: diff needs two inputs, OLD and NEW \(files or directories\), got 3/],
    [['check', 'x.yaml', '--chain', 'a'], 2, /^cdk8s-lanes: --chain is an option of simulate, diagram and diff, not of check/],
    [['explain', 'x.yaml', '--lane', 'a'], 2, /^cdk8s-lanes: --lane is an option of diagram, not of explain/],
    [['explain'], 2, /^cdk8s-lanes: explain needs at least one YAML file/],
    [['simulate', 'x.yaml', '--chain', 'a,,b'], 2, /^cdk8s-lanes: --chain needs host names separated by commas, without an empty one, got "a,,b"\n/],
    [['simulate', 'x.yaml', '--chain', 'a, b,'], 2, /^cdk8s-lanes: --chain needs host names separated by commas, without an empty one, got "a, b,"\n/],
    [['check', 'x.yaml', '--cluster-domain', 'Bad_Domain'], 2, /^cdk8s-lanes: --cluster-domain must be a lowercase DNS name such as "cluster.local", got "Bad_Domain"\n/],
    [['simulate', 'x.yaml', '--cluster-domain='], 2, /^cdk8s-lanes: --cluster-domain must be a lowercase DNS name such as "cluster.local", got ""\n/],
    // every flag's value is checked as the construct checks it, and the message names the flag
    [['simulate', 'x.yaml', '--host', 'Bad_Host'], 2, /^cdk8s-lanes: --host must be a lowercase DNS name such as "mocka.default.svc.cluster.local" \(no wildcard, no port\), got "Bad_Host"\n/],
    [['diagram', 'x.yaml', '--host', 'a.b:80'], 2, /^cdk8s-lanes: --host must be a lowercase DNS name .*got "a.b:80"\n/],
    [['simulate', 'x.yaml', '--chain', 'mocka,Mockb'], 2, /^cdk8s-lanes: --chain host must be a lowercase DNS name .*got "Mockb"\n/],
    [['diff', 'a.yaml', 'b.yaml', '--chain', 'a,b_c'], 2, /^cdk8s-lanes: --chain host must be a lowercase DNS name .*got "b_c"\n/],
    [['simulate', 'x.yaml', '--gateway', 'a/b/c'], 2, /^cdk8s-lanes: --gateway must be "namespace\/name" with both parts DNS-1123 labels, e.g. "istio-system\/ingressgateway", got "a\/b\/c"\n/],
    [['simulate', 'x.yaml', '--gateway', 'mesh'], 2, /^cdk8s-lanes: --gateway "mesh" is not a gateway/],
    [['check', 'x.yaml', '--asm-generated-namespace', 'Bad_NS'], 2, /^cdk8s-lanes: --asm-generated-namespace must be a DNS-1123 label .*got "Bad_NS"\n/],
    [['simulate', 'x.yaml', '--source-namespace', 'a b'], 2, /^cdk8s-lanes: --source-namespace must be a DNS-1123 label .*got "a b"\n/],
    [['diagram', 'x.yaml', '--routing-header', 'x lane'], 2, /^cdk8s-lanes: --routing-header must be a lowercase RFC 7230 token, got "x lane"/],
    [['simulate', 'x.yaml', '-H', 'e nv: dev'], 2, /^cdk8s-lanes: -H header name must be a lowercase RFC 7230 token, got "e nv"/],
    [['simulate', 'x.yaml', '-H', 'env: a\u0007b'], 2, /^cdk8s-lanes: -H header value must not contain control characters such as CR or LF, got "a\\u0007b"\n/],
    [['simulate', 'x.yaml', '--path', 'api'], 2, /^cdk8s-lanes: --path needs a path that starts with "\/" and has no blanks or control characters, got "api"\n/],
    [['simulate', 'x.yaml', '--path', 'a/b'], 2, /^cdk8s-lanes: --path needs a path that starts with "\/" .*got "a\/b"\n/],
    [['simulate', 'x.yaml', '--path', '/a b'], 2, /^cdk8s-lanes: --path needs a path .*got "\/a b"\n/],
    [['simulate', 'x.yaml', '--method', 'GE T'], 2, /^cdk8s-lanes: --method needs an HTTP method such as GET or POST, got "GE T"\n/],
    [['diagram', 'x.yaml', '--host', 'a', '--chain', 'a,b'], 2, /^cdk8s-lanes: give --host or --chain, not both \(the chain names its hosts\)\n/],
  ])('%j exits %i', (args, code, message) => {
    const r = cli(...args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  test('help and --version go to stdout; each command has its own help', () => {
    for (const args of [['--help'], ['-h'], ['help']]) expect(cli(...args)).toEqual({ code: 0, err: '', out: `${USAGE}\n` });
    const simulateHelp = cli('help', 'simulate');
    expect(simulateHelp).toMatchObject({ code: 0, err: '' });
    expect(simulateHelp.out).toContain('cdk8s-lanes simulate FILES...');
    expect(simulateHelp.out).not.toContain('cdk8s-lanes diff');
    expect(simulateHelp.out).toContain('--cluster-domain DOMAIN');
    expect(cli('simulate', '--help').out).toBe(simulateHelp.out);
    expect(cli('diff', '-h').out).toContain('cdk8s-lanes diff OLD NEW');
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));
    for (const flag of ['--version', '-V', '-v']) expect(cli(flag)).toEqual({ code: 0, err: '', out: `cdk8s-lanes ${pkg.version}\n` });
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
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: x}\nspec:\n  hosts: [a.x.svc.cluster.local]\n  http: [{redirect: {uri: /x}}]\n');
    const r = cli('simulate', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cdk8s-lanes: ${file} (document 1): VirtualService x/r http[0]: "redirect" is not supported by the lane simulation`);
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
    // each generated table says, under its rules, that it is inferred
    const generated = r.out.split('\n\n').find(t => t.includes('trafficlabel-vs-mock-default-mockb'))!;
    expect(generated.split('\n').filter(l => l.startsWith('  note: '))).toEqual([
      expect.stringMatching(/^ {2}note: .*ASM-generated VirtualService istio-system\/trafficlabel-vs-mock-default-mockb: inferred, as ASM does not publish what it generates/),
    ]);
  });

  test('a group whose fallbackTarget is not one of its lanes is reported', () => {
    const file = path.join(dir, 'broken-group.yaml');
    const text = fs.readFileSync(asmYaml, 'utf-8').replace('fallbackTarget: s1', 'fallbackTarget: s9');
    fs.writeFileSync(file, text);
    const r = cli('simulate', file, '--chain', 'mocka');
    expect(r.code).toBe(2);
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
    expect(out[4]).toMatch(/^mocka\/s2\(version: v2\) -> mockb\/s1\(version: v1\) -> mockc\/s2\(version: v2\) +50% +\d+$/);
    expect(out[5]).toMatch(/^mocka\/s1\(version: v1, fallback from s3\) -> mockb\(503\) +50% +\d+$/);
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

  test('a chain with two lanes down names both; the notes its hops rest on follow the table, once each', () => {
    expect(lines(cli('simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka', '--down', 's3', '--down', 's2', '-n', '10').out)[1])
      .toBe('chain:   mocka (no healthy endpoints: s3, s2)');
    const file = scratch('chain/unknown-service.yaml', [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: a, namespace: x}',
      'spec: {selector: {app: a}, ports: [{port: 80}]}',
      '---',
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: to-b, namespace: x}',
      'spec:',
      '  parentRefs: [{group: "", kind: Service, name: a, port: 80}]',
      '  rules: [{backendRefs: [{name: b, port: 80}]}]',
      '',
    ].join('\n'));
    expect(cli('simulate', file, '--chain', 'a.x.svc.cluster.local,b.x.svc.cluster.local', '-n', '2')).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET /',
        'chain:   a.x.svc.cluster.local -> b.x.svc.cluster.local',
        '',
        'trace             probability  sampled (n=2, seed 1)',
        'b(any) -> b(any)  100%         2',
        '',
        `note: ${file}: HTTPRoute x/to-b rules[0].backendRefs[0]: no Service x/b was read; routed as if it existed (with complete, the share fails with 500)`,
        '',
      ].join('\n'),
    });
  });

  test('a backend of a kind the simulation does not model: its row is unknown, and the note says why after a blank line', () => {
    const file = scratch('single/unknown-kind.yaml', [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: odd, namespace: x}',
      'spec:',
      '  parentRefs: [{group: "", kind: Service, name: a, port: 80}]',
      '  rules: [{backendRefs: [{group: example.com, kind: Bucket, name: b}]}]',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: a, namespace: x}',
      'spec: {selector: {app: a}, ports: [{port: 80}]}',
      '',
    ].join('\n'));
    const note = `note: ${file}: HTTPRoute x/odd rules[0].backendRefs[0]: a backend of kind "example.com/Bucket" (x/b), which the lane simulation does not model: its answer is unknown`;
    expect(cli('simulate', file, '--host', 'a.x.svc.cluster.local', '-n', '3')).toEqual({
      code: 0,
      err: `${note}\n`,
      out: [
        'request: GET /',
        `entry:   ${file}: HTTPRoute x/odd`,
        'rule:    odd-rule-1',
        '',
        'subset                probability  sampled (n=3, seed 1)  lane marker x-asm-prefer-tag',
        'unknown (Bucket:x/b)  100%         3                      (unset)',
        '',
        note,
        '',
      ].join('\n'),
    });
  });

  test('a host no route table routes: its Service is the entry, no rule, and any endpoint serves every request', () => {
    const file = scratch('single/service-only.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {selector: {app: a}, ports: [{port: 80}]}\n');
    expect(cli('simulate', file, '--host', 'a.x.svc.cluster.local', '-n', '4')).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET /',
        'entry:   (no route table: the Service a.x.svc.cluster.local itself)',
        'rule:    (none: no route table routes the host)',
        '',
        'subset          probability  sampled (n=4, seed 1)  lane marker x-asm-prefer-tag',
        '(any endpoint)  100%         4                      (unset)',
        '',
      ].join('\n'),
    });
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
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: d, namespace: x}\nspec:\n  hosts: [a.x.svc.cluster.local]\n  http: [{name: dev, match: [{headers: {env: {exact: dev}}}], route: [{destination: {host: a.x.svc.cluster.local, subset: s2}}]}]\n');
    expect(lines(cli('simulate', file, '-n', '5').out)).toEqual([
      'request: GET /',
      `entry:   ${file}: VirtualService x/d`,
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
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: t, namespace: x}\nspec:\n  hosts: [a.x.svc.cluster.local]\n  http: [{route: [{destination: {host: a.x.svc.cluster.local, subset: a}, weight: 20}, {destination: {host: a.x.svc.cluster.local, subset: b}, weight: 30}, {destination: {host: a.x.svc.cluster.local, subset: c}, weight: 50}]}]\n');
    const j = JSON.parse(cli('simulate', file, '-n', '20000', '--json').out);
    // binomial sd at most 71: within 5 sd of each share
    expect(Math.abs(j.sampled.a - 4000)).toBeLessThan(360);
    expect(Math.abs(j.sampled.b - 6000)).toBeLessThan(360);
    expect(Math.abs(j.sampled.c - 10000)).toBeLessThan(360);
  });

  test('the routing header: several set and none given is a question; given, it is the marker; a lane in baggage is found', () => {
    const file = path.join(dir, 'two-headers.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: h, namespace: x}\nspec:\n  hosts: [a.x.svc.cluster.local]\n  http:\n    - {name: x, match: [{uri: {prefix: /x}}], route: [{destination: {host: a.x.svc.cluster.local, subset: s2}, headers: {request: {set: {x-one: s2}}}}]}\n    - {name: rest, route: [{destination: {host: a.x.svc.cluster.local, subset: s1}, headers: {request: {set: {x-two: s1}}}}]}\n');
    expect(cli('simulate', file)).toMatchObject({ code: 2, err: expect.stringMatching(/^cdk8s-lanes: the routes set several headers \(x-one, x-two\); choose the routing header with --routing-header/) });
    const given = cli('simulate', file, '--routing-header', 'x-two', '-n', '5');
    expect(given.code).toBe(0);
    expect(given.out).toContain('lane marker x-two');
    expect(given.out).toMatch(/^s1 +100% +5 +s1$/m);
    const baggage = path.join(dir, 'baggage-lane.yaml');
    fs.writeFileSync(baggage, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: b, namespace: x}\nspec:\n  hosts: [a.x.svc.cluster.local]\n  http:\n    - {name: rest, route: [{destination: {host: a.x.svc.cluster.local, subset: s1}, headers: {request: {add: {baggage: lane=s1}}}}]}\n');
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

  // check exits 2 for input it cannot read
  test('links are followed as kubectl follows them: a linked file or directory is read, a loop is walked once, a dangling link is an error', () => {
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: x}\n`;
    const target = fs.mkdtempSync(path.join(dir, 'target-'));
    fs.writeFileSync(path.join(target, 'real.yaml'), cm('a'));
    const d = fs.mkdtempSync(path.join(dir, 'links-'));
    fs.symlinkSync(path.join(target, 'real.yaml'), path.join(d, 'only.yaml'));
    const check = (...args: string[]) => cli('check', ...args, '--json');
    expect(check(d)).toMatchObject({ code: 0 });
    fs.mkdirSync(path.join(d, 'sub'));
    fs.symlinkSync(d, path.join(d, 'sub', 'loop'));
    fs.symlinkSync(target, path.join(d, 'sub', 'other'));
    // only.yaml and other/real.yaml are one file: read once, so no duplicate; the loop back to d is not walked again
    expect(JSON.parse(check(d).out).filter((f: any) => f.code === 'LANE001')).toEqual([]);
    // the same file given twice, or as a directory and a file in it, is read once too
    expect(JSON.parse(check(d, path.join(target, 'real.yaml'), target).out).filter((f: any) => f.code === 'LANE001')).toEqual([]);
    fs.symlinkSync(path.join(target, 'gone.yaml'), path.join(d, 'dangling.yaml'));
    expect(check(d)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${path.join(d, 'dangling.yaml')}: a symbolic link to ${path.join(target, 'gone.yaml')}, which does not exist\n` });
    expect(check(path.join(d, 'dangling.yaml'))).toMatchObject({ code: 2, err: `cdk8s-lanes: ${path.join(d, 'dangling.yaml')}: a symbolic link to ${path.join(target, 'gone.yaml')}, which does not exist\n` });
    fs.rmSync(path.join(d, 'dangling.yaml'));
    // a directory is walked whatever its name, a file whose name is no manifest's is skipped
    fs.mkdirSync(path.join(d, 'more.yaml'));
    fs.writeFileSync(path.join(d, 'more.yaml', 'b.yaml'), cm('b'));
    expect(JSON.parse(check(d).out).filter((f: any) => f.code === 'LANE001')).toEqual([]);
    fs.writeFileSync(path.join(d, 'more.yaml', 'c.yaml'), cm('b'));
    expect(JSON.parse(check(d).out).filter((f: any) => f.code === 'LANE001')).toHaveLength(1);
    fs.rmSync(path.join(d, 'more.yaml', 'c.yaml'));
    // a link whose name is no manifest's is not followed unless it leads to a directory
    fs.symlinkSync(path.join(target, 'gone.txt'), path.join(d, 'notes.txt'));
    expect(check(d)).toMatchObject({ code: 0 });
  });

  test('a FIFO among the manifests is an error naming it, never a hang', () => {
    const d = fs.mkdtempSync(path.join(dir, 'fifo-'));
    execFileSync('mkfifo', [path.join(d, 'pipe.yaml')]);
    expect(cli('check', d)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${path.join(d, 'pipe.yaml')}: not a regular file (a FIFO, a socket or a device); give manifest files or directories\n` });
  });

  test('invalid UTF-8 is an error naming the document, the line, the column and the byte', () => {
    const f = path.join(dir, 'latin1.yaml');
    fs.writeFileSync(f, Buffer.concat([Buffer.from('kind: A\n---\nkind: B\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(cli('check', f)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${f} (document 2): not valid UTF-8 at line 4, column 10 (byte 0xe9)\n` });
    // a U+FFFD written in the file is valid; a sequence cut short after two of its bytes is not
    const replacement = path.join(dir, 'replacement.yaml');
    fs.writeFileSync(replacement, Buffer.concat([Buffer.from('kind: "\uFFFD é'), Buffer.from([0xff]), Buffer.from('"\n')]));
    expect(cli('check', replacement)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${replacement} (document 1): not valid UTF-8 at line 1, column 11 (byte 0xff)\n` });
    const two = path.join(dir, 'two.yaml');
    fs.writeFileSync(two, Buffer.concat([Buffer.from('kind: '), Buffer.from([0xef, 0xbf]), Buffer.from('A\n')]));
    expect(cli('check', two)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${two} (document 1): not valid UTF-8 at line 1, column 7 (byte 0xef)\n` });
    // the first invalid byte, whatever follows it, and at the very start of the file
    for (const [bytes, column, byte] of [[[0xc0, 0xbf, 0xbd], 7, 'c0'], [[0xef, 0x41, 0xbd], 7, 'ef']] as const) {
      const f2 = path.join(dir, `bytes-${byte}.yaml`);
      fs.writeFileSync(f2, Buffer.concat([Buffer.from('kind: '), Buffer.from(bytes)]));
      expect(cli('check', f2)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${f2} (document 1): not valid UTF-8 at line 1, column ${column} (byte 0x${byte})\n` });
    }
    const first = path.join(dir, 'first.yaml');
    fs.writeFileSync(first, Buffer.concat([Buffer.from([0xff]), Buffer.from('kind: A\n')]));
    expect(cli('check', first)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${first} (document 1): not valid UTF-8 at line 1, column 1 (byte 0xff)\n` });
    const cut = path.join(dir, 'cut.yaml');
    fs.writeFileSync(cut, Buffer.concat([Buffer.from('kind: "é'), Buffer.from([0xe2, 0x82])]));
    expect(cli('check', cut)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${cut} (document 1): not valid UTF-8 at line 1, column 9 (byte 0xe2)\n` });
  });

  test('what is not a regular file, a file over 64 MiB, or more than 128 MiB in all is refused before it is read', () => {
    expect(cli('simulate', '/dev/null')).toMatchObject({ code: 2, err: 'cdk8s-lanes: /dev/null: not a regular file (a FIFO, a socket or a device); give manifest files or directories\n' });
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 65 * 1024 * 1024);
    expect(cli('simulate', big)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${big}: 65.0 MiB; cdk8s-lanes reads files of at most 64 MiB (split it, or give the directory of a cdk8s synth output)\n` });
    fs.rmSync(big);
    const many = fs.mkdtempSync(path.join(dir, 'many-'));
    for (let i = 0; i < 3; i++) {
      const f = path.join(many, `part${i}.yaml`);
      fs.writeFileSync(f, '');
      fs.truncateSync(f, 43 * 1024 * 1024);
    }
    expect(cli('explain', many)).toMatchObject({ code: 2, err: 'cdk8s-lanes: the 3 files given hold 129.0 MiB; cdk8s-lanes reads at most 128 MiB in all\n' });
    fs.rmSync(many, { recursive: true });
    const fits = fs.mkdtempSync(path.join(dir, 'fits-'));
    fs.writeFileSync(path.join(fits, 'a.yaml'), fs.readFileSync(scenarioYaml, 'utf-8'));
    expect(cli('explain', fits).code).toBe(0);
  });
});

/** A VirtualService (and its DestinationRule) as YAML lines, for the fixtures below. */
const WEB_OLD = [
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: web, namespace: x}',
  'spec:',
  '  hosts: [web]',
  '  http:',
  '    - name: dev',
  '      match: [{headers: {env: {exact: dev}}}]',
  '      route:',
  '        - {destination: {host: web, subset: s1}, weight: 50, headers: {request: {set: {x-lane: s1}}}}',
  '        - {destination: {host: web, subset: s2}, weight: 50, headers: {request: {set: {x-lane: s2}}}, fallback: {target: {host: web, subset: s1}}}',
  '    - name: rest',
  '      route: [{destination: {host: web, subset: s1}}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: api, namespace: x}',
  'spec:',
  '  hosts: [api]',
  '  http: [{route: [{destination: {host: api}}]}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: DestinationRule',
  'metadata: {name: web, namespace: x}',
  'spec:',
  '  host: web',
  '  subsets: [{name: s1, labels: {version: v1}}, {name: s2, labels: {version: v2}}]',
  '',
].join('\n');

/** WEB_OLD changed: dev matched by a regex and sent to a new subset s3 (s2 gone), api replaced by shop, and a ConfigMap. */
const WEB_NEW = [
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: web, namespace: x}',
  'spec:',
  '  hosts: [web]',
  '  http:',
  '    - name: dev',
  '      match: [{headers: {env: {regex: "d.v"}}}]',
  '      route: [{destination: {host: web, subset: s3}}]',
  '    - name: rest',
  '      route: [{destination: {host: web, subset: s1}}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: shop, namespace: x}',
  'spec:',
  '  hosts: [shop]',
  '  http: [{route: [{destination: {host: shop}}]}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: DestinationRule',
  'metadata: {name: web, namespace: x}',
  'spec:',
  '  host: web',
  '  subsets: [{name: s1, labels: {version: v1}}, {name: s3, labels: {version: v3}}]',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: c, namespace: x}',
  '',
].join('\n');

/** Two services without DestinationRules: front splits between its subsets a and b, back sends all to c. */
const FRONT_BACK = [
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: front, namespace: x}',
  'spec:',
  '  hosts: [front]',
  '  http:',
  '    - name: split',
  '      route: [{destination: {host: front, subset: a}, weight: 50}, {destination: {host: front, subset: b}, weight: 50}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: back, namespace: x}',
  'spec:',
  '  hosts: [back]',
  '  http: [{name: all, route: [{destination: {host: back, subset: c}}]}]',
  '',
].join('\n');

/**
 * Errors (IST0112: web's Service has two ports, its destinations name none), Warnings (IST0101: a subset web's
 * DestinationRule does not define; LANE002) and Infos (IST0101: back, its Service and its DestinationRule are not in the file).
 */
const FINDINGS = [
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata: {name: web, namespace: x}',
  'spec:',
  '  hosts: [web]',
  '  http:',
  '    - name: dev',
  '      match: [{headers: {env: {exact: dev}}}]',
  '      route: [{destination: {host: web, subset: s2}, headers: {request: {set: {x-lane: s2}}}}]',
  '    - name: rest',
  '      route: [{destination: {host: web, subset: s1}}]',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: DestinationRule',
  'metadata: {name: web, namespace: x}',
  'spec:',
  '  host: web',
  '  subsets: [{name: s1, labels: {version: v1}}]',
  '---',
  FRONT_BACK.split('---\n')[1],
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: web, namespace: x}',
  'spec: {ports: [{port: 80}, {port: 81}]}',
  '---',
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: web-v1, namespace: x, labels: {version: v1}}',
  '',
].join('\n');

/** Writes `text` to a new file `name` in the scratch folder; its path. */
function scratch(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('cdk8s-lanes diff: the whole output', () => {
  let before: string;
  let after: string;
  beforeAll(() => {
    before = scratch('diff/before.yaml', WEB_OLD);
    after = scratch('diff/after.yaml', WEB_NEW);
  });

  test('diff as a table: a block per entry point with its classes before and after, then what was added and removed, and that regexes make it approximate', () => {
    const r = cli('diff', before, after);
    // the tables within 100 columns (the notes after them are prose, one line each)
    expect(r.out.split('\n').filter(l => l.startsWith('  ') && l.length > 100)).toEqual([]);
    expect(r).toEqual({
      code: 1,
      err: 'note: skipped 1 objects of kinds the simulation does not read: ConfigMap (1)\n',
      out: [
        'traffic: changed',
        '',
        'sidecar api.x.svc.cluster.local (removed)',
        '  requests     before    after',
        '  any request  api 100%  (no route)',
        '',
        'sidecar shop.x.svc.cluster.local (added)',
        '  requests     before      after',
        '  any request  (no route)  shop 100%',
        '',
        'sidecar web.x.svc.cluster.local (changed)',
        '  requests  before                                                          after',
        '  env: dev  web/s1 50% [x-lane=s1]; web/s2 50% [x-lane=s2] fallback web/s1  web/s3 100%',
        '  env: d.v  web/s1 100%                                                     web/s3 100%',
        '',
        'subsets added: web.x.svc.cluster.local/s3',
        '',
        'subsets removed: web.x.svc.cluster.local/s2',
        '',
        'hosts added: shop.x.svc.cluster.local',
        '',
        'hosts removed: api.x.svc.cluster.local',
        '',
        'approximate: regex conditions were compared through witness strings taken from their patterns (or there were too many fields to combine every value), so a change may go unreported',
        '',
      ].join('\n'),
    });
  });

  test('diff --format markdown: a bold heading and a Markdown table per entry point, then what was added and removed', () => {
    const r = cli('diff', before, after, '--format', 'markdown');
    expect(r).toEqual({
      code: 1,
      err: 'note: skipped 1 objects of kinds the simulation does not read: ConfigMap (1)\n',
      out: [
        '### Traffic changes',
        '',
        '**sidecar api.x.svc.cluster.local (removed)**',
        '',
        '| requests | before | after |',
        '|---|---|---|',
        '| any request | api 100% | (no route) |',
        '',
        '**sidecar shop.x.svc.cluster.local (added)**',
        '',
        '| requests | before | after |',
        '|---|---|---|',
        '| any request | (no route) | shop 100% |',
        '',
        '**sidecar web.x.svc.cluster.local (changed)**',
        '',
        '| requests | before | after |',
        '|---|---|---|',
        '| env: dev | web/s1 50% [x-lane=s1]; web/s2 50% [x-lane=s2] fallback web/s1 | web/s3 100% |',
        '| env: d.v | web/s1 100% | web/s3 100% |',
        '',
        'subsets added: web.x.svc.cluster.local/s3',
        '',
        'subsets removed: web.x.svc.cluster.local/s2',
        '',
        'hosts added: shop.x.svc.cluster.local',
        '',
        'hosts removed: api.x.svc.cluster.local',
        '',
        'approximate: regex conditions were compared through witness strings taken from their patterns (or there were too many fields to combine every value), so a change may go unreported',
        '',
      ].join('\n'),
    });
  });

  test('diff --format markdown of two identical meshes says no request is routed differently', () => {
    expect(cli('diff', before, before, '--format', 'markdown')).toEqual({ code: 0, err: '', out: '### Traffic changes\n\nNo request is routed differently.\n' });
  });

  test('diff --json of two identical meshes: nothing changed, nothing added or removed', () => {
    const r = cli('diff', before, before, '--json');
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toEqual({
      changed: false, entries: [], subsetsAdded: [], subsetsRemoved: [], hostsAdded: [], hostsRemoved: [], chains: [], approximate: false,
    });
  });

  test('diff --chain adds a block for the chain: each class of requests with its paths before and after', () => {
    const text = fs.readFileSync(FIXTURE, 'utf-8');
    const withoutS3 = text.replace('    - name: s3\n      match: [{headers: {x-asm-prefer-tag: {exact: s3}}}]\n      route: [{destination: {host: mockb.default.svc.cluster.local, subset: s3}}]\n', '');
    expect(withoutS3).not.toBe(text);
    const r = cli('diff', FIXTURE, scratch('diff/mockb-without-s3.yaml', withoutS3), '--chain', 'mocka,mockb');
    expect(r).toEqual({
      code: 1,
      err: '',
      out: [
        'traffic: changed',
        '',
        'sidecar mockb.default.svc.cluster.local (changed)',
        '  requests              before         after',
        '  x-asm-prefer-tag: s3  mockb/s3 100%  mockb/s1 100%',
        '',
        'chain mocka -> mockb',
        // within 100 columns: a cell goes on in its column, broken after "; " or before " -> "
        '  requests  before                                       after',
        '  env: dev  mocka(version: v1, fallback from s3)         mocka(version: v1, fallback from s3)',
        '            -> mockb(version: v3) 50%;                   -> mockb(version: v1) 50%;',
        '            mocka(version: v2)                           mocka(version: v2)',
        '            -> mockb(version: v1) 50%                    -> mockb(version: v1) 50%',
        '',
      ].join('\n'),
    });
  });

  test('diff of two meshes with no host in common: every entry point added or removed, and the lists of subsets and hosts comma-separated', () => {
    const r = cli('diff', scratch('diff/front-back.yaml', FRONT_BACK), before);
    expect(r).toEqual({
      code: 1,
      err: '',
      out: [
        'traffic: changed',
        '',
        'sidecar api.x.svc.cluster.local (added)',
        '  requests     before      after',
        '  any request  (no route)  api 100%',
        '',
        'sidecar back.x.svc.cluster.local (removed)',
        '  requests     before       after',
        '  any request  back/c 100%  (no route)',
        '',
        'sidecar front.x.svc.cluster.local (removed)',
        '  requests     before                    after',
        '  any request  front/a 50%; front/b 50%  (no route)',
        '',
        'sidecar web.x.svc.cluster.local (added)',
        '  requests    before      after',
        '  env absent  (no route)  web/s1 100%',
        '  env: dev    (no route)  web/s1 50% [x-lane=s1]; web/s2 50% [x-lane=s2] fallback web/s1',
        '',
        'subsets added: web.x.svc.cluster.local/s1, web.x.svc.cluster.local/s2',
        '',
        'subsets removed: back.x.svc.cluster.local/c, front.x.svc.cluster.local/a, front.x.svc.cluster.local/b',
        '',
        'hosts added: api.x.svc.cluster.local, web.x.svc.cluster.local',
        '',
        'hosts removed: back.x.svc.cluster.local, front.x.svc.cluster.local',
        '',
      ].join('\n'),
    });
  });

  test('the ambiguity of two apps in one directory tree names the flags and suggests a directory', () => {
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: edge, namespace: istio-system}\n'
      + 'spec:\n  gateways: [istio-system/gw]\n  hosts: [\'*\']\n  http: [{route: [{destination: {host: a.default.svc.cluster.local}}]}]\n';
    const istio = scratch('apps/istio/app.k8s.yaml', vs);
    scratch('apps/asm/app.k8s.yaml', vs);
    const dist = path.dirname(path.dirname(istio));
    const r = cli('simulate', dist, '-n', '0');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cdk8s-lanes: 2 VirtualServices bound to a gateway: choose one with --host HOST, or read one directory: they come from ${dist}/asm, ${dist}/istio `
      + `(one app each?); they are: ${dist}/asm/app.k8s.yaml: VirtualService istio-system/edge (gateways: istio-system/gw); ${istio}: VirtualService istio-system/edge (gateways: istio-system/gw)\n`);
    expect(cli('simulate', path.dirname(istio), '-n', '0').code).toBe(0);
  });

  test('a subset added that no route uses, and a host given only subsets: listed in a note, no change, exit 0', () => {
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: x}\nspec:\n  hosts: [web]\n'
      + '  http: [{route: [{destination: {host: web, subset: s1}}]}]\n';
    const rule = (host: string, subsets: string[]) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${host}, namespace: x}\n`
      + `spec:\n  host: ${host}\n  subsets: [${subsets.map(s => `{name: ${s}, labels: {v: ${s}}}`).join(', ')}]\n`;
    const old = scratch('diff-unused/before.yaml', [vs, rule('web', ['s1'])].join('---\n'));
    const changed = scratch('diff-unused/after.yaml', [vs, rule('web', ['s1', 's2']), rule('db', ['a'])].join('---\n'));
    expect(cli('diff', old, changed)).toEqual({
      code: 0,
      err: '',
      out: [
        'traffic: no change',
        '',
        'subsets added: db.x.svc.cluster.local/a, web.x.svc.cluster.local/s2',
        '',
        'hosts added: db.x.svc.cluster.local',
        '',
        'note: no request reaches what was added or removed, so no request is routed differently',
        '',
      ].join('\n'),
    });
    expect(cli('diff', old, changed, '--json').code).toBe(0);
  });

  test('diff --cluster-domain qualifies short host names with that domain', () => {
    const r = cli('diff', before, after, '--cluster-domain', 'example.org');
    expect(r.code).toBe(1);
    expect(r.out.split('\n').slice(0, 5)).toEqual([
      'traffic: changed',
      '',
      'sidecar api.x.svc.example.org (removed)',
      '  requests     before    after',
      '  any request  api 100%  (no route)',
    ]);
  });

  test('diff of an input that does not exist names it and exits 2', () => {
    const missing = path.join(dir, 'diff', 'missing.yaml');
    expect(cli('diff', before, missing)).toEqual({ code: 2, out: '', err: `cdk8s-lanes: ${missing}: no such file or directory\n` });
  });
});

describe('cdk8s-lanes simulate: rows, lane markers and reasons', () => {
  let web: string;
  let frontBack: string;
  beforeAll(() => {
    web = scratch('simulate/web.yaml', WEB_OLD);
    frontBack = scratch('simulate/front-back.yaml', FRONT_BACK);
  });

  test('--down takes a subset of one host (host/subset); a reason shared by several traces is printed once', () => {
    const r = cli('simulate', frontBack, '--chain', 'front,back', '--down', 'back/c', '-n', '0');
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET /',
        'chain:   front -> back (no healthy endpoints: back/c)',
        '',
        'trace                 probability  sampled (n=0, seed 1)',
        'front/a -> back(503)  50%          0',
        'front/b -> back(503)  50%          0',
        '',
        'back: rule "all" matched; subset "c" of back.x.svc.cluster.local is marked unhealthy and it has no fallback (503)',
        '',
      ].join('\n'),
    });
  });

  test('a subset down without a fallback: a row of 503s, then why; routes that set no header show the default lane marker', () => {
    const r = cli('simulate', frontBack, '--host', 'front', '--down', 'b', '-n', '0');
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET /',
        `entry:   ${frontBack}: VirtualService x/front`,
        'rule:    split',
        '',
        'subset                      probability  sampled (n=0, seed 1)  lane marker x-asm-prefer-tag',
        'a                           50%          0                      (unset)',
        '503 (no healthy endpoints)  50%          0                      (unset)',
        '',
        '50%: rule "split" matched, weight 50 of 100; subset "b" of front.x.svc.cluster.local is marked unhealthy and it has no fallback (503)',
        '',
      ].join('\n'),
    });
  });

  test('a subset down with a fallback: the row of the subset that serves lists every lane marker reaching it, then why', () => {
    const r = cli('simulate', web, '--host', 'web', '-H', 'env: dev', '--down', 's2', '-n', '10');
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET / env: dev',
        `entry:   ${web}: VirtualService x/web`,
        'rule:    dev',
        '',
        'subset  probability  sampled (n=10, seed 1)  lane marker x-lane',
        's1      100%         10                      s1, s2',
        '',
        '50%: rule "dev" matched, weight 50 of 100; subset "s2" of web.x.svc.cluster.local is marked unhealthy, so the fallback subset "s1" of web.x.svc.cluster.local serves it',
        '',
      ].join('\n'),
    });
  });

  test('a rule without a name is shown as (unnamed)', () => {
    expect(cli('simulate', web, '--host', 'api', '-n', '10')).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET /',
        `entry:   ${web}: VirtualService x/api`,
        'rule:    (unnamed)',
        '',
        'subset          probability  sampled (n=10, seed 1)  lane marker x-lane',
        '(any endpoint)  100%         10                      (unset)',
        '',
      ].join('\n'),
    });
  });

  /** The table `simulate -n 5` prints for a file holding VirtualService x/v for host a.x.svc.cluster.local with these rules (flow-style YAML). */
  const tableFor = (file: string, rules: string[]) => cli('simulate', scratch(file,
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v, namespace: x}\nspec:\n  hosts: [a.x.svc.cluster.local]\n  http:\n${rules.map(r => `    - ${r}\n`).join('')}`),
  '-n', '5').out.split('\n').slice(4);
  const to = (subset: string, headers: string) => `route: [{destination: {host: a.x.svc.cluster.local, subset: ${subset}}, headers: {request: ${headers}}}]`;

  test.each<[string, string, string[], string[]]>([
    ['a header set beside a baggage entry: the header is the lane marker', 'header-and-baggage',
      [`{name: rest, ${to('s1', '{set: {x-lane: s1}, add: {baggage: lane=s1}}')}}`],
      ['subset  probability  sampled (n=5, seed 1)  lane marker x-lane', 's1      100%         5                      s1', '']],
    ['baggage entries of two keys and no header set: no baggage key is taken as the lane marker, the default header is', 'two-baggage-keys',
      [`{name: x, match: [{uri: {prefix: /x}}], ${to('s2', '{add: {baggage: team=x}}')}}`, `{name: rest, ${to('s1', '{add: {baggage: lane=s1}}')}}`],
      ['subset  probability  sampled (n=5, seed 1)  lane marker x-asm-prefer-tag', 's1      100%         5                      (unset)', '']],
    ['a route that sets the lane marker to an empty value: an empty last column, and no spaces after the row', 'empty-marker',
      [`{name: rest, ${to('s1', '{set: {x-lane: ""}}')}}`],
      ['subset  probability  sampled (n=5, seed 1)  lane marker x-lane', 's1      100%         5', '']],
  ])('%s', (_name, file, rules, lines) => {
    expect(tableFor(`simulate/${file}.yaml`, rules)).toEqual(lines);
  });

  test('--json for one VirtualService: the request with GET and / by default, the result, and the samples', () => {
    const outcome = {
      host: 'back.x.svc.cluster.local',
      virtualService: `${frontBack}: VirtualService x/back`,
      rule: 'all',
      lane: 'c',
      backend: { host: 'back.x.svc.cluster.local', subset: 'c' },
      viaFallback: false,
      failed: false,
      probability: 1,
      marker: { header: 'x-asm-prefer-tag' },
      reason: 'rule "all" matched',
      status: 200,
    };
    // the request the backend receives: what was sent, with the route's edits (none here)
    const result = (received: object) => ({
      virtualService: `${frontBack}: VirtualService x/back`,
      rule: 'all',
      matched: true,
      status: 200,
      port: 80,
      notes: [],
      outcomes: [{ ...outcome, request: received }],
      laneProbabilities: { c: 1 },
      subsetProbabilities: { c: 1 },
      unavailableProbability: 0,
      sampled: { c: 3 },
      n: 3,
      seed: 1,
    });
    const byDefault = cli('simulate', frontBack, '--host', 'back', '-n', '3', '--json');
    expect({ code: byDefault.code, err: byDefault.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(byDefault.out)).toEqual({ request: { multiValueHeaders: {}, method: 'GET', path: '/' }, ...result({ path: '/', headers: {} }) });
    const given = cli('simulate', frontBack, '--host', 'back', '-n', '3', '--json', '--method', 'POST', '--path', '/x', '-H', 'env: dev');
    expect(JSON.parse(given.out)).toEqual({ request: { multiValueHeaders: { env: ['dev'] }, method: 'POST', path: '/x' }, ...result({ path: '/x', headers: { env: 'dev' } }) });
  });
});

describe('cdk8s-lanes flags', () => {
  let frontBack: string;
  beforeAll(() => { frontBack = scratch('flags/front-back.yaml', FRONT_BACK); });

  test('-V prints the version, as --version does', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));
    expect(cli('-V')).toEqual({ code: 0, out: `cdk8s-lanes ${pkg.version}\n`, err: '' });
  });

  test('-n 0 draws no sample, and --seed takes its largest value 4294967295', () => {
    const r = cli('simulate', frontBack, '--host', 'back', '-n', '0', '--seed', '4294967295');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(4)).toEqual([
      'subset  probability  sampled (n=0, seed 4294967295)  lane marker x-asm-prefer-tag',
      'c       100%         0                               (unset)',
      '',
    ]);
  });

  test('-n in exponent notation is not an integer', () => {
    expect(cli('simulate', frontBack, '-n', '1e3')).toEqual({ code: 2, out: '', err: `cdk8s-lanes: -n needs an integer from 0 to 10,000,000, got "1e3"\n\n${commandUsage('simulate')}\n` });
  });

  test('--chain ignores spaces around names (an empty name is refused, see the errors above); -H trims the header name and lowercases it', () => {
    const r = cli('simulate', frontBack, '--chain', ' front , back', '-H', ' Env : dev', '-n', '0');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 2)).toEqual(['request: GET / env: dev', 'chain:   front -> back']);
    // simulate takes --host with --chain (the table the chain enters); only diagram refuses the pair
    expect(cli('simulate', frontBack, '--chain', 'front,back', '--host', 'front', '-n', '0').code).toBe(0);
  });

  test('-H without a name before the colon is refused', () => {
    expect(cli('simulate', frontBack, '-H', ':dev')).toEqual({ code: 2, out: '', err: `cdk8s-lanes: -H needs "name: value", got ":dev"\n\n${commandUsage('simulate')}\n` });
  });

  test('a flag that takes no value given one (--json=x) is refused as such, not as a flag that needs one', () => {
    expect(cli('simulate', frontBack, '--json=x')).toEqual({ code: 2, out: '', err: `cdk8s-lanes: --json takes no value\n\n${commandUsage('simulate')}\n` });
    expect(cli('simulate', frontBack, '--no-listener-isolation=false')).toEqual({
      code: 2, out: '', err: `cdk8s-lanes: --no-listener-isolation takes no value\n\n${commandUsage('simulate')}\n`,
    });
  });

  test('--scheme http is taken and is part of the request', () => {
    const r = cli('simulate', frontBack, '--host', 'back', '--scheme', 'http', '-n', '0', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).request).toEqual({ multiValueHeaders: {}, method: 'GET', path: '/', scheme: 'http' });
  });

  test('--no-listener-isolation: a request for a listener\'s hostname may take the routes of a listener that takes any host', () => {
    // listener isolation (Gateway API GatewayHTTPListenerIsolation): shop.example.com is only the shop listener's, which has no route
    const file = scratch('flags/isolation.yaml', [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: Gateway',
      'metadata: {name: gw, namespace: infra}',
      'spec:',
      '  gatewayClassName: c',
      '  listeners:',
      '    - {name: any, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}',
      '    - {name: shop, port: 80, protocol: HTTP, hostname: shop.example.com, allowedRoutes: {namespaces: {from: All}}}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: infra}',
      'spec: {selector: {app: web}, ports: [{port: 80}]}',
      '---',
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: to-any, namespace: infra}',
      'spec:',
      '  parentRefs: [{name: gw, sectionName: any}]',
      '  rules: [{backendRefs: [{name: web, port: 80}]}]',
      '',
    ].join('\n'));
    const simulate = (...flags: string[]) => cli('simulate', file, '--gateway', 'infra/gw', '-H', 'host: shop.example.com', '-n', '2', ...flags);
    const isolation = 'infra/gw: listener isolation (GatewayHTTPListenerIsolation) applies: a request is handled only by the most specific listener whose hostname matches it';
    expect(simulate()).toEqual({
      code: 0,
      err: `note: ${isolation}\n`,
      out: [
        'request: GET / host: shop.example.com',
        `entry:   ${file}: HTTPRoute infra/to-any`,
        'rule:    none matched (Istio answers 404)',
        `note: ${isolation}`,
        '',
      ].join('\n'),
    });
    expect(simulate('--no-listener-isolation')).toEqual({
      code: 0,
      err: '',
      out: [
        'request: GET / host: shop.example.com',
        `entry:   ${file}: HTTPRoute infra/to-any`,
        'rule:    to-any-rule-1',
        '',
        'subset          probability  sampled (n=2, seed 1)  lane marker x-asm-prefer-tag',
        '(any endpoint)  100%         2                      (unset)',
        '',
      ].join('\n'),
    });
  });
});

describe('cdk8s-lanes explain, check and diagram: the whole output', () => {
  let web: string;
  let findings: string;
  beforeAll(() => {
    web = scratch('explain/web.yaml', WEB_OLD);
    findings = scratch('check/findings.yaml', FINDINGS);
  });

  test('explain prints the rule table of each VirtualService, with hosts in the --cluster-domain given, and nothing after its last line', () => {
    expect(cli('explain', web, '--cluster-domain', 'example.org')).toEqual({
      code: 0,
      err: '',
      out: [
        `${web}: VirtualService x/web`,
        '  mesh (sidecars); hosts: web.x.svc.example.org',
        '  #  rule  match            destinations',
        '  1  dev   env exact "dev"  web/s1 50%, set x-lane=s1; web/s2 50%, fallback web/s1, set x-lane=s2',
        '  2  rest  (any request)    web/s1 100%',
        '',
        `${web}: VirtualService x/api`,
        '  mesh (sidecars); hosts: api.x.svc.example.org',
        '  #  rule       match          destinations',
        '  1  (unnamed)  (any request)  api/(any) 100%',
        '',
        'propagation: every service forwards x-lane from each request it receives to the calls it makes, so that requests keep their lane',
        '',
      ].join('\n'),
    });
  });

  test('explain of routes that set no header: the tables only, and no blank line after the last one', () => {
    const file = scratch('explain/front-back.yaml', FRONT_BACK);
    expect(cli('explain', file)).toEqual({
      code: 0,
      err: '',
      out: [
        `${file}: VirtualService x/front`,
        '  mesh (sidecars); hosts: front.x.svc.cluster.local',
        '  #  rule   match          destinations',
        '  1  split  (any request)  front/a 50%; front/b 50%',
        '',
        `${file}: VirtualService x/back`,
        '  mesh (sidecars); hosts: back.x.svc.cluster.local',
        '  #  rule  match          destinations',
        '  1  all   (any request)  back/c 100%',
        '',
      ].join('\n'),
    });
  });

  const partial = ' among the objects read (it may live elsewhere; --complete says the input is the whole cluster)';
  const lines = (file: string, domain = 'cluster.local') => ({
    errors: [0, 1].map(i => `Error [IST0112] (${file} (document 1): VirtualService x/web) http[${i}].route[0]: web exposes ports 80, 81 (Service x/web); name one with port.number`),
    warnings: [
      `Warning [IST0101] (${file} (document 1): VirtualService x/web) http[0].route[0]: the subset s2 of web is not found among the DestinationRules read for the host `
      + '(Istio merges a host\'s DestinationRules, so one read elsewhere may define it)',
      `Warning [LANE002] (${file} (document 1): VirtualService x/web) destination web.x.svc.${domain}/s1 does not set the routing header x-lane that the table's other lane destinations set, so the rest of the trace leaves the lane`,
    ],
    infos: [
      `Info [IST0101] (${file} (document 3): VirtualService x/back) http[0].route[0]: the subset c of back is not found${partial}`,
      `Info [IST0101] (${file} (document 3): VirtualService x/back) http[0].route[0]: the host "back" is not found${partial}`,
    ],
  });

  test('check prints every finding, Info included, and exits 1 on an Error', () => {
    const l = lines(findings);
    expect(cli('check', findings)).toEqual({ code: 1, err: '', out: `${[...l.errors, ...l.warnings, ...l.infos].join('\n')}\n` });
  });

  test('check --output-threshold Warning prints Errors and Warnings only; --cluster-domain is the domain of the Services\' hosts', () => {
    const l = lines(findings, 'example.org');
    expect(cli('check', findings, '--output-threshold', 'Warning', '--cluster-domain', 'example.org')).toEqual({ code: 1, err: '', out: `${[...l.errors, ...l.warnings].join('\n')}\n` });
    // the Service web is host web.x.svc.cluster.local only under the default domain
    const full = scratch('check/full-host.yaml', FINDINGS.replace(/host: web,/g, 'host: web.x.svc.cluster.local,'));
    expect(cli('check', full, '--output-threshold', 'Error').out).toContain('[IST0112]');
    expect(cli('check', full, '--output-threshold', 'Error', '--cluster-domain', 'example.org')).toEqual({ code: 0, err: '', out: 'no findings\n' });
  });

  test('check of a file that does not exist names it and exits 2', () => {
    const missing = path.join(dir, 'check', 'missing.yaml');
    expect(cli('check', missing)).toEqual({ code: 2, out: '', err: `cdk8s-lanes: ${missing}: no such file or directory\n` });
  });

  test('diagram --format svg of a lane the files do not hold: the error, exit 2 naming the flag', async () => {
    const file = scratch('diagram/front-back.yaml', FRONT_BACK);
    expect(await runCliAsync('diagram', file, '--format', 'svg', '--lane', 'zzz')).toEqual({
      code: 2,
      out: '',
      err: 'cdk8s-lanes: --lane "zzz" is no subset or lane marker of the routes read (subsets: a, b, c)\n',
    });
  });

  /** VirtualService `v${i}`: one rule splitting its requests over `n` subsets (one edge each). */
  const splitOver = (i: number, n: number) => [
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    `metadata: {name: v${i}, namespace: x}`,
    'spec:',
    `  hosts: [h${i}]`,
    `  http: [{route: [${Array.from({ length: n }, (_, j) => `{destination: {host: h${i}, subset: s${j}}, weight: ${n === 1 ? 100 : 1}}`).join(', ')}]}]`,
  ].join('\n');
  const tooLarge = (edges: number, chars: number) => `note: the diagram has ${edges} edges and ${chars.toLocaleString('en-US')} characters; Mermaid renders at most 500 edges and 50,000 characters by default (its maxEdges and maxTextSize settings): filter it with --host, --lane or --chain\n`;

  test('diagram: 500 edges is within what Mermaid renders; 501 edges, under 50,000 characters, gets the note', () => {
    const five = Array.from({ length: 5 }, (_, i) => splitOver(i, 100));
    const at = cli('diagram', scratch('diagram/500-edges.yaml', five.join('\n---\n')));
    expect(at.out.split('\n').filter(l => l.includes(' --> '))).toHaveLength(500);
    expect(at.out.length).toBeLessThan(50_000);
    expect({ code: at.code, err: at.err }).toEqual({ code: 0, err: '' });
    const over = cli('diagram', scratch('diagram/501-edges.yaml', [...five, splitOver(5, 1)].join('\n---\n')));
    expect(over.out.length).toBeLessThan(50_000);
    expect({ code: over.code, err: over.err }).toEqual({ code: 0, err: tooLarge(501, over.out.length) });
  });

  test('the edges counted against Mermaid\'s limit: plain, dashed, labelled and labelled dashed; node and box lines are none', () => {
    expect(mermaidEdgeCount([
      'flowchart LR',
      '  subgraph vs0["VirtualService x/v"]',
      // a label's ">" is written #gt; (see toMermaid), so no label holds an arrow
      '    r0{{"a -- b #gt; c"}}',
      '  end',
      '  a --> b',
      '  a -.-> b',
      '  a -- "50%" --> b',
      '  a -. "fallback" .-> b',
    ].join('\n'))).toBe(4);
    expect(mermaidEdgeCount('a -> b\na --- b\na ==> b')).toBe(0);
  });

  test('diagram: 50,000 characters is within what Mermaid renders; 50,001, with a single edge, gets the note', () => {
    const withRule = (name: string) => scratch('diagram/long-rule.yaml', `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v, namespace: x}\nspec:\n  hosts: [h]\n  http: [{name: ${name}, route: [{destination: {host: h}}]}]\n`);
    // the rule name is printed once: lengthen it until the diagram is 50,000 characters long
    const short = cli('diagram', withRule('r')).out.length;
    const name = 'r'.repeat(1 + 50_000 - short);
    const at = cli('diagram', withRule(name));
    expect({ code: at.code, err: at.err, length: at.out.length }).toEqual({ code: 0, err: '', length: 50_000 });
    const over = cli('diagram', withRule(`${name}r`));
    expect({ code: over.code, err: over.err, length: over.out.length }).toEqual({ code: 0, err: tooLarge(1, 50_001), length: 50_001 });
  });
});

describe('cdk8s-lanes: the limits and order of the files it reads', () => {
  test('a directory is read in name order even when the file system lists it in reverse', () => {
    const d = fs.mkdtempSync(path.join(dir, 'reverse-'));
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(d, `${name}.yaml`), `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: x}\nspec:\n  hosts: [${name}]\n  http: [{name: r, route: [{destination: {host: ${name}}}]}]\n`);
    const original = realFs.readdirSync;
    const reversed = jest.spyOn(realFs, 'readdirSync').mockImplementation(((p: fs.PathLike, o: any) =>
      (original(p, o) as unknown as fs.Dirent[]).sort((x, y) => (x.name < y.name ? 1 : -1))) as any);
    let r: CliResult;
    let listed: number;
    try {
      r = cli('explain', d);
      listed = reversed.mock.calls.length;
    } finally {
      reversed.mockRestore();
    }
    expect({ code: r.code, listed }).toEqual({ code: 0, listed: 1 });
    expect(r.out.split('\n').filter(l => l.includes(': VirtualService '))).toEqual(['a', 'b', 'c'].map(n => `${path.join(d, `${n}.yaml`)}: VirtualService x/${n}`));
  });

  test('files of exactly 64 MiB, 128 MiB in all, are within the limits: they are read', () => {
    const d = fs.mkdtempSync(path.join(dir, 'limits-'));
    // a.yaml (2 bytes, not valid YAML) is parsed first, and fails before the large files are parsed
    fs.writeFileSync(path.join(d, 'a.yaml'), ']\n');
    const MiB = 1024 * 1024;
    for (const [name, size] of [['b.yaml', 64 * MiB], ['c.yaml', 64 * MiB - 2]] as const) {
      fs.writeFileSync(path.join(d, name), '');
      fs.truncateSync(path.join(d, name), size);
    }
    expect(cli('explain', d)).toEqual({
      code: 2,
      out: '',
      err: `cdk8s-lanes: ${path.join(d, 'a.yaml')} (document 1): not valid YAML: end of the stream or a document separator is expected at line 1, column 1\n`,
    });
  });
});

/** `cdk8s-lanes ARGS...` as if stdout were a terminal (or not), with NO_COLOR set or not. */
function onTerminal(tty: boolean, noColor: string | undefined, ...args: string[]): CliResult {
  const savedTty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  const savedNoColor = process.env.NO_COLOR;
  Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true, writable: true });
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
  try {
    const out: string[] = [];
    const err: string[] = [];
    const code = run(args, s => out.push(`${s}\n`), s => err.push(`${s}\n`));
    return { code: code as number, out: out.join(''), err: err.join('') };
  } finally {
    if (savedTty) Object.defineProperty(process.stdout, 'isTTY', savedTty);
    else delete (process.stdout as any).isTTY;
    if (savedNoColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = savedNoColor;
  }
}

describe('cdk8s-lanes on a terminal: colour', () => {
  const red = (s: string) => `\u001b[31m${s}\u001b[0m`;

  test('a trace that fails somewhere is red, and the columns stay aligned (colour codes take no width)', () => {
    const r = onTerminal(true, undefined, 'simulate', FIXTURE, '-H', 'env: dev', '--chain', 'mocka,mockb,mockc', '--down', 's3', '-n', '0');
    expect(r.out.split('\n').slice(3, 6)).toEqual([
      'trace                                                                    probability  sampled (n=0, seed 1)',
      'mocka/s2(version: v2) -> mockb/s1(version: v1) -> mockc/s2(version: v2)  50%          0',
      `${red('mocka/s1(version: v1, fallback from s3) -> mockb(503)')}                    50%          0`,
    ]);
  });

  test('the 503 row of one VirtualService is red, the others are not', () => {
    const file = scratch('colour/front-back.yaml', FRONT_BACK);
    const r = onTerminal(true, undefined, 'simulate', file, '--host', 'front', '--down', 'b', '-n', '0');
    expect(r.out.split('\n').slice(4, 7)).toEqual([
      'subset                      probability  sampled (n=0, seed 1)  lane marker x-asm-prefer-tag',
      'a                           50%          0                      (unset)',
      `${red('503 (no healthy endpoints)')}  50%          0                      (unset)`,
    ]);
  });

  test('check: the level of an Error is red, of a Warning or an Info not', () => {
    const file = scratch('colour/findings.yaml', FINDINGS);
    const out = onTerminal(true, undefined, 'check', file);
    expect(out.code).toBe(1);
    expect(out.out.split('\n').map(l => l.split(' [')[0])).toEqual([red('Error'), red('Error'), 'Warning', 'Warning', 'Info', 'Info', '']);
  });

  test('no colour when NO_COLOR is set, nor when stdout is not a terminal', () => {
    const file = scratch('colour/front-back.yaml', FRONT_BACK);
    const plain = 'front/a -> back(503)  50%          0';
    for (const [tty, noColor] of [[true, '1'], [false, undefined]] as const) {
      const r = onTerminal(tty, noColor, 'simulate', file, '--chain', 'front,back', '--down', 'c', '-n', '0');
      expect({ tty, noColor, row: r.out.split('\n')[4] }).toEqual({ tty, noColor, row: plain });
    }
  });
});

describe('main(): the binary\'s entry point', () => {
  test('writes what a command prints to stdout, and errors to stderr', async () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let calls: { codes: number[]; out: unknown[][]; err: unknown[][] };
    try {
      const codes = [await main(['-V']), await main(['frobnicate'])];
      calls = { codes, out: [...stdout.mock.calls], err: [...stderr.mock.calls] };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));
    expect(calls).toEqual({
      codes: [0, 2],
      out: [[`cdk8s-lanes ${pkg.version}\n`]],
      err: [[`cdk8s-lanes: unknown command "frobnicate"\n\n${USAGE}\n`]],
    });
  });
});

describe('cdk8s-lanes --version: the package.json it reads', () => {
  const own = path.join(__dirname, '..', 'src', 'cli', 'package.json');
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8'));
  afterEach(() => jest.restoreAllMocks());

  test('a package.json of another package nearer the CLI is passed over for this package\'s own', () => {
    const exists = realFs.existsSync;
    const read = realFs.readFileSync;
    jest.spyOn(realFs, 'existsSync').mockImplementation(f => f === own || exists(f));
    jest.spyOn(realFs, 'readFileSync').mockImplementation(((f: any, o: any) => (f === own ? '{"name": "bundler-stub", "version": "9.9.9"}' : read(f, o))) as any);
    expect(version()).toBe(`cdk8s-lanes ${pkg.version}`);
  });

  test('without a package.json of this package above the CLI, the version is unknown', () => {
    jest.spyOn(realFs, 'existsSync').mockReturnValue(false);
    expect(version()).toBe('cdk8s-lanes (unknown version)');
  });
});

describe('cdk8s-lanes help COMMAND', () => {
  const everyCommand = [
    'flags of every command:',
    '  --cluster-domain DOMAIN       the cluster domain of Service hosts (default: cluster.local)',
    '  --asm-generated-namespace NS  where ASM writes the objects it generates for a lane group (default:',
    '                                istio-system)',
    '  --no-listener-isolation       a request may reach any Gateway listener its host matches',
    '  -h, --help                    this help',
    '',
    'FILES are YAML or JSON manifests, or directories (every .yaml, .yml and .json file under them)',
    '',
    'exit status: 0 done; 1 the answer is no (diff: traffic changed; check: a finding at the threshold);',
    '             2 a usage error (a flag), or input that cannot be read or is invalid (a file, a field)',
  ];

  test('help simulate: what it does, then every flag with a line of description and its default; simulate --help prints the same', () => {
    const r = cli('help', 'simulate');
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        'usage: cdk8s-lanes simulate FILES... [FLAGS]',
        '',
        'where a request goes: the matching rule, the exact lane probabilities and sampled requests; with',
        '--chain, hop by hop along a call chain',
        '',
        'flags:',
        "  -H, --header 'NAME: VALUE'    a header of the request (repeatable)",
        "  --path PATH                   the request's path, with its query (default: /)",
        "  --method METHOD               the request's method (default: GET)",
        "  --port N                      the port the request arrives on (default: the Host header's port,",
        "                                else the routes' one port, else 80 (443 for https))",
        "  --scheme http|https           the request's scheme (default: http)",
        "  --source-namespace NS         the namespace of the calling workload (a sidecar's request)",
        '  -n N                          how many requests to sample, at most 10,000,000 (default: 100)',
        '  --seed N                      where the random samples start: the same number draws the same',
        '                                samples (default: 1)',
        '  --down LANE                   a lane (or HOST/LANE) with no healthy endpoints (repeatable)',
        '  --gateway NS/NAME             enter through the VirtualServices bound to this gateway',
        '  --host HOST                   enter at the route table of this host (a short name works)',
        '  --chain HOST,HOST,...         follow a call chain hop by hop (its hosts in call order)',
        '  --routing-header NAME         the header that carries the lane (default: the one the routes set,',
        '                                else x-asm-prefer-tag)',
        '  --complete                    the files hold every object of the cluster: a backend they lack',
        '                                fails with 500',
        '  --json                        the answer as JSON',
        '',
        ...everyCommand,
        '',
      ].join('\n'),
    });
    expect(cli('simulate', '--help')).toEqual(r);
  });

  test('help explain: no flags of its own, so none listed', () => {
    expect(cli('help', 'explain')).toEqual({
      code: 0,
      err: '',
      out: ['usage: cdk8s-lanes explain FILES... [FLAGS]', '', 'the rule table of every VirtualService', '', ...everyCommand, ''].join('\n'),
    });
  });

  test('a flag two commands take is described, with its values and default, as each takes it', () => {
    expect(cli('help', 'diagram').out).toContain('\n  --format mermaid|markdown|svg  Mermaid, Markdown (a fenced block) or SVG (default: mermaid)\n');
    expect(cli('help', 'diff').out).toContain('\n  --format table|markdown|json  a table, Markdown (for a pull-request comment) or JSON (default:\n                                table)\n');
    expect(cli('help', 'check').out).toContain('\n  --complete                    the files hold every object of the cluster: a reference to one they\n');
  });

  test.each(['simulate', 'explain', 'diagram', 'diff', 'check'])('help %s: within 100 columns, and every flag the command takes is in it', (command) => {
    const help = cli('help', command).out;
    expect(help.split('\n').filter(l => l.length > 100)).toEqual([]);
    // the flags the parser takes for the command (a flag it does not take is a usage error naming it)
    const candidates = ['header', 'path', 'method', 'port', 'scheme', 'source-namespace', 'seed', 'down', 'gateway', 'host', 'lane', 'chain',
      'routing-header', 'complete', 'format', 'failure-threshold', 'output-threshold', 'json', 'cluster-domain', 'asm-generated-namespace', 'no-listener-isolation'];
    const refused = (f: string) => {
      const withValue = cli(command, 'nothing.yaml', `--${f}=x`).err;
      return (withValue.includes('takes no value') ? cli(command, 'nothing.yaml', `--${f}`).err : withValue).includes('is an option of');
    };
    const taken = candidates.filter(f => !refused(f));
    expect(taken.length).toBeGreaterThanOrEqual(3);
    for (const f of taken) expect(help).toContain(`--${f}`);
    for (const f of candidates.filter(c => !taken.includes(c))) expect(help).not.toContain(`--${f} `);
  });

  test('the overview: each command in a line or two, within 100 columns', () => {
    const out = cli('help').out;
    expect(out.split('\n').slice(0, 4)).toEqual([
      'usage: cdk8s-lanes COMMAND ARGS... [FLAGS]',
      '',
      '  simulate  where a request goes: the matching rule, the exact lane probabilities and sampled',
      '            requests',
    ]);
    expect(out.split('\n').filter(l => l.length > 100)).toEqual([]);
    expect(out).toContain('\ncdk8s-lanes help COMMAND (or COMMAND --help) lists its flags; cdk8s-lanes -v prints the version.\n');
  });
});

describe('cdk8s-lanes simulate on the Gateway API: ports, schemes, callers, the complete view, notes', () => {
  const CONFORMANCE = path.join(__dirname, 'fixtures', 'gateway-api-conformance');
  const base = path.join(CONFORMANCE, 'base', 'manifests.yaml');

  test('--port and --scheme: a redirect\'s status and Location are the row; --no-listener-isolation is taken', () => {
    const file = path.join(CONFORMANCE, 'httproute-redirect-port-and-scheme.yaml');
    const r = cli('simulate', base, file, '--gateway', 'gateway-conformance-infra/same-namespace-with-http-listener-on-8080', '--port', '8080', '--path', '/scheme-https-and-port-nil', '-n', '2', '--no-listener-isolation');
    expect(r.code).toBe(0);
    expect(r.out).toContain('302 redirect to https://example.org/scheme-https-and-port-nil  100%');
    const https = cli('simulate', base, file, '--gateway', 'gateway-conformance-infra/same-namespace-with-https-listener', '--port', '443', '--scheme', 'https', '--path', '/scheme-nil-and-port-nil', '-H', 'host: example.org', '-n', '1', '--json');
    expect(JSON.parse(https.out).outcomes[0].location).toBe('https://example.org/scheme-nil-and-port-nil');
  });

  test('--complete: a backend the files lack fails with 500; without it, the share is routed and a note says so', () => {
    const file = path.join(CONFORMANCE, 'httproute-invalid-nonexistent-backendref.yaml');
    const partial = cli('simulate', base, file, '--gateway', 'gateway-conformance-infra/same-namespace', '-n', '1');
    expect(partial.code).toBe(0);
    expect(partial.out).toMatch(/\nnote: .*HTTPRoute gateway-conformance-infra\/invalid-nonexistent-backend-ref rules\[0\]\.backendRefs\[0\]: no Service gateway-conformance-infra\/nonexistent was read; routed as if it existed \(with complete, the share fails with 500\)\n/);
    const complete = cli('simulate', base, file, '--gateway', 'gateway-conformance-infra/same-namespace', '-n', '1', '--complete');
    expect(complete.out).toContain('500 (the backend cannot be used)');
  });

  test('--source-namespace: a consumer route takes the calls of its own namespace only', () => {
    const files = [path.join(CONFORMANCE, 'mesh', 'manifests.yaml'), path.join(CONFORMANCE, 'mesh', 'mesh-consumer-route.yaml')];
    const from = (ns: string) => JSON.parse(cli('simulate', ...files, '--host', 'echo-v1.gateway-conformance-mesh.svc.cluster.local', '--source-namespace', ns, '-n', '1', '--json').out);
    expect(from('gateway-conformance-mesh-consumer').outcomes[0].responseHeaders).toEqual({ set: { 'x-header-set': 'set' }, add: {}, remove: [] });
    expect(from('gateway-conformance-mesh').virtualService).toBeUndefined();
  });

  test.each<[string[], string]>([
    [['--port', '0'], '--port needs an integer from 1 to 65,535, got "0"'],
    [['--scheme', 'ftp'], '--scheme needs http or https, got "ftp"'],
  ])('%j is a usage error', (flags, message) => {
    const r = cli('simulate', base, ...flags);
    expect([r.code, r.err]).toEqual([2, expect.stringContaining(message)]);
  });

  test('check --complete: the files are the whole cluster', () => {
    const file = path.join(CONFORMANCE, 'httproute-invalid-nonexistent-backendref.yaml');
    expect(cli('check', file).code).toBe(0);
    const complete = cli('check', file, '--complete');
    expect([complete.code, complete.out]).toEqual([1, expect.stringContaining('IST0101')]);
  });

  test('diff --complete: a backend the new version lacks is a change to 500', () => {
    const file = path.join(dir, 'gw-diff.yaml');
    const route = (backend: string) => Yaml.stringify(
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'infra' }, spec: { gatewayClassName: 'c', listeners: [{ name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'shop' }, spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: backend, port: 80 }] }] } });
    fs.writeFileSync(file, route('web'));
    const after = path.join(dir, 'gw-diff-after.yaml');
    fs.writeFileSync(after, route('webb'));
    const partial = cli('diff', file, after, '--json');
    const complete = cli('diff', file, after, '--json', '--complete');
    expect(JSON.parse(partial.out).entries[0].classes[0].after[0].target).toBe('webb.shop.svc.cluster.local:80');
    expect(JSON.parse(complete.out).entries[0].classes[0].after[0].target).toBe('500');
  });
});

describe('the lanes of a chain\'s trace', () => {
  test('a hop served by a subset without labels: its lane after the name, and a fallback said in the parentheses', () => {
    const file = scratch('trace/fallback.yaml', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: front, namespace: x}\n'
      + 'spec:\n  hosts: [front]\n  http: [{route: [{destination: {host: front, subset: a}, fallback: {target: {host: front, subset: b}}}]}]\n');
    const r = cli('simulate', file, '--chain', 'front', '--down', 'a', '-n', '0');
    expect(r.out.split('\n').slice(3, 5)).toEqual(['trace                     probability  sampled (n=0, seed 1)', 'front/b(fallback from a)  100%         0']);
  });
});

describe('the layout of the CLI\'s tables', () => {
  test('Service hosts as explain writes them: the first label, or name.namespace when two hosts share it', () => {
    const short = shortHosts(['web.a.svc.cluster.local/s1 100%', 'web.b.svc.cluster.local 50%; api.a.svc.corp.example:8080/s2 50%']);
    expect(short('web.a.svc.cluster.local/s1 100%; api.a.svc.corp.example:8080/s2')).toBe('web.a/s1 100%; api:8080/s2');
    expect(short('503; 302 https://example.org/x; other.host.com')).toBe('503; 302 https://example.org/x; other.host.com');
  });

  test('a table within a width: the widest columns narrowed, each cell broken after "; ", before " -> " or at a blank', () => {
    const rows = [['a', 'b'], ['x', 'one two three; four five -> six seven']];
    expect(table(rows)).toBe('a  b\nx  one two three; four five -> six seven');
    expect(table(rows, 20).split('\n')).toEqual(['a  b', 'x  one two three;', '   four five', '   -> six seven']);
    // a cell exactly as wide as its column stays whole; "; " at the column's edge goes to the next line
    expect(table([['a', 'b'], ['x', 'aaaaaaaaaaaa'], ['y', 'bbbbbbbbbbbb; c']], 15).split('\n')).toEqual(['a  b', 'x  aaaaaaaaaaaa', 'y  bbbbbbbbbbbb', '   ; c']);
    expect(table([['a', 'b'], ['x', 'mocka/s3 30% fallback mocka/s1']], 30).split('\n')).toEqual(['a  b', 'x  mocka/s3 30%', '   fallback mocka/s1']);
    // what is left of a cell, exactly as wide as its column, is its last line
    expect(table([['a', 'b'], ['x', 'aaaa bbbbbbbbbbbb']], 15).split('\n')).toEqual(['a  b', 'x  aaaa', '   bbbbbbbbbbbb']);
    // no column narrower than 12; a word longer than its column is cut
    expect(table([['a', 'b'], ['x', 'abcdefghijklmnopq']], 5).split('\n')).toEqual(['a  b', 'x  abcdefghijkl', '   mnopq']);
  });
});
