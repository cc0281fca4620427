import { Chart, Duration, Testing } from 'cdk8s';
import { synth } from './helpers';
import {
  HeaderMatch, LaneRouting, LaneRoutingProps, Mode, Propagation, QueryParamMatch, RoutePlacement, StringMatch, Target,
} from '../src';

const HOST = 'mocka.default.svc.cluster.local';

function baseProps(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.ASM,
    host: HOST,
    lanes: [{ name: 's1' }, { name: 's2' }, { name: 's3' }],
    baseline: 's1',
    rules: [{
      name: 'dev-route',
      matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }],
      split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50, fallbackLane: 's1' }],
    }],
    gateway: { gateways: ['istio-system/ingressgateway'] },
    sidecar: {},
    ...overrides,
  };
}

function render(overrides: Partial<LaneRoutingProps> = {}, configure?: (r: LaneRouting) => void) {
  const chart = Testing.chart();
  const routing = new LaneRouting(chart, 'mocka', baseProps(overrides));
  configure?.(routing);
  const out = synth(chart);
  const gateway = out.find(o => o.kind === 'VirtualService' && o.spec.gateways);
  const sidecar = out.find(o => o.kind === 'VirtualService' && !o.spec.gateways);
  const dr = out.find(o => o.kind === 'DestinationRule');
  return { chart, routing, out, gateway, sidecar, dr };
}

