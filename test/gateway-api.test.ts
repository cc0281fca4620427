/**
 * Target.GATEWAY_API for a LaneRouting: a Service per lane, the ingress and mesh HTTPRoutes, ReferenceGrants;
 * what the Gateway API cannot express refused by name; the declared order kept or refused; HTTPRoutes read by
 * the simulator with the Gateway API's precedence (cases of its own conformance suite); and a cross-target
 * property: where both targets can express a routing, they route random requests alike.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Duration, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { find, synth } from './helpers';
import { runs } from './runs';
import { BaggageChain } from '../examples/baggage';
import { MockChain } from '../examples/chain';
import { CustomRoute, HeaderMatch, LaneGroup, LaneRouting, LaneRoutingProps, LaneSimulator, Mode, QueryParamMatch, StringMatch, Target } from '../src';
import { analyze } from '../src/private/analysis/analyze';
import { parseYaml } from '../src/private/simulate/read/manifests';

const HOST = 'mocka.default.svc.cluster.local';
const C = 'LaneRouting "test/mocka"';

/** ASM's permissive-lane scenario without the fallback (the Gateway API has none), on the Gateway API. */
function props(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.GATEWAY_API,
    host: HOST,
    port: 8000,
    lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', podLabels: { version: 'v3' } }],
    laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, targetPort: 8080, name: 'http' }] },
    baseline: 's1',
    rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }] }],
    gateway: { gateways: ['istio-system/ingressgateway'], name: 'mocka-ingress' },
    sidecar: { name: 'mocka-mesh' },
    ...overrides,
  };
}

describe('what a LaneRouting renders on the Gateway API', () => {
  test('a Service per lane, the ingress HTTPRoute on the Gateway, the mesh HTTPRoute on the Service, a ReferenceGrant; all conform (CEL included)', () => {
    const chart = Testing.chart();
    const routing = new LaneRouting(chart, 'mocka', props({ routeOptions: { timeout: Duration.seconds(5) } }));
    const out = synth(chart); // every object checked against the Gateway API v1.4.0 and Kubernetes 1.33 schemas
    expect(out.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Service default/mocka-s1', 'Service default/mocka-s2', 'Service default/mocka-s3',
      'HTTPRoute istio-system/mocka-ingress', 'HTTPRoute default/mocka-mesh', `ReferenceGrant default/${routing.referenceGrants[0].name}`,
    ]);
    expect(find(out, 'Service', 'mocka-s2').spec).toEqual({ selector: { app: 'mocka', version: 'v2' }, ports: [{ port: 8000, targetPort: 8080, name: 'http' }] });
    const ingress = find(out, 'HTTPRoute', 'mocka-ingress');
    expect(ingress.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(ingress.spec.parentRefs).toEqual([{ name: 'ingressgateway' }]);
    expect(ingress.spec.rules[0]).toEqual({
      name: 'dev-route',
      matches: [{ headers: [{ type: 'Exact', name: 'env', value: 'dev' }] }],
      backendRefs: ['s2', 's3'].map(l => ({
        name: `mocka-${l}`,
        namespace: 'default',
        port: 8000,
        weight: 50,
        filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: l }] } }],
      })),
      timeouts: { request: '5s' },
    });
    expect(find(out, 'HTTPRoute', 'mocka-mesh').spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'mocka', port: 8000 }]);
    expect(find(out, 'HTTPRoute', 'mocka-mesh').spec.rules[1].backendRefs).toEqual([{
      name: 'mocka-s1', port: 8000, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: 's1' }] } }],
    }]);
    const grant = out.find(o => o.kind === 'ReferenceGrant');
    expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-system' }],
      to: ['mocka-s1', 'mocka-s2', 'mocka-s3'].map(name => ({ group: '', kind: 'Service', name })),
    });
  });

  test('a lane served by another lane, and a lane whose Service exists already', () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }, { name: 's3', serviceName: 'mocka-canary' }],
      gateway: undefined,
    }));
    // the existing Service is in the app (else synth's analysis reports IST0101: a backend with no Service)
    new ApiObject(chart, 'canary', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mocka-canary', namespace: 'default' }, spec: { selector: { app: 'mocka', track: 'canary' }, ports: [{ port: 8000 }] } });
    const out = synth(chart);
    expect(out.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['mocka-s1', 'mocka-canary']);
    const dev = find(out, 'HTTPRoute', 'mocka-mesh').spec.rules[0];
    expect(dev.backendRefs.map((b: any) => [b.name, b.filters[0].requestHeaderModifier.set[0].value])).toEqual([['mocka-s1', 's2'], ['mocka-canary', 's3']]);
    expect(out.some(o => o.kind === 'ReferenceGrant')).toBe(false);
  });
});

describe('mesh routes: in the Service\'s namespace, or a consumer route', () => {
  test('a mesh route placed in another namespace is a consumer route: its parentRef names the Service\'s namespace, and a ReferenceGrant lets it reach the lane Services', () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({ gateway: undefined, sidecar: { name: 'mocka-for-shop', namespace: 'shop' } }));
    const out = synth(chart);
    const route = find(out, 'HTTPRoute', 'mocka-for-shop');
    expect([route.metadata.namespace, route.spec.parentRefs]).toEqual(['shop', [{ group: '', kind: 'Service', name: 'mocka', namespace: 'default', port: 8000 }]]);
    expect(route.spec.rules[0].backendRefs.map((b: any) => `${b.namespace}/${b.name}`)).toEqual(['default/mocka-s2', 'default/mocka-s3']);
    const grant = out.find(o => o.kind === 'ReferenceGrant');
    expect([grant.metadata.namespace, grant.spec.from]).toEqual(['default', [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }]]);
    // the simulator binds it to the Service's host, for callers of its own namespace only (GAMMA consumer route)
    const sim = LaneSimulator.fromConstruct(chart);
    expect(sim.simulate({ headers: { env: 'dev' } }, { host: 'mocka', sourceNamespace: 'shop' }).laneProbabilities).toEqual({ s2: 0.5, s3: 0.5 });
    for (const caller of [{}, { sourceNamespace: 'default' }]) {
      const r = sim.simulate({ headers: { env: 'dev' } }, { host: 'mocka', ...caller });
      expect([r.virtualService, r.outcomes.map(o => [o.backend, o.reason])]).toEqual([undefined, [[
        { host: 'mocka.default.svc.cluster.local' },
        'no HTTPRoute of HTTPRoute shop/mocka-for-shop is attached for this request\'s port and caller: any endpoint of the Service mocka.default.svc.cluster.local serves the request',
      ]]]);
    }
  });
});

describe('explain, diagram and check read the Gateway API objects', () => {
  test('the chain on the Gateway API: explain names the HTTPRoutes, the diagram draws their lanes, check finds no Error', () => {
    const chain = new MockChain(Testing.app(), 'mock-chain', { target: Target.GATEWAY_API });
    const sim = LaneSimulator.fromYaml(Yaml.stringify(...synth(chain)), 'chain.yaml');
    expect(sim.explain()).toContain('chain.yaml: HTTPRoute default/mock-mockb\n  mesh (sidecars); hosts: mockb.default.svc.cluster.local');
    expect(sim.diagram({ host: 'mockb' })).toContain('-- "100% · x-asm-prefer-tag: s2" --> ');
    const findings = analyze(parseYaml([{ name: 'chain.yaml', text: Yaml.stringify(...synth(new MockChain(Testing.app(), 'mock-chain', { target: Target.GATEWAY_API }))) }]));
    expect(findings.filter(f => f.level !== 'Info')).toEqual([]);
  });
});

