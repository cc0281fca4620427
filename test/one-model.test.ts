/**
 * The seams issue 10 closed: LaneRouting and LaneGroup share one lane model, every simulate() reads what is
 * synthesized (DestinationRule subsets, delegation, ASM's generated routing), the targets stay honest, and
 * results have one shape.
 */
import { Chart, Duration, Testing, Yaml } from 'cdk8s';
import { chainGroupProps, stringify, synth, withoutOrigin } from './helpers';
import {
  HeaderMatch, LaneGroup, LaneGroupProps, LaneRouting, LaneSimulator, Mode, RoutePlacement, StringMatch, Target,
} from '../src';

const HOST = (svc: string, domain = 'cluster.local') => `${svc}.default.svc.${domain}`;

function groupProps(overrides: Partial<LaneGroupProps> = {}): LaneGroupProps {
  return chainGroupProps({ target: Target.ASM, ...overrides });
}

function group(overrides: Partial<LaneGroupProps> = {}) {
  const chart = new Chart(Testing.app(), 'c');
  return { chart, group: new LaneGroup(chart, 'mock', groupProps(overrides)) };
}

const traces = (paths: Array<{ trace: string; probability: number }>) => paths.map(p => [p.trace, p.probability]);

describe('a DestinationRule rendered by a LaneRouting defines the subsets the simulation serves', () => {
  test('a lane without pod labels beside labelled ones is an error unless another lane serves it', () => {
    const chart = Testing.chart();
    expect(() => new LaneRouting(chart, 'r', {
      target: Target.ISTIO,
      host: HOST('mocka'),
      baseline: 's1',
      sidecar: {},
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2' }],
    })).toThrow('LaneRouting "test/r": lane "s2" has no podLabels, but the DestinationRule rendered for the lanes that have them defines the host\'s subsets, so subset "s2" would have no endpoints (503); give it podLabels, or servedBy another lane');
  });

  test('an unhealthy subset that the DestinationRule defines: 503 with the reason, as from the YAML', () => {
    const chart = Testing.chart();
    const routing = new LaneRouting(chart, 'r', {
      target: Target.ISTIO,
      host: HOST('mocka'),
      baseline: 's1',
      sidecar: {},
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }],
      rules: [{ name: 'to-s2', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] }],
    });
    const r = routing.simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s2'] });
    expect(r.outcomes[0]).toMatchObject({ failed: true, backend: undefined, lane: 's2', reason: `rule "to-s2" matched; subset "s2" of ${HOST('mocka')} is marked unhealthy and it has no fallback (503)` });
    expect(r).toEqual(withoutOrigin(LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)), 'y').simulate({ headers: { env: 'dev' } }, { unhealthyLanes: ['s2'], routingHeader: 'x-asm-prefer-tag' }), 'y'));
  });
});

