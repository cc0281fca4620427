/**
 * Every input checked at the boundary: each case a user met (issue "Every input checked at the boundary")
 * as a named regression test, for JavaScript callers, config loaded from JSON or YAML, and the CLI.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { chainGroupProps, synth } from './helpers';
import { ROOT } from './repo';
import { HeaderMatch, LaneGroup, LaneRouting, LaneRoutingProps, LaneSimulator, QueryParamMatch, RoutePlacement, StringMatch, Target } from '../src';
import { main } from '../src/cli/main';
import { SHAPES } from '../src/private/validation/shapes';

const HOST = 'mocka.default.svc.cluster.local';
const C = 'LaneRouting "test/r"';

function props(overrides: object = {}): LaneRoutingProps {
  return {
    target: Target.ASM,
    host: HOST,
    lanes: [{ name: 's1' }, { name: 's2' }],
    baseline: 's1',
    rules: [{ name: 'dev', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] }],
    sidecar: {},
    ...overrides,
  } as LaneRoutingProps;
}

/** The error a LaneRouting with these (JavaScript-shaped) props raises. */
function errorOf(p: object): Error {
  try {
    new LaneRouting(Testing.chart(), 'r', p as LaneRoutingProps);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('reserved keys: rendered faithfully or refused, never lost', () => {
  test('"__proto__" and "constructor" as routingHeader, header name or query-parameter name are refused', () => {
    expect(errorOf(props({ routingHeader: '__proto__' })).message).toBe(`${C}: routingHeader "__proto__" is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
    expect(() => HeaderMatch.exact('__proto__', 'x')).toThrow('HeaderMatch name "__proto__" is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name');
    expect(() => HeaderMatch.exact('constructor', 'x')).toThrow('HeaderMatch name "constructor" is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name');
    expect(() => QueryParamMatch.exact('__proto__', 'x')).toThrow('QueryParamMatch name "__proto__" is reserved in JavaScript objects');
    expect(() => QueryParamMatch.exact('constructor', 'x')).toThrow('QueryParamMatch name "constructor" is reserved in JavaScript objects');
  });

  test('a "__proto__" key in config (e.g. parsed from JSON) is refused with its path', () => {
    const labels = JSON.parse('{"__proto__": "x", "version": "v1"}');
    expect(errorOf(props({ lanes: [{ name: 's1', podLabels: labels }, { name: 's2', servedBy: 's1' }] })).message).toBe(
      `${C}: props.lanes[0].podLabels has the key "__proto__", which is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
    expect(errorOf(props({ lanes: [{ name: 's1', podLabels: { constructor: 'x' } }, { name: 's2', servedBy: 's1' }] })).message).toBe(
      `${C}: props.lanes[0].podLabels has the key "constructor", which is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
  });

  test('"prototype" and other names that are Object properties render and simulate like any other name', () => {
    for (const name of ['prototype', 'tostring', 'hasownproperty']) {
      const chart = Testing.chart();
      const routing = new LaneRouting(chart, 'r', props({ rules: [{ name: 'c', matches: [{ headers: [HeaderMatch.exact(name, 'x')] }], split: [{ lane: 's2' }] }] }));
      expect(synth(chart)[0].spec.http[0].match).toEqual([{ headers: { [name]: { exact: 'x' } } }]);
      expect(routing.simulate({ headers: { [name]: 'x' } }).rule).toBe('c');
      expect(routing.simulate({}).rule).toBe('base-route');
    }
  });
});

describe('values that do not come through the TypeScript types', () => {
  test.each<[string, object, string]>([
    ['a plain object in place of HeaderMatch (CR/LF in its name)', { rules: [{ name: 'x', matches: [{ headers: [{ name: 'x\r\nevil', match: { kind: 'exact', value: 'a' } }] }], split: [{ lane: 's2' }] }] },
      `${C}: props.rules[0].matches[0].headers[0] must be made with HeaderMatch.exact(), .prefix(), .regex(), .present() or .absent(), got {"name":"x\\r\\nevil","match":{"kind":"exact","value":"a"}}`],
    ['headers on a custom route', { routesBefore: [{ name: 'h', matches: [{ uri: StringMatch.exact('/h') }], destinations: [{ host: HOST }], headers: { request: { set: { a: 'b' } } } }] },
      `${C}: props.routesBefore[0] has unknown property "headers" (known: timeout, retries, name, matches, destinations)`],
    ['a null split entry', { rules: [{ name: 'x', matches: [{ uri: StringMatch.exact('/x') }], split: [null] }] },
      `${C}: props.rules[0].split[0] must be an object, got null`],
    ['sidecar.hosts as a string', { sidecar: { hosts: HOST } },
      `${C}: props.sidecar.hosts must be a list, got "mocka.default.svc.cluster.local"`],
    ['retryOn as a number (YAML reads 503 as one)', { routeOptions: { retries: { attempts: 2, retryOn: 503 } } },
      `${C}: props.routeOptions.retries.retryOn must be a string, got 503`],
    ['a query parameter without a match', { rules: [{ name: 'q', matches: [{ queryParams: [{ name: 'lane' }] }], split: [{ lane: 's2' }] }] },
      `${C}: props.rules[0].matches[0].queryParams[0] must be made with QueryParamMatch.exact() or .regex(), got {"name":"lane"}`],
    ['a weight given as text', { rules: [{ name: 'w', matches: [{ uri: StringMatch.exact('/w') }], split: [{ lane: 's1', weight: '50' }, { lane: 's2', weight: '50' }] }] },
      `${C}: props.rules[0].split[0].weight must be a number, got "50"`],
    ['a misspelt prop', { sidcar: {} }, `${C}: props has unknown property "sidcar" (known: host, port, lanes, baseline, target, mode, routingHeader, laneServices, propagation, rules, defaultRouteName, routeOptions, routesBefore, routesAfter, gateway, sidecar, destinationRule)`],
    ['a missing required prop', { host: undefined }, `${C}: props.host is required (a string)`],
    ['an unknown target', { target: 'LINKERD' }, `${C}: props.target must be one of "ASM", "ISTIO", "GATEWAY_API", got "LINKERD"`],
  ])('%s', (_name, overrides, message) => {
    const e = errorOf(props(overrides));
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e.message).toBe(message);
  });

  test('a 100,000-character lane name gives a short message', () => {
    const message = errorOf(props({ lanes: [{ name: 'a'.repeat(100_000) }], baseline: 'x' })).message;
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('… (100000 characters)');
  });

  test('LaneGroup props, addRule, addCustomRoute and simulate() are checked the same way', () => {
    const group = new LaneGroup(Testing.chart(), 'g', chainGroupProps());
    expect(() => new LaneGroup(Testing.chart(), 'h', { ...chainGroupProps(), lanes: [{ name: 's1', services: 'mocka' }] } as any))
      .toThrow('LaneGroup "test/h": props.lanes[0].services must be a list, got "mocka"');
    expect(() => group.addRule({ name: 'x', matches: [{ uri: '/x' }], split: [{ lane: 's2' }] } as any))
      .toThrow('LaneGroup "test/g": rule.matches[0].uri must be made with StringMatch.exact(), .prefix() or .regex(), got "/x"');
    expect(() => group.addCustomRoute('mocka', { name: 'x', matches: [{ uri: StringMatch.exact('/x') }], destinations: [{ host: HOST }] }, 'FIRST' as any))
      .toThrow('LaneGroup "test/g": placement must be one of "BEFORE_LANE_RULES", "AFTER_LANE_RULES", got "FIRST"');
    expect(() => group.simulate({ header: { env: 'dev' } } as any)).toThrow('LaneGroup "test/g": request has unknown property "header" (known: headers, multiValueHeaders, path, method, port, scheme)');
  });
});

describe('RequestMatch.authority and pseudo-headers', () => {
  test('authority renders as Istio\'s authority match and is simulated from the Host header', () => {
    const chart = Testing.chart();
    const routing = new LaneRouting(chart, 'r', props({
      rules: [{ name: 'shop', matches: [{ authority: StringMatch.prefix('shop.') }], split: [{ lane: 's2' }] }],
    }));
    expect(synth(chart)[0].spec.http[0].match).toEqual([{ authority: { prefix: 'shop.' } }]);
    expect(routing.simulate({ headers: { Host: 'shop.example.com' } }).rule).toBe('shop');
    expect(routing.simulate({ headers: { ':authority': 'shop.example.com' } }).rule).toBe('shop');
    expect(routing.simulate({ headers: { host: 'www.example.com' } }).rule).toBe('base-route');
  });

  test('pseudo-headers match the request\'s own fields', () => {
    const chart = Testing.chart();
    const routing = new LaneRouting(chart, 'r', props({
      rules: [{ name: 'post', matches: [{ headers: [HeaderMatch.exact(':method', 'POST'), HeaderMatch.prefix(':path', '/api?')] }], split: [{ lane: 's2' }] }],
    }));
    expect(synth(chart)[0].spec.http[0].match).toEqual([{ headers: { ':method': { exact: 'POST' }, ':path': { prefix: '/api?' } } }]);
    expect(routing.simulate({ method: 'POST', path: '/api?x=1' }).rule).toBe('post');
    expect(routing.simulate({ method: 'GET', path: '/api?x=1' }).rule).toBe('base-route');
  });
});

describe('sizes', () => {
  test('an object over 1.5 MiB is an error at synth; over 256 KiB a warning', () => {
    const huge = new LaneRouting(Testing.chart(), 'r', props({ rules: [{ name: 'big', matches: [{ headers: [HeaderMatch.exact('x', 'v'.repeat(2 * 1024 * 1024))] }], split: [{ lane: 's2' }] }] }));
    expect(() => Testing.synth(huge.node.scope as any)).toThrow(/LaneRouting "test\/r": the sidecar VirtualService is 2\.00 MiB of JSON, above the 1\.50 MiB the API server accepts for one object \(etcd's limit\)/);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const big = new LaneRouting(Testing.chart(), 'r', props({ rules: [{ name: 'big', matches: [{ headers: [HeaderMatch.exact('x', 'v'.repeat(300 * 1024))] }], split: [{ lane: 's2' }] }] }));
      Testing.synth(big.node.scope as any);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^LaneRouting "test\/r": the sidecar VirtualService is 30\d KiB of JSON; client-side `kubectl apply` cannot store/), { code: 'CDK8S_LANES_SIZE' });
    } finally {
      warn.mockRestore();
    }
  });

  test('rules have a documented ceiling, checked without re-checking every earlier rule', () => {
    const rules = Array.from({ length: 1_001 }, (_, i) => ({ name: `r${i}`, matches: [{ uri: StringMatch.exact(`/r${i}`) }], split: [{ lane: 's2' }] }));
    expect(errorOf(props({ rules })).message).toBe(`${C}: props.rules has 1001 entries; at most 1000 are allowed`);
    const routing = new LaneRouting(Testing.chart(), 'r', props({ rules: rules.slice(0, 999) }));
    expect(routing.routeNames).toHaveLength(1000);
    expect(() => routing.addRule({ ...rules[5], name: 'again' })).toThrow(`${C}: rule "again" match 1 repeats rule "r5" match 1, so it can never match`);
    routing.addRule(rules[999]);
    expect(() => routing.addRule(rules[1000])).toThrow(`${C}: rule "r1000": a VirtualService holds at most 1000 rules and custom routes; split the routing`);
  });
});

describe('the CLI on real files and flags', () => {
  let dir: string;
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, s => out.push(s), s => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-'));
    const chart = Testing.chart();
    new LaneRouting(chart, 'r', props({ lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' } }] }));
    fs.mkdirSync(path.join(dir, 'out', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out', 'nested', 'lanes.k8s.yaml'), Yaml.stringify(...synth(chart)));
    fs.writeFileSync(path.join(dir, 'out', 'README.md'), 'not a manifest');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a directory is read recursively (.yaml, .yml, .json)', async () => {
    const r = await run('simulate', path.join(dir, 'out'), '-H', 'env: dev', '-n', '10');
    expect(r.code).toBe(0);
    expect(r.out).toContain('rule:    dev');
    expect((await run('explain', path.join(dir))).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(await run('explain', path.join(dir, 'empty'))).toMatchObject({ code: 2, err: `cdk8s-lanes: ${path.join(dir, 'empty')}: a directory without .yaml, .yml or .json files` });
  });

  test('--down and --routing-header must name what the files hold', async () => {
    const file = path.join(dir, 'out');
    expect(await run('simulate', file, '--down', 's9')).toMatchObject({ code: 2, err: 'cdk8s-lanes: --down s9: no such subset in the files read (subsets: s1, s2)' });
    expect(await run('simulate', file, '--routing-header', 'x-lane')).toMatchObject({ code: 2, err: 'cdk8s-lanes: --routing-header x-lane: no route in the files read sets it (headers the routes set: x-asm-prefer-tag)' });
  });

  test('numeric flags are bounded', async () => {
    const r = await run('simulate', path.join(dir, 'out'), '-n', '99999999999999999999');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cdk8s-lanes: -n needs an integer from 0 to 10,000,000, got "99999999999999999999"/);
  });

  test('a weight written as text is an error naming its field', async () => {
    const file = path.join(dir, 'text-weight.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: w, namespace: default}\nspec:\n  hosts: [a.default.svc.cluster.local]\n  http:\n    - route:\n        - {destination: {host: a.default.svc.cluster.local, subset: s1}, weight: "50"}\n        - {destination: {host: a.default.svc.cluster.local, subset: s2}, weight: "50"}\n');
    expect(await run('simulate', file)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${file} (document 1): VirtualService default/w http[0].route[0].weight: must be an integer from 0 to 2147483647, got "50"` });
  });

  test('a file too large to read is refused before it is read', async () => {
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 100 * 1024 * 1024);
    expect(await run('simulate', file)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${file}: 100.0 MiB; cdk8s-lanes reads files of at most 64 MiB (split it, or give the directory of a cdk8s synth output)` });
    fs.rmSync(file);
  });

  test('a file of Deployments is named, with what it holds', async () => {
    const file = path.join(dir, 'deploy.yaml');
    fs.writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n');
    expect(await run('simulate', file)).toMatchObject({ code: 2, err: `cdk8s-lanes: no VirtualService found in ${file} (apiVersion networking.istio.io/*, kind VirtualService, with hosts; or gateway.networking.k8s.io/v1 HTTPRoutes); read: Deployment (2)` });
  });

  test('kinds the simulator does not read are skipped with a note, not a reason to refuse the file', async () => {
    const file = path.join(dir, 'mixed.yaml');
    fs.writeFileSync(file, `${fs.readFileSync(path.join(dir, 'out', 'nested', 'lanes.k8s.yaml'), 'utf-8')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: mocka}\ndata: {a: b}\n`);
    const r = await run('explain', file);
    expect(r.code).toBe(0);
    expect(r.err).toBe('note: skipped 1 objects of kinds the simulation does not read: ConfigMap (1)');
  });

  test('a YAML alias bomb is refused quickly, naming the file and document', async () => {
    const file = path.join(dir, 'bomb.yaml');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    fs.writeFileSync(file, `${levels.join('\n')}\n`);
    const r = await run('simulate', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^cdk8s-lanes: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(document 1\\): .*alias`, 'i'));
  });

  test('a missing file and a field of the wrong type end in a message, never a stack trace', async () => {
    expect(await run('explain', path.join(dir, 'nope.yaml'))).toMatchObject({ code: 2, err: `cdk8s-lanes: ${path.join(dir, 'nope.yaml')}: no such file or directory` });
    const file = path.join(dir, 'hosts.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: h}\nspec: {hosts: a.b.c, http: [{route: [{destination: {host: a.b.c}}]}]}\n');
    expect(await run('explain', file)).toMatchObject({ code: 2, err: `cdk8s-lanes: ${file} (document 1): VirtualService h hosts: must be a list, got "a.b.c"` });
  });
});

describe('LaneSimulator arguments', () => {
  test('unhealthyLanes must name subsets; arguments are shape-checked', () => {
    const sim = LaneSimulator.fromYaml(Yaml.stringify(...synth((() => {
      const chart = Testing.chart();
      new LaneRouting(chart, 'r', props());
      return chart;
    })())));
    expect(() => sim.simulate({}, { unhealthyLanes: ['s9'] })).toThrow('unhealthyLanes: "s9" names no subset of the VirtualServices and DestinationRules read (subsets: s1, s2)');
    expect(() => sim.simulate({}, { unhealthyLanes: 's2' } as any)).toThrow('LaneSimulator.simulate(): options.unhealthyLanes must be a list, got "s2"');
    expect(() => LaneSimulator.fromYaml(42 as any)).toThrow('LaneSimulator.fromYaml(): yaml must be a string, got 42');
    expect(() => sim.simulateChain([], {})).toThrow('LaneSimulator.simulateChain(): services needs at least 1 entry');
  });

  test('custom routes keep to RoutePlacement', () => {
    const routing = new LaneRouting(Testing.chart(), 'r', props());
    expect(() => routing.addCustomRoute({ name: 'x', matches: [{ uri: StringMatch.exact('/x') }], destinations: [{ host: HOST }] }, 'LAST' as RoutePlacement))
      .toThrow(`${C}: placement must be one of "BEFORE_LANE_RULES", "AFTER_LANE_RULES", got "LAST"`);
  });
});

describe('the boundary shapes mirror the public API', () => {
  test('every input struct of the jsii assembly has a shape with exactly its properties', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
    const outputs = ['Backend', 'ChainPathResult', 'Hop', 'LaneMarker', 'SimulationResult', 'TrafficDiff', 'EntryTrafficDiff', 'RequestClassDiff', 'TrafficShare', 'ChainClassDiff', 'ForwardedRequest', 'HeaderModifications', 'Mirror'];
    const propertiesOf = (fqn: string): string[] => {
      const t = assembly.types[fqn];
      return [...(t.properties ?? []).map((p: any) => p.name), ...(t.interfaces ?? []).flatMap(propertiesOf)];
    };
    const structs = Object.keys(assembly.types).filter(fqn => assembly.types[fqn].datatype && !outputs.includes(assembly.types[fqn].name));
    expect(structs.length).toBeGreaterThan(15);
    for (const fqn of structs) {
      const name = assembly.types[fqn].name as keyof typeof SHAPES;
      // a struct's shape: the object guard, then the strict object with its entries
      const entries = (SHAPES[name] as any)?.pipe?.[1]?.entries;
      expect({ name, keys: entries ? Object.keys(entries).sort() : 'no shape' }).toEqual({ name, keys: propertiesOf(fqn).sort() });
    }
  });
});