describe('what the Gateway API cannot express is an error naming the feature and the alternative', () => {
  const make = (p: Partial<LaneRoutingProps>) => () => new LaneRouting(Testing.chart(), 'mocka', props(p));
  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['a fallback lane', { rules: [{ name: 'r', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50, fallbackLane: 's1' }, { lane: 's3', weight: 50 }] }] },
      'has fallbackLane "s1", but the Gateway API has no fallback between backends; use target: Target.ASM or remove fallbackLane'],
    ['strict mode', { mode: Mode.STRICT, rules: [] }, `${C}: Mode.STRICT selects lanes by the caller's pod labels, which HTTPRoutes cannot match; use Mode.PERMISSIVE (the routing header) or Target.ISTIO`],
    ['an absent header', { rules: [{ name: 'r', matches: [{ headers: [HeaderMatch.absent('env')] }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" header "env": the Gateway API cannot match an absent header (no withoutHeaders); match what the other requests carry instead`],
    ['a header prefix', { rules: [{ name: 'r', matches: [{ headers: [HeaderMatch.prefix('x-user', 'qa-')] }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" header "x-user": a prefix match (HeaderMatch.prefix, "qa-") is not in the Gateway API, which matches headers Exact or RegularExpression only; `
      + 'use HeaderMatch.regex("x-user", "qa-.*")'],
    ['a header presence', { rules: [{ name: 'r', matches: [{ headers: [HeaderMatch.present('x-user')] }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" header "x-user": the Gateway API cannot match a header's presence; use HeaderMatch.regex("x-user", '.*')`],
    ['a path prefix', { rules: [{ name: 'r', matches: [{ uri: StringMatch.prefix('/api') }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" uri prefix: a Gateway API PathPrefix matches whole path segments ("/api" does not take "/apix", unlike Istio's prefix)`],
    ['caller labels', { gateway: undefined, rules: [{ name: 'r', matches: [{ sourceLabels: { version: 'v2' } }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" matches the caller's labels (sourceLabels), which HTTPRoutes cannot match; use Target.ISTIO`],
    ['retries', { routeOptions: { retries: { attempts: 2 } } },
      `${C}: routeOptions.retries: HTTPRoute retries are in the Gateway API's experimental channel, not in the standard channel this target renders; remove retries`],
    ['a DestinationRule', { destinationRule: {} }, `${C}: destinationRule: the Gateway API has no subsets (each lane is a Service); remove it`],
    ['no Service for a lane', { lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2' }, { name: 's3', podLabels: { v: '3' } }] },
      `${C}: lane "s2" has no Service on Target.GATEWAY_API (backends are Services, not subsets): give it podLabels (with laneServices), serviceName, or servedBy another lane`],
    ['pod labels without laneServices', { laneServices: undefined }, `${C}: lane "s1" has podLabels, so Target.GATEWAY_API renders its Service: give laneServices (the selector and ports of the service's pods)`],
    ['more than 16 rules', { rules: Array.from({ length: 16 }, (_, i) => ({ name: `r${i}`, matches: [{ headers: [HeaderMatch.exact('x-n', String(i))] }], split: [{ lane: 's2' }] })) },
      `${C}: 17 rules and custom routes (with the default route); an HTTPRoute holds at most 16: merge rules, or split the routing`],
    ['laneServices on another target', { target: Target.ISTIO }, `${C}: laneServices is for Target.GATEWAY_API (a Service per lane); the meshes select lanes by subsets: remove it`],
    ['a port the lane Services do not have', { port: 9000 }, `${C}: port 9000 is not among the lane Services' ports (8000); the routes would send requests to a port the Services do not have`],
    ['a Service name over 63 characters', { lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' } }, { name: `s3${'x'.repeat(60)}`, podLabels: { v: '3' } }], rules: [] },
      `${C}: lane "s3${'x'.repeat(60)}": its Service name "mocka-s3${'x'.repeat(60)}" is 68 characters; a Service name has at most 63 (shorten the lane name, or give serviceName)`],
    ['"*" beside other hosts', { gateway: { gateways: ['istio-system/gw'], hosts: ['*', 'shop.example.com'] } },
      `${C}: gateway.hosts ["*","shop.example.com"]: an HTTPRoute takes either every hostname (no hostnames) or the ones it lists; remove "*" or the other hosts`],
    ['a rule name that is no DNS subdomain', { rules: [{ name: 'Dev_Route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] }] },
      `${C}: route "Dev_Route": an HTTPRoute rule name is lowercase letters, digits, "-" and "." (a DNS subdomain), at most 253 characters`],
    ['a path with "//"', { rules: [{ name: 'r', matches: [{ uri: StringMatch.exact('/a//b') }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" uri exact "/a//b": the Gateway API refuses paths with "//", "/./", "/../", "%2f" or "#"`],
    ['a timeout of more than 5 digits', { routeOptions: { timeout: Duration.seconds(100000) } },
      `${C}: timeout "100000s": a Gateway API duration has at most 5 digits per unit (e.g. 99999s); use a shorter timeout`],
  ])('%s', (_name, p, message) => {
    expect(make(p)).toThrow(message);
  });

  test('a LaneGroup needs each service\'s pods (laneServices) on this target, and takes them on no other', () => {
    const group = (target: Target, laneServices?: { selector: { [k: string]: string }; ports: Array<{ port: number }> }) => () => new LaneGroup(Testing.chart(), 'g', {
      name: 'g', target, baseline: 's1', services: [{ name: 'a', namespace: 'default', laneServices }], lanes: [{ name: 's1', services: ['a'], podLabels: { v: '1' } }],
    });
    expect(group(Target.GATEWAY_API)).toThrow('LaneGroup "test/g": service "a" needs laneServices on Target.GATEWAY_API: the selector and ports of its pods, from which a Service per lane is rendered');
    // the ingress takes the port of the entry service's only lane port, as the service's own routing does
    expect(() => new LaneGroup(Testing.chart(), 'g', {
      name: 'g',
      target: Target.GATEWAY_API,
      baseline: 's1',
      services: [{ name: 'a', namespace: 'default', laneServices: { selector: { app: 'a' }, ports: [{ port: 80 }] } }],
      lanes: [{ name: 's1', services: ['a'], podLabels: { v: '1' } }],
      ingress: { gateway: 'istio-system/gw', entryService: 'a' },
    })).not.toThrow();
    expect(group(Target.ISTIO, { selector: { app: 'a' }, ports: [{ port: 80 }] })).toThrow('LaneGroup "test/g": service "a" laneServices is for Target.GATEWAY_API (a Service per lane); the meshes select lanes by subsets: remove it');
  });
});

describe('the declared order is the Gateway API\'s precedence, or the routing is refused', () => {
  const rule = (name: string, headers: HeaderMatch[], lane: string) => ({ name, matches: [{ headers }], split: [{ lane }] });

  test('a later, more specific rule that can take the same requests would swap: refused, naming both and why', () => {
    const swapping = props({ rules: [rule('beta', [HeaderMatch.exact('env', 'dev')], 's2'), rule('beta-eu', [HeaderMatch.exact('env', 'dev'), HeaderMatch.exact('region', 'eu')], 's3')] });
    expect(() => new LaneRouting(Testing.chart(), 'mocka', swapping)).toThrow(
      `${C}: routes "beta" and "beta-eu" would swap on the Gateway API, which tries the more specific match first (no path, 2 header matches before no path, 1 header match) where the declared order tries "beta" first; put "beta-eu" first, or give "beta" as many conditions`);
    // by addRule() too
    const routing = new LaneRouting(Testing.chart(), 'mocka', props({ rules: [rule('beta', [HeaderMatch.exact('env', 'dev')], 's2')] }));
    expect(() => routing.addRule(rule('beta-eu', [HeaderMatch.exact('env', 'dev'), HeaderMatch.exact('region', 'eu')], 's3'))).toThrow(/would swap on the Gateway API/);
  });

  test('a regex and an exact value it does not take never take the same request: kept as declared', () => {
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props({
      rules: [rule('a', [HeaderMatch.regex('env', 'dev|qa')], 's2'), rule('b', [HeaderMatch.exact('env', 'prod'), HeaderMatch.exact('region', 'eu')], 's3')],
    }))).not.toThrow();
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props({
      rules: [rule('a', [HeaderMatch.regex('env', 'dev|qa')], 's2'), rule('b', [HeaderMatch.exact('env', 'qa'), HeaderMatch.exact('region', 'eu')], 's3')],
    }))).toThrow(/routes "a" and "b" would swap on the Gateway API/);
  });

  test('an exact value before a regex: kept when the regex does not take it; two regexes are taken as overlapping', () => {
    const make = (a: HeaderMatch, b: HeaderMatch) => () => new LaneRouting(Testing.chart(), 'mocka', props({ rules: [rule('a', [a], 's2'), rule('b', [b, HeaderMatch.exact('region', 'eu')], 's3')] }));
    expect(make(HeaderMatch.exact('env', 'prod'), HeaderMatch.regex('env', 'dev|qa'))).not.toThrow();
    expect(make(HeaderMatch.exact('env', 'qa'), HeaderMatch.regex('env', 'dev|qa'))).toThrow(/routes "a" and "b" would swap on the Gateway API/);
    expect(make(HeaderMatch.regex('env', 'dev|qa'), HeaderMatch.regex('env', 'x.*'))).toThrow(/routes "a" and "b" would swap on the Gateway API/);
  });

  test('the refusal counts query matches where a side has them', () => {
    const q = (value: string) => QueryParamMatch.exact('q', value);
    const make = (first: object, later: object) => () => new LaneRouting(Testing.chart(), 'mocka', props({
      rules: [{ name: 'a', matches: [first], split: [{ lane: 's2' }] }, { name: 'b', matches: [later], split: [{ lane: 's3' }] }],
    }));
    expect(make({ headers: [HeaderMatch.exact('env', 'dev')] }, { headers: [HeaderMatch.exact('env', 'dev')], queryParams: [q('1')] })).toThrow(
      `${C}: routes "a" and "b" would swap on the Gateway API, which tries the more specific match first (no path, 1 header match, 1 query match before no path, 1 header match) where the declared order tries "a" first; put "b" first, or give "a" as many conditions`);
    expect(make({ queryParams: [q('1')] }, { queryParams: [q('1'), QueryParamMatch.exact('r', '2')] })).toThrow(
      '(no path, 0 header matches, 2 query matches before no path, 0 header matches, 1 query match)');
  });

  test('the specific rule first, or rules that never take the same request, are kept as declared', () => {
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props({
      rules: [rule('beta-eu', [HeaderMatch.exact('env', 'dev'), HeaderMatch.exact('region', 'eu')], 's3'), rule('beta', [HeaderMatch.exact('env', 'dev')], 's2')],
    }))).not.toThrow();
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props({
      rules: [rule('a', [HeaderMatch.exact('env', 'dev')], 's2'), rule('b', [HeaderMatch.exact('env', 'qa'), HeaderMatch.exact('region', 'eu')], 's3')],
    }))).not.toThrow();
  });
});

describe('the simulator reads HTTPRoutes with the Gateway API\'s precedence and merging', () => {
  const dir = path.join(__dirname, 'fixtures', 'gateway-api-conformance');
  const load = (file: string) => LaneSimulator.fromYaml(fs.readFileSync(path.join(dir, file), 'utf-8'), file);
  const backend = (sim: LaneSimulator, request: { path?: string; headers?: { [k: string]: string } }) => {
    const r = sim.simulate(request, { gateway: 'gateway-conformance-infra/same-namespace' });
    return r.matched ? r.outcomes.map(o => o.backend!.host.split('.')[0]).join(',') : 404;
  };

  // expected backends: conformance/tests/httproute-matching.go of the Gateway API v1.4.0
  test.each<[string, { [k: string]: string }, string | number]>([
    ['/', {}, 'infra-backend-v1'], ['/example', {}, 'infra-backend-v1'], ['/', { version: 'one' }, 'infra-backend-v1'],
    ['/v2', {}, 'infra-backend-v2'], ['/v2/example', {}, 'infra-backend-v2'], ['/', { version: 'two' }, 'infra-backend-v2'],
    ['/v2/', {}, 'infra-backend-v2'], ['/v2example', {}, 'infra-backend-v1'], ['/foo/v2/example', {}, 'infra-backend-v1'],
  ])('httproute-matching: %s %j -> %s', (p, headers, expected) => {
    expect(backend(load('httproute-matching.yaml'), { path: p, headers })).toBe(expected);
  });

  // expected backends: conformance/tests/httproute-header-matching.go (more header matches win over list order)
  test.each<[{ [k: string]: string }, string | number]>([
    [{ version: 'one' }, 'infra-backend-v1'], [{ version: 'two' }, 'infra-backend-v2'], [{ version: 'two', color: 'orange' }, 'infra-backend-v1'],
    [{ version: 'two', color: 'blue' }, 'infra-backend-v2'], [{ color: 'orange' }, 404], [{ 'some-other-header': 'one' }, 404],
    [{ color: 'blue' }, 'infra-backend-v1'], [{ color: 'green' }, 'infra-backend-v1'], [{ color: 'red' }, 'infra-backend-v2'],
    [{ color: 'yellow' }, 'infra-backend-v2'], [{ color: 'purple' }, 404],
  ])('httproute-header-matching: %j -> %s', (headers, expected) => {
    expect(backend(load('httproute-header-matching.yaml'), { path: '/', headers })).toBe(expected);
  });

  // expected backends: conformance/tests/httproute-matching-across-routes.go (two routes, their hostnames intersecting)
  test.each<[string, string, { [k: string]: string }, string | number]>([
    ['example.com', '/', {}, 'infra-backend-v1'], ['example.com', '/example', {}, 'infra-backend-v1'], ['example.net', '/example', {}, 'infra-backend-v1'],
    ['example.com', '/example', { version: 'one' }, 'infra-backend-v1'], ['example.com', '/v2', {}, 'infra-backend-v2'], ['example.net', '/v2', {}, 'infra-backend-v1'],
    ['example.com', '/v2/example', {}, 'infra-backend-v2'], ['example.com', '/', { version: 'two' }, 'infra-backend-v2'], ['example.org', '/', {}, 404],
  ])('httproute-matching-across-routes: %s %s %j -> %s', (host, p, headers, expected) => {
    expect(backend(load('httproute-matching-across-routes.yaml'), { path: p, headers: { ...headers, host } })).toBe(expected);
  });

  test('weights and header modifiers of the conformance suite', () => {
    const sim = load('httproute-weight.yaml');
    const r = sim.simulate({ path: '/' }, { gateway: 'gateway-conformance-infra/same-namespace' });
    expect(Object.fromEntries(r.outcomes.map(o => [o.backend!.host.split('.')[0], o.probability]))).toEqual({ 'infra-backend-v1': 0.7, 'infra-backend-v2': 0.3 }); // a backend of weight 0 takes no share
  });

  test('what the simulation cannot model is refused by name; a reference no ReferenceGrant permits is noted', () => {
    const route = (spec: object) => Yaml.stringify({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'istio-system' }, spec });
    const rule = (extra: object = {}) => ({ backendRefs: [{ name: 'web', namespace: 'default', port: 80, ...extra }] });
    expect(() => LaneSimulator.fromYaml(route({ parentRefs: [{ name: 'gw' }], rules: [{ ...rule(), filters: [{ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Auth', name: 'a' } }] }] }), 'f'))
      .toThrow('f (document 1): HTTPRoute istio-system/r rules[0].filters[0]: filter "ExtensionRef" is not supported by the lane simulation');
    expect(() => LaneSimulator.fromYaml(route({ parentRefs: [{ kind: 'Service', name: 'web' }], rules: [rule()] }), 'f'))
      .toThrow('a Service parent needs group "" (the core group); got "gateway.networking.k8s.io"');
    const ungranted = LaneSimulator.fromYaml(route({ parentRefs: [{ name: 'gw' }], rules: [rule()] }), 'f');
    const refused = 'f: HTTPRoute istio-system/r rules[0].backendRefs[0]: Service default/web is in another namespace, and no ReferenceGrant read lets HTTPRoutes of istio-system refer to it (RefNotPermitted)';
    expect(ungranted.notes).toContain(`${refused}: with complete, its share of the requests fails with 500`);
    // the share: routed as if a grant permitted it, said in a note; with a complete input, it fails with 500
    const partial = ungranted.simulate({}, { gateway: 'istio-system/gw' });
    expect([partial.status, partial.notes]).toEqual([200, [
      'f: HTTPRoute istio-system/r: Gateway istio-system/gw was not read; its routes are taken as attached to a listener that takes every request (with complete, they are attached nowhere)',
      `${refused}; routed as if a ReferenceGrant permitted it (with complete, the share fails with 500)`,
    ]]);
    expect(() => ungranted.simulate({}, { gateway: 'istio-system/gw', complete: true })).toThrow('no VirtualService bound to gateway "istio-system/gw" (the input is complete, and f: HTTPRoute istio-system/r\'s Gateway istio-system/gw was not read, so those routes are attached nowhere)');
    const grant = Yaml.stringify({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'default' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-system' }], to: [{ group: '', kind: 'Service' }] },
    });
    const granted = LaneSimulator.fromYaml(`${route({ parentRefs: [{ name: 'gw' }], rules: [rule()] })}---\n${grant}`, 'f');
    expect(granted.notes.some(n => n.includes('RefNotPermitted'))).toBe(false);
  });

  test('HTTPRoutes on one parent merge; offline, ties go by namespace/name, and a note says so', () => {
    const route = (name: string, header: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace: 'default' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ headers: [{ name: header, value: '1' }] }], backendRefs: [{ name: `svc-${name}`, port: 80 }] }] },
    });
    const sim = LaneSimulator.fromYaml(Yaml.stringify(route('b', 'x'), route('a', 'x')), 'f');
    expect(sim.simulate({ headers: { x: '1' } }).outcomes[0].backend!.host).toBe('svc-a.default.svc.cluster.local');
    expect(sim.notes).toContain('default/gw: HTTPRoutes default/b, default/a merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name');
  });

  test('between equally specific matches the oldest route wins, whatever its name; equal times go by namespace/name', () => {
    const route = (name: string, created: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace: 'default', creationTimestamp: created },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ headers: [{ name: 'x', value: '1' }] }], backendRefs: [{ name: `svc-${name}`, port: 80 }] }] },
    });
    const winner = (...routes: object[]) => {
      const sim = LaneSimulator.fromYaml(Yaml.stringify(...routes), 'f');
      expect(sim.notes.filter(n => n.includes('merge'))).toEqual([]);
      return sim.simulate({ headers: { x: '1' } }).outcomes[0].backend!.host;
    };
    // b is older than a: b wins, in either order of the documents
    expect(winner(route('a', '2025-02-01T00:00:00Z'), route('b', '2025-01-01T00:00:00Z'))).toBe('svc-b.default.svc.cluster.local');
    expect(winner(route('b', '2025-01-01T00:00:00Z'), route('a', '2025-02-01T00:00:00Z'))).toBe('svc-b.default.svc.cluster.local');
    // a is older: a wins
    expect(winner(route('b', '2025-03-01T00:00:00Z'), route('a', '2025-01-01T00:00:00Z'))).toBe('svc-a.default.svc.cluster.local');
    // created at the same time: the first by namespace/name
    expect(winner(route('b', '2025-01-01T00:00:00Z'), route('a', '2025-01-01T00:00:00Z'))).toBe('svc-a.default.svc.cluster.local');
  });
});

describe('a LaneGroup on the Gateway API: the three-service chain', () => {
  test('each service a Service per lane it holds and a mesh HTTPRoute; the ingress on the entry service\'s lane Services; all conform', () => {
    const chain = new MockChain(Testing.app(), 'mock-chain', { target: Target.GATEWAY_API });
    const out = synth(chain);
    expect(out.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['mocka-s1', 'mocka-s2', 'mockb-s1', 'mockb-s3', 'mockc-s1', 'mockc-s2']);
    expect(out.filter(o => o.kind === 'HTTPRoute').map(o => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['istio-system/mock-ingress', 'default/mock-mocka', 'default/mock-mockb', 'default/mock-mockc']);
    const mockb = find(out, 'HTTPRoute', 'mock-mockb').spec;
    expect(mockb.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'mockb', port: 8000 }]);
    expect(mockb.rules.map((r: any) => [r.name, r.backendRefs.map((b: any) => `${b.name} ${b.filters[0].requestHeaderModifier.set[0].value}`)])).toEqual([
      ['lane-s2', ['mockb-s1 s2']], ['lane-s3', ['mockb-s3 s3']], ['base-route', ['mockb-s1 s1']],
    ]);
  });

  test('s2 traces v2 -> v1 -> v2 and s3 v1 -> v3 -> v1, through the lanes\' Services', () => {
    const chain = new MockChain(Testing.app(), 'mock-chain', { target: Target.GATEWAY_API });
    expect(chain.group.simulate({ headers: { env: 'dev' } }).map(p => [p.hops.map(h => `${h.backend!.host.split('.')[0]} ${h.lane}`), p.probability])).toEqual([
      [['mocka-s2 s2', 'mockb-s1 s2', 'mockc-s2 s2'], 0.5],
      [['mocka-s1 s3', 'mockb-s3 s3', 'mockc-s1 s3'], 0.5],
    ]);
  });

  test('the lane in baggage on the Gateway API: the ingress adds the entry, a client already in a lane keeps it', () => {
    const chain = new BaggageChain(Testing.app(), 'baggage-chain', { target: Target.GATEWAY_API });
    const out = synth(chain);
    const ingress = find(out, 'HTTPRoute', 'mock-ingress').spec.rules;
    expect(ingress.map((r: any) => r.name)).toEqual(['lane-s1', 'lane-s2', 'lane-s3', 'dev-route', 'base-route']);
    expect(ingress[3].backendRefs[0].filters).toEqual([{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'baggage', value: 'lane=s2' }] } }]);
    const trace = (baggage: string) => chain.group.simulate({ headers: { env: 'dev', baggage } }).map(p => [p.hops.map(h => h.backend!.host.split('.')[0]), p.probability]);
    expect(trace('userId=alice, lane = s3;p=1')).toEqual([[['mocka-s1', 'mockb-s3', 'mockc-s1'], 1]]);
    expect(trace('userId=alice')).toEqual([[['mocka-s2', 'mockb-s1', 'mockc-s2'], 0.5], [['mocka-s1', 'mockb-s3', 'mockc-s1'], 0.5]]);
  });

  test('property: along the chain, the lanes and the lane markers equal Target.ISTIO\'s', () => {
    const [istio, gwApi] = [Target.ISTIO, Target.GATEWAY_API].map(target => new MockChain(Testing.app(), 'mock-chain', { target }).group);
    const lanes = (paths: ReturnType<LaneGroup['simulate']>) => paths.map(p => [p.hops.map(h => [h.lane, h.marker.value]), p.probability]);
    fc.assert(fc.property(fc.constantFrom('dev', 'qa', undefined), fc.constantFrom('s1', 's2', 's3', 'x', undefined), fc.constantFrom(undefined, 'mockb', 'mockc'), (env, lane, host) => {
      const headers = Object.fromEntries(Object.entries({ 'env': env, 'x-asm-prefer-tag': lane }).filter(([, v]) => v !== undefined)) as { [k: string]: string };
      const options = host ? { host } : {};
      expect(lanes(gwApi.simulate({ headers }, options))).toEqual(lanes(istio.simulate({ headers }, options)));
    }), { numRuns: runs(60) });
  });
});

describe('property: where both targets can express a routing, Istio and the Gateway API route alike', () => {
  const header = fc.constantFrom('env', 'x-user', 'region');
  const value = fc.constantFrom('dev', 'qa', 'eu');
  const match = fc.uniqueArray(fc.tuple(header, value, fc.boolean()), { minLength: 1, maxLength: 2, selector: t => t[0] })
    .map(hs => ({ headers: hs.map(([h, v, regex]) => (regex ? HeaderMatch.regex(h, `${v}|x`) : HeaderMatch.exact(h, v))) }));
  const split = fc.constantFrom<Array<{ lane: string; weight?: number }>>([{ lane: 's2' }], [{ lane: 's2', weight: 30 }, { lane: 's3', weight: 70 }], [{ lane: 's3' }]);
  const rules = fc.array(fc.tuple(fc.array(match, { minLength: 1, maxLength: 2 }), split), { maxLength: 3 })
    .map(rs => rs.map(([matches, s], i) => ({ name: `r${i}`, matches, split: s })));
  const request = fc.record({ 'env': fc.constantFrom('dev', 'qa', 'x', undefined), 'x-user': fc.constantFrom('dev', 'eu', undefined), 'region': fc.constantFrom('eu', 'qa', undefined) })
    .map(h => ({ headers: Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as { [k: string]: string } }));

  test('lane shares and the lane marker the next hop sees, at the gateway and in the mesh', () => {
    fc.assert(fc.property(rules, fc.array(request, { minLength: 1, maxLength: 5 }), (rs, requests) => {
      let istio: LaneRouting;
      try {
        istio = new LaneRouting(Testing.chart(), 'mocka', props({ target: Target.ISTIO, laneServices: undefined, rules: rs }));
      } catch {
        fc.pre(false); // not a valid routing on either target (e.g. a match block that repeats another)
        return;
      }
      let gwRouting: LaneRouting;
      try {
        gwRouting = new LaneRouting(Testing.chart(), 'mocka', props({ rules: rs }));
      } catch (e) {
        // an order the Gateway API would change is refused: not expressible there
        fc.pre(!/would swap on the Gateway API/.test((e as Error).message));
        throw e;
      }
      // every synthesized object conforms (CEL included); the simulators read what each routing synthesizes
      [istio, gwRouting].forEach(r => synth(r.node.scope as any));
      const [a, b] = [istio, gwRouting].map(r => r.simulator());
      for (const req of requests) {
        for (const entry of [{ gateway: 'istio-system/ingressgateway' }, { host: 'mocka' }]) {
          const [x, y] = [a, b].map(sim => sim.simulate(req, entry));
          expect(y.laneProbabilities).toEqual(x.laneProbabilities);
          expect(y.outcomes.map(o => [o.marker.value, o.probability])).toEqual(x.outcomes.map(o => [o.marker.value, o.probability]));
        }
      }
    }), { numRuns: runs(150) });
  });
});


describe('the lanes\' Services on the Gateway API: which Service each lane is sent to, and what laneServices must be', () => {
  test('a lane served by another lane is sent to that lane\'s Service; a Service name of 63 characters is rendered, and a long lane with no Service of its own needs none', () => {
    const canary = `canary-${'x'.repeat(50)}`; // mocka-canary-xxx…: 63 characters, the most a Service name has
    const preview = `preview-${'y'.repeat(55)}`; // 63 characters, but served by s2, so no Service of its own
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: canary, podLabels: { version: 'v3' } }, { name: preview, servedBy: 's2' }],
      rules: [
        { name: 'canary', matches: [{ headers: [HeaderMatch.exact('env', 'canary')] }], split: [{ lane: canary }] },
        { name: 'preview', matches: [{ headers: [HeaderMatch.exact('env', 'preview')] }], split: [{ lane: preview }] },
      ],
      gateway: undefined,
    }));
    const out = synth(chart);
    expect(out.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['mocka-s1', 'mocka-s2', `mocka-${canary}`]);
    const marker = (lane: string) => [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: lane }] } }];
    expect(find(out, 'HTTPRoute', 'mocka-mesh').spec.rules).toEqual([
      { name: 'canary', matches: [{ headers: [{ type: 'Exact', name: 'env', value: 'canary' }] }], backendRefs: [{ name: `mocka-${canary}`, port: 8000, filters: marker(canary) }] },
      { name: 'preview', matches: [{ headers: [{ type: 'Exact', name: 'env', value: 'preview' }] }], backendRefs: [{ name: 'mocka-s2', port: 8000, filters: marker(preview) }] },
      { name: 'base-route', backendRefs: [{ name: 'mocka-s1', port: 8000, filters: marker('s1') }] },
    ]);
  });

  test('a Service with two named ports: each lane\'s Service has both, and the routes send requests to the routing\'s port', () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({
      port: 9000,
      laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, targetPort: 8080, name: 'http' }, { port: 9000, name: 'admin' }] },
      gateway: undefined,
    }));
    const out = synth(chart);
    expect(find(out, 'Service', 'mocka-s3').spec).toEqual({ selector: { app: 'mocka', version: 'v3' }, ports: [{ port: 8000, targetPort: 8080, name: 'http' }, { port: 9000, name: 'admin' }] });
    const mesh = find(out, 'HTTPRoute', 'mocka-mesh').spec;
    expect(mesh.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'mocka', port: 9000 }]);
    expect(mesh.rules.map((r: any) => r.backendRefs.map((b: any) => `${b.name}:${b.port}`))).toEqual([['mocka-s2:9000', 'mocka-s3:9000'], ['mocka-s1:9000']]);
  });

  const two = { selector: { app: 'mocka' }, ports: [{ port: 8000, name: 'http' }, { port: 9000, name: 'admin' }] };
  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['serviceName on another target', { target: Target.ISTIO, laneServices: undefined, lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' }, serviceName: 'mocka-canary' }, { name: 's3', podLabels: { v: '3' } }] },
      `${C}: lane "s2" serviceName is for Target.GATEWAY_API (a Service per lane): remove it`],
    ['a serviceName that is no DNS label', { lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' } }, { name: 's3', serviceName: 'Mocka_Canary' }] },
      `${C}: lane "s3" serviceName must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Mocka_Canary"`],
    ['podLabels and serviceName', { lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' } }, { name: 's3', podLabels: { v: '3' }, serviceName: 'mocka-canary' }] },
      `${C}: lane "s3" has podLabels and serviceName; give podLabels (a Service is rendered) or the name of its existing Service`],
    ['servedBy and serviceName', { lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' } }, { name: 's3', servedBy: 's1', serviceName: 'mocka-canary' }] },
      `${C}: lane "s3" has servedBy and serviceName; a lane served by another lane uses that lane's Service`],
    ['an empty selector', { laneServices: { selector: {}, ports: [{ port: 8000 }] } },
      `${C}: laneServices.selector must name at least one label of the service's pods, e.g. { app: 'mocka' }`],
    ['a selector key that is no label key', { laneServices: { selector: { 'app!': 'mocka' }, ports: [{ port: 8000 }] } },
      `${C}: laneServices.selector key "app!" is not a valid Kubernetes label key (optional "prefix/" then letters, digits, '-', '_', '.', at most 63 characters)`],
    ['no port', { laneServices: { selector: { app: 'mocka' }, ports: [] } }, `${C}: laneServices.ports must list at least one port`],
    ['a port out of range', { laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, name: 'http' }, { port: 70000, name: 'admin' }] } },
      `${C}: laneServices.ports[1].port must be an integer from 1 to 65535, got 70000`],
    ['a target port out of range', { laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, targetPort: 0 }] } },
      `${C}: laneServices.ports[0].targetPort must be an integer from 1 to 65535, got 0`],
    ['a port name that is no DNS label', { laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, name: 'HTTP' }] } },
      `${C}: laneServices.ports[0].name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "HTTP"`],
    ['several ports, one without a name', { laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, name: 'http' }, { port: 9000 }] } },
      `${C}: laneServices.ports: a Service with several ports names each of them`],
    ['no port and several lane Service ports', { port: undefined, laneServices: two },
      `${C}: HTTPRoute backends need a port: set port, or give laneServices a single port`],
    ['no port and only existing Services', { port: undefined, laneServices: undefined, lanes: [{ name: 's1', serviceName: 'mocka-v1' }, { name: 's2', serviceName: 'mocka-v2' }, { name: 's3', servedBy: 's2' }] },
      `${C}: HTTPRoute backends need a port: set port, or give laneServices a single port`],
    ['a port none of the lane Services has', { port: 7000, laneServices: two },
      `${C}: port 7000 is not among the lane Services' ports (8000, 9000); the routes would send requests to a port the Services do not have`],
  ])('%s is refused, naming the field and the fix', (_name, p, message) => {
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props(p))).toThrow(new Error(message));
  });
});