describe('LaneRouting', () => {
  test('child construct ids are a contract', () => {
    // GIVEN a routing with both entry points and a labelled lane
    const { routing } = render({ lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', podLabels: { version: 'v3' } }] });
    // THEN the ids of the generated objects are fixed
    expect(routing.node.children.map(c => c.node.id)).toEqual(['GatewayVirtualService', 'SidecarVirtualService', 'DestinationRule']);
    expect(routing.gatewayVirtualService?.node.id).toEqual('GatewayVirtualService');
    expect(routing.sidecarVirtualService?.node.id).toEqual('SidecarVirtualService');
    expect(routing.destinationRule?.node.id).toEqual('DestinationRule');
  });

  test('gateway and sidecar VirtualServices carry identical routes', () => {
    const { gateway, sidecar } = render();
    expect(gateway.spec.http).toEqual(sidecar.spec.http);
  });

  test('route order: rules in the order given, addRule() after them, the default route last', () => {
    const { gateway, routing } = render({
      rules: [
        { name: 'first', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] },
        { name: 'second', matches: [{ uri: StringMatch.prefix('/beta') }], split: [{ lane: 's3' }] },
      ],
      defaultRouteName: 'fallthrough',
    }, r => r.addRule({ name: 'third', matches: [{ method: StringMatch.exact('POST') }], split: [{ lane: 's2' }] }));
    expect(gateway.spec.http.map((r: any) => r.name)).toEqual(['first', 'second', 'third', 'fallthrough']);
    expect(routing.routeNames).toEqual(['first', 'second', 'third', 'fallthrough']);
    const last = gateway.spec.http[3];
    expect(last.match).toBeUndefined();
    expect(last.route).toEqual([{ destination: { host: HOST, subset: 's1' }, headers: { request: { set: { 'x-asm-prefer-tag': 's1' } } } }]);
  });

  test('default route is named base-route and is the only route when there are no rules', () => {
    const { gateway } = render({ rules: undefined });
    expect(gateway.spec.http).toHaveLength(1);
    expect(gateway.spec.http[0].name).toEqual('base-route');
  });

  test('weights: explicit integers on every destination of a multi-lane split, none on a single lane', () => {
    const { gateway } = render({
      rules: [
        { name: 'three', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's1', weight: 20 }, { lane: 's2', weight: 30 }, { lane: 's3', weight: 50 }] },
        { name: 'one', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's3', weight: 100 }] },
      ],
    });
    expect(gateway.spec.http[0].route.map((d: any) => [d.destination.subset, d.weight])).toEqual([['s1', 20], ['s2', 30], ['s3', 50]]);
    expect(gateway.spec.http[1].route[0].weight).toBeUndefined();
  });

  test('permissive mode: every destination sets the routing header to its own lane', () => {
    const { gateway } = render({ routingHeader: 'my-trace-id' });
    const destinations = gateway.spec.http.flatMap((r: any) => r.route);
    expect(destinations.map((d: any) => [d.destination.subset, d.headers.request.set])).toEqual([
      ['s2', { 'my-trace-id': 's2' }],
      ['s3', { 'my-trace-id': 's3' }],
      ['s1', { 'my-trace-id': 's1' }],
    ]);
  });

  test('strict mode: destinations carry only the subset, no header', () => {
    const { gateway, sidecar } = render({ mode: Mode.STRICT });
    for (const vs of [gateway, sidecar]) {
      for (const d of vs.spec.http.flatMap((r: any) => r.route)) {
        expect(d.headers).toBeUndefined();
        expect(d.destination.subset).toMatch(/^s[123]$/);
      }
    }
  });

  test('ASM target: networking.istio.io/v1beta1 with the fallback on the destination that declares it', () => {
    const { gateway } = render();
    expect(gateway.apiVersion).toEqual('networking.istio.io/v1beta1');
    const [s2, s3] = gateway.spec.http[0].route;
    expect(s2.fallback).toBeUndefined();
    expect(s3.fallback).toEqual({ target: { host: HOST, subset: 's1' } });
  });

  test('ISTIO target: networking.istio.io/v1 and no ASM-only field', () => {
    const { out } = render({
      target: Target.ISTIO,
      rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }] }],
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }, { name: 's3', servedBy: 's1' }],
    });
    expect(out.map(o => o.apiVersion)).toEqual(['networking.istio.io/v1', 'networking.istio.io/v1', 'networking.istio.io/v1']);
    expect(JSON.stringify(out)).not.toContain('fallback');
  });

  test('ISTIO target: a fallback lane is an error, not a silent drop', () => {
    expect(() => render({ target: Target.ISTIO })).toThrow(
      'LaneRouting "test/mocka": rule "dev-route" lane "s3" has fallbackLane "s1", but fallback is an ASM-only field that upstream Istio drops; use target: Target.ASM or remove fallbackLane');
  });

  test('gateway VirtualService: gateways as given, hosts default to *, namespace of the first gateway', () => {
    const { gateway } = render();
    expect(gateway.metadata.namespace).toEqual('istio-system');
    expect(gateway.spec.gateways).toEqual(['istio-system/ingressgateway']);
    expect(gateway.spec.hosts).toEqual(['*']);
  });

  test('gateway VirtualService: explicit hosts, namespace and name', () => {
    const { gateway } = render({ gateway: { gateways: ['edge/public-gw', 'edge/private-gw'], hosts: ['shop.example.com', '*.shop.example.com'], namespace: 'routing', name: 'mocka-ingress' } });
    expect(gateway.metadata).toEqual({ name: 'mocka-ingress', namespace: 'routing' });
    expect(gateway.spec.gateways).toEqual(['edge/public-gw', 'edge/private-gw']);
    expect(gateway.spec.hosts).toEqual(['shop.example.com', '*.shop.example.com']);
  });

  test('sidecar VirtualService: no gateways, hosts default to the service FQDN, namespace of the service', () => {
    const { sidecar } = render();
    expect(sidecar.spec.gateways).toBeUndefined();
    expect(sidecar.spec.hosts).toEqual([HOST]);
    expect(sidecar.metadata.namespace).toEqual('default');
  });

  test('sidecar VirtualService: a host outside the cluster domain takes the chart namespace', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'team-a' });
    new LaneRouting(chart, 'ext', { ...baseProps(), host: 'api.example.com', gateway: undefined, sidecar: {} });
    const [vs] = synth(chart);
    expect(vs.metadata.namespace).toEqual('team-a');
    expect(vs.spec.hosts).toEqual(['api.example.com']);
  });

  test('object names are generated by cdk8s when not given', () => {
    const { gateway, sidecar } = render();
    expect(gateway.metadata.name).toMatch(/^test-mocka-gatewayvirtualservice-c8[0-9a-f]+$/);
    expect(sidecar.metadata.name).toMatch(/^test-mocka-sidecarvirtualservice-c8[0-9a-f]+$/);
  });

  test('only the requested entry points are rendered', () => {
    expect(render({ sidecar: undefined }).out.map(o => !!o.spec.gateways)).toEqual([true]);
    expect(render({ gateway: undefined }).out.map(o => !!o.spec.gateways)).toEqual([false]);
  });

  test('DestinationRule: one subset per lane with pod labels, in the service namespace', () => {
    const { dr, routing } = render({
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { 'version': 'v2', 'app.kubernetes.io/name': 'mocka' } }, { name: 's3', servedBy: 's2' }],
    });
    expect(dr.apiVersion).toEqual('networking.istio.io/v1beta1');
    expect(dr.metadata.namespace).toEqual('default');
    expect(dr.spec).toEqual({
      host: HOST,
      subsets: [
        { name: 's1', labels: { version: 'v1' } },
        { name: 's2', labels: { 'version': 'v2', 'app.kubernetes.io/name': 'mocka' } },
      ],
    });
    expect(routing.destinationRule).toBeDefined();
  });

  test('DestinationRule: not rendered when no lane has pod labels', () => {
    const { dr, routing } = render();
    expect(dr).toBeUndefined();
    expect(routing.destinationRule).toBeUndefined();
  });

  test('DestinationRule: placement can be set', () => {
    const { dr } = render({ lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', podLabels: { version: 'v3' } }], destinationRule: { namespace: 'mesh-config', name: 'mocka-lanes' } });
    expect(dr.metadata).toEqual({ name: 'mocka-lanes', namespace: 'mesh-config' });
  });

  test('port: set on every destination and fallback target', () => {
    const { gateway } = render({ port: 8000 });
    for (const d of gateway.spec.http.flatMap((r: any) => r.route)) expect(d.destination.port).toEqual({ number: 8000 });
    expect(gateway.spec.http[0].route[1].fallback.target.port).toEqual({ number: 8000 });
  });

  test('matches: OR of blocks, AND inside a block, every condition kind rendered', () => {
    const { gateway } = render({
      rules: [{
        name: 'beta',
        matches: [
          {
            headers: [HeaderMatch.prefix('user', 'qa-'), HeaderMatch.regex('x-tier', 'gold|silver'), HeaderMatch.present('x-beta'), HeaderMatch.absent('x-opt-out')],
            uri: StringMatch.prefix('/api'),
            method: StringMatch.exact('GET'),
            queryParams: [QueryParamMatch.exact('lane', 'beta'), QueryParamMatch.regex('v', '[0-9]+')],
          },
          { uri: StringMatch.regex('/beta/.*') },
        ],
        split: [{ lane: 's2' }],
      }],
    });
    expect(gateway.spec.http[0].match).toEqual([
      {
        headers: { 'user': { prefix: 'qa-' }, 'x-tier': { regex: 'gold|silver' }, 'x-beta': {} },
        withoutHeaders: { 'x-opt-out': {} },
        uri: { prefix: '/api' },
        method: { exact: 'GET' },
        queryParams: { lane: { exact: 'beta' }, v: { regex: '[0-9]+' } },
      },
      { uri: { regex: '/beta/.*' } },
    ]);
  });

  test('accessors describe the routing', () => {
    const { routing } = render();
    expect(routing.host).toEqual(HOST);
    expect(routing.baseline).toEqual('s1');
    expect(routing.routingHeader).toEqual('x-asm-prefer-tag');
    expect(routing.laneNames).toEqual(['s1', 's2', 's3']);
  });

  test('addRule() is checked at once', () => {
    const { routing } = render();
    expect(() => routing.addRule({ name: 'dev-route', matches: [{ uri: StringMatch.exact('/x') }], split: [{ lane: 's2' }] }))
      .toThrow('LaneRouting "test/mocka": rule "dev-route": the name is already used by another rule; route names must be unique');
    expect(routing.routeNames).toEqual(['dev-route', 'base-route']);
  });

  test.each([Target.ISTIO, Target.ASM])('%s: a baseline that is not the first lane gets the default route and the fallbacks', (target) => {
    // GIVEN lanes listed with the baseline in the middle
    const { gateway, sidecar, dr, routing } = render({
      target,
      lanes: [{ name: 's2', podLabels: { version: 'v2' } }, { name: 's1', podLabels: { version: 'v1' } }, { name: 's3', podLabels: { version: 'v3' } }],
      baseline: 's1',
      rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's3' }] }],
    });
    // THEN the default route (last) sends to the baseline, not to the first lane, and sets its marker
    for (const vs of [gateway, sidecar]) {
      const last = vs.spec.http[vs.spec.http.length - 1];
      expect(last.name).toBe('base-route');
      expect(last.route).toEqual([{ destination: { host: HOST, subset: 's1' }, headers: { request: { set: { 'x-asm-prefer-tag': 's1' } } } }]);
    }
    // AND every lane keeps its subset, in the order given
    expect(dr.spec.subsets.map((x: any) => `${x.name}=${x.labels.version}`)).toEqual(['s2=v2', 's1=v1', 's3=v3']);
    // AND a request no rule takes lands on the baseline
    expect(routing.simulate({ headers: {} }).subsetProbabilities).toEqual({ s1: 1 });
    expect(routing.simulate({ headers: { env: 'dev' } }).subsetProbabilities).toEqual({ s3: 1 });
  });

  test('synthesis is deterministic', () => {
    const a = JSON.stringify(render().out);
    const b = JSON.stringify(render().out);
    expect(a).toEqual(b);
  });
});

