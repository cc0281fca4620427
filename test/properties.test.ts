import { Duration, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { synth, withoutOrigin } from './helpers';
import { referenceRoute } from './reference-router';
import { runs } from './runs';
import {
  HeaderMatch, LaneDestination, LaneRouting, LaneSimulator, LaneRoutingProps, LaneRule, Mode, QueryParamMatch, RequestMatch, StringMatch, Target,
} from '../src';
import { kubectlNumber } from '../src/private/simulate/read/yaml';

const RUNS = runs(300);

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/).filter(h => !['uri', 'scheme', 'method', 'authority', 'host', 'x-rule'].includes(h));
// a text kubectl reads as a number (as cdk8s writes `-_0`: without quotes) is refused at synth
const value = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter(v => kubectlNumber(v) === undefined);
const regex = fc.constantFrom('v[0-9]+', 'gold|silver', '.*beta.*', '[a-f0-9]{8}', '(qa|dev)-.+');

const headerMatch = fc.oneof(
  fc.tuple(headerName, value).map(([n, v]) => HeaderMatch.exact(n, v)),
  fc.tuple(headerName, value).map(([n, v]) => HeaderMatch.prefix(n, v)),
  fc.tuple(headerName, regex).map(([n, v]) => HeaderMatch.regex(n, v)),
  headerName.map(HeaderMatch.present),
  headerName.map(HeaderMatch.absent),
);
const path = fc.stringMatching(/^\/[a-z0-9/_-]{0,12}$/);
const uri = fc.oneof(path.map(StringMatch.exact), path.map(StringMatch.prefix), regex.map(StringMatch.regex));

/** Integer weights 0..100 for `n` lanes summing to 100. */
function weights(n: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map(cuts => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), 100];
    return sorted.slice(1).map((c, i) => c - sorted[i]);
  });
}

/** A valid LaneRouting configuration. */
const validProps: fc.Arbitrary<LaneRoutingProps> = fc.record({
  lanes: fc.uniqueArray(label, { minLength: 1, maxLength: 8 }),
  target: fc.constantFrom(Target.ASM, Target.ISTIO),
  mode: fc.constantFrom(Mode.PERMISSIVE, Mode.STRICT, undefined),
  routingHeader: fc.constantFrom(undefined, 'x-asm-prefer-tag', 'my-trace-id', 'x-lane'),
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  entry: fc.constantFrom('gateway', 'sidecar', 'both'),
  labelled: fc.boolean(),
  seed: fc.integer(),
}).chain(base => fc.record({
  baseline: fc.constantFrom(...base.lanes),
  rules: fc.array(fc.record({
    blocks: fc.array(fc.record({
      headers: fc.uniqueArray(headerMatch, { maxLength: 3, selector: h => h.name }),
      uri: fc.option(uri, { nil: undefined }),
      method: fc.option(fc.constantFrom('GET', 'POST', 'PUT').map(StringMatch.exact), { nil: undefined }),
      queryParams: fc.uniqueArray(fc.tuple(label, value).map(([n, v]) => QueryParamMatch.exact(n, v)), { maxLength: 2, selector: q => q.name }),
    }), { minLength: 1, maxLength: 3 }),
    lanes: fc.shuffledSubarray(base.lanes, { minLength: 1 }),
    fallbacks: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  }).chain(r => weights(r.lanes.length).map(w => ({ ...r, weights: w }))), { maxLength: 5 }),
}).map(({ baseline, rules }): LaneRoutingProps => ({
  target: base.target,
  mode: base.mode,
  routingHeader: base.routingHeader,
  port: base.port,
  host: 'svc.default.svc.cluster.local',
  lanes: base.lanes.map(name => ({ name, podLabels: base.labelled ? { version: name } : undefined })),
  baseline,
  rules: rules.map((r, i): LaneRule => ({
    name: `rule-${i}`,
    // one marker condition per block keeps blocks distinct (a repeated block is rejected as unreachable)
    matches: r.blocks.map((b, j): RequestMatch => ({ ...b, headers: [...b.headers, HeaderMatch.exact('x-rule', `${i}-${j}`)] })),
    split: r.lanes.map((lane, k): LaneDestination => ({
      lane,
      weight: r.lanes.length > 1 ? r.weights[k] : undefined,
      fallbackLane: base.target === Target.ASM && r.fallbacks[k] && lane !== baseline ? baseline : undefined,
    })),
  })),
  gateway: base.entry !== 'sidecar' ? { gateways: ['istio-system/ingressgateway'] } : undefined,
  sidecar: base.entry !== 'gateway' ? {} : undefined,
})));

function synthProps(props: LaneRoutingProps): any[] {
  const chart = Testing.chart();
  new LaneRouting(chart, 'svc', props);
  return synth(chart); // checks every object against its CRD schema
}