describe('ASM lane groups: custom routes and route options on the delegating roots are simulated', () => {
  test('a /healthz route placed before the lane rules goes where the root sends it, not to the lane', () => {
    const { chart, group: g } = group();
    g.addCustomRoute('mockb', { name: 'healthz', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOST('mockb'), subset: 's1' }] }, RoutePlacement.BEFORE_LANE_RULES);
    const lane = { headers: { 'x-asm-prefer-tag': 's3' } };
    expect(traces(g.simulate({ ...lane, path: '/healthz' }, { host: 'mockb' }))).toEqual([['mockb(version: v1) -> mockc(version: v1)', 1]]);
    expect(traces(g.simulate({ ...lane, path: '/orders' }, { host: 'mockb' }))).toEqual([['mockb(version: v3) -> mockc(version: v1)', 1]]);
    const [healthz] = g.simulate({ ...lane, path: '/healthz' }, { host: 'mockb' });
    expect(healthz.hops[0]).toMatchObject({ virtualService: 'VirtualService default/mock-mockb', rule: 'healthz' });
    const [orders] = g.simulate({ ...lane, path: '/orders' }, { host: 'mockb' });
    // the delegated routes are named root-delegate, as Istio merges them
    expect(orders.hops[0]).toMatchObject({ virtualService: 'VirtualService default/mock-mockb', rule: 'lanes-lane-s3', lane: 's3', marker: { header: 'x-asm-prefer-tag', value: 's3' } });
    // and the synthesized YAML reads the same
    const yaml = LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)), 'y');
    expect(withoutOrigin(yaml.simulateChain(['mockb', 'mockc'], { ...lane, path: '/healthz' }, { host: 'mockb' }), 'y')).toEqual(g.simulate({ ...lane, path: '/healthz' }, { host: 'mockb' }));
  });

  test('a group with routeOptions synthesizes YAML the simulator and its delegation read', () => {
    const { chart, group: g } = group({ routeOptions: { timeout: Duration.seconds(2) } });
    const yaml = Yaml.stringify(...synth(chart));
    expect(yaml).toContain('delegate:');
    const sim = LaneSimulator.fromYaml(yaml, 'y');
    expect(sim.notes).toEqual([]);
    expect(sim.virtualServices).toEqual(['istio-system/mock-ingress', 'default/mock-mocka', 'default/mock-mockb', 'default/mock-mockc']);
    expect(traces(sim.simulateChain(['mocka', 'mockb', 'mockc'], { headers: { env: 'dev' } }))).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
    expect(traces(g.simulate({ headers: { env: 'dev' } }))).toEqual(traces(sim.simulateChain(['mocka', 'mockb', 'mockc'], { headers: { env: 'dev' } })));
  });

  test('a delegate in another namespace than the one ASM writes to is dropped, with a note, as Istio does', () => {
    const { chart } = group({ routeOptions: { timeout: Duration.seconds(2) }, asmGeneratedNamespace: 'asm-system' });
    const yaml = Yaml.stringify(...synth(chart));
    expect(yaml).toContain('namespace: asm-system');
    const wrong = LaneSimulator.fromYaml(yaml, 'y');
    expect(wrong.notes[0]).toMatch(/^y: VirtualService default\/mock-mocka http\[0\] "lanes": delegate asm-system\/trafficlabel-vs-mock-default-mocka is not a VirtualService without hosts among those read; Istio ignores this route$/);
    // the root keeps no route, and ASM's VirtualService keeps its hosts: two for one host
    expect(() => wrong.simulateChain(['mocka'], {}, { host: 'mocka' })).toThrow(/^2 VirtualServices for sidecars of host mocka.default.svc.cluster.local: choose one/);
    const right = LaneSimulator.fromYaml(yaml, 'y', { asmGeneratedNamespace: 'asm-system' });
    expect(right.notes).toEqual([]);
    expect(right.simulateChain(['mocka'], {}, { host: 'mocka' })[0].trace).toEqual('mocka(version: v1)');
  });

  test('AFTER_LANE_RULES and a custom route named like the delegating route are errors', () => {
    const { group: g } = group();
    const route = { name: 'lanes', matches: [{ uri: StringMatch.exact('/x') }], destinations: [{ host: HOST('mocka') }] };
    expect(() => g.addCustomRoute('mocka', { ...route, name: 'late' }, RoutePlacement.AFTER_LANE_RULES)).toThrow(
      'LaneGroup "c/mock": service "mocka": custom route "late": with Target.ASM a route can only go before the lane routes (the route that delegates to ASM\'s VirtualService takes every request that reaches it)');
    expect(() => g.addCustomRoute('mocka', route, RoutePlacement.BEFORE_LANE_RULES)).toThrow(
      'LaneGroup "c/mock": service "mocka": custom route "lanes": the name is used by the route that delegates to ASM\'s VirtualService; choose another');
  });

  test('custom routes go through the unreachable-match check of the lane model', () => {
    const { group: g } = group();
    const route = (name: string) => ({ name, matches: [{ uri: StringMatch.exact('/x') }], destinations: [{ host: HOST('mocka') }] });
    g.addCustomRoute('mocka', route('first'), RoutePlacement.BEFORE_LANE_RULES);
    expect(() => g.addCustomRoute('mocka', route('second'), RoutePlacement.BEFORE_LANE_RULES)).toThrow(
      'LaneGroup "c/mock": service "mocka": custom route "second" match 1 repeats custom route "first" match 1, so it can never match (first match wins); remove it or merge the routes');
  });
});

