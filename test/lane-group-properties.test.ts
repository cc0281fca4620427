import { Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { synth } from './helpers';
import { HeaderMatch, LaneGroup, LaneGroupProps, LaneSimulator, Mode, Target } from '../src';

const RUNS = 300;

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

  test('for upstream Istio, simulating the group equals simulating the YAML it synthesizes', () => {
    fc.assert(fc.property(validGroup.filter(p => p.target === Target.ISTIO), fc.nat(), (props, pick) => {
      const { chart, group } = build(props);
      const yaml = LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)));
      const headers = { 'x-pick': props.lanes[pick % props.lanes.length].name };
      const chain = props.services.map(s => `${s.name}.${s.namespace}.svc.cluster.local`);
      expect(yaml.simulateChain(chain, { headers }).map(p => [p.trace, p.probability]))
        .toEqual(group.simulate({ headers }).map(p => [p.trace, p.probability]));
    }), { numRuns: RUNS });
  });
});
