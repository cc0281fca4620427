import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Testing, Yaml } from 'cdk8s';
import { load as loadYaml } from 'js-yaml';
import { chainGroupProps, synth, withoutOrigin } from './helpers';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import { DiagramFormat, HeaderMatch, LaneGroup, LaneRouting, LaneSimulator, Mode, Target } from '../src';
import { baggageEntryPattern } from '../src/private/model/marker';
import { simulateChain as engineChain } from '../src/private/simulate/engine';
import { shortNames } from '../src/private/simulate/explain';
import { baggageEntry, forward, headerValue, makeRequest, parseQuery } from '../src/private/simulate/request';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'mock-chain.yaml'), 'utf-8');
const CHAIN = ['mocka', 'mockb', 'mockc'];

function scenario(name: string): LaneRouting {
  return new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS[name]).routing;
}

describe('LaneRouting.simulate(): the verification table of ASM\'s permissive-lane scenario reproduced', () => {
  test('without env: dev every request goes to s1', () => {
    const r = scenario('permissive').simulate({ headers: {} });
    expect(r.rule).toEqual('base-route');
    expect(r.laneProbabilities).toEqual({ s1: 1 });
    expect(r.outcomes.map(o => o.marker.value)).toEqual(['s1']);
  });

  test('env: dev splits exactly 0.5 / 0.5 between s2 and s3, each pinned by its header', () => {
    const r = scenario('permissive').simulate({ headers: { env: 'dev' } });
    expect(r.rule).toEqual('dev-route');
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(r.outcomes.map(o => [o.lane, o.marker.value])).toEqual([['s2', 's2'], ['s3', 's3']]);
  });

  test('a routing header sent by the client is overwritten by the rule (x-asm-prefer-tag: s1 + env: dev → s2/s3)', () => {
    const r = scenario('permissive').simulate({ headers: { 'x-asm-prefer-tag': 's1', 'env': 'dev' } });
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(r.outcomes.map(o => o.marker.value)).toEqual(['s2', 's3']);
  });

  test('s3 down: its share falls back to s1 (ASM fallback); the destination still sets s3', () => {
    const r = scenario('permissive').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s3'] });
    expect(r.subsetProbabilities).toEqual({ s2: 0.5, s1: 0.5 });
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 }); // the request stays in lane s3
    expect(r.outcomes[1]).toEqual({
      host: 'mocka.default.svc.cluster.local',
      virtualService: 'VirtualService istio-system/swimlane-ingress-vs-custom',
      rule: 'dev-route',
      lane: 's3',
      backend: { host: 'mocka.default.svc.cluster.local', subset: 's1' },
      viaFallback: true,
      failed: false,
      probability: 0.5,
      marker: { header: 'x-asm-prefer-tag', value: 's3' },
      reason: 'rule "dev-route" matched, weight 50 of 100; subset "s3" of mocka.default.svc.cluster.local is marked unhealthy, so the fallback subset "s1" of mocka.default.svc.cluster.local serves it',
      labels: undefined,
      status: 200,
      // the backend receives the lane the route set, over what the caller sent
      request: { path: '/', headers: { 'env': 'dev', 'x-asm-prefer-tag': 's3' } },
    });
    expect(r.unavailableProbability).toEqual(0);
  });

  test('s3 down and its fallback s1 down as well: that share fails (503), and the reason names both', () => {
    const r = scenario('permissive').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s3', 's1'] });
    expect(r.subsetProbabilities).toEqual({ s2: 0.5 });
    expect(r.laneProbabilities).toEqual({ s2: 0.5 });
    expect(r.unavailableProbability).toEqual(0.5);
    expect(r.outcomes[1]).toMatchObject({ lane: 's3', backend: undefined, viaFallback: false, failed: true, probability: 0.5 });
    expect(r.outcomes[1].reason).toBe('rule "dev-route" matched, weight 50 of 100; subset "s3" of mocka.default.svc.cluster.local is marked unhealthy and its fallback: subset "s1" of mocka.default.svc.cluster.local is marked unhealthy (503)');
    // a fallback down while its lane is healthy changes nothing
    expect(scenario('permissive').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s1'] }).subsetProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
  });

  test('s2 down (no fallback): its share fails', () => {
    const r = scenario('permissive').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s2'] });
    expect(r.laneProbabilities).toEqual({ s3: 0.5 });
    expect(r.unavailableProbability).toEqual(0.5);
  });

  test('custom header on the sidecar: my-trace-id: s2 without env: dev still lands in s1', () => {
    const r = scenario('custom-header').simulate({ headers: { 'my-trace-id': 's2' } }, { host: 'mocka' });
    expect(r.virtualService).toEqual('VirtualService istio-system/swimlane-sidecar-vs-custom');
    expect(r.laneProbabilities).toEqual({ s1: 1 });
    expect(r.outcomes[0].marker.value).toEqual('s1');
  });

  test('custom header with env: dev on the sidecar: 50/50, my-trace-id set per lane', () => {
    const r = scenario('custom-header').simulate({ headers: { 'my-trace-id': 's1', 'env': 'dev' } }, { host: 'mocka' });
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(r.outcomes.map(o => o.marker.value)).toEqual(['s2', 's3']);
  });

  test('strict mode: same lanes, and the routing header passes through as the client sent it', () => {
    const r = scenario('strict').simulate({ headers: { 'env': 'dev', 'x-asm-prefer-tag': 'from-client' } });
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(r.outcomes.map(o => o.marker.value)).toEqual(['from-client', 'from-client']);
    expect(scenario('strict').simulate({}).outcomes[0].marker.value).toBeUndefined();
  });

  test('simulating a routing equals simulating the YAML it synthesizes', () => {
    const chart = new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.permissive);
    const yaml = LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)));
    for (const headers of [{}, { env: 'dev' }, { env: 'prod' }] as Array<{ [name: string]: string }>) {
      const fromYaml = yaml.simulate({ headers }, { unhealthyLanes: ['s3'] });
      const fromModel = chart.routing.simulate({ headers }, { unhealthyLanes: ['s3'] });
      expect(fromYaml.virtualService).toEqual(`input: ${fromModel.virtualService}`);
      expect(fromModel).toEqual(withoutOrigin(fromYaml, 'input'));
    }
  });

  test('addRule() is seen by the simulation', () => {
    const routing = scenario('permissive');
    expect(routing.simulate({ headers: { env: 'qa' } }).laneProbabilities).toEqual({ s1: 1 });
    routing.addRule({ name: 'qa', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's3' }] });
    expect(routing.simulate({ headers: { env: 'qa' } }).laneProbabilities).toEqual({ s3: 1 });
  });

  test('a routing without the requested entry point says so', () => {
    const chart = Testing.chart();
    const r = new LaneRouting(chart, 'x', { target: Target.ASM, host: 'a.b.svc.cluster.local', lanes: [{ name: 's1' }], baseline: 's1', sidecar: {}, mode: Mode.STRICT });
    expect(() => r.simulate({}, { gateway: 'istio-system/ingressgateway' })).toThrow(/^LaneRouting "test\/x": no VirtualService bound to gateway "istio-system\/ingressgateway"; found: VirtualService b\/test-x-sidecarvirtualservice-/);
    expect(r.simulate({}).virtualService).toMatch(/^VirtualService b\/test-x-sidecarvirtualservice-/);
  });
});