describe('targets kept honest', () => {
  test.each<[string, Partial<LaneGroupProps>, string]>([
    ['traceHeader', { traceHeader: 'my-trace-id' }, 'LaneGroup "c/mock": traceHeader "my-trace-id" is an ASM setting (ASM re-attaches the routing header along the trace); upstream Istio has no such machinery, so every application must propagate the routing header itself; use target: Target.ASM or remove traceHeader'],
    ['asmGeneratedNamespace', { asmGeneratedNamespace: 'asm-system' }, 'LaneGroup "c/mock": asmGeneratedNamespace is an ASM setting (where ASM writes the VirtualServices it generates for a group); use target: Target.ASM or remove it'],
  ])('%s on Target.ISTIO is an error', (_name, overrides, message) => {
    expect(() => group({ target: Target.ISTIO, ...overrides })).toThrow(message);
  });

  test.each([Target.ISTIO, Target.ASM])('%s: the cluster domain is an option, read back by the simulation', (target) => {
    const { chart, group: g } = group({ target, clusterDomain: 'corp.example' });
    const out = synth(chart);
    expect(JSON.stringify(out)).not.toContain('cluster.local');
    expect(out.find(o => o.metadata.name === 'mock-ingress').spec.http[0].route[0].destination.host).toEqual(HOST('mocka', 'corp.example'));
    const expected = [
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ];
    expect(traces(g.simulate({ headers: { env: 'dev' } }))).toEqual(expected);
    const yaml = LaneSimulator.fromYaml(Yaml.stringify(...out), 'y', { clusterDomain: 'corp.example' });
    expect(traces(yaml.simulateChain(['mocka', 'mockb', 'mockc'], { headers: { env: 'dev' } }))).toEqual(expected);
  });

  test('an invalid cluster domain is refused', () => {
    expect(() => group({ clusterDomain: 'Corp_Local' })).toThrow('LaneGroup "c/mock": clusterDomain must be a lowercase DNS name such as "cluster.local", got "Corp_Local"');
  });
});

describe('one result shape', () => {
  test('a chain hop reports the lane, the backend, the lane marker and why', () => {
    const { group: g } = group({ target: Target.ISTIO });
    const [, s3] = g.simulate({ headers: { env: 'dev' } });
    expect(s3.hops.map(h => [h.host, h.lane, h.backend?.subset, h.marker.value, h.reason])).toEqual([
      [HOST('mocka'), 's3', 's1', 's3', 'rule "dev-route" matched, weight 50 of 100'],
      [HOST('mockb'), 's3', 's3', 's3', 'rule "lane-s3" matched'],
      [HOST('mockc'), 's3', 's1', 's3', 'rule "lane-s3" matched'],
    ]);
  });

  test.each([Target.ISTIO, Target.ASM])('%s: a group can be entered at any of its services', (target) => {
    const { group: g } = group({ target });
    expect(traces(g.simulate({ headers: { 'x-asm-prefer-tag': 's2' } }, { host: 'mockb' }))).toEqual([['mockb(version: v1) -> mockc(version: v2)', 1]]);
    expect(traces(g.simulate({}, { host: HOST('mockc') }))).toEqual([['mockc(version: v1)', 1]]);
    expect(() => g.simulate({}, { host: 'mockz' })).toThrow('LaneGroup "c/mock": "mockz" is not a service of the group (services: mocka, mockb, mockc)');
  });

  test('strict ASM lanes keep the lane through the callers\' labels', () => {
    const lanes = groupProps().lanes.map(l => ({ ...l, services: ['mocka', 'mockb', 'mockc'] }));
    const { group: g } = group({ mode: Mode.STRICT, lanes });
    expect(traces(g.simulate({ headers: { env: 'dev' } }))).toEqual([
      ['mocka(version: v2) -> mockb(version: v2) -> mockc(version: v2)', 0.5],
      ['mocka(version: v3) -> mockb(version: v3) -> mockc(version: v3)', 0.5],
    ]);
  });
});