describe('the Gateway API\'s limits (v1.4.0, standard channel): up to each limit rendered, one past it refused', () => {
  const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  const blocks = (header: string, n: number) => times(n, i => ({ headers: [HeaderMatch.exact(header, String(i))] }));
  /** n weights summing to 100: 6 each, the rest on the last */
  const weights = (n: number) => times(n, i => (i < n - 1 ? 6 : 100 - 6 * (n - 1)));
  const web = (i: number) => `web${i}.shop.svc.cluster.local`;
  const lanes = (n: number) => times(n, i => ({ name: `l${i}`, podLabels: { v: String(i) } }));

  test('16 hostnames, 32 Gateways, 16 rules holding 128 match blocks (64 in one; the default route\'s counts as one), 16 backends in a rule, 16 header and 16 query matches in a match: rendered, and every object conforms', () => {
    const hosts = times(16, i => `h${i}.example.com`);
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({
      lanes: lanes(16),
      baseline: 'l0',
      gateway: { gateways: times(32, i => `istio-system/gw${i}`), hosts, name: 'mocka-ingress' },
      routesBefore: [{
        name: 'web',
        matches: [{ headers: times(16, i => HeaderMatch.exact(`x-h${i}`, 'v')), queryParams: times(16, i => QueryParamMatch.exact(`q${i}`, 'v')), method: StringMatch.exact('GET') }],
        destinations: times(16, i => ({ host: web(i), port: 80, weight: weights(16)[i] })),
      }],
      rules: [
        { name: 'wide', matches: blocks('x-wide', 1), split: lanes(16).map((l, i) => ({ lane: l.name, weight: weights(16)[i] })) },
        { name: 'r64', matches: blocks('x-a', 64), split: [{ lane: 'l1' }] },
        { name: 'r50', matches: blocks('x-b', 50), split: [{ lane: 'l2' }] },
        ...times(11, i => ({ name: `one-${i}`, matches: [{ headers: [HeaderMatch.exact('x-c', String(i))] }], split: [{ lane: 'l3' }] })),
      ],
    }));
    times(16, i => new ApiObject(chart, `web${i}`, { apiVersion: 'v1', kind: 'Service', metadata: { name: `web${i}`, namespace: 'shop' }, spec: { selector: { app: `web${i}` }, ports: [{ port: 80 }] } }));
    const out = synth(chart); // the Gateway API's own schema (maxItems included) accepts each list at its limit
    const ingress = find(out, 'HTTPRoute', 'mocka-ingress').spec;
    expect(ingress.parentRefs).toEqual(times(32, i => ({ name: `gw${i}` })));
    expect(ingress.hostnames).toEqual(hosts);
    expect(ingress.rules.map((r: any) => [r.name, r.matches?.length ?? 0, r.backendRefs.length])).toEqual([
      ['web', 1, 16], ['wide', 1, 16], ['r64', 64, 1], ['r50', 50, 1], ...times(11, i => [`one-${i}`, 1, 1]), ['base-route', 0, 1],
    ]);
    expect(ingress.rules[0]).toEqual({
      name: 'web',
      matches: [{ headers: times(16, i => ({ type: 'Exact', name: `x-h${i}`, value: 'v' })), queryParams: times(16, i => ({ type: 'Exact', name: `q${i}`, value: 'v' })), method: 'GET' }],
      backendRefs: times(16, i => ({ name: `web${i}`, namespace: 'shop', port: 80, weight: weights(16)[i] })),
    });
    expect(ingress.rules[1].backendRefs.map((b: any) => `${b.namespace}/${b.name} ${b.weight}`)).toEqual(times(16, i => `default/mocka-l${i} ${weights(16)[i]}`));
  });

  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['17 hostnames', { gateway: { gateways: ['istio-system/gw'], hosts: times(17, i => `h${i}.example.com`) } }, `${C}: gateway.hosts lists 17 hosts; an HTTPRoute holds at most 16 hostnames`],
    ['33 Gateways', { gateway: { gateways: times(33, i => `istio-system/gw${i}`) } }, `${C}: gateway.gateways lists 33 gateways; an HTTPRoute holds at most 32 parentRefs`],
    ['128 match blocks and the default route\'s', {
      rules: [{ name: 'a', matches: blocks('x-a', 64), split: [{ lane: 's2' }] }, { name: 'b', matches: blocks('x-b', 63), split: [{ lane: 's2' }] }, { name: 'c', matches: blocks('x-c', 1), split: [{ lane: 's3' }] }],
    }, `${C}: 129 match blocks, counting one for each rule without matches (the default route's among them); an HTTPRoute holds at most 128`],
    ['65 match blocks in a rule', { rules: [{ name: 'r', matches: blocks('x-a', 65), split: [{ lane: 's2' }] }] }, `${C}: route "r" has 65 match blocks; an HTTPRoute rule holds at most 64`],
    ['a split between 17 lanes', { lanes: lanes(17), baseline: 'l0', rules: [{ name: 'r', matches: blocks('env', 1), split: lanes(17).map((l, i) => ({ lane: l.name, weight: weights(17)[i] })) }] },
      `${C}: rule "r" splits between 17 lanes; an HTTPRoute rule holds at most 16 backends`],
    ['a custom route to 17 Services', { routesAfter: [{ name: 'web', matches: blocks('x-web', 1), destinations: times(17, i => ({ host: web(i), port: 80, weight: weights(17)[i] })) }] },
      `${C}: custom route "web" has 17 destinations; an HTTPRoute rule holds at most 16 backends`],
    ['17 header matches in a match', { rules: [{ name: 'r', matches: [{ headers: times(17, i => HeaderMatch.exact(`x-h${i}`, 'v')) }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" has 17 header matches; an HTTPRoute match holds at most 16`],
    ['17 query matches in a match', { rules: [{ name: 'r', matches: [{ queryParams: times(17, i => QueryParamMatch.exact(`q${i}`, 'v')) }], split: [{ lane: 's2' }] }] },
      `${C}: route "r" has 17 query matches; an HTTPRoute match holds at most 16`],
  ])('%s: refused, naming the count and the limit', (_name, p, message) => {
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props(p))).toThrow(new Error(message));
  });
});