describe('LaneSimulator on hand-written YAML', () => {
  const sim = LaneSimulator.fromYaml(FIXTURE, 'mock-chain.yaml');

  test('reads the VirtualServices', () => {
    expect(sim.virtualServices).toEqual(['istio-system/swimlane-ingress-vs-custom', 'default/mockb-lanes', 'default/mockc-lanes']);
  });

  test('the scenario\'s trace table: env: dev gives v2 -> v1 -> v2 and v1 -> v3 -> v1 at 50:50', () => {
    const paths = sim.simulateChain(CHAIN, { headers: { env: 'dev' } });
    expect(paths.map(p => [p.trace, p.probability])).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1, fallback from s3) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
    // s3 does not hold mocka: no DestinationRule subset, so the scenario's fallback to s1 serves it
    expect(paths[1].hops[0]).toMatchObject({ lane: 's3', backend: { subset: 's1' }, viaFallback: true, labels: { version: 'v1' } });
    expect(paths[1].hops[0].reason).toMatch(/no DestinationRule defines subset "s3" of mocka.default.svc.cluster.local, so the fallback subset "s1"/);
  });

  test('without env: dev the whole chain stays in the baseline', () => {
    expect(sim.simulateChain(CHAIN, {}).map(p => [p.trace, p.probability])).toEqual([
      ['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v1)', 1],
    ]);
  });

  test('a call from inside the mesh enters through the callee sidecar VirtualService', () => {
    const r = sim.simulate({ headers: { 'x-asm-prefer-tag': 's3' } }, { host: 'mockb.default.svc.cluster.local' });
    expect([r.rule, r.laneProbabilities]).toEqual(['s3', { s3: 1 }]);
  });

  test('unknown services and ambiguous entries are reported', () => {
    expect(() => sim.simulateChain(['mockz'], {})).toThrow('service "mockz" is not routed by any VirtualService read (known hosts: mocka.default.svc.cluster.local, mockb.default.svc.cluster.local, mockc.default.svc.cluster.local)');
    expect(() => sim.simulate({}, { gateway: 'istio-system/other' })).toThrow(/^no VirtualService bound to gateway "istio-system\/other"; found: mock-chain.yaml: VirtualService istio-system\/swimlane-ingress-vs-custom/);
  });

  test('explain and diagram describe every VirtualService', () => {
    expect(sim.explain()).toContain('1  s3        x-asm-prefer-tag exact "s3"  mockb/s3 100%');
    expect(sim.diagram().split('\n')[0]).toEqual('flowchart LR');
    expect(sim.diagram()).toContain('-. "fallback (no healthy endpoints)" .->');
  });
});

describe('matching semantics (Istio / Envoy)', () => {
  const vs = (match: string) => LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t, namespace: default}
spec:
  hosts: [a.default.svc.cluster.local]
  http:
    - name: hit
      match: ${match}
      route: [{destination: {host: a.default.svc.cluster.local, subset: hit}}]
`);
  const hits = (match: string, request: object) => vs(match).simulate(request as any).matched;

  test.each<[string, string, object, boolean]>([
    ['header exact', '[{headers: {env: {exact: dev}}}]', { headers: { Env: 'dev' } }, true],
    ['header exact is case-sensitive in the value', '[{headers: {env: {exact: dev}}}]', { headers: { env: 'Dev' } }, false],
    ['header prefix', '[{headers: {user: {prefix: qa-}}}]', { headers: { user: 'qa-7' } }, true],
    ['header regex must match the whole value', '[{headers: {v: {regex: "v[0-9]"}}}]', { headers: { v: 'v12' } }, false],
    ['header regex full match', '[{headers: {v: {regex: "v[0-9]+"}}}]', { headers: { v: 'v12' } }, true],
    ['header present', '[{headers: {x-beta: {}}}]', { headers: { 'x-beta': '' } }, true],
    ['header present, missing', '[{headers: {x-beta: {}}}]', { headers: {} }, false],
    ['withoutHeaders: absent', '[{withoutHeaders: {x-opt-out: {}}}]', { headers: {} }, true],
    ['withoutHeaders: present', '[{withoutHeaders: {x-opt-out: {}}}]', { headers: { 'x-opt-out': '1' } }, false],
    ['withoutHeaders exact: other value matches', '[{withoutHeaders: {env: {exact: prod}}}]', { headers: { env: 'dev' } }, true],
    ['uri prefix ignores the query string', '[{uri: {prefix: /api}}]', { path: '/api/v1?x=1' }, true],
    ['uri exact', '[{uri: {exact: /api}}]', { path: '/api/v1' }, false],
    ['method', '[{method: {exact: POST}}]', { method: 'POST' }, true],
    ['query param exact', '[{queryParams: {lane: {exact: beta}}}]', { path: '/?lane=beta' }, true],
    ['query param missing', '[{queryParams: {lane: {exact: beta}}}]', { path: '/' }, false],
    ['AND inside a block', '[{headers: {env: {exact: dev}}, uri: {prefix: /api}}]', { headers: { env: 'dev' }, path: '/web' }, false],
    ['OR across blocks', '[{headers: {env: {exact: dev}}}, {uri: {prefix: /api}}]', { headers: {}, path: '/api' }, true],
  ])('%s', (_name, match, request, expected) => {
    expect(hits(match, request)).toBe(expected);
  });

  test('no rule matches: Istio answers 404', () => {
    const r = vs('[{headers: {env: {exact: dev}}}]').simulate({});
    expect([r.matched, r.rule, r.outcomes, r.laneProbabilities]).toEqual([false, undefined, [], {}]);
  });

  test('weights are proportional and 0-weight destinations are skipped', () => {
    const sim = LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t}
spec:
  hosts: [a.b.svc.cluster.local]
  http:
    - route:
        - {destination: {host: a.b.svc.cluster.local, subset: x}, weight: 1}
        - {destination: {host: a.b.svc.cluster.local, subset: "y"}, weight: 3}
        - {destination: {host: a.b.svc.cluster.local, subset: z}, weight: 0}
`);
    expect(sim.simulate({}).laneProbabilities).toEqual({ x: 0.25, y: 0.75 });
  });
});