describe('LaneRouting: lanes served by another subset, route options, custom routes', () => {
  test('servedBy: the subset is the serving lane, the routing header still names the lane', () => {
    const { gateway, dr } = render({
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', servedBy: 's1' }],
      rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }] }],
    });
    expect(gateway.spec.http[0].route.map((d: any) => [d.destination.subset, d.headers.request.set['x-asm-prefer-tag']])).toEqual([['s2', 's2'], ['s1', 's3']]);
    expect(dr.spec.subsets.map((s: any) => s.name)).toEqual(['s1', 's2']);
  });

  test('servedBy is followed by the simulation: s3 served by v1 while carrying s3', () => {
    const { routing } = render({
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', servedBy: 's1' }],
      rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's3' }] }],
    });
    const r = routing.simulate({ headers: { env: 'dev' } });
    expect(r.outcomes.map(o => [o.lane, o.backend?.subset, o.marker.value])).toEqual([['s3', 's1', 's3']]);
  });

  test('routeOptions: timeout and retries on every lane rule and the default route', () => {
    const { gateway } = render({ routeOptions: { timeout: Duration.millis(1500), retries: { attempts: 3, perTryTimeout: Duration.seconds(1), retryOn: '5xx,reset,503' } } });
    for (const r of gateway.spec.http) {
      expect(r.timeout).toEqual('1500ms');
      expect(r.retries).toEqual({ attempts: 3, perTryTimeout: '1s', retryOn: '5xx,reset,503' });
    }
  });

  test('custom routes: before the lane rules, after them, and still before the default route', () => {
    const health = { name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOST, subset: 's1' }], timeout: Duration.seconds(2) };
    const { gateway, routing } = render({ routesBefore: [health] }, r => r.addCustomRoute({
      name: 'legacy',
      matches: [{ uri: StringMatch.prefix('/legacy') }],
      destinations: [{ host: 'legacy.default.svc.cluster.local', port: 8080, weight: 90 }, { host: 'legacy-next.default.svc.cluster.local', weight: 10 }],
    }, RoutePlacement.AFTER_LANE_RULES));
    expect(routing.routeNames).toEqual(['health', 'dev-route', 'legacy', 'base-route']);
    expect(gateway.spec.http[0]).toEqual({ name: 'health', match: [{ uri: { exact: '/healthz' } }], route: [{ destination: { host: HOST, subset: 's1' } }], timeout: '2s' });
    expect(gateway.spec.http[2].route).toEqual([
      { destination: { host: 'legacy.default.svc.cluster.local', port: { number: 8080 } }, weight: 90 },
      { destination: { host: 'legacy-next.default.svc.cluster.local' }, weight: 10 },
    ]);
    expect(routing.simulate({ path: '/healthz', headers: { env: 'dev' } }).rule).toEqual('health');
  });
});

