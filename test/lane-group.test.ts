import { Chart, Duration, Testing, Yaml } from 'cdk8s';
import { chainGroupProps, synth } from './helpers';
import { MockChain } from '../examples/chain';
import {
  HeaderMatch, LaneGroup, LaneGroupProps, LaneGroupService, LaneRouting, LaneSimulator, Mode, Propagation, RoutePlacement, StringMatch, Target,
} from '../src';

const HOSTS = ['mocka', 'mockb', 'mockc'].map(s => `${s}.default.svc.cluster.local`);

const props = chainGroupProps;

function render(overrides: Partial<LaneGroupProps> = {}, chartNamespace?: string) {
  const chart = new Chart(Testing.app(), 'c', { namespace: chartNamespace });
  const group = new LaneGroup(chart, 'mock', props(overrides));
  return { chart, group, out: () => synth(chart) };
}

const byKind = (out: any[], kind: string) => out.filter(o => o.kind === kind);
const sidecar = (out: any[], svc: string) => out.find(o => o.kind === 'VirtualService' && o.spec.hosts[0] === `${svc}.default.svc.cluster.local`);

describe('ASM: the routing ASM generates for a group, as inferred', () => {
  const note = (svc: string, how: string) => `ASMSwimLaneGroup mock: ASM-generated VirtualService istio-system/trafficlabel-vs-mock-default-${svc}: inferred, `
    + `as ASM does not publish what it generates: ${how}`;

  test('a permissive lane whose version has no healthy endpoints falls back to the baseline lane, and each answer says it is inferred', () => {
    const group = new LaneGroup(Testing.chart(), 'g', chainGroupProps({ target: Target.ASM }));
    const [path] = group.simulate({ headers: { 'x-asm-prefer-tag': 's3' } }, { host: 'mockb', unhealthyLanes: ['s3'] });
    const fallback = 'each lane\'s subset, with a fallback to the baseline lane s1 (ASM\'s documented equivalent)';
    expect(path.hops.map(h => ({ host: h.host.split('.')[0], subset: h.backend?.subset, viaFallback: h.viaFallback, notes: h.notes }))).toEqual([
      { host: 'mockb', subset: 's1', viaFallback: true, notes: [note('mockb', fallback)] },
      { host: 'mockc', subset: 's1', viaFallback: false, notes: [note('mockc', fallback)] },
    ]);
  });

  test('a strict group: lanes by the caller\'s labels, no fallback, and the same note', () => {
    const all = ['mocka', 'mockb', 'mockc'];
    const lanes = ['s1', 's2'].map((name, i) => ({ name, services: all, podLabels: { version: `v${i + 1}` } }));
    const group = new LaneGroup(Testing.chart(), 'g', chainGroupProps({ target: Target.ASM, mode: Mode.STRICT, lanes, ingress: undefined }));
    const [path] = group.simulate({}, { host: 'mockb' });
    expect(path.hops[0].notes).toEqual([note('mockb', 'each lane by the caller\'s labels')]);
  });
});