describe('unsupported constructs are refused by name, never simulated wrongly', () => {
  const vs = (http: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t, namespace: x}
spec:
  hosts: [a.x.svc.cluster.local]
  http:
${http}`;
  test.each<[string, string, RegExp]>([
    ['redirect', '    - redirect: {uri: /x}', /^f \(document 1\): VirtualService x\/t http\[0\]: "redirect" is not supported by the lane simulation \(it could change where requests go\); supported here: name, match, route, headers/],
    ['fault', '    - fault: {abort: {httpStatus: 500}}\n      route: [{destination: {host: a}}]', /"fault" is not supported/],
    ['gateways in a match', '    - match: [{gateways: [x]}]\n      route: [{destination: {host: a}}]', /http\[0\]\.match\[0\]: "gateways" is not supported/],
    ['header remove', '    - route: [{destination: {host: a}, headers: {request: {remove: [x]}}}]', /route\[0\]\.headers\.request: "remove" is not supported/],
    ['fallback case', '    - route: [{destination: {host: a}, fallback: {case: noinstances, target: {host: a}}}]', /fallback: "case" is not supported by the lane simulation/],
    ['two kinds in one string match', '    - match: [{uri: {exact: /a, prefix: /b}}]\n      route: [{destination: {host: a}}]', /match\[0\]\.uri: has exact and prefix; exactly one is allowed/],
    ['a regex RE2 refuses', '    - match: [{uri: {regex: "a(?=b)"}}]\n      route: [{destination: {host: a}}]', /uri: regex "a\(\?=b\)" is not valid RE2/],
    ['zero total weight', '    - route: [{destination: {host: a}, weight: 0}, {destination: {host: b}}]', /total destination weight is 0/],
  ])('%s', (_name, http, message) => {
    expect(() => LaneSimulator.fromYaml(vs(http), 'f')).toThrow(message);
  });

  test('the caller\'s namespace and the port are matched; what is read but not modelled is a note on the answer', () => {
    const sim = LaneSimulator.fromYaml(vs([
      '    - match: [{sourceNamespace: front, port: 8080}]',
      '      timeout: 1s',
      '      retries: {attempts: 3}',
      '      rewrite: {uri: /v2}',
      '      route: [{destination: {host: a, subset: front}}]',
      '    - route: [{destination: {host: a, subset: rest}}]',
    ].join('\n')), 'f');
    const from = (request: object, options: object) => sim.simulate(request, { host: 'a', ...options }).outcomes[0].backend!.subset;
    expect([from({ port: 8080 }, { sourceNamespace: 'front' }), from({ port: 80 }, { sourceNamespace: 'front' }), from({ port: 8080 }, { sourceNamespace: 'back' }), from({ port: 8080 }, {})])
      .toEqual(['front', 'rest', 'rest', 'rest']);
    expect(sim.simulate({ port: 8080 }, { host: 'a', sourceNamespace: 'front' }).notes).toEqual([
      'f: VirtualService x/t http[0].timeout: a backend slower than that gets the request a 504, which only the run time decides',
      'f: VirtualService x/t http[0].retries: a failed attempt is tried again, which only the run time decides',
      'f: VirtualService x/t http[0].rewrite: the path or authority the backend receives is rewritten, which the simulation does not show',
    ]);
    expect(() => LaneSimulator.fromYaml(vs('    - match: [{port: 0}]\n      route: [{destination: {host: a}}]'), 'f')).toThrow('f (document 1): VirtualService x/t http[0].match[0].port: must be an integer from 1 to 65535, got 0');
  });

  test('tcp routes and files without VirtualServices', () => {
    expect(() => LaneSimulator.fromYaml('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: t}\nspec: {hosts: [a.b.c], tcp: [{route: []}]}', 'f'))
      .toThrow('f (document 1): VirtualService t: "tcp" is not supported by the lane simulation (it could change where requests go); supported here: hosts, gateways, http');
    expect(() => LaneSimulator.fromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}')).toThrow('no VirtualService found in input (apiVersion networking.istio.io/*, kind VirtualService, with hosts; or gateway.networking.k8s.io/v1 HTTPRoutes); read: ConfigMap (1)');
    expect(() => LaneSimulator.fromYaml('a: [', 'broken.yaml')).toThrow(/^broken.yaml \(document 1\): not valid YAML/);
  });
});

/** A VirtualService document (more documents can follow after `---`). */
const yamlDocs = (...docs: string[]) => docs.map(d => d.trim()).join('\n---\n');

/** The hand-written chain without its ingress VirtualService: two sidecar VirtualServices and the DestinationRules. */
const SIDECARS = FIXTURE.split('---\n').slice(1).join('---\n');

describe('argument checks name the method, the argument and the value', () => {
  const sim = LaneSimulator.fromYaml(FIXTURE, 'mock-chain.yaml');

  test('reading', () => {
    expect(() => LaneSimulator.fromYaml(42 as any)).toThrow(new Error('LaneSimulator.fromYaml(): yaml must be a string, got 42'));
    expect(() => LaneSimulator.fromYaml(FIXTURE, 7 as any)).toThrow(new Error('LaneSimulator.fromYaml(): fileName must be a string, got 7'));
    expect(() => LaneSimulator.fromYamlSources('x' as any)).toThrow(new Error('LaneSimulator.fromYamlSources(): sources must be a list, got "x"'));
    expect(() => LaneSimulator.fromYaml(FIXTURE, 'f', { bogus: 1 } as any))
      .toThrow(new Error('LaneSimulator: options has unknown property "bogus" (known: clusterDomain, asmGeneratedNamespace, listenerIsolation)'));
    // a construct's path given for the construct: no TypeError, and the way to read YAML
    expect(() => LaneSimulator.fromConstruct('chart' as any)).toThrow(new Error(
      'LaneSimulator.fromConstruct(): scope must be a construct (a Chart, a LaneRouting, a LaneGroup ...), got "chart"; read YAML with LaneSimulator.fromYaml()'));
    expect(() => LaneSimulator.fromConstruct({ node: 1 } as any)).toThrow(/^LaneSimulator\.fromConstruct\(\): scope must be a construct .*got \{"node":1\};/);
  });

  test('simulating', () => {
    expect(() => sim.simulate(null as any)).toThrow(new Error('LaneSimulator.simulate(): request must be an object, got null'));
    // a Map holds its entries where no reader looks: refused, never read as no header
    expect(() => sim.simulate({ headers: new Map([['env', 'dev']]) as any })).toThrow(new Error('LaneSimulator.simulate(): request.headers must be a plain object ({ name: value }), not a Map'));
    expect(() => sim.simulate({ multiValueHeaders: new Set() as any })).toThrow(new Error('LaneSimulator.simulate(): request.multiValueHeaders must be an object, got a Set'));
    expect(() => sim.simulateChain('mocka' as any, {})).toThrow(new Error('LaneSimulator.simulateChain(): services must be a list, got "mocka"'));
    expect(() => sim.simulateChain(CHAIN, {}, { bogus: 1 } as any))
      .toThrow(new Error('LaneSimulator.simulateChain(): options has unknown property "bogus" (known: unhealthyLanes, routingHeader, baggageKey, gateway, host, sourceNamespace, complete)'));
  });

  test('diff', () => {
    expect(() => sim.diff('x' as any)).toThrow(new Error('LaneSimulator.diff(): after must be a LaneSimulator, got "x"'));
    expect(() => sim.diff(null as any)).toThrow(new Error('LaneSimulator.diff(): after must be a LaneSimulator, got null'));
    // a construct given for its simulator: named, with the two ways to get one
    const routing = new LaneRouting(Testing.chart(), 'mocka', { target: Target.ASM, host: 'mocka.default.svc.cluster.local', lanes: [{ name: 's1' }], baseline: 's1', sidecar: {} });
    expect(() => sim.diff(routing as any)).toThrow(new Error(
      'LaneSimulator.diff(): after must be a LaneSimulator, got a LaneRouting "test/mocka"; read a construct with LaneSimulator.fromConstruct(), or take its simulator()'));
    expect(() => sim.diff(sim, { bogus: 1 } as any)).toThrow(new Error('LaneSimulator.diff(): options has unknown property "bogus" (known: chain, complete)'));
    expect(() => sim.diff(sim, { chain: [] })).toThrow(new Error('LaneSimulator.diff(): options.chain needs at least one service'));
  });

  test('diagrams', async () => {
    expect(() => sim.diagram({ bogus: 1 } as any))
      .toThrow(new Error('LaneSimulator.diagram(): options has unknown property "bogus" (known: host, lane, chain, baggageKey, routingHeader, format)'));
    await expect(sim.diagramSvg({ bogus: 1 } as any))
      .rejects.toThrow(new Error('LaneSimulator.diagramSvg(): options has unknown property "bogus" (known: host, lane, chain, baggageKey, routingHeader, format)'));
    await expect(sim.diagramSvg({ format: DiagramFormat.MERMAID }))
      .rejects.toThrow(new Error('LaneSimulator.diagramSvg(): options.format is for diagram(); diagramSvg() draws SVG, got "mermaid"'));
    expect(() => sim.diagram({ chain: ['mocka'], host: 'mockb' })).toThrow(new Error('diagram: give host or chain, not both (the chain names its hosts)'));
  });
});

describe('entry points: which VirtualService a simulation enters through', () => {
  const sim = LaneSimulator.fromYaml(FIXTURE, 'mock-chain.yaml');
  const FOUND = 'found: mock-chain.yaml: VirtualService istio-system/swimlane-ingress-vs-custom (gateways: istio-system/ingressgateway); '
    + 'mock-chain.yaml: VirtualService default/mockb-lanes (mesh, hosts: mockb.default.svc.cluster.local); '
    + 'mock-chain.yaml: VirtualService default/mockc-lanes (mesh, hosts: mockc.default.svc.cluster.local)';

  test('gateway and host together are refused', () => {
    expect(() => sim.simulate({}, { gateway: 'istio-system/ingressgateway', host: 'mockb' })).toThrow(new Error('give gateway or host, not both'));
  });

  test('a host without a sidecar VirtualService: any endpoint of its Service serves it, as in a chain', () => {
    const r = sim.simulate({ headers: { 'x-asm-prefer-tag': 's2' } }, { host: 'mocka' });
    expect([r.virtualService, r.matched, r.status, r.notes, r.outcomes]).toEqual([undefined, true, 200, [], [{
      host: 'mocka.default.svc.cluster.local',
      backend: { host: 'mocka.default.svc.cluster.local' },
      viaFallback: false,
      failed: false,
      status: 200,
      probability: 1,
      marker: { header: 'x-asm-prefer-tag', value: 's2' },
      reason: 'no route table routes mocka.default.svc.cluster.local: any endpoint of the Service mocka.default.svc.cluster.local serves the request',
      request: { path: '/', headers: { 'x-asm-prefer-tag': 's2' } },
    }]]);
    // a gateway no route table is bound to: the message lists every route table and where it applies
    expect(() => sim.simulate({}, { gateway: 'istio-system/other' })).toThrow(new Error(`no VirtualService bound to gateway "istio-system/other"; ${FOUND}`));
    // a host no route names and no Service is: the message lists what is known
    expect(() => sim.simulate({}, { host: 'mockz' })).toThrow('service "mockz" is not routed by any VirtualService read (known hosts: ');
  });

  test('several gateway-bound VirtualServices and no gateway given: the choice is asked for', () => {
    const two = LaneSimulator.fromYaml(yamlDocs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: g1, namespace: istio-system}
spec:
  gateways: [istio-system/gw-a, mesh]
  hosts: [a.default.svc.cluster.local]
  http: [{route: [{destination: {host: a.default.svc.cluster.local}}]}]`, `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: g2, namespace: istio-system}
spec:
  gateways: [istio-system/gw-b]
  hosts: ['*']
  http: [{route: [{destination: {host: b.default.svc.cluster.local}}]}]`), 'e.yaml');
    expect(() => two.simulate({})).toThrow(new Error('2 VirtualServices bound to a gateway: choose one with a gateway (namespace/name) or a host; '
      + 'they are: e.yaml: VirtualService istio-system/g1 (gateways: istio-system/gw-a; mesh, hosts: a.default.svc.cluster.local); '
      + 'e.yaml: VirtualService istio-system/g2 (gateways: istio-system/gw-b)'));
    expect(two.simulate({}, { gateway: 'istio-system/gw-b' }).virtualService).toEqual('e.yaml: VirtualService istio-system/g2');
  });

  test('the same gateway in two apps of one directory tree: no gateway tells them apart, one directory does', () => {
    const vs = (name: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: istio-system}\n`
      + 'spec:\n  gateways: [istio-system/gw]\n  hosts: [\'*\']\n  http: [{route: [{destination: {host: a.default.svc.cluster.local}}]}]\n';
    const apps = LaneSimulator.fromYamlSources([{ name: 'dist/istio/app.k8s.yaml', yaml: vs('edge') }, { name: 'dist/asm/app.k8s.yaml', yaml: vs('edge') }]);
    const they = 'they are: dist/istio/app.k8s.yaml: VirtualService istio-system/edge (gateways: istio-system/gw); dist/asm/app.k8s.yaml: VirtualService istio-system/edge (gateways: istio-system/gw)';
    expect(() => apps.simulate({})).toThrow(new Error(`2 VirtualServices bound to a gateway: choose one with a host, or read one directory: they come from dist/istio, dist/asm (one app each?); ${they}`));
    expect(() => apps.simulate({}, { gateway: 'istio-system/gw' })).toThrow(new Error(
      `2 VirtualServices bound to gateway "istio-system/gw": choose one with a host, or read one directory: they come from dist/istio, dist/asm (one app each?); ${they}`));
    // files of the working directory and of another: the working directory is "."
    const here = LaneSimulator.fromYamlSources([{ name: 'a.yaml', yaml: vs('a') }, { name: 'x/b.yaml', yaml: vs('b') }]);
    expect(() => here.simulate({})).toThrow(/choose one with a host, or read one directory: they come from \., x \(one app each\?\);/);
    // a gateway given that both are bound to, one also to another: the gateway no longer tells them apart
    const other = vs('b').replace('gateways: [istio-system/gw]', 'gateways: [istio-system/gw, istio-system/gw2]');
    const both = LaneSimulator.fromYamlSources([{ name: 'a.yaml', yaml: vs('a') }, { name: 'b.yaml', yaml: other }]);
    expect(() => both.simulate({})).toThrow(/^2 VirtualServices bound to a gateway: choose one with a gateway \(namespace\/name\) or a host; they are/);
    expect(() => both.simulate({}, { gateway: 'istio-system/gw' })).toThrow(/^2 VirtualServices bound to gateway "istio-system\/gw": choose one with a host; they are/);
    // objects of constructs: no file, no directory
    const chart = Testing.chart();
    for (const name of ['a', 'b']) new ApiObject(chart, name, loadYaml(vs(name)) as any);
    expect(() => LaneSimulator.fromConstruct(chart).simulate({})).toThrow(/^2 VirtualServices bound to a gateway: choose one with a host; they are: VirtualService istio-system\/a \(gateways/);
    // files of one directory, or of no directory: no directory to suggest
    const one = LaneSimulator.fromYamlSources([{ name: 'a.yaml', yaml: vs('a') }, { name: 'b.yaml', yaml: vs('b') }]);
    expect(() => one.simulate({})).toThrow(/^2 VirtualServices bound to a gateway: choose one with a host; they are: a\.yaml/);
  });

  test('sidecar VirtualServices only: simulate() asks for a host, simulateChain() enters at its first service', () => {
    const side = LaneSimulator.fromYaml(SIDECARS, 's.yaml');
    expect(() => side.simulate({})).toThrow(new Error('2 VirtualServices: choose one with a host; '
      + 'they are: s.yaml: VirtualService default/mockb-lanes (mesh, hosts: mockb.default.svc.cluster.local); '
      + 's.yaml: VirtualService default/mockc-lanes (mesh, hosts: mockc.default.svc.cluster.local)'));
    expect(side.simulateChain(['mockc'], { headers: { 'x-asm-prefer-tag': 's2' } }).map(p => [p.trace, p.probability])).toEqual([['mockc(version: v2)', 1]]);
  });

  test('short names: an unknown one lists the known hosts (never "*"), an ambiguous one lists its candidates', () => {
    const known = '(known hosts: mocka.default.svc.cluster.local, mockb.default.svc.cluster.local, mockc.default.svc.cluster.local)';
    expect(() => sim.simulateChain(['*'], {})).toThrow(new Error(`service "*" is not routed by any VirtualService read ${known}`));
    const twoA = LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t, namespace: default}
spec:
  hosts: [a.default.svc.cluster.local]
  http: [{route: [{destination: {host: a.other.svc.cluster.local}}]}]`);
    expect(() => twoA.simulateChain(['a'], {})).toThrow(new Error('service "a" is ambiguous: a.default.svc.cluster.local, a.other.svc.cluster.local'));
  });
});

