import { Duration, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { synth, withoutOrigin } from './helpers';
import { runs } from './runs';
import { HeaderMatch, LaneGroup, LaneGroupProps, LaneSimulator, Mode, RoutePlacement, Target } from '../src';

const RUNS = runs(300);

/** A valid lane group: the baseline holds every service; strict lanes hold all of them. */
const validGroup: fc.Arbitrary<LaneGroupProps> = fc.record({
  serviceCount: fc.integer({ min: 1, max: 5 }),
  laneCount: fc.integer({ min: 1, max: 5 }),
  target: fc.constantFrom(Target.ASM, Target.ISTIO),
  mode: fc.constantFrom(Mode.PERMISSIVE, Mode.STRICT),
  routingHeader: fc.constantFrom('x-asm-prefer-tag', 'my-trace-id'),
}).chain(base => fc.record({
  memberships: fc.array(fc.subarray(Array.from({ length: base.serviceCount }, (_, i) => `svc${i}`), { minLength: 1 }), {
    minLength: base.laneCount - 1, maxLength: base.laneCount - 1,
  }),
  namespaces: fc.array(fc.constantFrom('default', 'shop', 'pay'), { minLength: base.serviceCount, maxLength: base.serviceCount }),
}).map(({ memberships, namespaces }): LaneGroupProps => {
  const services = Array.from({ length: base.serviceCount }, (_, i) => `svc${i}`);
  const lanes = [services, ...memberships].map((held, i) => ({
    name: `l${i}`,
    services: base.mode === Mode.STRICT ? services : held,
    podLabels: { version: `v${i}` },
  }));
  return {
    name: 'grp',
    target: base.target,
    mode: base.mode,
    routingHeader: base.routingHeader,
    services: services.map((name, i) => ({ name, namespace: namespaces[i] })),
    lanes,
    baseline: 'l0',
    ingress: {
      gateway: 'istio-system/ingressgateway',
      entryService: 'svc0',
      // one rule per lane: `x-pick: <lane>` enters that lane
      rules: lanes.map(l => ({ name: `pick-${l.name}`, matches: [{ headers: [HeaderMatch.exact('x-pick', l.name)] }], split: [{ lane: l.name }] })),
    },
  };
}));

function build(props: LaneGroupProps) {
  const chart = Testing.chart();
  const group = new LaneGroup(chart, 'grp', props);
  return { chart, group };
}

describe('LaneGroup properties', () => {
  test('any valid group synthesizes for its target, conforms to the CRD schemas and is deterministic', () => {
    fc.assert(fc.property(validGroup, props => {
      const first = Yaml.stringify(...synth(build(props).chart));
      expect(Yaml.stringify(...synth(build(props).chart))).toEqual(first);
      const kinds = synth(build(props).chart).map(o => o.kind);
      if (props.target === Target.ASM) {
        expect(kinds.filter(k => k === 'DestinationRule')).toHaveLength(0);
        expect(kinds.filter(k => k === 'ASMSwimLane')).toHaveLength(props.lanes.length);
      } else {
        expect(kinds.filter(k => k === 'DestinationRule')).toHaveLength(props.services.length);
        expect(kinds.filter(k => k.startsWith('ASM'))).toHaveLength(0);
      }
    }), { numRuns: RUNS });
  });

  test('a request entering a lane is served, at every hop, by that lane or (when it lacks the service) the baseline', () => {
    fc.assert(fc.property(validGroup, fc.nat(), (props, pick) => {
      const { group } = build(props);
      const lane = props.lanes[pick % props.lanes.length];
      const paths = group.simulate({ headers: { 'x-pick': lane.name } });
      expect(paths).toHaveLength(1);
      expect(paths[0].probability).toBe(1);
      paths[0].hops.forEach((hop, i) => {
        const service = props.services[i].name;
        const expected = lane.services.includes(service) ? lane.name : 'l0';
        expect({ service, serving: hop.backend?.subset, labels: hop.labels }).toEqual({
          service, serving: expected, labels: props.lanes.find(l => l.name === expected)!.podLabels,
        });
      });
    }), { numRuns: RUNS });
  });

  /** A valid group with route options, custom routes, a cluster domain and (ASM) where ASM writes its routing. */
  const richGroup = fc.tuple(validGroup, fc.record({
    timeout: fc.boolean(),
    clusterDomain: fc.constantFrom(undefined, 'cluster.local', 'corp.example'),
    asmNamespace: fc.constantFrom(undefined, 'asm-system'),
    custom: fc.array(fc.record({ service: fc.nat(), after: fc.boolean(), toBaseline: fc.boolean() }), { maxLength: 3 }),
  })).map(([props, x]) => ({
    props: {
      ...props,
      routeOptions: x.timeout ? { timeout: Duration.seconds(2), retries: { attempts: 3 } } : undefined,
      clusterDomain: x.clusterDomain,
      asmGeneratedNamespace: props.target === Target.ASM ? x.asmNamespace : undefined,
    } as LaneGroupProps,
    custom: x.custom.map((c, i) => ({ ...c, after: c.after && props.target === Target.ISTIO, service: props.services[c.service % props.services.length].name, name: `custom-${i}` })),
  }));

  test('simulating the group equals simulating the YAML it synthesizes, entering at the ingress or at a service', () => {
    const request = fc.record({ pick: fc.nat(), lane: fc.nat(), custom: fc.nat({ max: 3 }), down: fc.nat({ max: 6 }) });
    fc.assert(fc.property(richGroup, request, ({ props, custom }, r) => {
      const { chart, group } = build(props);
      const domain = props.clusterDomain ?? 'cluster.local';
      const hostOf = (s: { name: string; namespace: string }) => `${s.name}.${s.namespace}.svc.${domain}`;
      for (const c of custom) {
        const svc = props.services.find(s => s.name === c.service)!;
        group.addCustomRoute(c.service, {
          name: c.name,
          matches: [{ headers: [HeaderMatch.exact('x-custom', c.name)] }],
          destinations: [{ host: hostOf(svc), subset: c.toBaseline ? 'l0' : undefined }],
        }, c.after ? RoutePlacement.AFTER_LANE_RULES : RoutePlacement.BEFORE_LANE_RULES);
      }
      const yaml = LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)), 'g', { clusterDomain: domain, asmGeneratedNamespace: props.asmGeneratedNamespace });
      expect(yaml.notes).toEqual([]);
      const lanes = props.lanes.map(l => l.name);
      const headers = {
        'x-pick': lanes[r.pick % lanes.length],
        [props.routingHeader!]: lanes[r.lane % lanes.length],
        ...(r.custom < custom.length ? { 'x-custom': custom[r.custom].name } : {}),
      };
      const down = r.down < lanes.length ? [lanes[r.down]] : [];
      const hosts = props.services.map(hostOf);
      // the ingress, and one service picked at random (every service is an entry across the cases)
      const entries: Array<{ host?: string }> = [{}, { host: props.services[r.pick % props.services.length].name }];
      for (const entry of entries) {
        const from = entry.host === undefined ? 0 : props.services.findIndex(s => s.name === entry.host);
        const expected = yaml.simulateChain(hosts.slice(from), { headers }, { ...entry, unhealthyLanes: down, routingHeader: props.routingHeader });
        expect(group.simulate({ headers }, { ...entry, unhealthyLanes: down })).toEqual(withoutOrigin(expected, 'g'));
      }
    }), { numRuns: RUNS });
  });
});