describe('LaneGroup, target ISTIO', () => {
  test('one DestinationRule per service with a subset per lane that holds it', () => {
    const out = render().out();
    expect(byKind(out, 'DestinationRule').map(d => [d.metadata.name, d.spec.host, d.spec.subsets.map((s: any) => `${s.name}=${s.labels.version}`)])).toEqual([
      ['mock-mocka', HOSTS[0], ['s1=v1', 's2=v2']],
      ['mock-mockb', HOSTS[1], ['s1=v1', 's3=v3']],
      ['mock-mockc', HOSTS[2], ['s1=v1', 's2=v2']],
    ]);
  });

  test('per service, each lane lands on its own subset when the lane holds the service, else on the baseline', () => {
    const out = render().out();
    const landing = (svc: string) => Object.fromEntries(sidecar(out, svc).spec.http.map((r: any) => [
      r.match ? r.match[0].headers['x-asm-prefer-tag'].exact : 'default', r.route[0].destination.subset,
    ]));
    expect(landing('mocka')).toEqual({ s2: 's2', s3: 's1', default: 's1' });
    expect(landing('mockb')).toEqual({ s2: 's1', s3: 's3', default: 's1' });
    expect(landing('mockc')).toEqual({ s2: 's2', s3: 's1', default: 's1' });
  });

  test('permissive: each route sets the routing header to its lane (the lane, not the serving subset)', () => {
    const routes = sidecar(render().out(), 'mockb').spec.http;
    expect(routes.map((r: any) => [r.name, r.route[0].headers.request.set['x-asm-prefer-tag']])).toEqual([['lane-s2', 's2'], ['lane-s3', 's3'], ['base-route', 's1']]);
  });

  test('a baseline that is not the first lane serves what the other lanes do not hold, and the default route', () => {
    // GIVEN the chain with its baseline listed last
    const out = render({
      lanes: [
        { name: 's2', services: ['mocka', 'mockc'], podLabels: { version: 'v2' } },
        { name: 's3', services: ['mockb'], podLabels: { version: 'v3' } },
        { name: 's1', services: ['mocka', 'mockb', 'mockc'], podLabels: { version: 'v1' } },
      ],
    }).out();
    const landing = (svc: string) => Object.fromEntries(sidecar(out, svc).spec.http.map((r: any) => [
      r.match ? r.match[0].headers['x-asm-prefer-tag'].exact : 'default', r.route[0].destination.subset,
    ]));
    // THEN a lane a service lacks lands on the baseline s1, and so does the default route
    expect(landing('mocka')).toEqual({ s2: 's2', s3: 's1', default: 's1' });
    expect(landing('mockb')).toEqual({ s2: 's1', s3: 's3', default: 's1' });
    expect(landing('mockc')).toEqual({ s2: 's2', s3: 's1', default: 's1' });
  });

  test('the ingress routes lanes the entry service lacks to the baseline subset, header unchanged', () => {
    const out = render().out();
    const ingress = out.find(o => o.spec.gateways);
    expect(ingress.metadata).toEqual({ name: 'mock-ingress', namespace: 'istio-system' });
    expect(ingress.apiVersion).toEqual('networking.istio.io/v1');
    expect(ingress.spec.http[0].route.map((d: any) => [d.destination.subset, d.headers.request.set['x-asm-prefer-tag']])).toEqual([['s2', 's2'], ['s1', 's3']]);
  });

  test('no duplicate subsets or hosts: one DestinationRule and one sidecar VirtualService per host', () => {
    const out = render().out();
    for (const kind of ['DestinationRule', 'VirtualService']) {
      const hosts = byKind(out, kind).filter(o => !o.spec.gateways).map(o => o.spec.host ?? o.spec.hosts[0]);
      expect(hosts).toEqual(HOSTS);
    }
    for (const dr of byKind(out, 'DestinationRule')) {
      const names = dr.spec.subsets.map((s: any) => s.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  test('strict mode: the caller\'s lane labels select the lane, no header is set', () => {
    const allLanes = [
      { name: 's1', services: ['mocka', 'mockb'], podLabels: { version: 'v1' } },
      { name: 's2', services: ['mocka', 'mockb'], podLabels: { version: 'v2' } },
    ];
    const out = render({ mode: Mode.STRICT, services: props().services.slice(0, 2), lanes: allLanes, ingress: undefined }).out();
    const routes = sidecar(out, 'mockb').spec.http;
    expect(routes).toEqual([
      { name: 'lane-s2', match: [{ sourceLabels: { version: 'v2' } }], route: [{ destination: { host: HOSTS[1], subset: 's2' } }] },
      { name: 'base-route', route: [{ destination: { host: HOSTS[1], subset: 's1' } }] },
    ]);
    expect(JSON.stringify(out)).not.toContain('x-asm-prefer-tag');
  });

  test('route options on every per-service route; custom routes before and after the lane routes', () => {
    const { group, out } = render({ routeOptions: { timeout: Duration.seconds(3), retries: { attempts: 2 } } });
    group.addCustomRoute('mockb', { name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOSTS[1], subset: 's1' }] }, RoutePlacement.BEFORE_LANE_RULES);
    group.addCustomRoute('mockb', { name: 'legacy', matches: [{ uri: StringMatch.prefix('/v0') }], destinations: [{ host: 'legacy.default.svc.cluster.local' }] }, RoutePlacement.AFTER_LANE_RULES);
    const routes = sidecar(out(), 'mockb').spec.http;
    expect(routes.map((r: any) => r.name)).toEqual(['health', 'lane-s2', 'lane-s3', 'legacy', 'base-route']);
    for (const r of routes.filter((x: any) => x.name.startsWith('lane-') || x.name === 'base-route')) {
      expect([r.timeout, r.retries]).toEqual(['3s', { attempts: 2 }]);
    }
  });

  test('a LaneRouting sidecar for a host the group routes is a collision', () => {
    const { chart } = render();
    new LaneRouting(chart, 'extra', { target: Target.ISTIO, host: HOSTS[1], lanes: [{ name: 's1' }], baseline: 's1', sidecar: { name: 'extra' } });
    expect(() => Testing.synth(chart)).toThrow(/\[IST0109\] \(VirtualService default\/extra \[c\/extra\/SidecarVirtualService\]\) the sidecar VirtualServices .* all claim host mockb.default.svc.cluster.local/);
  });

  test('construct ids are a contract', () => {
    const { group } = render();
    expect(group.node.children.map(c => c.node.id)).toEqual([
      'Ingress', 'DestinationRule-mocka', 'SidecarVirtualService-mocka', 'DestinationRule-mockb', 'SidecarVirtualService-mockb',
      'DestinationRule-mockc', 'SidecarVirtualService-mockc',
    ]);
    const counts = [group.destinationRules.length, group.sidecarVirtualServices.length, group.swimLanes.length];
    expect([...counts, group.swimLaneGroup, group.headerPropagations]).toEqual([3, 3, 0, undefined, []]);
  });
});

describe('LaneGroup, target ASM', () => {
  test('ASMSwimLaneGroup and one ASMSwimLane per lane, no DestinationRule or sidecar VirtualService', () => {
    const out = render({ target: Target.ASM, traceHeader: 'my-trace-id' }).out();
    expect(out.map(o => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'networking.istio.io/v1beta1 VirtualService mock-ingress',
      'istio.alibabacloud.com/v1 ASMSwimLaneGroup mock',
      'istio.alibabacloud.com/v1 ASMSwimLane s1',
      'istio.alibabacloud.com/v1 ASMSwimLane s2',
      'istio.alibabacloud.com/v1 ASMSwimLane s3',
    ]);
    const group = out[1];
    expect(group.spec).toEqual({
      services: [{ name: 'mocka', namespace: 'default' }, { name: 'mockb', namespace: 'default' }, { name: 'mockc', namespace: 'default' }],
      ingress: { gateway: { name: 'ingressgateway', namespace: 'istio-system', type: 'ASM' } },
      isPermissive: true,
      permissiveModeConfiguration: { fallbackTarget: 's1', traceHeader: 'my-trace-id', routeHeader: 'x-asm-prefer-tag' },
    });
    expect(out.slice(2).map(l => [l.metadata.labels, l.spec.labelSelector, l.spec.services.map((s: any) => s.name)])).toEqual([
      [{ 'swimlane-group': 'mock' }, { version: 'v1' }, ['mocka', 'mockb', 'mockc']],
      [{ 'swimlane-group': 'mock' }, { version: 'v2' }, ['mocka', 'mockc']],
      [{ 'swimlane-group': 'mock' }, { version: 'v3' }, ['mockb']],
    ]);
  });

  test('lane resources are cluster-scoped: no namespace even in a chart that has one', () => {
    const out = render({ target: Target.ASM }, 'apps').out();
    for (const o of out.filter(x => x.apiVersion.startsWith('istio.alibabacloud.com'))) expect(o.metadata.namespace).toBeUndefined();
  });

  test('strict mode: isPermissive false, no permissive configuration', () => {
    const lanes = props().lanes.map(l => ({ ...l, services: ['mocka', 'mockb', 'mockc'] }));
    const out = render({ target: Target.ASM, mode: Mode.STRICT, lanes }).out();
    expect(out[1].spec.isPermissive).toBe(false);
    expect(out[1].spec.permissiveModeConfiguration).toBeUndefined();
    expect(JSON.stringify(out[0])).not.toContain('x-asm-prefer-tag');
  });

  test('timeout and retries: a root VirtualService per service delegating to the one ASM generates', () => {
    const { out, group } = render({ target: Target.ASM, routeOptions: { timeout: Duration.millis(2500) } });
    group.addCustomRoute('mockc', { name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOSTS[2], subset: 's1' }] }, RoutePlacement.BEFORE_LANE_RULES);
    const roots = out().filter(o => o.kind === 'VirtualService' && !o.spec.gateways);
    expect(roots.map(r => [r.metadata.name, r.metadata.namespace, r.spec.hosts[0]])).toEqual([
      ['mock-mocka', 'default', HOSTS[0]], ['mock-mockb', 'default', HOSTS[1]], ['mock-mockc', 'default', HOSTS[2]],
    ]);
    expect(roots[0].spec.http).toEqual([{ name: 'lanes', delegate: { name: 'trafficlabel-vs-mock-default-mocka', namespace: 'istio-system' }, timeout: '2500ms' }]);
    expect(roots[2].spec.http.map((r: any) => r.name)).toEqual(['health', 'lanes']);
  });

  test('a custom route on ASM creates the delegating root for that service only', () => {
    const { out, group } = render({ target: Target.ASM });
    group.addCustomRoute('mockb', { name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOSTS[1], subset: 's1' }] }, RoutePlacement.BEFORE_LANE_RULES);
    expect(out().filter(o => o.kind === 'VirtualService' && !o.spec.gateways).map(o => o.metadata.name)).toEqual(['mock-mockb']);
  });

  test('a custom route after the lane routes is impossible on ASM', () => {
    const { group } = render({ target: Target.ASM });
    expect(() => group.addCustomRoute('mockb', { name: 'late', matches: [{ uri: StringMatch.exact('/x') }], destinations: [{ host: HOSTS[1] }] }, RoutePlacement.AFTER_LANE_RULES)).toThrow(
      'LaneGroup "c/mock": service "mockb": custom route "late": with Target.ASM a route can only go before the lane routes (the route that delegates to ASM\'s VirtualService takes every request that reaches it)');
  });
});

