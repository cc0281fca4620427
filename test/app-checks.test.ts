import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { synthApp } from './helpers';
import { HeaderMatch, LaneGroup, LaneRouting, LaneRoutingProps, RoutePlacement, StringMatch, Target } from '../src';
import * as analyzer from '../src/private/analysis/analyze';

function props(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.ASM,
    host: 'mocka.default.svc.cluster.local',
    lanes: [{ name: 's1' }, { name: 's2' }],
    baseline: 's1',
    rules: [{ name: 'dev', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] }],
    sidecar: {},
    ...overrides,
  };
}

/** The synth-time validation message for `app` (the test fails when synth does not throw). */
function synthError(app: App): string {
  try {
    synthApp(app);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}

describe('app-wide checks at synth', () => {
  test('two sidecar VirtualServices for one host, in different charts of one app', () => {
    // GIVEN two routings of the same host in two charts
    const app = Testing.app();
    new LaneRouting(new Chart(app, 'team-a'), 'mocka', props({ sidecar: { name: 'a' } }));
    new LaneRouting(new Chart(app, 'team-b'), 'mocka', props({ sidecar: { name: 'b' } }));
    // THEN synth fails and names both objects and the host
    expect(synthError(app)).toEqual([
      'Validation failed with the following errors:',
      ...['a', 'b'].map(t => `  [team-${t}/mocka/SidecarVirtualService] [IST0109] (VirtualService default/${t} [team-${t}/mocka/SidecarVirtualService]) the sidecar VirtualServices `
        + 'default/a, default/b all claim host mocka.default.svc.cluster.local (for every namespace); Istio applies one of them, so route this host from one VirtualService'),
    ].join('\n'));
  });

  test('a hand-written mesh VirtualService with a short host collides with a LaneRouting sidecar', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'default' });
    new LaneRouting(chart, 'mocka', props());
    new ApiObject(chart, 'manual', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'manual' }, spec: { hosts: ['mocka'], http: [] } } as any);
    // (the reader cannot model a VirtualService without routes, but it still claims its host; Istio's validation refuses it)
    expect(synthError(app)).toMatch(/\[c\/manual\] \[IST0109\] \(VirtualService default\/manual \[c\/manual\]\) the sidecar VirtualServices default\/c-mocka-sidecarvirtualservice-\w+, default\/manual all claim host mocka.default.svc.cluster.local/);
    expect(synthError(app)).toContain('[c/manual] [IST0106] (VirtualService default/manual [c/manual]) schema validation error: spec: http, tcp or tls must be provided');
  });

  test('gateway-bound VirtualServices with the same hosts are not a sidecar collision', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const gw = { gateways: ['istio-system/ingressgateway'] };
    new LaneRouting(chart, 'mocka', props({ sidecar: undefined, gateway: { ...gw, name: 'mocka-in' } }));
    new LaneRouting(chart, 'mockb', props({ host: 'mockb.default.svc.cluster.local', sidecar: undefined, gateway: { ...gw, name: 'mockb-in' } }));
    expect(() => synthApp(app)).not.toThrow();
  });

  test('two objects with the same kind, namespace and name', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new LaneRouting(chart, 'mocka', props({ sidecar: { name: 'lanes', namespace: 'routing' } }));
    new LaneRouting(chart, 'mockb', props({ host: 'mockb.default.svc.cluster.local', sidecar: { name: 'lanes', namespace: 'routing' } }));
    expect(synthError(app)).toContain(
      '[c/mockb/SidecarVirtualService] [LANE001] (VirtualService routing/lanes [c/mockb/SidecarVirtualService]) has the same kind, namespace and name as VirtualService routing/lanes [c/mocka/SidecarVirtualService]; '
      + 'a cluster holds one object per kind, namespace and name (applying both keeps the later one), so give one of them another name');
  });

  test('the same name in another namespace or of another kind is fine', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new LaneRouting(chart, 'mocka', props({ sidecar: { name: 'lanes', namespace: 'a' }, lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', servedBy: 's1' }], destinationRule: { name: 'lanes', namespace: 'a' } }));
    new LaneRouting(chart, 'mockb', props({ host: 'mockb.default.svc.cluster.local', sidecar: { name: 'lanes', namespace: 'b' } }));
    expect(() => synthApp(app)).not.toThrow();
  });

  test('the checks run once per app: three routings of one host give three errors (one per party), not more', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    for (const id of ['a', 'b', 'c']) new LaneRouting(chart, id, props());
    const lines = synthError(app).split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(lines.every(l => l.includes('[IST0109]') && l.includes('all claim host mocka.default.svc.cluster.local'))).toBe(true);
  });

  test('a spec the checks rendered is synthesized only while its model is unchanged', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const routing = new LaneRouting(chart, 'mocka', props());
    expect(app.node.validate()).toEqual([]); // the app-wide checks render the spec and keep it for synth
    routing.addRule({ name: 'late', matches: [{ headers: [HeaderMatch.exact('env', 'qa')] }], split: [{ lane: 's2' }] });
    // an object's own toJson() (as LaneSimulator.fromConstruct reads it) runs no validation first
    expect(routing.sidecarVirtualService!.toJson().spec.http.map((r: any) => r.name)).toEqual(['dev', 'late', 'base-route']);
  });

  test('the app is analyzed once per state, though cdk8s validates it again for every chart', () => {
    const app = Testing.app();
    ['a', 'b', 'c'].forEach((id, i) => new LaneRouting(new Chart(app, id), 'r', props({ host: `svc${i}.default.svc.cluster.local` })));
    const spy = jest.spyOn(analyzer, 'analyze');
    try {
      app.synthYaml();
      expect(spy).toHaveBeenCalledTimes(1);
      app.synthYaml();
      expect(spy).toHaveBeenCalledTimes(1);
      // a change anywhere: analyzed again
      new ApiObject(app.charts[0], 'extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } });
      app.synthYaml();
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  test('each Error is listed once under its object, however often the app changes; an object whose Error is gone passes', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new LaneRouting(chart, 'mocka', props({ sidecar: { name: 'a' } }));
    const extra = new ApiObject(chart, 'extra', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'extra', namespace: 'default' },
      spec: { hosts: ['mocka.default.svc.cluster.local'], http: [{ route: [{ destination: { host: 'mocka.default.svc.cluster.local' } }] }] },
    });
    expect(synthError(app).split('\n').slice(1).map(l => l.trim().split(' ')[0])).toEqual(['[c/mocka/SidecarVirtualService]', '[c/extra]']);
    // another state of the app: analyzed again, each Error still once
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(synthError(app).split('\n').slice(1)).toHaveLength(2);
    // the conflict removed: both objects pass
    extra.addJsonPatch(JsonPatch.replace('/spec/hosts/0', 'other.default.svc.cluster.local'));
    expect(() => synthApp(app)).not.toThrow();
  });

  test('charts are checked as part of their app even when synthesized one by one (Testing.synth)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    new LaneRouting(a, 'mocka', props());
    new LaneRouting(new Chart(app, 'b'), 'mocka', props());
    expect(() => Testing.synth(a)).toThrow(/\[IST0109\].* all claim host/);
  });
});