describe('the known hosts a message lists', () => {
  test('a destination host "*" is never listed as a service', () => {
    const sim = LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t, namespace: default}
spec:
  hosts: [a.default.svc.cluster.local]
  http: [{route: [{destination: {host: '*'}}]}]`);
    expect(() => sim.simulateChain(['nope'], {})).toThrow(new Error('service "nope" is not routed by any VirtualService read (known hosts: a.default.svc.cluster.local)'));
  });
});

describe('chains: every way a hop can end', () => {
  // a's only routed subset v2 has no DestinationRule subset: its fallback v1 serves it; b's sidecar matches on
  // the authority the call is sent to; c has no VirtualService
  const CH = yamlDocs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: front, namespace: istio-system}
spec:
  gateways: [istio-system/gw]
  hosts: ['*']
  http:
    - name: to-a
      route:
        - destination: {host: a.default.svc.cluster.local, subset: v2}
          fallback: {target: {host: a.default.svc.cluster.local, subset: v1}}
          headers: {request: {set: {x-lane: blue}}}`, `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b-lanes, namespace: default}
spec:
  hosts: [b.default.svc.cluster.local]
  http:
    - name: by-authority
      match: [{authority: {exact: b.default.svc.cluster.local}, headers: {x-lane: {exact: blue}, x-user: {exact: u1}}}]
      route: [{destination: {host: b.default.svc.cluster.local, subset: v1}}]`, `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a, namespace: default}
spec:
  host: a.default.svc.cluster.local
  subsets: [{name: v1, labels: {app: a, version: v1}}]`, `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: c, namespace: default}
spec:
  host: c.default.svc.cluster.local
  subsets: [{name: v1, labels: {app: c}}]`);
  const sim = LaneSimulator.fromYaml(CH, 'ch.yaml');
  // the first hop; the request its backend receives carries the caller's headers and the lane set
  const hopA = (headers: { [name: string]: string } = {}) => ({
    host: 'a.default.svc.cluster.local',
    virtualService: 'ch.yaml: VirtualService istio-system/front',
    rule: 'to-a',
    lane: 'blue',
    backend: { host: 'a.default.svc.cluster.local', subset: 'v1', port: undefined },
    viaFallback: true,
    failed: false,
    probability: 1,
    marker: { header: 'x-lane', value: 'blue' },
    reason: 'rule "to-a" matched; no DestinationRule defines subset "v2" of a.default.svc.cluster.local, so the fallback subset "v1" of a.default.svc.cluster.local serves it',
    labels: { app: 'a', version: 'v1' },
    status: 200,
    request: { path: '/', headers: { ...headers, 'x-lane': 'blue' } },
  });

  test('a fallback, a match on the authority the call is sent to, and a service without VirtualService', () => {
    expect(sim.simulateChain(['a', 'b', 'c'], { headers: { 'x-user': 'u1' } }, { routingHeader: 'x-lane' })).toEqual([{
      hops: [hopA({ 'x-user': 'u1' }), {
        host: 'b.default.svc.cluster.local',
        virtualService: 'ch.yaml: VirtualService default/b-lanes',
        rule: 'by-authority',
        lane: 'v1',
        backend: { host: 'b.default.svc.cluster.local', subset: 'v1', port: undefined },
        viaFallback: false,
        failed: false,
        probability: 1,
        marker: { header: 'x-lane', value: 'blue' },
        reason: 'rule "by-authority" matched',
        labels: undefined,
        status: 200,
        request: { authority: 'b.default.svc.cluster.local', path: '/', headers: { 'x-user': 'u1', 'x-lane': 'blue' } },
      }, {
        host: 'c.default.svc.cluster.local',
        virtualService: undefined,
        rule: undefined,
        viaFallback: false,
        failed: false,
        probability: 1,
        marker: { header: 'x-lane', value: 'blue' },
        reason: 'no VirtualService routes c.default.svc.cluster.local: any of its endpoints serves it',
        status: 200,
        request: { authority: 'c.default.svc.cluster.local', path: '/', headers: { 'x-user': 'u1', 'x-lane': 'blue' } },
      }],
      probability: 1,
      trace: 'a(app: a, version: v1, fallback from v2) -> b(subset v1) -> c(any)',
    }]);
  });

  test('no rule of the next sidecar matches: the path ends there with 404', () => {
    expect(sim.simulateChain(['a', 'b', 'c'], {}, { routingHeader: 'x-lane' })).toEqual([{
      hops: [hopA(), {
        host: 'b.default.svc.cluster.local',
        virtualService: 'ch.yaml: VirtualService default/b-lanes',
        rule: undefined,
        viaFallback: false,
        failed: true,
        status: 404,
        probability: 1,
        marker: { header: 'x-lane', value: 'blue' },
        reason: 'no rule of ch.yaml: VirtualService default/b-lanes matches the request (404)',
      }],
      probability: 1,
      trace: 'a(app: a, version: v1, fallback from v2) -> b(404)',
    }]);
  });
});