describe('LaneGroup.simulate(): the two trace patterns of ASM\'s permissive-lane scenario', () => {
  test.each([Target.ASM, Target.ISTIO])('%s: env: dev gives mocka(v2) -> mockb(v1) -> mockc(v2) and mocka(v1) -> mockb(v3) -> mockc(v1), 50:50', (target) => {
    const { group } = new MockChain(Testing.app(), 'mock-chain', { target });
    expect(group.simulate({ headers: { env: 'dev' } }).map(p => [p.trace, p.probability])).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
    expect(group.simulate({}).map(p => [p.trace, p.probability])).toEqual([['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v1)', 1]]);
  });

  test('a client header is overwritten at the ingress; a shorter chain can be asked for', () => {
    const { group } = new MockChain(Testing.app(), 'mock-chain', { target: Target.ISTIO });
    const paths = group.simulator().simulateChain(['mocka', 'mockb'], { headers: { 'env': 'dev', 'x-asm-prefer-tag': 's1' } });
    expect(paths.map(p => p.trace)).toEqual(['mocka(version: v2) -> mockb(version: v1)', 'mocka(version: v1) -> mockb(version: v3)']);
  });

  test('strict lanes stay in their lane along the chain through the callers\' labels', () => {
    const lanes = props().lanes.map(l => ({ ...l, services: ['mocka', 'mockb', 'mockc'] }));
    const { group } = render({ mode: Mode.STRICT, lanes });
    expect(group.simulate({ headers: { env: 'dev' } }).map(p => [p.trace, p.probability])).toEqual([
      ['mocka(version: v2) -> mockb(version: v2) -> mockc(version: v2)', 0.5],
      ['mocka(version: v3) -> mockb(version: v3) -> mockc(version: v3)', 0.5],
    ]);
  });

  test('what is simulated for ISTIO is what is synthesized', () => {
    const chart = new MockChain(Testing.app(), 'mock-chain', { target: Target.ISTIO });
    const fromYaml = LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)));
    const chain = HOSTS;
    for (const headers of [{}, { env: 'dev' }] as Array<{ [name: string]: string }>) {
      expect(fromYaml.simulateChain(chain, { headers }).map(p => [p.trace, p.probability]))
        .toEqual(chart.group.simulate({ headers }).map(p => [p.trace, p.probability]));
    }
  });
});