describe('LaneRouting: every argument is checked, and its errors name the routing', () => {
  const C = 'LaneRouting "test/mocka"';

  test('props: a value of the wrong type names props and the field', () => {
    expect(() => new LaneRouting(Testing.chart(), 'mocka', { ...baseProps(), host: 42 } as any))
      .toThrow(new Error(`${C}: props.host must be a string, got 42`));
  });

  test('simulate(): the request and the options are checked, each named', () => {
    const { routing } = render();
    expect(() => routing.simulate({ path: 7 } as any)).toThrow(new Error(`${C}: request.path must be a string, got 7`));
    expect(() => routing.simulate({}, { host: 7 } as any)).toThrow(new Error(`${C}: options.host must be a string, got 7`));
  });

  test('simulate(): an error of the simulation is prefixed with the routing', () => {
    const { routing } = render();
    expect(() => routing.simulate({}, { gateway: 'istio-system/ingressgateway', host: HOST }))
      .toThrow(new Error(`${C}: give gateway or host, not both`));
  });

  test('addRule(): the rule is checked, named rule', () => {
    const { routing } = render();
    expect(() => routing.addRule({ name: 7, matches: [], split: [] } as any)).toThrow(new Error(`${C}: rule.name must be a string, got 7`));
    expect(routing.routeNames).toEqual(['dev-route', 'base-route']);
  });

  test('addCustomRoute(): the route and the placement are checked, each named', () => {
    const { routing } = render();
    const route = { name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOST, subset: 's1' }] };
    expect(() => routing.addCustomRoute({ ...route, destinations: [{ host: 7 }] } as any, RoutePlacement.BEFORE_LANE_RULES))
      .toThrow(new Error(`${C}: route.destinations[0].host must be a string, got 7`));
    expect(() => routing.addCustomRoute(route, 'LAST' as RoutePlacement))
      .toThrow(new Error(`${C}: placement must be one of "BEFORE_LANE_RULES", "AFTER_LANE_RULES", got "LAST"`));
    expect(routing.routeNames).toEqual(['dev-route', 'base-route']);
  });

  test('addRule() with the lane in baggage (Target.ISTIO): refused on a sidecar VirtualService, taken on a gateway-only routing', () => {
    const base: LaneRoutingProps = {
      target: Target.ISTIO,
      host: HOST,
      lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }],
      baseline: 's1',
      propagation: Propagation.baggage(),
    };
    const rule = { name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] };
    const withSidecar = new LaneRouting(Testing.chart(), 'mocka', { ...base, sidecar: {} });
    expect(() => withSidecar.addRule(rule)).toThrow(new Error(`${C}: rule "dev-route": with Propagation.baggage() on Target.ISTIO the sidecar VirtualService only matches lane entries `
      + '(it adds none), so this rule would put requests into a lane the next service does not see; put lane rules on a LaneRouting with only a gateway entry point'));
    const gatewayOnly = new LaneRouting(Testing.chart(), 'mocka', { ...base, gateway: { gateways: ['istio-system/ingressgateway'] } });
    gatewayOnly.addRule(rule);
    // the gateway adds the lane entry of each lane (one route per lane), then the lane rules, then the default route
    expect(gatewayOnly.routeNames).toEqual(['lane-s1', 'lane-s2', 'dev-route', 'base-route']);
  });

  test('the meshes: no lane Services and no ReferenceGrants', () => {
    const { routing } = render({ lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', podLabels: { version: 'v3' } }] });
    expect(routing.laneServices).toEqual([]);
    expect(routing.referenceGrants).toEqual([]);
    expect([routing.gatewayHttpRoute, routing.meshHttpRoute]).toEqual([undefined, undefined]);
  });
});