describe('custom routes, matches and the mesh route\'s hosts on the Gateway API', () => {
  const marker = (lane: string) => [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: lane }] } }];
  const webService = (chart: any) => new ApiObject(chart, 'web', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });

  test('a custom route to another namespace\'s Service with a timeout, an exact path and method, a regex header and a query match: rendered as HTTPRoute rules', () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({
      gateway: undefined,
      routesBefore: [{ name: 'web', matches: [{ uri: StringMatch.exact('/web'), method: StringMatch.exact('GET') }], destinations: [{ host: 'web.shop.svc.cluster.local', port: 80 }], timeout: Duration.seconds(3) }],
      rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.regex('env', 'dev|qa')], queryParams: [QueryParamMatch.exact('lane', 's2')] }], split: [{ lane: 's2' }] }],
    }));
    webService(chart);
    const out = synth(chart);
    expect(find(out, 'HTTPRoute', 'mocka-mesh').spec.rules).toEqual([
      { name: 'web', matches: [{ path: { type: 'Exact', value: '/web' }, method: 'GET' }], backendRefs: [{ name: 'web', namespace: 'shop', port: 80 }], timeouts: { request: '3s' } },
      {
        name: 'dev-route',
        matches: [{ headers: [{ type: 'RegularExpression', name: 'env', value: 'dev|qa' }], queryParams: [{ type: 'Exact', name: 'lane', value: 's2' }] }],
        backendRefs: [{ name: 'mocka-s2', port: 8000, filters: marker('s2') }],
      },
      { name: 'base-route', backendRefs: [{ name: 'mocka-s1', port: 8000, filters: marker('s1') }] },
    ]);
  });

  const custom = (extra: Partial<CustomRoute> = {}): CustomRoute => ({
    name: 'web', matches: [{ headers: [HeaderMatch.exact('x-web', '1')] }], destinations: [{ host: 'web.shop.svc.cluster.local', port: 80 }], ...extra,
  });
  const one = (match: object) => ({ rules: [{ name: 'r', matches: [match], split: [{ lane: 's2' }] }] });
  test.each<[string, Partial<LaneRoutingProps>, string]>([
    ['retries on a custom route', { routesAfter: [custom({ retries: { attempts: 2 } })] }, `${C}: custom route "web" retries: not in the Gateway API's standard channel; remove them`],
    ['a subset', { routesBefore: [custom({ destinations: [{ host: 'web.shop.svc.cluster.local', subset: 'v1', port: 80 }] })] },
      `${C}: custom route "web": destination subset "v1": the Gateway API has no subsets; send it to a lane's Service host`],
    ['a destination without a port', { routesBefore: [custom({ destinations: [{ host: 'web.shop.svc.cluster.local' }] })] },
      `${C}: custom route "web": destination "web.shop.svc.cluster.local" needs a port (HTTPRoute backends name one)`],
    ['a destination that is no Service host', { routesBefore: [custom({ destinations: [{ host: 'x.web.shop.svc.cluster.local', port: 80 }] })] },
      `${C}: custom route "web": destination "x.web.shop.svc.cluster.local" must be a Service host <name>.<namespace>.svc.<domain>`],
    ['a custom route\'s timeout of more than 5 digits', { routesBefore: [custom({ timeout: Duration.seconds(100000) })] },
      `${C}: timeout "100000s": a Gateway API duration has at most 5 digits per unit (e.g. 99999s); use a shorter timeout`],
    ['a default route name that is no DNS subdomain', { defaultRouteName: 'Base_Route' },
      `${C}: default route: an HTTPRoute rule name is lowercase letters, digits, "-" and "." (a DNS subdomain), at most 253 characters`],
    ['an authority match', one({ authority: StringMatch.exact('shop.example.com') }),
      `${C}: route "r" matches the authority; on the Gateway API the hostnames of the route do that: use gateway.hosts`],
    ['a pseudo-header', one({ headers: [HeaderMatch.exact(':scheme', 'https')] }),
      `${C}: route "r" header ":scheme": the Gateway API matches no pseudo-header; match the path, method or hostname instead`],
    // no factory makes one, but a JavaScript caller can reach the constructor
    ['a prefix query match', one({ queryParams: [new (QueryParamMatch as any)('q', StringMatch.prefix('a'))] }),
      `${C}: route "r" query parameter "q": a prefix match ("a") is not in the Gateway API, which matches query parameters Exact or RegularExpression only; `
      + 'use QueryParamMatch.regex("q", "a.*")'],
    ['a path ending in "/."', one({ uri: StringMatch.exact('/a/.') }),
      `${C}: route "r" uri exact "/a/.": the Gateway API refuses paths with "//", "/./", "/../", "%2f" or "#"`],
    ['a method regex, even of one method', one({ method: StringMatch.regex('GET') }),
      `${C}: route "r" method regex "GET": the Gateway API matches one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH exactly`],
    ['an exact method that is no HTTP method', one({ method: StringMatch.exact('FOO') }),
      `${C}: route "r" method exact "FOO": the Gateway API matches one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH exactly`],
    ['mesh hosts beside the Service\'s', { sidecar: { hosts: [HOST, 'mockb.default.svc.cluster.local'] } },
      `${C}: sidecar.hosts ["${HOST}","mockb.default.svc.cluster.local"]: a mesh HTTPRoute is bound to its Service (${HOST}) alone; remove hosts`],
    ['a mesh host other than the Service', { sidecar: { hosts: ['mockb.default.svc.cluster.local'] } },
      `${C}: sidecar.hosts ["mockb.default.svc.cluster.local"]: a mesh HTTPRoute is bound to its Service (${HOST}) alone; remove hosts`],
  ])('%s: refused, naming what and why', (_name, p, message) => {
    expect(() => new LaneRouting(Testing.chart(), 'mocka', props(p))).toThrow(new Error(message));
  });
});