describe('unhealthy lanes', () => {
  const sim = LaneSimulator.fromYaml(FIXTURE, 'mock-chain.yaml');
  const traces = (unhealthyLanes: string[]) => sim.simulateChain(CHAIN, { headers: { env: 'dev' } }, { unhealthyLanes }).map(p => [p.trace, p.probability]);

  test('host/subset marks that subset of that host alone', () => {
    expect(traces(['mockc/s2'])).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(503)', 0.5],
      ['mocka(version: v1, fallback from s3) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
    expect(traces(['mockc.default.svc.cluster.local/s2'])).toEqual(traces(['mockc/s2']));
  });

  test('a failed hop ends its path: its hop says 503 and why', () => {
    const paths = sim.simulateChain(CHAIN, { headers: { env: 'dev' } }, { unhealthyLanes: ['mockb/s3'] });
    expect(paths.map(p => [p.trace, p.probability])).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1, fallback from s3) -> mockb(503)', 0.5],
    ]);
    expect(paths[1].hops[0].reason).toEqual('rule "dev-route" matched, weight 50 of 100; no DestinationRule defines subset "s3" of mocka.default.svc.cluster.local, so the fallback subset "s1" of mocka.default.svc.cluster.local serves it');
    expect(paths[1].hops[1]).toEqual({
      host: 'mockb.default.svc.cluster.local',
      virtualService: 'mock-chain.yaml: VirtualService default/mockb-lanes',
      rule: 's3',
      lane: 's3',
      backend: undefined,
      viaFallback: false,
      failed: true,
      status: 503,
      probability: 1,
      marker: { header: 'x-asm-prefer-tag', value: 's3' },
      reason: 'rule "s3" matched; subset "s3" of mockb.default.svc.cluster.local is marked unhealthy and it has no fallback (503)',
      labels: undefined,
    });
  });

  test('a lane that names no subset, or a host part that names no host, is refused', () => {
    expect(() => sim.simulate({}, { unhealthyLanes: ['s9'] }))
      .toThrow(new Error('unhealthyLanes: "s9" names no subset of the VirtualServices and DestinationRules read (subsets: s1, s2, s3)'));
    expect(() => sim.simulate({}, { unhealthyLanes: ['mockc/s9'] }))
      .toThrow(new Error('unhealthyLanes: "mockc/s9" names no subset of the VirtualServices and DestinationRules read (subsets: s1, s2, s3)'));
    expect(() => sim.simulate({}, { unhealthyLanes: ['/s2'] }))
      .toThrow(new Error('service "" is not routed by any VirtualService read (known hosts: mocka.default.svc.cluster.local, mockb.default.svc.cluster.local, mockc.default.svc.cluster.local)'));
  });
});