describe('VirtualService delegation, resolved as Istio merges it', () => {
  const H = HOST('web');
  const doc = (o: object) => stringify(o);
  const vs = (name: string, spec: object, namespace = 'default') => doc({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec });
  const dest = (subset: string) => ({ destination: { host: H, subset } });
  const root = vs('root', {
    hosts: [H],
    http: [
      { name: 'api', match: [{ uri: { prefix: '/api' } }], delegate: { name: 'api-routes' }, headers: { request: { set: { 'x-from': 'root' } } } },
      { name: 'gone', match: [{ uri: { prefix: '/old' } }], delegate: { name: 'missing' } },
      { name: 'rest', route: [dest('v1')] },
    ],
  });
  const delegate = vs('api-routes', {
    http: [
      { name: 'beta', match: [{ headers: { 'x-beta': { exact: 'yes' } } }], route: [dest('v2')] },
      { name: 'narrow', match: [{ uri: { prefix: '/api/v2' } }], route: [dest('v3')], headers: { request: { set: { 'x-from': 'delegate' } } } },
      { name: 'outside', match: [{ uri: { prefix: '/other' } }], route: [dest('v4')] },
      { route: [dest('v1')] },
    ],
  });
  const sim = LaneSimulator.fromYaml(`${root}---\n${delegate}`, 'd');

  test('the delegate\'s routes take the root route\'s place, matches merged and named root-delegate', () => {
    expect(sim.virtualServices).toEqual(['default/root']);
    const at = (request: object) => {
      const r = sim.simulate(request, { routingHeader: 'x-from' });
      return [r.rule, r.outcomes[0]?.backend?.subset, r.outcomes[0]?.marker.value];
    };
    expect(at({ path: '/api/x', headers: { 'x-beta': 'yes' } })).toEqual(['api-beta', 'v2', 'root']);
    expect(at({ path: '/web', headers: { 'x-beta': 'yes' } })).toEqual(['rest', 'v1', undefined]); // the root's uri still applies
    expect(at({ path: '/api/v2/x' })).toEqual(['api-narrow', 'v3', 'delegate']); // the delegate's own headers win
    expect(at({ path: '/api/x' })).toEqual(['api', 'v1', 'root']); // an unnamed delegate route takes the root's name
    expect(at({ path: '/old/x' })).toEqual(['rest', 'v1', undefined]); // the route whose delegate is missing is ignored
  });

  test('what Istio ignores is reported in notes', () => {
    expect(sim.notes).toEqual([
      'd: VirtualService default/api-routes http[2] "outside": its matches conflict with those of d: VirtualService default/root http[0] "api"; Istio ignores this delegate route',
      'd: VirtualService default/root http[1] "gone": delegate default/missing is not a VirtualService without hosts among those read; Istio ignores this route',
    ]);
  });

  test('a delegate in another namespace is named with it; an unused delegate is noted', () => {
    const other = LaneSimulator.fromYaml(`${vs('root', { hosts: [H], http: [{ delegate: { name: 'd', namespace: 'team' } }] })}---\n${vs('d', { http: [{ route: [dest('v9')] }] }, 'team')}---\n${vs('unused', { http: [{ route: [dest('v1')] }] })}`, 'x');
    expect(other.simulate({}).outcomes[0].backend?.subset).toEqual('v9');
    expect(other.notes).toEqual(['x: VirtualService default/unused: has no hosts and no root delegates to it; Istio applies it nowhere']);
  });

  test('delegation goes one level deep', () => {
    const chain = [
      vs('root', { hosts: [H], http: [{ name: 'a', delegate: { name: 'd1' } }] }),
      vs('d1', { http: [{ name: 'b', delegate: { name: 'd2' } }] }),
      vs('d2', { http: [{ route: [dest('v1')] }] }),
    ].join('---\n');
    expect(() => LaneSimulator.fromYaml(chain, 'n')).toThrow('n: VirtualService default/root http[0] "a": delegate default/d1 delegates again (n: VirtualService default/d1 http[0] "b"); Istio supports one level of delegation');
  });

  test.each<[string, object, object, boolean]>([
    ['exact under the same exact', { exact: '/a' }, { exact: '/a' }, true],
    ['another exact', { exact: '/a' }, { exact: '/b' }, false],
    ['prefix under exact', { exact: '/a' }, { prefix: '/a' }, false],
    ['longer prefix under prefix', { prefix: '/a' }, { prefix: '/a/b' }, true],
    ['shorter prefix under prefix', { prefix: '/a/b' }, { prefix: '/a' }, false],
    ['exact under prefix', { prefix: '/a' }, { exact: '/a/b' }, true],
    ['regex under regex', { regex: '/a.*' }, { regex: '/a/.*' }, false],
  ])('uri %s: kept %s', (_name, rootUri, leafUri, kept) => {
    const yaml = [
      vs('root', { hosts: [H], http: [{ name: 'r', match: [{ uri: rootUri }], delegate: { name: 'd' } }, { name: 'rest', route: [dest('v1')] }] }),
      vs('d', { http: [{ name: 'l', match: [{ uri: leafUri }], route: [dest('v2')] }] }),
    ].join('---\n');
    const s = LaneSimulator.fromYaml(yaml, 'm');
    expect(s.notes.length === 0).toBe(kept);
  });

  test('hand-written ASM roots delegate to the routing ASM generates for a lane group', () => {
    const { chart } = group({ ingress: undefined });
    const lanes = Yaml.stringify(...synth(chart));
    const handRoot = vs('mocka-root', { hosts: [HOST('mocka')], http: [{ name: 'lanes', delegate: { name: 'trafficlabel-vs-mock-default-mocka', namespace: 'istio-system' } }] });
    const s = LaneSimulator.fromYaml(`${lanes}---\n${handRoot}`, 'h');
    expect(s.virtualServices).toEqual(['default/mocka-root', 'istio-system/trafficlabel-vs-mock-default-mockb', 'istio-system/trafficlabel-vs-mock-default-mockc']);
    expect(s.simulate({ headers: { 'x-asm-prefer-tag': 's2' } }, { host: 'mocka' })).toMatchObject({ rule: 'lanes-lane-s2', laneProbabilities: { s2: 1 } });
  });
});