describe('LaneRouting: a spec is rendered from the model as it is at synth time', () => {
  test('a rule added after the objects were rendered once is in the next rendering', () => {
    const { routing } = render();
    // simulate() reads the objects, which renders their specs
    expect(routing.simulate({ headers: { env: 'qa' } }).rule).toEqual('base-route');
    routing.addRule({ name: 'qa-route', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's3' }] });
    expect(routing.gatewayVirtualService!.toJson().spec.http.map((r: any) => r.name)).toEqual(['dev-route', 'qa-route', 'base-route']);
    expect(routing.sidecarVirtualService!.toJson().spec.http.map((r: any) => r.name)).toEqual(['dev-route', 'qa-route', 'base-route']);
    expect(routing.simulate({ headers: { env: 'qa' } }).rule).toEqual('qa-route');
  });
});

describe('LaneRouting: an object over the API server\'s 1.5 MiB is an error at synth naming it', () => {
  // 2 MiB of header value: with the rest of the spec (well under 5 KiB) the JSON is 2.00 MiB
  const bigValue = 'v'.repeat(2 * 1024 * 1024);
  const bigRule = { name: 'big', matches: [{ headers: [HeaderMatch.exact('x-big', bigValue)] }], split: [{ lane: 's2' }] };
  // the app-wide checks render the specs first, so cdk8s reports the error as a failed validation of the app
  const atSynth = (message: string) => new Error(`Validation failed with the following errors:\n  [] ${message}`);
  const tooBig = (what: string, mib = '2.00') => atSynth(`LaneRouting "test/mocka": the ${what} is ${mib} MiB of JSON, above the 1.50 MiB the API server accepts for one object (etcd's limit); shorten the match values or split the routing`);

  test('the gateway VirtualService', () => {
    expect(() => render({ rules: [bigRule], sidecar: undefined })).toThrow(tooBig('gateway VirtualService'));
  });

  test('the sidecar VirtualService', () => {
    expect(() => render({ rules: [bigRule], gateway: undefined })).toThrow(tooBig('sidecar VirtualService'));
  });

  test('the DestinationRule', () => {
    // 16384 labels of a 63-character key and a 63-character value: 16384 × 132 - 1 bytes of JSON (each entry
    // `"k…":"v…"` and a comma), plus well under 2 KiB of the rest: 2.06 MiB
    const podLabels = Object.fromEntries(Array.from({ length: 16384 }, (_, i) => [`${'k'.repeat(57)}${String(i).padStart(6, '0')}`, 'v'.repeat(63)]));
    expect(() => render({ lanes: [{ name: 's1', podLabels }], rules: undefined, gateway: undefined }))
      .toThrow(tooBig('DestinationRule', '2.06'));
  });

  test.each([
    ['ingress HTTPRoute', { sidecar: undefined }],
    ['mesh HTTPRoute', { gateway: undefined }],
  ])('Target.GATEWAY_API: the %s', (what, entry) => {
    expect(() => synth(routingOnGatewayApi({ rules: [bigRule], ...entry }).chart)).toThrow(tooBig(what));
  });
});