describe('LaneGroup: errors', () => {
  const C = 'LaneGroup "c/mock"';
  const errorOf = (overrides: Partial<LaneGroupProps>) => {
    try {
      render(overrides);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };
  test.each<[string, Partial<LaneGroupProps>, string]>([
    ['bad name', { name: 'Mock' }, `${C}: name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Mock"`],
    ['no services', { services: [] }, `${C}: services must list at least one service`],
    ['duplicate service', { services: [{ name: 'a', namespace: 'x' }, { name: 'a', namespace: 'y' }] },
      `${C}: services lists "a" twice; service names must be unique within a group (lanes name services by name)`],
    ['unknown service in a lane', { lanes: [{ name: 's1', services: ['mocka', 'mockz'], podLabels: { v: '1' } }] },
      `${C}: lane "s1" services: "mockz" is not a service of the group (services: mocka, mockb, mockc)`],
    ['empty podLabels', { lanes: [{ name: 's1', services: ['mocka'], podLabels: {} }] },
      `${C}: lane "s1" needs podLabels that select its workloads, e.g. { version: 'v2' } (empty labels would select every pod)`],
    ['same podLabels twice', { lanes: [{ name: 's1', services: ['mocka', 'mockb', 'mockc'], podLabels: { v: '1' } }, { name: 's2', services: ['mocka'], podLabels: { v: '1' } }] },
      `${C}: lane "s2" podLabels are the same as lane "s1"'s, so both lanes would select the same pods`],
    ['baseline missing a service', { lanes: [{ name: 's1', services: ['mocka'], podLabels: { v: '1' } }] },
      `${C}: the baseline lane "s1" must hold every service (it serves what other lanes do not hold); missing: mockb, mockc`],
    ['unknown baseline', { baseline: 's9' }, `${C}: baseline "s9" is not a lane (lanes: s1, s2, s3)`],
    ['strict lane lacking services', { mode: Mode.STRICT },
      `${C}: in strict mode every lane holds every service, but lane "s2" lacks mockb; add them or use Mode.PERMISSIVE`],
    ['lane holding nothing', { lanes: [...props().lanes, { name: 's4', services: [], podLabels: { version: 'v4' } }] },
      `${C}: lane "s4" holds no service; list the services it holds`],
    ['unknown entry service', { ingress: { gateway: 'istio-system/ingressgateway', entryService: 'web' } },
      `${C}: ingress.entryService "web" is not a service of the group (services: mocka, mockb, mockc)`],
    ['bad gateway', { ingress: { gateway: 'ingressgateway', entryService: 'mocka' } },
      `${C}: ingress.gateway must be "namespace/name" with both parts DNS-1123 labels, e.g. "istio-system/ingressgateway", got "ingressgateway"`],
    ['uppercase trace header', { traceHeader: 'My-Trace-Id' },
      `${C}: traceHeader must be a lowercase RFC 7230 token, got "My-Trace-Id" (header names must be lowercase: use "my-trace-id")`],
  ])('%s', (_name, overrides, message) => {
    expect(errorOf(overrides)).toEqual(message);
  });

  test('ingress rules are checked by the entry LaneRouting, with the lanes of the group; the message names the group and its ingress', () => {
    const rule = (lane: string) => ({ name: 'r', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane }] });
    expect(errorOf({ ingress: { ...props().ingress!, rules: [rule('s9')] } })).toEqual('LaneGroup "c/mock": ingress rule "r" lane "s9" is not a lane (lanes: s1, s2, s3)');
    const group = new LaneGroup(Testing.chart(), 'mock', props());
    expect(() => group.addRule(rule('s8'))).toThrow(new Error('LaneGroup "test/mock": ingress rule "r" lane "s8" is not a lane (lanes: s1, s2, s3)'));
    // the group checks a rule's shape itself
    expect(() => group.addRule({ ...rule('s2'), name: 7 } as any)).toThrow(new Error('LaneGroup "test/mock": rule.name must be a string, got 7'));
  });

  test('addRule and simulate need an ingress; unknown services are named', () => {
    const { group } = render({ ingress: undefined });
    expect(() => group.addRule({ name: 'x', matches: [{ uri: StringMatch.exact('/') }], split: [{ lane: 's2' }] })).toThrow(`${C}: addRule() needs an ingress entry point; set ingress in the props`);
    // without an ingress, a request enters at the first service's sidecar VirtualService
    expect(group.simulate({}).map(p => p.trace)).toEqual(['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v1)']);
    expect(() => group.addCustomRoute('web', { name: 'x', matches: [{ uri: StringMatch.exact('/') }], destinations: [{ host: HOSTS[0] }] }, RoutePlacement.BEFORE_LANE_RULES))
      .toThrow(`${C}: "web" is not a service of the group (services: mocka, mockb, mockc)`);
  });

  test('custom route names must not collide with the generated routes', () => {
    const { group } = render();
    expect(() => group.addCustomRoute('mocka', { name: 'lane-s2', matches: [{ uri: StringMatch.exact('/') }], destinations: [{ host: HOSTS[0] }] }, RoutePlacement.BEFORE_LANE_RULES))
      .toThrow(`${C}: service "mocka": custom route "lane-s2": the name is already used by a rule; route names must be unique`);
  });

  test('addRule() adds an ingress rule', () => {
    const { group, out } = render();
    group.addRule({ name: 'qa', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's3' }] });
    expect(out().find(o => o.spec.gateways).spec.http.map((r: any) => r.name)).toEqual(['dev-route', 'qa', 'base-route']);
  });
});