describe('synth refuses a text that kubectl would read back as something else', () => {
  test('a match value and a lane name that cdk8s writes without quotes and kubectl reads as numbers: synth names each', () => {
    const app = Testing.app();
    new LaneRouting(new Chart(app, 'c'), 'mocka', props({ rules: [{ name: 'dev', matches: [{ headers: [HeaderMatch.exact('env', '0o17')] }], split: [{ lane: 's2' }] }] }));
    new LaneRouting(new Chart(app, 'd'), 'mocka', props({ host: 'mockb.default.svc.cluster.local', lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: '0o2', podLabels: { version: 'v2' } }], rules: [], destinationRule: {} }));
    const message = synthError(app);
    expect(message).toContain('LaneRouting "c/mocka": the sidecar VirtualService\'s http[0].match[0].headers.env.exact "0o17" is written by cdk8s without quotes, and kubectl reads it as the number 15; choose another value');
    expect(message).toContain('LaneRouting "d/mocka": the DestinationRule\'s subsets[1].name "0o2" is written by cdk8s without quotes, and kubectl reads it as the number 2; choose another value');
  });
});

describe('app-wide checks: DestinationRules', () => {
  test('two DestinationRules for one host (a labelled LaneRouting beside a LaneGroup for upstream Istio)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new LaneGroup(chart, 'mock', {
      name: 'mock',
      target: Target.ISTIO,
      services: [{ name: 'mocka', namespace: 'default' }],
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }],
      baseline: 's1',
    });
    new LaneRouting(chart, 'mocka', props({ lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }], sidecar: undefined, gateway: { gateways: ['istio-system/gw'] } }));
    expect(synthError(app)).toMatch(/\[LANE006\] \(DestinationRule default\/c-mocka-destinationrule-\w+ \[c\/mocka\/DestinationRule\]\) is also a DestinationRule for host mocka.default.svc.cluster.local, like DestinationRule default\/mock-mocka \[c\/mock\/DestinationRule-mocka\]; Istio merges them, keeps the first one's traffic policy and drops duplicate subsets \(here s1\)/);
  });

  test('a hand-written DestinationRule with a short host counts too: an Error when it defines a subset again, else a Warning; other hosts are fine', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'default' });
    new LaneRouting(chart, 'mocka', props({ lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }] }));
    new ApiObject(chart, 'other', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'other' }, spec: { host: 'mockb' } } as any);
    expect(() => synthApp(app)).not.toThrow();
    // a second DestinationRule without subsets (e.g. a traffic policy): Istio merges it, synth warns
    const manual = new ApiObject(chart, 'manual', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'manual' }, spec: { host: 'mocka' } } as any);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let warnings: unknown[];
    try {
      expect(() => synthApp(app)).not.toThrow();
      warnings = warn.mock.calls.map(c => c[0]);
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual([expect.stringMatching(/^\[LANE006\] \(DestinationRule default\/manual \[c\/manual\]\) is also a DestinationRule for host mocka.default.svc.cluster.local, like DestinationRule default\/c-mocka-destinationrule-\w+ /)]);
    // the same subset defined twice: Istio drops one of them
    manual.addJsonPatch(JsonPatch.add('/spec/subsets', [{ name: 's1', labels: { version: 'v2' } }]));
    expect(synthError(app)).toMatch(/\[LANE006\] \(DestinationRule default\/manual \[c\/manual\]\) is also a DestinationRule for host mocka.default.svc.cluster.local, .* drops duplicate subsets \(here s1\)/);
  });
});

