import * as fs from 'fs';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import { synth, withoutOrigin } from './helpers';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import { HeaderMatch, LaneRouting, LaneSimulator, Mode, Target } from '../src';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'mock-chain.yaml'), 'utf-8');
const CHAIN = ['mocka', 'mockb', 'mockc'];

function scenario(name: string): LaneRouting {
  return new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS[name]).routing;
}

describe('LaneRouting.simulate(): the seed verification reproduced', () => {
  test('without env: dev every request goes to s1', () => {
    const r = scenario('seed').simulate({ headers: {} });
    expect(r.rule).toEqual('base-route');
    expect(r.laneProbabilities).toEqual({ s1: 1 });
    expect(r.outcomes.map(o => o.marker.value)).toEqual(['s1']);
  });

  test('env: dev splits exactly 0.5 / 0.5 between s2 and s3, each pinned by its header', () => {
    const r = scenario('seed').simulate({ headers: { env: 'dev' } });
    expect(r.rule).toEqual('dev-route');
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(r.outcomes.map(o => [o.lane, o.marker.value])).toEqual([['s2', 's2'], ['s3', 's3']]);
  });

  test('a routing header sent by the client is overwritten by the rule (x-asm-prefer-tag: s1 + env: dev → s2/s3)', () => {
    const r = scenario('seed').simulate({ headers: { 'x-asm-prefer-tag': 's1', 'env': 'dev' } });
    expect(r.laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    expect(r.outcomes.map(o => o.marker.value)).toEqual(['s2', 's3']);
  });

  test('s3 down: its share falls back to s1 (ASM fallback); the destination still sets s3', () => {
    const r = scenario('seed').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s3'] });
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
    });
    expect(r.unavailableProbability).toEqual(0);
  });

  test('s3 down and its fallback s1 down as well: that share fails (503), and the reason names both', () => {
    const r = scenario('seed').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s3', 's1'] });
    expect(r.subsetProbabilities).toEqual({ s2: 0.5 });
    expect(r.laneProbabilities).toEqual({ s2: 0.5 });
    expect(r.unavailableProbability).toEqual(0.5);
    expect(r.outcomes[1]).toMatchObject({ lane: 's3', backend: undefined, viaFallback: false, failed: true, probability: 0.5 });
    expect(r.outcomes[1].reason).toBe('rule "dev-route" matched, weight 50 of 100; subset "s3" of mocka.default.svc.cluster.local is marked unhealthy and its fallback: subset "s1" of mocka.default.svc.cluster.local is marked unhealthy (503)');
    // a fallback down while its lane is healthy changes nothing
    expect(scenario('seed').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s1'] }).subsetProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
  });

  test('s2 down (no fallback): its share fails', () => {
    const r = scenario('seed').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s2'] });
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
    const chart = new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.seed);
    const yaml = LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)));
    for (const headers of [{}, { env: 'dev' }, { env: 'prod' }] as Array<{ [name: string]: string }>) {
      const fromYaml = yaml.simulate({ headers }, { unhealthyLanes: ['s3'] });
      const fromModel = chart.routing.simulate({ headers }, { unhealthyLanes: ['s3'] });
      expect(fromYaml.virtualService).toEqual(`input: ${fromModel.virtualService}`);
      expect(fromModel).toEqual(withoutOrigin(fromYaml, 'input'));
    }
  });

  test('addRule() is seen by the simulation', () => {
    const routing = scenario('seed');
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

  test('the seed trace table: env: dev gives v2 -> v1 -> v2 and v1 -> v3 -> v1 at 50:50', () => {
    const paths = sim.simulateChain(CHAIN, { headers: { env: 'dev' } });
    expect(paths.map(p => [p.trace, p.probability])).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1, fallback from s3) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
    // s3 does not hold mocka: no DestinationRule subset, so the seed's fallback to s1 serves it
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
        - {destination: {host: a.b.svc.cluster.local, subset: y}, weight: 3}
        - {destination: {host: a.b.svc.cluster.local, subset: z}, weight: 0}
`);
    expect(sim.simulate({}).laneProbabilities).toEqual({ x: 0.25, y: 0.75 });
  });
});

describe('unsupported constructs are refused by name, never simulated wrongly', () => {
  const vs = (http: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: t, namespace: n}
spec:
  hosts: [a.n.svc.cluster.local]
  http:
${http}`;
  test.each<[string, string, RegExp]>([
    ['redirect', '    - redirect: {uri: /x}', /^f \(document 1\): VirtualService n\/t http\[0\]: "redirect" is not supported by the lane simulation \(it could change where requests go\); supported here: name, match, route, headers/],
    ['fault', '    - fault: {abort: {httpStatus: 500}}\n      route: [{destination: {host: a}}]', /"fault" is not supported/],
    ['sourceNamespace', '    - match: [{sourceNamespace: x}]\n      route: [{destination: {host: a}}]', /http\[0\]\.match\[0\]: "sourceNamespace" is not supported/],
    ['header remove', '    - route: [{destination: {host: a}, headers: {request: {remove: [x]}}}]', /route\[0\]\.headers\.request: "remove" is not supported/],
    ['fallback case', '    - route: [{destination: {host: a}, fallback: {case: noinstances, target: {host: a}}}]', /fallback: "case" is not supported by the lane simulation/],
    ['two kinds in one string match', '    - match: [{uri: {exact: /a, prefix: /b}}]\n      route: [{destination: {host: a}}]', /match\[0\]\.uri: has exact and prefix; exactly one is allowed/],
    ['a regex RE2 refuses', '    - match: [{uri: {regex: "a(?=b)"}}]\n      route: [{destination: {host: a}}]', /uri: regex "a\(\?=b\)" is not valid RE2/],
    ['zero total weight', '    - route: [{destination: {host: a}, weight: 0}, {destination: {host: b}}]', /total destination weight is 0/],
  ])('%s', (_name, http, message) => {
    expect(() => LaneSimulator.fromYaml(vs(http), 'f')).toThrow(message);
  });

  test('tcp routes and files without VirtualServices', () => {
    expect(() => LaneSimulator.fromYaml('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: t}\nspec: {hosts: [a.b.c], tcp: [{route: []}]}', 'f'))
      .toThrow('f (document 1): VirtualService t: "tcp" is not supported by the lane simulation (it could change where requests go); supported here: hosts, gateways, http');
    expect(() => LaneSimulator.fromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}')).toThrow('no VirtualService found in input (apiVersion networking.istio.io/*, kind VirtualService, with hosts; or gateway.networking.k8s.io/v1 HTTPRoutes); read: ConfigMap (1)');
    expect(() => LaneSimulator.fromYaml('a: [', 'broken.yaml')).toThrow(/^broken.yaml \(document 1\): not valid YAML/);
  });
});