/** A custom route whose header value makes its VirtualService 2 MiB of JSON, above what the API server accepts. */
const hugeRoute = (host: string) => ({
  name: 'big', matches: [{ headers: [HeaderMatch.exact('x-big', 'v'.repeat(2 * 1024 * 1024))] }], destinations: [{ host, subset: 's1' }],
});
const health = (host: string) => ({ name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host, subset: 's1' }] });
const ETCD = 'is 2.00 MiB of JSON, above the 1.50 MiB the API server accepts for one object (etcd\'s limit); shorten the match values or split the routing';

describe('LaneGroup: per-service objects follow later changes, and their size is checked', () => {
  test('ISTIO: a custom route added after a synth is in the next synth', () => {
    const { chart, group } = render();
    expect(sidecar(Testing.synth(chart), 'mockb').spec.http.map((r: any) => r.name)).toEqual(['lane-s2', 'lane-s3', 'base-route']);
    group.addCustomRoute('mockb', health(HOSTS[1]), RoutePlacement.BEFORE_LANE_RULES);
    expect(sidecar(Testing.synth(chart), 'mockb').spec.http.map((r: any) => r.name)).toEqual(['health', 'lane-s2', 'lane-s3', 'base-route']);
  });

  test('ASM: a custom route added after a synth is in the next synth of the delegating root', () => {
    const { chart, group } = render({ target: Target.ASM, routeOptions: { timeout: Duration.seconds(1) } });
    const root = (out: any[]) => out.find(o => o.kind === 'VirtualService' && o.metadata.name === 'mock-mockc').spec.http.map((r: any) => r.name);
    expect(root(Testing.synth(chart))).toEqual(['lanes']);
    group.addCustomRoute('mockc', health(HOSTS[2]), RoutePlacement.BEFORE_LANE_RULES);
    expect(root(Testing.synth(chart))).toEqual(['health', 'lanes']);
  });

  test('ISTIO: a sidecar VirtualService over 1.5 MiB is refused, naming the group, the service and the object', () => {
    const { group } = render();
    group.addCustomRoute('mockb', hugeRoute(HOSTS[1]), RoutePlacement.BEFORE_LANE_RULES);
    // cdk8s names the object it was serializing
    expect(() => group.simulator()).toThrow(new Error(
      `Failed serializing construct at path 'c/mock/SidecarVirtualService-mockb' with name 'mock-mockb': Error: LaneGroup "c/mock": service "mockb": the sidecar VirtualService ${ETCD}`));
  });

  test('ASM: a delegating root VirtualService over 1.5 MiB is refused, naming the group, the service and the object', () => {
    const { group } = render({ target: Target.ASM });
    group.addCustomRoute('mockc', hugeRoute(HOSTS[2]), RoutePlacement.BEFORE_LANE_RULES);
    expect(() => group.simulator()).toThrow(new Error(
      `Failed serializing construct at path 'c/mock/DelegateVirtualService-mockc' with name 'mock-mockc': Error: LaneGroup "c/mock": service "mockc": the delegating root VirtualService ${ETCD}`));
  });
});