describe('app-wide checks: objects ASM generates for a lane group', () => {
  const group = (chart: Chart) => new LaneGroup(chart, 'mock', {
    name: 'mock',
    target: Target.ASM,
    services: [{ name: 'mocka', namespace: 'default' }, { name: 'mockb', namespace: 'default' }],
    lanes: [{ name: 's1', services: ['mocka', 'mockb'], podLabels: { version: 'v1' } }],
    baseline: 's1',
    ingress: { gateway: 'istio-system/ingressgateway', entryService: 'mocka' },
  });

  test('a LaneRouting sidecar for a service of an ASM lane group collides with the VirtualService ASM generates', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    group(chart);
    new LaneRouting(chart, 'mocka', props({ sidecar: { name: 'mine' } }));
    expect(synthError(app)).toEqual([
      'Validation failed with the following errors:',
      '  [c/mocka/SidecarVirtualService] [IST0109] (VirtualService default/mine [c/mocka/SidecarVirtualService]) is a sidecar VirtualService for host mocka.default.svc.cluster.local, for which ASM generates one from lane group ASMSwimLaneGroup mock [c/mock/SwimLaneGroup]; '
      + 'Istio would merge or drop one of them. Use the lane group for this service (LaneGroup.addCustomRoute, routeOptions: a root VirtualService delegating to ASM\'s), or leave the service out of the group',
    ].join('\n'));
  });

  test('a labelled LaneRouting (its DestinationRule) collides with the DestinationRule ASM generates', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    group(chart);
    new LaneRouting(chart, 'mockb', props({ host: 'mockb.default.svc.cluster.local', lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }], sidecar: undefined, gateway: { gateways: ['istio-system/gw'], name: 'b' } }));
    expect(synthError(app)).toMatch(/\[LANE006\] \(DestinationRule default\/c-mockb-destinationrule-\w+ \[c\/mockb\/DestinationRule\]\) is a DestinationRule for host mockb.default.svc.cluster.local, for which ASM generates one from lane group ASMSwimLaneGroup mock \[c\/mock\/SwimLaneGroup\]/);
  });

  test('the group\'s own delegating roots are not a collision; a gateway LaneRouting without pod labels is fine', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const g = group(chart);
    g.addCustomRoute('mockb', { name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: 'mockb.default.svc.cluster.local', subset: 's1' }] }, RoutePlacement.BEFORE_LANE_RULES);
    new LaneRouting(chart, 'edge', props({ host: 'mockb.default.svc.cluster.local', lanes: [{ name: 's1' }], rules: [], sidecar: undefined, gateway: { gateways: ['istio-system/edge'], name: 'edge' } }));
    expect(() => synthApp(app)).not.toThrow();
  });
});