describe('why a share went where it went', () => {
  const sim = LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: w, namespace: default}
spec:
  hosts: [w.default.svc.cluster.local]
  http:
    - name: one-live
      match: [{headers: {k: {exact: one}}}]
      route:
        - {destination: {host: w.default.svc.cluster.local, subset: x}, weight: 100, headers: {request: {set: {x-lane: x, a-tag: x}}}}
        - {destination: {host: w.default.svc.cluster.local, subset: "y"}, weight: 0}
        - {destination: {host: w.default.svc.cluster.local, subset: z}, weight: 0}
    - route: [{destination: {host: w.default.svc.cluster.local, subset: "y"}}]`, 'w.yaml');

  test('one live destination: the rule alone (0-weight destinations do not count); an unnamed rule by its position', () => {
    expect(sim.simulate({ headers: { k: 'one' } }).outcomes.map(o => o.reason)).toEqual(['rule "one-live" matched']);
    expect(sim.simulate({}).outcomes.map(o => o.reason)).toEqual(['rule 2 matched']);
  });

  test('the headers the routes set, sorted', () => {
    expect(sim.routingHeaders).toEqual(['a-tag', 'x-lane']);
  });
});

describe('requests as Envoy sees them', () => {
  test('defaults: path "/", scheme http, method GET, no authority, no query', () => {
    expect(makeRequest({})).toEqual({ headers: {}, path: '/', rawPath: '/', authority: undefined, scheme: 'http', query: {}, method: 'GET' });
    expect(makeRequest({ path: '/p', method: 'PUT' })).toEqual({ headers: {}, path: '/p', rawPath: '/p', authority: undefined, scheme: 'http', query: {}, method: 'PUT' });
  });

  test('pseudo-headers are the request\'s own fields; names are case-insensitive; repeated headers are joined by ","', () => {
    expect(makeRequest({
      headers: { ':path': '/x?y=1&y=2', ':authority': 'h.example', ':scheme': 'https', ':method': 'POST', 'Host': 'other.example', 'X-A': '1' },
      multiValueHeaders: { 'x-a': ['2', '3'] },
    })).toEqual({
      headers: { 'host': 'other.example', 'x-a': '1,2,3' },
      path: '/x',
      rawPath: '/x?y=1&y=2',
      authority: 'h.example',
      host: 'h.example',
      scheme: 'https',
      query: { y: '1' },
      method: 'POST',
    });
  });

  test('the host header is the authority when there is no :authority; a path that is only a query string', () => {
    expect(makeRequest({ headers: { host: 'h2.example' }, path: '?a=1' }))
      .toEqual({ headers: { host: 'h2.example' }, path: '', rawPath: '?a=1', authority: 'h2.example', host: 'h2.example', scheme: 'http', query: { a: '1' }, method: 'GET' });
  });

  test('query strings: raw names and first values, a flag is "", empty pairs skipped', () => {
    expect(parseQuery('a=1&&flag&=x&a=2&b=')).toEqual({ 'a': '1', 'flag': '', '': 'x', 'b': '' });
  });

  test('the next hop gets the set headers replaced, the added ones appended and the removed ones gone', () => {
    const req = makeRequest({ headers: { 'baggage': 'a=1', 'x-lane': 'old', 'x-drop': 'd', 'x-keep': 'k' } });
    const edits = { setHeaders: { 'x-lane': 'new' }, addHeaders: { 'baggage': 'lane=s2', 'x-new': 'n' }, removeHeaders: ['x-drop', 'x-absent'] };
    expect(forward(req, edits, { app: 'a' }, 'shop')).toEqual({
      ...req,
      headers: { 'baggage': 'a=1,lane=s2', 'x-lane': 'new', 'x-new': 'n', 'x-keep': 'k' },
      sourceLabels: { app: 'a' },
      sourceNamespace: 'shop',
    });
  });

  test('a header condition on a pseudo-header tests the request field', () => {
    const req = makeRequest({ headers: { ':authority': 'h.example', 'x-a': '1' }, path: '/p?q=1', method: 'PATCH' });
    expect([':method', ':path', ':authority', ':scheme', ':status', 'x-a', 'x-b'].map(n => headerValue(req, n)))
      .toEqual(['PATCH', '/p?q=1', 'h.example', 'http', undefined, '1', undefined]);
  });
});

describe('W3C baggage entries', () => {
  test.each<[string | undefined, string, string | undefined]>([
    [undefined, 'lane', undefined],
    ['lane=s2', 'lane', 's2'],
    ['foo=bar,lane=s2', 'lane', 's2'],
    ['a=1, \t lane \t\t=\t  s2  ;p=1', 'lane', 's2'],
    ['la ne=s2', 'lane', undefined],
    ['flag,lane', 'lane', undefined],
    ['=s2', '', undefined],
    ['lanes=s3,lane=s2,lane=s3', 'lane', 's2'],
  ])('baggage %j, key %j: %j', (baggage, key, expected) => {
    expect(baggageEntry(baggage, key)).toBe(expected);
  });
});

describe('matching: missing headers and authorities', () => {
  const hits = (match: string, request: object) => LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t, namespace: default}
spec:
  hosts: [a.default.svc.cluster.local]
  http:
    - name: hit
      match: ${match}
      route: [{destination: {host: a.default.svc.cluster.local, subset: hit}}]
`).simulate(request as any).matched;

  test('a header condition never matches a missing header, even with a pattern that matches ""', () => {
    expect(hits('[{headers: {x: {regex: ".*"}}}]', { headers: {} })).toBe(false);
    expect(hits('[{headers: {x: {regex: ".*"}}}]', { headers: { x: '' } })).toBe(true);
  });

  test('withoutHeaders with a value: a missing header is matched as "" (Istio treat_missing_header_as_empty)', () => {
    expect(hits('[{withoutHeaders: {x: {exact: ""}}}]', { headers: {} })).toBe(false);
    expect(hits('[{withoutHeaders: {x: {exact: ""}}}]', { headers: { x: 'v' } })).toBe(true);
    expect(hits('[{withoutHeaders: {x: {regex: ".*"}}}]', { headers: {} })).toBe(false);
  });

  test('an authority condition never matches a request without authority', () => {
    expect(hits('[{authority: {prefix: a}}]', {})).toBe(false);
    expect(hits('[{authority: {prefix: a}}]', { headers: { host: 'a.example' } })).toBe(true);
  });
});

describe('the engine: the host of a step is the one that serves it', () => {
  test('a fallback to another host: the next call leaves from that host', () => {
    const table = {
      source: 't',
      name: 't',
      gateways: [],
      mesh: true,
      hosts: ['a.default.svc.cluster.local'],
      routes: [{
        name: 'r',
        matches: [],
        destinations: [{
          host: 'a.default.svc.cluster.local',
          subset: 'v2',
          probability: 1,
          setHeaders: {},
          addHeaders: {},
          fallback: { host: 'b.default.svc.cluster.local', subset: 'v1' },
        }],
      }],
    };
    const subsets = new Map([['a.default.svc.cluster.local', new Map([['v1', {}]])], ['b.default.svc.cluster.local', new Map([['v1', { app: 'b' }]])]]);
    const mesh = { tables: [table], subsets, notes: [] };
    const paths = engineChain(mesh, table, ['a.default.svc.cluster.local'], makeRequest({}), { unhealthy: new Set(), subsets });
    expect(paths.map(p => p.steps.map(s => [s.host, s.failed, s.probability, s.request.sourceLabels]))).toEqual([[['b.default.svc.cluster.local', false, 1, { app: 'b' }]]]);
  });
});