describe('LaneGroup, target ASM with Propagation.baggage()', () => {
  test('one ASMHeaderPropagation per namespace of the services, in service order, carrying the routing header', () => {
    const { group } = render({
      target: Target.ASM,
      propagation: Propagation.baggage(),
      routingHeader: 'x-lane',
      services: [{ name: 'mocka', namespace: 'team-a' }, { name: 'mockb', namespace: 'team-b' }, { name: 'mockc', namespace: 'team-a' }],
    });
    const propagation = (namespace: string) => ({
      apiVersion: 'istio.alibabacloud.com/v1beta1', kind: 'ASMHeaderPropagation', metadata: { name: 'mock-lanes', namespace }, spec: { headers: ['x-lane'] },
    });
    expect(group.headerPropagations.map(o => o.toJson())).toEqual([propagation('team-a'), propagation('team-b')]);
    expect(group.node.children.map(c => c.node.id)).toEqual([
      'Ingress', 'SwimLaneGroup', 'HeaderPropagation-team-a', 'HeaderPropagation-team-b', 'SwimLane-s1', 'SwimLane-s2', 'SwimLane-s3',
    ]);
  });

  test('the other scenarios need no ASMHeaderPropagation', () => {
    expect(render({ target: Target.ASM }).group.headerPropagations).toEqual([]);
    expect(render({ target: Target.ASM, propagation: Propagation.traceId('my-trace-id') }).group.headerPropagations).toEqual([]);
  });
});