describe('the analysis at synth: what it reads and what it reports', () => {
  const group = (chart: Chart, id: string, clusterDomain?: string) => new LaneGroup(chart, id, {
    name: id,
    target: Target.ISTIO,
    services: [{ name: `${id}a`, namespace: 'default' }],
    lanes: [{ name: 's1', services: [`${id}a`], podLabels: { version: 'v1' } }],
    baseline: 's1',
    clusterDomain,
  });

  test('a LaneGroup\'s cluster domain is the domain of the Services the app holds (the first group that sets one decides)', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      group(chart, 'g', 'corp.example');
      // two ports and a destination without one: IST0112, found only if the Service is the destination's host
      const twoPorts = (name: string) => new ApiObject(chart, `svc-${name}`, {
        apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ports: [{ port: 80 }, { port: 81 }] },
      });
      twoPorts('ga');
      // a second group with another domain does not change it: its hosts have no Service under the first one's
      group(chart, 'h', 'other.example');
      twoPorts('ha');
      synthApp(app);
      const lines = warn.mock.calls.filter(([, o]) => (o as any)?.code === 'CDK8S_LANES_CHECK').map(([line]) => String(line));
      expect(lines.filter(l => l.startsWith('[IST0112]'))).toEqual([expect.stringContaining('ga.default.svc.corp.example exposes ports 80, 81 (Service default/ga)')]);
    } finally {
      warn.mockRestore();
    }
  });

  test('an object whose JSON cannot be made fails synth with its own error, not an analysis', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new LaneRouting(chart, 'r', props());
    new ApiObject(chart, 'broken', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'broken' }, data: { key: { resolve: () => { throw new Error('no value for key'); } } } });
    expect(synthError(app)).toMatch(/^Validation failed with the following errors:\n.*no value for key/);
    expect(synthError(app)).not.toContain('[IST');
  });

  test('a Warning is printed once as a process warning with its code; Info is not printed; neither fails synth', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      // beside a routing (the analysis runs for apps that hold one): a lane destination without the routing header
      // (LANE002, a Warning), and a gateway not in the app (IST0101, Info)
      new LaneRouting(chart, 'r', props());
      new ApiObject(chart, 'vs', {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'hand', namespace: 'default' },
        spec: {
          hosts: ['once.default.svc.cluster.local'],
          gateways: ['istio-system/edge'],
          http: [
            { match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: 'once.default.svc.cluster.local', subset: 'a' } }] },
            { route: [{ destination: { host: 'once.default.svc.cluster.local', subset: 'b' }, headers: { request: { set: { 'x-lane': 'b' } } } }] },
          ],
        },
      });
      synthApp(app);
      synthApp(app);
      // the same line from another app is not printed again
      const again = Testing.app();
      new LaneRouting(new Chart(again, 'c'), 'r', props());
      new ApiObject(again.node.children[0] as Chart, 'vs', (chart.node.findChild('vs') as ApiObject).toJson());
      synthApp(again);
      const ours = warn.mock.calls.filter(([, o]) => (o as any)?.code === 'CDK8S_LANES_CHECK').map(([line]) => line);
      expect(ours).toEqual([
        '[LANE002] (VirtualService default/hand [c/vs]) destination once.default.svc.cluster.local/a does not set the routing header x-lane that the table\'s other lane destinations set, so the rest of the trace leaves the lane',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  test('findings of the app come sorted by level whatever the order of its objects: Errors fail synth, in the walk\'s order', () => {
    const spy = jest.spyOn(analyzer, 'analyze');
    try {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      new LaneRouting(chart, 'a', props({ sidecar: { name: 'a' } }));
      new LaneRouting(chart, 'b', props({ sidecar: { name: 'b' } }));
      synthError(app);
      const levels = spy.mock.results.flatMap(r => (r.value as Array<{ level: string }>).map(f => f.level));
      expect(levels).toEqual([...levels].sort((x, y) => ['Error', 'Warning', 'Info'].indexOf(x) - ['Error', 'Warning', 'Info'].indexOf(y)));
      expect(levels[0]).toBe('Error');
    } finally {
      spy.mockRestore();
    }
  });
});