/** The ASM guide's lanes s1 and s2 on the Gateway API: a Service per lane, the ingress Gateway in istio-system. */
function gatewayApiProps(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.GATEWAY_API,
    host: HOST,
    port: 8000,
    lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }],
    laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000, targetPort: 8080 }] },
    baseline: 's1',
    rules: [{ name: 'dev-route', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] }],
    gateway: { gateways: ['istio-system/ingressgateway'], name: 'mocka-ingress' },
    sidecar: {},
    ...overrides,
  };
}

function routingOnGatewayApi(overrides: Partial<LaneRoutingProps> = {}) {
  const chart = Testing.chart();
  const routing = new LaneRouting(chart, 'mocka', gatewayApiProps(overrides));
  return { chart, routing };
}

/** A backend of a lane Service, setting the routing header to its lane. */
function laneBackend(lane: string, namespace?: string) {
  return {
    name: `mocka-${lane}`,
    ...(namespace ? { namespace } : {}),
    port: 8000,
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: lane }] } }],
  };
}

describe('LaneRouting on Target.GATEWAY_API', () => {
  test('a Service per labelled lane, the ingress HTTPRoute, the mesh HTTPRoute and the ReferenceGrant the ingress route needs', () => {
    const { chart, routing } = routingOnGatewayApi();
    const out = synth(chart);
    const service = (lane: string, version: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `mocka-${lane}`, namespace: 'default' },
      spec: { selector: { app: 'mocka', version }, ports: [{ port: 8000, targetPort: 8080 }] },
    });
    expect(out).toEqual([
      service('s1', 'v1'),
      service('s2', 'v2'),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        // named as given, in the namespace of the first gateway; the backends are in the Service's namespace
        metadata: { name: 'mocka-ingress', namespace: 'istio-system' },
        spec: {
          parentRefs: [{ name: 'ingressgateway' }],
          rules: [
            { name: 'dev-route', matches: [{ headers: [{ type: 'Exact', name: 'env', value: 'dev' }] }], backendRefs: [laneBackend('s2', 'default')] },
            { name: 'base-route', backendRefs: [laneBackend('s1', 'default')] },
          ],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        // no name given: cdk8s generates one; the Service's namespace
        metadata: { name: expect.stringMatching(/^test-mocka-meshhttproute-c8[0-9a-f]+$/), namespace: 'default' },
        spec: {
          parentRefs: [{ group: '', kind: 'Service', name: 'mocka', port: 8000 }],
          rules: [
            { name: 'dev-route', matches: [{ headers: [{ type: 'Exact', name: 'env', value: 'dev' }] }], backendRefs: [laneBackend('s2')] },
            { name: 'base-route', backendRefs: [laneBackend('s1')] },
          ],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        // in the namespace of the backends, letting the routes of istio-system refer to the lane Services (cdk8s
        // leaves a "default" word out of the names it generates)
        metadata: { name: expect.stringMatching(/^test-mocka-referencegrant-c8[0-9a-f]+$/), namespace: 'default' },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-system' }],
          to: [{ group: '', kind: 'Service', name: 'mocka-s1' }, { group: '', kind: 'Service', name: 'mocka-s2' }],
        },
      },
    ]);
    // the construct ids and the escape hatches
    expect(routing.node.children.map(c => c.node.id)).toEqual(['LaneService-mocka-s1', 'LaneService-mocka-s2', 'GatewayHttpRoute', 'MeshHttpRoute', 'ReferenceGrant-default']);
    expect(routing.laneServices.map(s => s.node.id)).toEqual(['LaneService-mocka-s1', 'LaneService-mocka-s2']);
    expect(routing.gatewayHttpRoute?.node.id).toEqual('GatewayHttpRoute');
    expect(routing.meshHttpRoute?.node.id).toEqual('MeshHttpRoute');
    expect(routing.referenceGrants.map(g => g.node.id)).toEqual(['ReferenceGrant-default']);
    expect([routing.gatewayVirtualService, routing.sidecarVirtualService, routing.destinationRule]).toEqual([undefined, undefined, undefined]);
  });

  test('only the requested entry points are rendered: a mesh route alone, an ingress route alone', () => {
    const meshOnly = routingOnGatewayApi({ gateway: undefined, sidecar: { name: 'mocka-mesh' } });
    expect(synth(meshOnly.chart).map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Service default/mocka-s1', 'Service default/mocka-s2', 'HTTPRoute default/mocka-mesh',
    ]);
    expect([meshOnly.routing.gatewayHttpRoute, meshOnly.routing.referenceGrants]).toEqual([undefined, []]);
    const ingressOnly = routingOnGatewayApi({ sidecar: undefined, gateway: { gateways: ['edge/public'] } });
    expect(synth(ingressOnly.chart).map(o => `${o.kind} ${o.metadata.namespace}`)).toEqual([
      'Service default', 'Service default', 'HTTPRoute edge', 'ReferenceGrant default',
    ]);
    expect(ingressOnly.routing.meshHttpRoute).toBeUndefined();
    expect(ingressOnly.routing.gatewayHttpRoute!.name).toMatch(/^test-mocka-gatewayhttproute-c8[0-9a-f]+$/);
  });

  test('a rule added after the routes were rendered once is in the next rendering', () => {
    const { routing } = routingOnGatewayApi();
    expect(routing.simulate({ headers: { env: 'qa' } }).rule).toEqual('base-route');
    routing.addRule({ name: 'qa-route', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's2' }] });
    expect(routing.gatewayHttpRoute!.toJson().spec.rules.map((r: any) => r.name)).toEqual(['dev-route', 'qa-route', 'base-route']);
    expect(routing.meshHttpRoute!.toJson().spec.rules.map((r: any) => r.name)).toEqual(['dev-route', 'qa-route', 'base-route']);
  });

  test('rules and custom routes added later must keep to the ReferenceGrants rendered from the props', () => {
    const { chart, routing } = routingOnGatewayApi();
    // a rule to the lane Services needs no other grant
    routing.addRule({ name: 'qa-route', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's2' }] });
    // a custom route to a Service of another namespace would need a grant in that namespace
    expect(() => routing.addCustomRoute({
      name: 'legacy',
      matches: [{ uri: StringMatch.exact('/legacy') }],
      destinations: [{ host: 'legacy.shop.svc.cluster.local', port: 8080 }],
    }, RoutePlacement.BEFORE_LANE_RULES)).toThrow(new Error('LaneRouting "test/mocka": this route sends requests to a namespace the ReferenceGrants rendered from the props do not cover; '
      + 'give cross-namespace custom routes in props (routesBefore, routesAfter)'));
    expect(routing.routeNames).toEqual(['dev-route', 'qa-route', 'base-route']);
    expect(synth(chart).filter(o => o.kind === 'ReferenceGrant').map(o => o.metadata.namespace)).toEqual(['default']);
  });
});