describe('explain: the rule table of every VirtualService', () => {
  test('every kind of condition, fallbacks, headers set and added, and where each VirtualService applies', () => {
    const sim = LaneSimulator.fromYaml(yamlDocs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ex-gw, namespace: istio-system}
spec:
  gateways: [istio-system/gw, mesh]
  hosts: [e.default.svc.cluster.local]
  http:
    - route: [{destination: {host: e.default.svc.cluster.local, subset: s1}}]`, `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ex, namespace: default}
spec:
  hosts: [f.default.svc.cluster.local]
  http:
    - name: conditions
      match:
        - headers: {x-user: {exact: u1}, x-beta: {}}
          withoutHeaders: {x-opt-out: {}, env: {prefix: prod}}
          sourceLabels: {app: caller, version: v1}
          uri: {prefix: /api}
          authority: {exact: f.default.svc.cluster.local}
          method: {exact: POST}
          queryParams: {lane: {regex: "s[0-9]"}, debug: {exact: "1"}}
        - headers: {x-lane: {exact: s2}}
      route:
        - destination: {host: f.default.svc.cluster.local, subset: s2}
          weight: 75
          fallback: {target: {host: f.default.svc.cluster.local, subset: s1}}
          headers: {request: {set: {x-lane: s2, a-tag: s2}, add: {baggage: lane=s2}}}
        - destination: {host: g.default.svc.cluster.local}
          weight: 25
          fallback: {target: {host: g.default.svc.cluster.local}}
    - route: [{destination: {host: f.default.svc.cluster.local, subset: s1}}]`), 'ex.yaml');
    const match = 'caller app=caller AND caller version=v1 AND x-user exact "u1" AND x-beta present AND x-opt-out absent AND env not prefix "prod"'
      + ' AND uri prefix "/api" AND authority exact "f.default.svc.cluster.local" AND method exact "POST" AND ?lane regex "s[0-9]" AND ?debug exact "1"'
      + ' OR x-lane exact "s2"';
    const pad = ' '.repeat(match.length - '(any request)'.length);
    expect(sim.explain()).toEqual([
      'ex.yaml: VirtualService istio-system/ex-gw',
      '  gateways: istio-system/gw + mesh (sidecars); hosts: e.default.svc.cluster.local',
      '  #  rule       match          destinations',
      '  1  (unnamed)  (any request)  e/s1 100%',
      '',
      'ex.yaml: VirtualService default/ex',
      '  mesh (sidecars); hosts: f.default.svc.cluster.local',
      `  #  rule        match${' '.repeat(match.length - 5)}  destinations`,
      `  1  conditions  ${match}  f/s2 75%, fallback f/s1, set x-lane=s2, a-tag=s2, baggage+=lane=s2; g/(any) 25%, fallback g/(any)`,
      `  2  (unnamed)   (any request)${pad}  f/s1 100%`,
      '',
      'propagation: every service forwards baggage from each request it receives to the calls it makes, so that requests keep their lane',
    ].join('\n'));
  });

  test('routes that set no header: no propagation line', () => {
    expect(LaneSimulator.fromYaml(SIDECARS, 's.yaml').explain()).toEqual([
      's.yaml: VirtualService default/mockb-lanes',
      '  mesh (sidecars); hosts: mockb.default.svc.cluster.local',
      '  #  rule      match                        destinations',
      '  1  s3        x-asm-prefer-tag exact "s3"  mockb/s3 100%',
      '  2  baseline  (any request)                mockb/s1 100%',
      '',
      's.yaml: VirtualService default/mockc-lanes',
      '  mesh (sidecars); hosts: mockc.default.svc.cluster.local',
      '  #  rule      match                        destinations',
      '  1  s2        x-asm-prefer-tag exact "s2"  mockc/s2 100%',
      '  2  baseline  (any request)                mockc/s1 100%',
      '',
    ].join('\n'));
  });

  test('routes that set routing headers: the services forward them, sorted', () => {
    const sim = LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: w, namespace: default}
spec:
  hosts: [w.default.svc.cluster.local]
  http: [{route: [{destination: {host: w.default.svc.cluster.local}, headers: {request: {set: {x-lane: x, a-tag: x}}}}]}]`);
    expect(sim.explain().split('\n').pop()).toEqual('propagation: every service forwards a-tag, x-lane from each request it receives to the calls it makes, so that requests keep their lane');
  });
});

describe('the lane in baggage', () => {
  const P = (key: string, value: string) => JSON.stringify(baggageEntryPattern(key, value));
  // the first rule's other blocks never match (x-never): they hold conditions that name no lane entry of "lane"
  const sim = LaneSimulator.fromYaml(yamlDocs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a-lanes, namespace: default}
spec:
  hosts: [a.default.svc.cluster.local]
  http:
    - name: in-s3
      match:
        - headers: {x-never: {exact: never}, x-copy: {regex: ${P('lane', 's9')}}, x-copy2: {regex: ${P('copykey', 'v')}}, baggage: {}}
          withoutHeaders: {baggage: {regex: ${P('lane', 's8')}}}
        - headers: {x-never: {exact: never}, baggage: {prefix: ${P('lane', 's6')}}}
        - headers: {x-never: {exact: never}, baggage: {regex: ${P('user', 'alice')}}}
        - headers: {x-never: {exact: never}, baggage: {regex: ".*"}}
        - headers: {baggage: {regex: ${P('lane', 's3')}}}
      route: [{destination: {host: a.default.svc.cluster.local, subset: s3}}]
    - name: dev
      match: [{headers: {env: {exact: dev}}}]
      route: [{destination: {host: a.default.svc.cluster.local, subset: v2}, headers: {request: {add: {baggage: "acme=1,flag,=x, lane = s2"}}}}]
    - name: base
      route: [{destination: {host: a.default.svc.cluster.local, subset: s1}}]`, `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a, namespace: default}
spec:
  host: a.default.svc.cluster.local
  subsets: [{name: s1, labels: {version: v1}}, {name: s3, labels: {version: v3}}, {name: v2, labels: {version: v2}}]`), 'bag.yaml');

  test('the baggage keys: of the entries the rules match (baggage regexes only) and of those the routes add, sorted', () => {
    expect(sim.baggageKeys).toEqual(['acme', 'lane', 'user']);
  });

  test('a rule matching a lane entry puts the request in that lane, whatever other entries of the key come first', () => {
    expect(sim.simulate({ headers: { baggage: 'lane=s2,lane=s3' } }, { baggageKey: 'lane' }).outcomes).toEqual([{
      host: 'a.default.svc.cluster.local',
      virtualService: 'bag.yaml: VirtualService default/a-lanes',
      rule: 'in-s3',
      lane: 's3',
      backend: { host: 'a.default.svc.cluster.local', subset: 's3', port: undefined },
      viaFallback: false,
      failed: false,
      probability: 1,
      marker: { header: 'baggage', value: 's3' },
      reason: 'rule "in-s3" matched',
      labels: { version: 'v3' },
      status: 200,
      request: { path: '/', headers: { baggage: 'lane=s2,lane=s3' } },
    }]);
  });

  test('a route adding the lane entry puts the request in that lane, not in its subset\'s name', () => {
    const [hop] = sim.simulate({ headers: { env: 'dev' } }, { baggageKey: 'lane' }).outcomes;
    expect([hop.lane, hop.marker, hop.backend?.subset]).toEqual(['s2', { header: 'baggage', value: 's2' }, 'v2']);
  });
});

describe('subsets', () => {
  test('defined by DestinationRules or routed to (fallbacks included), each once, sorted', () => {
    const sim = LaneSimulator.fromYaml(yamlDocs(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a, namespace: default}
spec:
  host: a.default.svc.cluster.local
  subsets: [{name: v9, labels: {version: v9}}, {name: v3, labels: {version: v3}}]`, `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: default}
spec:
  hosts: [a.default.svc.cluster.local]
  http:
    - route:
        - {destination: {host: a.default.svc.cluster.local, subset: v2}, weight: 50, fallback: {target: {host: a.default.svc.cluster.local, subset: v1}}}
        - {destination: {host: b.default.svc.cluster.local}, weight: 50}
        - {destination: {host: b.default.svc.cluster.local, subset: v3}, weight: 0}`));
    expect(sim.subsets).toEqual(['v1', 'v2', 'v3', 'v9']);
  });
});

describe('diagrams: filters, swimlanes, formats', () => {
  const sim = LaneSimulator.fromYaml(FIXTURE, 'mock-chain.yaml');

  test('a chain as swimlanes, filtered to one lane', () => {
    expect(sim.diagram({ chain: CHAIN, lane: 's3' })).toEqual([
      'flowchart LR',
      '  subgraph lane0["lane s3<br/>env: dev (50%)"]',
      '    direction LR',
      '    lane0s>"enters istio-system/swimlane-ingress-vs-custom"]',
      '    lane0h0(["mocka<br/>s1 (version: v1), by fallback"])',
      '    lane0h1(["mockb<br/>s3 (version: v3)"])',
      '    lane0h2(["mockc<br/>s1 (version: v1)"])',
      '  end',
      '  lane0s -. "rule dev-route" .-> lane0h0',
      '  lane0h0 -- "x-asm-prefer-tag: s3" --> lane0h1',
      '  lane0h1 -- "x-asm-prefer-tag: s3" --> lane0h2',
      '',
    ].join('\n'));
  });

  test('a chain without a lane filter has a swimlane per lane; a lane no request enters is an error that lists the lanes', () => {
    const subgraphs = sim.diagram({ chain: CHAIN }).split('\n').filter(l => l.startsWith('  subgraph '));
    expect(subgraphs).toEqual([
      '  subgraph lane0["lane s1<br/>env absent<br/>env: ~"]',
      '  subgraph lane1["lane s2<br/>env: dev (50%)"]',
      '  subgraph lane2["lane s3<br/>env: dev (50%)"]',
    ]);
    expect(() => sim.diagram({ chain: CHAIN, lane: 's9' })).toThrow(new Error('diagram: no request enters lane "s9" at istio-system/swimlane-ingress-vs-custom (lanes: s1, s2, s3)'));
  });

  test('the routing of one host', () => {
    expect(sim.diagram({ host: 'mockc' })).toEqual([
      'flowchart LR',
      '  subgraph vs2["mock-chain.yaml<br/>VirtualService default/mockc-lanes<br/>mesh (sidecars); hosts: mockc.default.svc.cluster.local"]',
      '    direction LR',
      '    vs2r0{{"1. s2<br/>x-asm-prefer-tag exact #quot;s2#quot;"}}',
      '    vs2b0(["mockc/s2"])',
      '    vs2r1{{"2. baseline<br/>any request"}}',
      '    vs2b1(["mockc/s1"])',
      '  end',
      '  vs2r0 -- "100%" --> vs2b0',
      '  vs2r1 -- "100%" --> vs2b1',
      '',
    ].join('\n'));
  });

  test('Markdown: the flowchart in a fenced block', () => {
    expect(sim.diagram({ host: 'mockc', format: DiagramFormat.MARKDOWN })).toEqual(`\`\`\`mermaid\n${sim.diagram({ host: 'mockc' })}\`\`\`\n`);
  });

  test('a lane filter takes a subset, or a lane marker a route sets or adds in baggage', () => {
    const mk = LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: mk, namespace: default}
spec:
  hosts: [m.default.svc.cluster.local]
  http:
    - name: green
      match: [{headers: {x-lane: {exact: green}}}]
      route: [{destination: {host: m.default.svc.cluster.local, subset: v1}, headers: {request: {set: {x-lane: green}}}}]
    - name: blue
      route: [{destination: {host: m.default.svc.cluster.local, subset: v2}, headers: {request: {add: {baggage: lane=blue}}}}]`);
    const edges = (lane: string) => mk.diagram({ lane }).split('\n').filter(l => l.includes(' --> '));
    expect(edges('v1')).toEqual(['  vs0r0 -- "100% · x-lane: green" --> vs0b0']);
    expect(edges('green')).toEqual(['  vs0r0 -- "100% · x-lane: green" --> vs0b0']);
    expect(edges('blue')).toEqual(['  vs0r1 -- "100% · baggage += lane=blue" --> vs0b0']);
    expect(() => mk.diagram({ lane: 'lane' })).toThrow(new Error('diagram: lane "lane" is no subset or lane marker of the routes read (subsets: v1, v2)'));
  });

  test('SVG: drawn for a small diagram', async () => {
    const svg = await sim.diagramSvg({ host: 'mockc' });
    expect(svg).toMatch(/^<\?xml[^]*<svg[^]*mockc\/s2[^]*<\/svg>\s*$/);
  });
});

describe('diff: what changes for which requests', () => {
  const before = LaneSimulator.fromYaml(FIXTURE, 'mock-chain.yaml');
  const NONE = { entries: [], subsetsAdded: [], subsetsRemoved: [], hostsAdded: [], hostsRemoved: [], chains: [], approximate: false };

  test('a subset only a DestinationRule adds changes no decision: it is listed, and nothing changed', () => {
    const after = LaneSimulator.fromYaml(`${FIXTURE.trimEnd()}\n    - {name: s4, labels: {version: v4}}\n`, 'mock-chain.yaml');
    expect(before.diff(after)).toEqual({ ...NONE, changed: false, subsetsAdded: ['mockc.default.svc.cluster.local/s4'] });
    expect(before.diff(before, { chain: CHAIN })).toEqual({ ...NONE, changed: false });
  });

  test('new labels for a subset change only the chain: each class of requests once, named by its first request', () => {
    const at = FIXTURE.lastIndexOf('{name: s1, labels: {version: v1}}');
    const after = LaneSimulator.fromYaml(`${FIXTURE.slice(0, at)}{name: s1, labels: {version: v9}}${FIXTURE.slice(at + '{name: s1, labels: {version: v1}}'.length)}`, 'mock-chain.yaml');
    expect(before.diff(after)).toEqual({ ...NONE, changed: false });
    expect(before.diff(after, { chain: CHAIN })).toEqual({
      ...NONE,
      changed: true,
      chains: [{
        request: 'env absent',
        before: ['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v1) 100%'],
        after: ['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v9) 100%'],
      }, {
        request: 'env: dev',
        before: ['mocka(version: v1, fallback from s3) -> mockb(version: v3) -> mockc(version: v1) 50%', 'mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2) 50%'],
        after: ['mocka(version: v1, fallback from s3) -> mockb(version: v3) -> mockc(version: v9) 50%', 'mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2) 50%'],
      }],
    });
  });
});

describe('SVG size limit', () => {
  /** One VirtualService of `rules` rules, each to its own subset: two nodes per rule. */
  const rulesMesh = (rules: number) => LaneSimulator.fromYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: big, namespace: default}
spec:
  hosts: [big.default.svc.cluster.local]
  http:
${Array.from({ length: rules }, (_, i) => `    - {name: r${i}, match: [{headers: {k: {exact: "${i}"}}}], route: [{destination: {host: big.default.svc.cluster.local, subset: s${i}}}]}`).join('\n')}
`);

  test('more than 2,000 nodes: refused with the count and how to filter', async () => {
    await expect(rulesMesh(1001).diagramSvg())
      .rejects.toThrow(new Error('LaneSimulator.diagramSvg(): the diagram has 2002 nodes; SVG is drawn for at most 2000: filter it with host, lane or chain'));
  });
});