describe('what the reader and the group model settle once', () => {
  const vs = (spec: object, name = 'v', namespace = 'shop') => stringify({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec });

  test('a VirtualService bound to a gateway and to mesh serves both entry points', () => {
    const sim = LaneSimulator.fromYaml(vs({ hosts: ['web.shop.svc.cluster.local'], gateways: ['istio-system/gw', 'mesh'], http: [{ name: 'all', route: [{ destination: { host: 'web.shop.svc.cluster.local', subset: 's1' } }] }] }));
    expect(sim.simulate({}, { gateway: 'istio-system/gw' }).rule).toBe('all');
    expect(sim.simulate({}, { host: 'web' }).rule).toBe('all');
    expect(sim.explain()).toContain('gateways: istio-system/gw + mesh (sidecars)');
  });

  test('short host names resolve in the namespace of the object that names them, as Istio resolves them', () => {
    const rule = stringify({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'web', namespace: 'shop' }, spec: { host: 'web', subsets: [{ name: 's1', labels: { version: 'v1' } }] } });
    const sim = LaneSimulator.fromYaml(`${vs({ hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 's2' } }] }] })}---\n${rule}`);
    const r = sim.simulate({}, { host: 'web.shop.svc.cluster.local' });
    expect(r.outcomes[0]).toMatchObject({ host: 'web.shop.svc.cluster.local', failed: true, reason: 'rule 1 matched; no DestinationRule defines subset "s2" of web.shop.svc.cluster.local and it has no fallback (503)' });
    // `name.namespace` is taken as written (Istio does not expand it)
    expect(LaneSimulator.fromYaml(vs({ hosts: ['web.shop'], http: [{ route: [{ destination: { host: 'web.shop' } }] }] })).virtualServices).toEqual(['shop/v']);
    expect(LaneSimulator.fromYaml(vs({ hosts: ['web.shop'], http: [{ route: [{ destination: { host: 'web.shop' } }] }] })).simulate({}, { host: 'web.shop' }).outcomes[0].host).toBe('web.shop');
  });

  test('traceHeader is for permissive lanes; routeOptions are checked once, for the group', () => {
    const strict = groupProps().lanes.map(l => ({ ...l, services: ['mocka', 'mockb', 'mockc'] }));
    expect(() => group({ mode: Mode.STRICT, lanes: strict, traceHeader: 'my-trace-id' })).toThrow(
      'LaneGroup "c/mock": traceHeader "my-trace-id" applies to permissive lanes only (strict lanes follow the caller\'s pod labels, not a header); remove it or use Mode.PERMISSIVE');
    expect(() => group({ routeOptions: { retries: { attempts: -1 } } })).toThrow(/^LaneGroup "c\/mock": routeOptions/);
  });

  test('ASM lane resources read from YAML are checked as a LaneGroup\'s props are', () => {
    const { chart } = group({ ingress: undefined });
    const manifests = synth(chart);
    const s1 = manifests.find(m => m.kind === 'ASMSwimLane' && m.metadata.name === 's1');
    s1.spec.services = s1.spec.services.filter((x: any) => x.name === 'mocka');
    expect(() => LaneSimulator.fromYaml(Yaml.stringify(...manifests), 'y'))
      .toThrow('y (document 1): ASMSwimLaneGroup mock: the baseline lane "s1" must hold every service (it serves what other lanes do not hold); missing: mockb, mockc');
  });
});