describe('LaneGroup, target GATEWAY_API', () => {
  /** mocka: no port, one lane Service port; mockb: port 8080 among two; mockc: port 8000. */
  const services: LaneGroupService[] = [
    { name: 'mocka', namespace: 'default', laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000 }] } },
    { name: 'mockb', namespace: 'default', port: 8080, laneServices: { selector: { app: 'mockb' }, ports: [{ port: 8000, name: 'http' }, { port: 8080, name: 'admin' }] } },
    { name: 'mockc', namespace: 'default', port: 8000, laneServices: { selector: { app: 'mockc' }, ports: [{ port: 8000 }] } },
  ];
  const gatewayGroup = (entryService: string) => render({ target: Target.GATEWAY_API, services, ingress: { ...props().ingress!, entryService } });
  const backend = (name: string, port: number, lane: string, weight?: number) => ({
    name,
    namespace: 'default',
    port,
    ...(weight === undefined ? {} : { weight }),
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: lane }] } }],
  });
  const ingressRoute = (out: any[]) => out.find(o => o.kind === 'HTTPRoute' && o.metadata.name === 'mock-ingress');

  test('each service is a LaneRouting of its own; no DestinationRule, sidecar VirtualService or ASM resource', () => {
    const { group, out } = gatewayGroup('mocka');
    expect(group.node.children.map(c => c.node.id)).toEqual(['Ingress', 'Service-mocka', 'Service-mockb', 'Service-mockc']);
    const counts = [group.destinationRules.length, group.sidecarVirtualServices.length, group.swimLanes.length, group.headerPropagations.length];
    expect([...counts, group.swimLaneGroup]).toEqual([0, 0, 0, 0, undefined]);
    const all = out();
    // the ingress HTTPRoute (istio-system) may reach the entry service's lane Services (default)
    expect(all.filter(o => o.kind === 'ReferenceGrant').map(o => [o.metadata.namespace, o.spec])).toEqual([['default', {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-system' }],
      to: [{ group: '', kind: 'Service', name: 'mocka-s1' }, { group: '', kind: 'Service', name: 'mocka-s2' }],
    }]]);
    expect(all.filter(o => o.kind !== 'ReferenceGrant').map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'HTTPRoute istio-system/mock-ingress',
      'Service default/mocka-s1', 'Service default/mocka-s2', 'HTTPRoute default/mock-mocka',
      'Service default/mockb-s1', 'Service default/mockb-s3', 'HTTPRoute default/mock-mockb',
      'Service default/mockc-s1', 'Service default/mockc-s2', 'HTTPRoute default/mock-mockc',
    ]);
  });

  test('the ingress sends each lane to the entry service\'s lane Service, or the baseline\'s, on the only port of its lane Services', () => {
    const rules = ingressRoute(gatewayGroup('mocka').out()).spec.rules;
    expect(rules.map((r: any) => [r.name, r.backendRefs])).toEqual([
      ['dev-route', [backend('mocka-s2', 8000, 's2', 50), backend('mocka-s1', 8000, 's3', 50)]],
      ['base-route', [backend('mocka-s1', 8000, 's1')]],
    ]);
  });

  test('the ingress takes the entry service\'s port when its lane Services have several', () => {
    const rules = ingressRoute(gatewayGroup('mockb').out()).spec.rules;
    expect(rules.map((r: any) => [r.name, r.backendRefs])).toEqual([
      ['dev-route', [backend('mockb-s1', 8080, 's2', 50), backend('mockb-s3', 8080, 's3', 50)]],
      ['base-route', [backend('mockb-s1', 8080, 's1')]],
    ]);
  });

  test('simulate() enters at the ingress and follows the chain from the entry service on', () => {
    const { group } = gatewayGroup('mockb');
    expect(group.simulate({ headers: { env: 'dev' } }).map(p => [p.hops.map(h => `${h.backend!.host.split('.')[0]} ${h.lane}`), p.probability])).toEqual([
      [['mockb-s1 s2', 'mockc-s2 s2'], 0.5],
      [['mockb-s3 s3', 'mockc-s1 s3'], 0.5],
    ]);
  });

  test('addCustomRoute() goes to the service\'s mesh HTTPRoute', () => {
    const { group, out } = gatewayGroup('mocka');
    group.addCustomRoute('mockb', {
      name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: 'mockb-s1.default.svc.cluster.local', port: 8080 }],
    }, RoutePlacement.BEFORE_LANE_RULES);
    const mockb = out().find(o => o.kind === 'HTTPRoute' && o.metadata.name === 'mock-mockb').spec.rules;
    expect(mockb.map((r: any) => r.name)).toEqual(['health', 'lane-s2', 'lane-s3', 'base-route']);
  });
});