describe('properties', () => {
  test('any valid configuration synthesizes, conforms to its CRD schema and is deterministic', () => {
    fc.assert(fc.property(validProps, props => {
      const first = Yaml.stringify(...synthProps(props));
      const second = Yaml.stringify(...synthProps(props));
      expect(second).toEqual(first);
    }), { numRuns: RUNS });
  });

  test('the rendered routes are the declared ones: order, subsets, weights, headers, fallbacks', () => {
    fc.assert(fc.property(validProps, props => {
      const vss = synthProps(props).filter(o => o.kind === 'VirtualService');
      for (const vs of vss) {
        const http = vs.spec.http;
        expect(http.map((r: any) => r.name)).toEqual([...props.rules!.map(r => r.name), 'base-route']);
        expect(http[http.length - 1].match).toBeUndefined();
        props.rules!.forEach((rule, i) => {
          const route = http[i].route;
          expect(route.map((d: any) => d.destination.subset)).toEqual(rule.split.map(d => d.lane));
          if (route.length > 1) expect(route.reduce((s: number, d: any) => s + d.weight, 0)).toEqual(100);
          else expect(route[0].weight).toBeUndefined();
          route.forEach((d: any, k: number) => {
            expect(d.fallback?.target.subset).toEqual(rule.split[k].fallbackLane);
            const header = props.mode === Mode.STRICT ? undefined : { [props.routingHeader ?? 'x-asm-prefer-tag']: d.destination.subset };
            expect(d.headers?.request.set).toEqual(header);
          });
        });
      }
    }), { numRuns: RUNS });
  });

  /**
   * A valid configuration with what the plain one leaves out: lanes partly labelled (the others served by
   * the baseline's subset), route options, and custom routes before and after the lane rules.
   */
  const richProps: fc.Arbitrary<LaneRoutingProps> = fc.tuple(validProps, fc.record({
    labelledShare: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    partly: fc.boolean(),
    timeout: fc.boolean(),
    before: fc.nat({ max: 2 }),
    after: fc.nat({ max: 2 }),
    toLane: fc.boolean(),
  })).map(([p, x]): LaneRoutingProps => {
    const labelled = (name: string, i: number) => name === p.baseline || !x.partly || x.labelledShare[i];
    const anyLabels = p.lanes.some(l => l.podLabels);
    const lanes = p.lanes.map((l, i) => (anyLabels && !labelled(l.name, i) ? { name: l.name, servedBy: p.baseline } : l));
    const servedByBaseline = new Set(lanes.filter(l => l.servedBy).map(l => l.name));
    const custom = (where: string, i: number) => ({
      name: `${where}-${i}`,
      matches: [{ headers: [HeaderMatch.exact('x-custom', `${where}-${i}`)] }],
      destinations: x.toLane ? [{ host: p.host, subset: p.baseline, weight: 60 }, { host: 'other.default.svc.cluster.local', weight: 40 }] : [{ host: 'other.default.svc.cluster.local' }],
    });
    return {
      ...p,
      lanes,
      // a fallback to the baseline changes nothing for a lane the baseline's subset already serves
      rules: p.rules!.map(r => ({ ...r, split: r.split.map(d => (servedByBaseline.has(d.lane) ? { ...d, fallbackLane: undefined } : d)) })),
      routeOptions: x.timeout ? { timeout: Duration.millis(1500), retries: { attempts: 2 } } : undefined,
      routesBefore: Array.from({ length: x.before }, (_, i) => custom('before', i)),
      routesAfter: Array.from({ length: x.after }, (_, i) => custom('after', i)),
    };
  });

  test('simulating a routing equals simulating its synthesized YAML at every entry point, and the shares add up', () => {
    const request = fc.record({
      rule: fc.nat({ max: 5 }),
      block: fc.nat({ max: 2 }),
      custom: fc.constantFrom(undefined, 'before-0', 'before-1', 'after-0', 'after-1'),
      lane: fc.nat(),
      extra: fc.dictionary(headerName, value, { maxKeys: 3 }),
      path: path,
      method: fc.constantFrom('GET', 'POST', 'PUT'),
      down: fc.array(fc.nat(), { maxLength: 2 }),
    });
    fc.assert(fc.property(richProps, request, (props, r) => {
      const chart = Testing.chart();
      const routing = new LaneRouting(chart, 'svc', props);
      const manifests = synth(chart);
      const fromYaml = LaneSimulator.fromYaml(Yaml.stringify(...manifests), 'f');
      const rule = manifests.find(m => m.kind === 'DestinationRule');
      const subsets = new Map(rule ? [[rule.spec.host, new Set<string>(rule.spec.subsets.map((x: any) => x.name))]] : []);
      const header = props.routingHeader ?? 'x-asm-prefer-tag';
      const headers = {
        ...r.extra,
        'x-rule': `${r.rule}-${r.block}`,
        [header]: props.lanes[r.lane % props.lanes.length].name,
        ...(r.custom ? { 'x-custom': r.custom } : {}),
      };
      const input = { headers, path: r.path, method: r.method };
      const known = fromYaml.subsets; // unhealthyLanes must name subsets
      const down = [...r.down.map(i => known[i % known.length]), ...(r.rule % 2 ? [known[0]] : [])];
      const entries = [...(props.gateway ? [{}] : []), ...(props.sidecar ? [{ host: 'svc' }] : [])];
      for (const entry of entries) {
        const a = routing.simulate(input, { unhealthyLanes: down, ...entry });
        const b = fromYaml.simulate(input, { unhealthyLanes: down, routingHeader: header, ...entry });
        expect(a).toEqual(withoutOrigin(b, 'f'));
        // and an independent reference router on the VirtualService synthesized for this entry point
        const vs = manifests.find(m => m.kind === 'VirtualService' && !!m.spec.gateways === !('host' in entry));
        const reference = referenceRoute(vs, subsets, new Set(down), { headers: Object.entries(headers), path: r.path, method: r.method }, header);
        expect({ rule: a.rule, shares: a.outcomes.map(o => ({ served: o.failed ? '503' : o.backend?.subset ?? '(any)', probability: o.probability, marker: o.marker.value })) })
          .toEqual(reference);
        expect(a.matched).toBe(true); // the default route catches everything
        const total = Object.values(a.laneProbabilities).reduce((x, y) => x + y, 0) + a.unavailableProbability;
        const elsewhere = a.outcomes.filter(o => !o.failed && o.backend?.subset === undefined).reduce((x, o) => x + o.probability, 0);
        expect(total + elsewhere).toBeCloseTo(1, 9);
        if (entry.host) {
          const chain = routing.simulator().simulateChain(['svc'], input, { unhealthyLanes: down, routingHeader: header, host: 'svc' });
          expect(chain).toEqual(withoutOrigin(fromYaml.simulateChain(['svc'], input, { unhealthyLanes: down, routingHeader: header, host: 'svc' }), 'f'));
        }
      }
    }), { numRuns: RUNS });
  });

  /** Mutations that make a valid configuration invalid. */
  const mutations: Array<[string, (p: LaneRoutingProps, n: number) => LaneRoutingProps]> = [
    ['lane name not a DNS label', (p, n) => ({ ...p, lanes: [...p.lanes, { name: ['S1', 'a_b', '-x', 'x.y', ''][n % 5] }] })],
    ['duplicate lane', p => ({ ...p, lanes: [...p.lanes, p.lanes[0]] })],
    ['unknown baseline', p => ({ ...p, baseline: 'zz-not-a-lane' })],
    ['weights off by n', (p, n) => ({
      ...p,
      rules: [...(p.rules ?? []), { name: 'bad', matches: [{ uri: StringMatch.prefix('/bad') }], split: [{ lane: p.lanes[0].name, weight: 50 }, { lane: 'other', weight: 50 + 1 + (n % 49) }] }],
      lanes: [...p.lanes, { name: 'other' }],
    })],
    ['unknown fallback lane', p => ({
      ...p,
      rules: [...(p.rules ?? []), { name: 'bad', matches: [{ uri: StringMatch.prefix('/bad') }], split: [{ lane: p.lanes[0].name, fallbackLane: 'zz-missing' }] }],
    })],
    ['uppercase routing header', p => ({ ...p, routingHeader: 'X-Lane' })],
    ['* host on the sidecar', p => ({ ...p, sidecar: { hosts: ['*'] } })],
    ['gateway ref without namespace', p => ({ ...p, gateway: { gateways: ['ingressgateway'] } })],
    ['port out of range', (p, n) => ({ ...p, port: 65536 + n })],
    ['no entry point', p => ({ ...p, gateway: undefined, sidecar: undefined })],
    ['duplicate rule name', p => ({
      ...p,
      rules: [...(p.rules ?? []), ...['a', 'b'].map(x => ({ name: 'twice', matches: [{ uri: StringMatch.exact(`/${x}`) }], split: [{ lane: p.lanes[0].name }] }))],
    })],
    ['empty match block', p => ({ ...p, rules: [...(p.rules ?? []), { name: 'bad', matches: [{}], split: [{ lane: p.lanes[0].name }] }] })],
    ['fallback on ISTIO', p => ({
      ...p,
      target: Target.ISTIO,
      lanes: [...p.lanes, { name: 'other' }],
      rules: [{ name: 'bad', matches: [{ uri: StringMatch.prefix('/bad') }], split: [{ lane: 'other', fallbackLane: p.lanes[0].name }] }],
    })],
  ];

  test('any invalid mutation raises an error naming the problem and produces no output', () => {
    fc.assert(fc.property(validProps, fc.integer({ min: 0, max: mutations.length - 1 }), fc.nat(), (props, which, n) => {
      const [, mutate] = mutations[which];
      let output: any[] | undefined;
      expect(() => { output = synthProps(mutate(props, n)); }).toThrow(/LaneRouting "test\/svc": /);
      expect(output).toBeUndefined();
    }), { numRuns: RUNS });
  });
});