describe('names and propagation of what ASM generates', () => {
  test('a VirtualService without namespace is named by its name alone', () => {
    const sim = LaneSimulator.fromYaml('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: t}\nspec: {hosts: [a.b.svc.cluster.local], http: [{route: [{destination: {host: a.b.svc.cluster.local}}]}]}');
    expect(sim.virtualServices).toEqual(['t']);
  });

  test('ASM lane groups: the services forward the trace header of each permissive group, sorted', () => {
    const chart = Testing.chart();
    new LaneGroup(chart, 'g1', chainGroupProps({ name: 'g1', target: Target.ASM, routingHeader: 'x-z-lane' }));
    new LaneGroup(chart, 'g2', chainGroupProps({
      name: 'g2',
      target: Target.ASM,
      routingHeader: 'x-a-lane',
      services: [{ name: 'mocka', namespace: 'other' }, { name: 'mockb', namespace: 'other' }, { name: 'mockc', namespace: 'other' }],
      ingress: undefined,
    }));
    expect(LaneSimulator.fromConstruct(chart).explain().split('\n').pop())
      .toEqual('propagation: every service forwards x-a-lane, x-z-lane from each request it receives to the calls it makes, so that requests keep their lane');
  });
});

describe('explain says what a table rests on', () => {
  test('a table ASM generates carries its "inferred" note under its rules, once; a hand-written one carries none', () => {
    const chart = Testing.chart();
    new LaneGroup(chart, 'g', chainGroupProps({ target: Target.ASM }));
    const text = LaneSimulator.fromConstruct(chart).explain();
    const tables = text.split('\n\n').filter(t => t.includes('ASM-generated VirtualService'));
    expect(tables.length).toBeGreaterThan(1);
    for (const t of tables) {
      const notes = t.split('\n').filter(l => l.startsWith('  note: '));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/^ {2}note: .*: inferred, as ASM does not publish what it generates/);
      expect(t.trimEnd().split('\n').pop()).toBe(notes[0]);
    }
    const plain = LaneSimulator.fromConstruct(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.permissive)).explain();
    expect(plain).not.toContain('note:');
  });
});

describe('hosts as answers name them', () => {
  const vs = (namespace: string, http: object[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'front', namespace }, spec: { hosts: [`front.${namespace}.svc.cluster.local`], http } });
  const to = (host: string, subset?: string) => ({ destination: { host, ...(subset ? { subset } : {}) } });

  test('a service name two namespaces share is written name.namespace in explain and in both diagrams; others by their name', () => {
    const sim = LaneSimulator.fromYaml(Yaml.stringify(
      vs('shop', [{ route: [{ ...to('web.shop.svc.cluster.local', 'v1'), weight: 50 }, { ...to('web.other.svc.cluster.local'), weight: 50 }] }]),
      vs('other', [{ route: [to('api.other.svc.cluster.local')] }]),
    ), 'x.yaml');
    const text = sim.explain();
    expect(text).toContain('web.shop/v1 50%; web.other/(any) 50%');
    expect(text).toContain('api/(any) 100%');
    const diagram = sim.diagram();
    expect(diagram).toContain('"web.shop/v1"');
    expect(diagram).toContain('"web.other/(any)"');
    expect(diagram).toContain('"api/(any)"');
    const chain = sim.diagram({ chain: ['front.shop.svc.cluster.local', 'web.shop.svc.cluster.local'] });
    expect(chain).toContain('(["web.other<br/>(any endpoint)"])');
    expect(chain).toContain('(["web.shop<br/>v1"])');
    expect(shortNames(['a.x.svc.cluster.local', 'a.y.svc.cluster.local', 'reviews.eu.bookinfo.com', 'a.z.svc.cluster.local'])('reviews.eu.bookinfo.com')).toBe('reviews');
    expect(shortNames(['a.x.svc.cluster.local', 'b.y.svc.cluster.local'])('a.x.svc.cluster.local')).toBe('a');
    // a host of another kind shares no name with a service
    expect(shortNames(['reviews.eu.bookinfo.com', 'reviews.shop.svc.cluster.local'])('reviews.shop.svc.cluster.local')).toBe('reviews');
    // a fallback's host counts
    const fallback = LaneSimulator.fromYaml(Yaml.stringify(
      vs('shop', [{ route: [{ ...to('web.shop.svc.cluster.local', 'v2'), fallback: { target: { host: 'web.other.svc.cluster.local', subset: 'v1' } } }] }]),
    ), 'x.yaml');
    expect(fallback.explain()).toContain('web.shop/v2 100%, fallback web.other/v1');
  });
});