describe('the Gateway API\'s precedence: paths, methods, query matches and regexes in the declared order', () => {
  const dev = HeaderMatch.exact('env', 'dev');
  const eu = HeaderMatch.exact('region', 'eu');
  const rule = (name: string, ...matches: object[]) => ({ name, matches, split: [{ lane: 's2' }] });
  const routing = (...rules: Array<ReturnType<typeof rule>>) => () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'mocka', props({ gateway: undefined, rules }));
    return find(synth(chart), 'HTTPRoute', 'mocka-mesh').spec.rules.map((r: any) => [r.name, r.matches]);
  };
  const swap = (more: string, less: string) => `${C}: routes "a" and "b" would swap on the Gateway API, which tries the more specific match first (${more} before ${less}) `
    + 'where the declared order tries "a" first; put "b" first, or give "a" as many conditions';

  test('a later exact path, method or query match that can take the same requests would swap: refused, describing both', () => {
    expect(routing(rule('a', { headers: [dev] }), rule('b', { uri: StringMatch.exact('/api') })))
      .toThrow(new Error(swap('an exact path of 4 characters, 0 header matches', 'no path, 1 header match')));
    expect(routing(rule('a', { headers: [dev] }), rule('b', { headers: [dev], method: StringMatch.exact('GET') })))
      .toThrow(new Error(swap('no path, a method, 1 header match', 'no path, 1 header match')));
    expect(routing(rule('a', { headers: [dev] }), rule('b', { headers: [dev], queryParams: [QueryParamMatch.exact('q', '1')] })))
      .toThrow(new Error(swap('no path, 1 header match, 1 query match', 'no path, 1 header match')));
    // the same path, the same method
    expect(routing(rule('a', { uri: StringMatch.exact('/api') }), rule('b', { uri: StringMatch.exact('/api'), headers: [dev] })))
      .toThrow(new Error(swap('an exact path of 4 characters, 1 header match', 'an exact path of 4 characters, 0 header matches')));
    expect(routing(rule('a', { method: StringMatch.exact('GET') }), rule('b', { method: StringMatch.exact('GET'), headers: [dev] })))
      .toThrow(new Error(swap('no path, a method, 1 header match', 'no path, a method, 0 header matches')));
  });

  test('different exact paths, or different methods, never take the same request: kept as declared', () => {
    expect(routing(rule('a', { uri: StringMatch.exact('/a') }), rule('b', { uri: StringMatch.exact('/abc') }))()).toEqual([
      ['a', [{ path: { type: 'Exact', value: '/a' } }]], ['b', [{ path: { type: 'Exact', value: '/abc' } }]], ['base-route', undefined],
    ]);
    expect(routing(rule('a', { method: StringMatch.exact('GET') }), rule('b', { method: StringMatch.exact('POST'), headers: [dev] }))()).toEqual([
      ['a', [{ method: 'GET' }]], ['b', [{ headers: [{ type: 'Exact', name: 'env', value: 'dev' }], method: 'POST' }]], ['base-route', undefined],
    ]);
  });

  test('two exact values are compared as text: a value with a regex\'s special characters takes no other value', () => {
    const env = (value: string) => HeaderMatch.exact('env', value);
    expect(routing(rule('a', { headers: [env('abc')] }), rule('b', { headers: [env('a.c'), eu] }))()).toEqual([
      ['a', [{ headers: [{ type: 'Exact', name: 'env', value: 'abc' }] }]],
      ['b', [{ headers: [{ type: 'Exact', name: 'env', value: 'a.c' }, { type: 'Exact', name: 'region', value: 'eu' }] }]],
      ['base-route', undefined],
    ]);
  });

  test('a later regex that takes an earlier exact value, or two regexes, would swap; a regex that does not take it is kept', () => {
    expect(routing(rule('a', { headers: [dev] }), rule('b', { headers: [HeaderMatch.regex('env', 'dev|qa'), eu] })))
      .toThrow(new Error(swap('no path, 2 header matches', 'no path, 1 header match')));
    expect(routing(rule('a', { headers: [HeaderMatch.regex('env', 'dev|qa')] }), rule('b', { headers: [HeaderMatch.regex('env', 'qa|eu'), eu] })))
      .toThrow(new Error(swap('no path, 2 header matches', 'no path, 1 header match')));
    expect(routing(rule('a', { headers: [HeaderMatch.exact('env', 'prod')] }), rule('b', { headers: [HeaderMatch.regex('env', 'dev|qa'), eu] }))()).toEqual([
      ['a', [{ headers: [{ type: 'Exact', name: 'env', value: 'prod' }] }]],
      ['b', [{ headers: [{ type: 'RegularExpression', name: 'env', value: 'dev|qa' }, { type: 'Exact', name: 'region', value: 'eu' }] }]],
      ['base-route', undefined],
    ]);
  });

  test('the match blocks of one rule may come in any order: one rule sends them to the same lanes', () => {
    expect(routing(rule('a', { headers: [dev] }, { headers: [dev, eu] }))()).toEqual([
      ['a', [{ headers: [{ type: 'Exact', name: 'env', value: 'dev' }] }, { headers: [{ type: 'Exact', name: 'env', value: 'dev' }, { type: 'Exact', name: 'region', value: 'eu' }] }]],
      ['base-route', undefined],
    ]);
  });
});