describe('LaneGroup.simulate(): where the request enters', () => {
  const C = 'LaneGroup "c/mock"';

  test('with an ingress, at the ingress gateway, and the chain starts at the entry service', () => {
    const { group } = render({ ingress: { ...props().ingress!, entryService: 'mockb' } });
    expect(group.simulate({ headers: { env: 'dev' } }).map(p => [p.trace, p.probability])).toEqual([
      ['mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
  });

  test('at a service\'s sidecar named by host or by service name; the chain goes on from there', () => {
    const { group } = render();
    const headers = { 'x-asm-prefer-tag': 's3' };
    for (const host of ['mockb', HOSTS[1]]) {
      expect(group.simulate({ headers }, { host }).map(p => [p.trace, p.probability])).toEqual([['mockb(version: v3) -> mockc(version: v1)', 1]]);
    }
    expect(group.simulate({ headers: { 'x-asm-prefer-tag': 's2' } }, { host: 'mockc' }).map(p => p.trace)).toEqual(['mockc(version: v2)']);
    expect(() => group.simulate({}, { host: 'web' })).toThrow(new Error(`${C}: "web" is not a service of the group (services: mocka, mockb, mockc)`));
  });

  test('without an ingress, at the first service\'s sidecar even when the group holds a gateway VirtualService; at that gateway when asked', () => {
    const { group } = render({ ingress: undefined });
    // a hand-added gateway VirtualService under the group: everything to mocka's s2
    new LaneRouting(group, 'Canary', { target: Target.ISTIO, host: HOSTS[0], lanes: [{ name: 's1' }, { name: 's2' }], baseline: 's2', gateway: { gateways: ['istio-system/canary'] } });
    expect(group.simulate({}).map(p => [p.trace, p.probability])).toEqual([['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v1)', 1]]);
    expect(group.simulate({}, { gateway: 'istio-system/canary' }).map(p => [p.trace, p.probability])).toEqual([['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 1]]);
  });

  test('a simulation error names the group', () => {
    const { group } = render();
    expect(() => group.simulate({}, { gateway: 'istio-system/ingressgateway', host: 'mockb' })).toThrow(new Error(`${C}: give gateway or host, not both`));
  });
});

describe('LaneGroup: arguments of the wrong shape are named', () => {
  const C = 'LaneGroup "c/mock"';
  const route = health(HOSTS[1]);

  test('props', () => {
    expect(() => new LaneGroup(Testing.chart(), 'mock', { ...props(), services: 'mocka' } as any))
      .toThrow(new Error('LaneGroup "test/mock": props.services must be a list, got "mocka"'));
  });

  test('addRule(rule)', () => {
    const { group } = render();
    expect(() => group.addRule({ name: 'qa', matches: [], split: 's3' } as any)).toThrow(new Error(`${C}: rule.split must be a list, got "s3"`));
  });

  test('addCustomRoute(service, route, placement)', () => {
    const { group } = render();
    expect(() => group.addCustomRoute(2 as any, route, RoutePlacement.BEFORE_LANE_RULES)).toThrow(new Error(`${C}: service must be a string, got 2`));
    expect(() => group.addCustomRoute('mockb', { ...route, name: 7 } as any, RoutePlacement.BEFORE_LANE_RULES)).toThrow(new Error(`${C}: route.name must be a string, got 7`));
    expect(() => group.addCustomRoute('mockb', route, 'FIRST' as any))
      .toThrow(new Error(`${C}: placement must be one of "BEFORE_LANE_RULES", "AFTER_LANE_RULES", got "FIRST"`));
  });

  test('simulate(request, options)', () => {
    const { group } = render();
    expect(() => group.simulate({ path: 5 } as any)).toThrow(new Error(`${C}: request.path must be a string, got 5`));
    expect(() => group.simulate({}, { host: 5 } as any)).toThrow(new Error(`${C}: options.host must be a string, got 5`));
  });
});
