/**
 * ASM's three propagation scenarios, and the lane carried in W3C baggage: on ASM through ASMHeaderPropagation
 * (the routing header stays plain), on upstream Istio as a baggage entry the ingress adds and the sidecars
 * match. Chain simulations with other entries, reordering, whitespace and properties; the synthesized objects;
 * a property against a W3C baggage parser written here, independent of the library.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { find, runCli, synth } from './helpers';
import { runs } from './runs';
import { BaggageChain } from '../examples/baggage';
import { MockChain } from '../examples/chain';
import { HeaderMatch, LaneGroup, LaneGroupProps, LaneRouting, Mode, Propagation, Target } from '../src';
import { baggageEntryPattern } from '../src/private/model/marker';

const S2 = 'mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)';
const S3 = 'mocka(version: v1) -> mockb(version: v3) -> mockc(version: v1)';
const group = (target: Target) => new BaggageChain(Testing.app(), 'baggage-chain', { target }).group;
const traces = (g: LaneGroup, headers: { [k: string]: string }, multi?: { [k: string]: string[] }) =>
  g.simulate({ headers, multiValueHeaders: multi }).map(p => [p.trace, p.probability]);

/**
 * W3C Baggage (https://www.w3.org/TR/baggage/), as a reference: list members separated by ",", each
 * `key OWS "=" OWS value` with properties after ";", optional whitespace (space, tab) around members. Several
 * header lines are one list. Returns the members as [key, value] pairs in order.
 */
function parseBaggage(lines: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of lines) {
    for (const member of line.split(',')) {
      const [pair] = member.split(';');
      const at = pair.indexOf('=');
      if (at < 0) continue;
      const key = pair.slice(0, at).replace(/^[ \t]+|[ \t]+$/g, '');
      const value = pair.slice(at + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      out.push([key, value]);
    }
  }
  return out;
}

describe('the lane in baggage: chain simulations on both targets', () => {
  test('Target.ISTIO: s2 traces v2 -> v1 -> v2 and s3 v1 -> v3 -> v1, whatever else the baggage holds', () => {
    const g = group(Target.ISTIO);
    // the ingress puts env: dev into s2 or s3 and adds the lane entry, keeping the client's other entries
    expect(traces(g, { env: 'dev' })).toEqual([[S2, 0.5], [S3, 0.5]]);
    expect(traces(g, { env: 'dev', baggage: 'userId=alice,serverNode=DF%2028' })).toEqual([[S2, 0.5], [S3, 0.5]]);
    // a client already in a lane keeps it: other entries before and after, reordered, whitespace, properties
    for (const baggage of ['lane=s2', 'userId=alice, lane=s2', 'lane = s2 ;ttl=5, userId=alice', 'a=1,\tlane\t=\ts2;p=1;q ,b=2']) {
      expect(traces(g, { env: 'dev', baggage })).toEqual([[S2, 1]]);
    }
    for (const baggage of ['lane=s3', 'x=1,lane=s3', 'lane=s3 , x=1', 'x=1 ,  lane =s3;prop']) {
      expect(traces(g, { baggage })).toEqual([[S3, 1]]);
    }
    // the entry in a second baggage header line (Envoy matches the lines joined by ",")
    expect(traces(g, {}, { baggage: ['userId=alice', 'lane=s3'] })).toEqual([[S3, 1]]);
    // neither another key nor another value is the lane
    for (const baggage of ['xlane=s2', 'lane=s20', 'lanes=s2', 'lane=xs2', 'Lane=s2']) {
      expect(traces(g, { baggage })).toEqual([['mocka(version: v1) -> mockb(version: v1) -> mockc(version: v1)', 1]]);
    }
  });

  test('Target.ISTIO: each hop reports the lane and its baggage entry as the lane marker', () => {
    const [s2] = group(Target.ISTIO).simulate({ headers: { baggage: 'a=1,lane=s2' } });
    expect(s2.hops.map(h => [h.lane, h.marker.header, h.marker.value, h.backend?.subset])).toEqual([
      ['s2', 'baggage', 's2', 's2'], ['s2', 'baggage', 's2', 's1'], ['s2', 'baggage', 's2', 's2'],
    ]);
  });

  test('Target.ISTIO: a request with two lane entries is routed at each service to the first of the group\'s lanes it names (forwarded unchanged)', () => {
    const g = group(Target.ISTIO);
    expect(traces(g, { baggage: 'lane=s3,lane=s2' })).toEqual([[S2, 1]]);
    expect(traces(g, { baggage: 'lane=s2,lane=s3' })).toEqual([[S2, 1]]);
    expect(traces(g, { baggage: 'lane=s9,lane=s3' })).toEqual([[S3, 1]]);
  });

  test('Target.ASM: ASM carries the plain routing header in the baggage context; other entries change nothing', () => {
    const g = group(Target.ASM);
    for (const baggage of [undefined, 'userId=alice', 'a=1, b = 2;p, c=3']) {
      expect(traces(g, { env: 'dev', ...(baggage !== undefined ? { baggage } : {}) })).toEqual([[S2, 0.5], [S3, 0.5]]);
    }
    expect(g.simulate({ headers: { env: 'dev' } })[0].hops.map(h => `${h.marker.header}: ${h.marker.value}`)).toEqual(Array(3).fill('x-asm-prefer-tag: s2'));
  });
});

describe('what is synthesized', () => {
  test('Target.ISTIO: the ingress adds the lane entry (keeping the client\'s), matches a lane entry first; sidecars only match', () => {
    const out = synth(new BaggageChain(Testing.app(), 'baggage-chain', { target: Target.ISTIO }));
    const ingress = find(out, 'VirtualService', 'mock-ingress').spec.http;
    expect(ingress.map((r: any) => r.name)).toEqual(['lane-s1', 'lane-s2', 'lane-s3', 'dev-route', 'base-route']);
    expect(ingress[1].match).toEqual([{ headers: { baggage: { regex: baggageEntryPattern('lane', 's2') } } }]);
    expect(ingress[1].route[0].headers).toBeUndefined();
    expect(ingress[3].route.map((d: any) => d.headers)).toEqual([{ request: { add: { baggage: 'lane=s2' } } }, { request: { add: { baggage: 'lane=s3' } } }]);
    for (const name of ['mock-mocka', 'mock-mockb', 'mock-mockc']) {
      const sidecar = find(out, 'VirtualService', name).spec.http;
      expect(sidecar.map((r: any) => r.name)).toEqual(['lane-s1', 'lane-s2', 'lane-s3', 'base-route']);
      expect(sidecar.flatMap((r: any) => r.route.map((d: any) => d.headers))).toEqual([undefined, undefined, undefined, undefined]);
    }
  });

  test('Target.ASM: routeHeader stays plain, traceHeader is baggage, and an ASMHeaderPropagation carries the routing header', () => {
    const out = synth(new BaggageChain(Testing.app(), 'baggage-chain', { target: Target.ASM }));
    expect(find(out, 'ASMSwimLaneGroup', 'mock').spec.permissiveModeConfiguration).toEqual({ fallbackTarget: 's1', traceHeader: 'baggage', routeHeader: 'x-asm-prefer-tag' });
    expect(find(out, 'ASMHeaderPropagation', 'mock-lanes')).toEqual({
      apiVersion: 'istio.alibabacloud.com/v1beta1', kind: 'ASMHeaderPropagation', metadata: { name: 'mock-lanes', namespace: 'default' }, spec: { headers: ['x-asm-prefer-tag'] },
    });
  });

  test('one ASMHeaderPropagation per namespace of the group', () => {
    const chart = Testing.chart();
    const g = new LaneGroup(chart, 'g', {
      name: 'g',
      target: Target.ASM,
      propagation: Propagation.baggage(),
      baseline: 's1',
      services: [{ name: 'a', namespace: 'team-a' }, { name: 'b', namespace: 'team-b' }, { name: 'c', namespace: 'team-a' }],
      lanes: [{ name: 's1', services: ['a', 'b', 'c'], podLabels: { v: '1' } }],
    });
    expect(g.headerPropagations.map(o => o.metadata.namespace)).toEqual(['team-a', 'team-b']);
    expect(synth(chart).filter(o => o.kind === 'ASMHeaderPropagation')).toHaveLength(2);
  });

  test('explain states the header every service must forward', () => {
    expect(group(Target.ISTIO).simulator().explain()).toContain('propagation: every service forwards baggage from each request it receives');
    expect(group(Target.ASM).simulator().explain()).toContain('propagation: every service forwards baggage from each request it receives');
    const custom = new MockChain(Testing.app(), 'c', { target: Target.ISTIO }).group.simulator().explain();
    expect(custom).toContain('propagation: every service forwards x-asm-prefer-tag from each request it receives');
  });

  test('the deprecated traceHeader names the same scenarios as propagation', () => {
    expect(groupYaml({ traceHeader: 'x-request-id' })).toEqual(groupYaml({ propagation: Propagation.traceId('x-request-id') }));
    expect(groupYaml({ traceHeader: 'baggage' })).toEqual(groupYaml({ propagation: Propagation.baggage() }));
    expect(groupYaml({ traceHeader: 'x-asm-prefer-tag' })).toEqual(groupYaml({ propagation: Propagation.customHeader() }));
  });
});

/** The YAML of an ASM lane group with these props on top of a small base. */
function groupYaml(p: Partial<LaneGroupProps>): unknown[] {
  const chart = Testing.chart();
  new LaneGroup(chart, 'g', {
    name: 'g',
    target: Target.ASM,
    baseline: 's1',
    services: [{ name: 'a', namespace: 'default' }],
    lanes: [{ name: 's1', services: ['a'], podLabels: { v: '1' } }, { name: 's2', services: ['a'], podLabels: { v: '2' } }],
    ...p,
  });
  return synth(chart);
}

describe('settings a target or a construct cannot honour are errors', () => {
  const props = (p: Partial<LaneGroupProps>): LaneGroupProps => ({
    name: 'g',
    target: Target.ISTIO,
    baseline: 's1',
    services: [{ name: 'a', namespace: 'default' }],
    lanes: [{ name: 's1', services: ['a'], podLabels: { v: '1' } }],
    ...p,
  });
  const C = 'LaneGroup "test/g"';
  test.each<[string, Partial<LaneGroupProps>, string]>([
    ['trace id on Istio', { propagation: Propagation.traceId('x-request-id') },
      `${C}: Propagation.traceId("x-request-id") relies on ASM re-attaching the routing header along the trace; upstream Istio has no such machinery: use Propagation.customHeader() (the services forward the routing header) or Propagation.baggage()`],
    ['a trace id that is a header many requests share (host)', { target: Target.ASM, propagation: Propagation.traceId('host') },
      `${C}: Propagation.traceId("host"): "host" is the same on many requests, so it cannot tell one request's trace from another's; give a header unique per request, such as "x-request-id" or "traceparent"`],
    ['a trace id that is a header many requests share (user-agent)', { target: Target.ASM, propagation: Propagation.traceId('user-agent') },
      `${C}: Propagation.traceId("user-agent"): "user-agent" is the same on many requests, so it cannot tell one request's trace from another's; give a header unique per request, such as "x-request-id" or "traceparent"`],
    ['a trace id that is the routing header', { target: Target.ASM, propagation: Propagation.traceId('x-asm-prefer-tag') },
      `${C}: Propagation.traceId("x-asm-prefer-tag") names the routing header; a trace id differs per request, and a routing header the services forward is Propagation.customHeader()`],
    ['baggage as ASM\'s routing header', { target: Target.ASM, routingHeader: 'baggage', propagation: Propagation.baggage() },
      `${C}: routingHeader "baggage": with Propagation.baggage() on ASM the routing header stays a plain header (ASM's routeHeader cannot be baggage), e.g. "x-asm-prefer-tag"`],
    ['a baggage key on ASM', { target: Target.ASM, propagation: Propagation.baggage({ key: 'lane' }) },
      `${C}: Propagation.baggage({ key: "lane" }): on Target.ASM the lane stays in the routing header, which ASMHeaderPropagation carries in the baggage context; the key is for Target.ISTIO and Target.GATEWAY_API`],
    ['a key that is not a W3C token', { propagation: Propagation.baggage({ key: 'my lane' }) },
      `${C}: Propagation.baggage() key "my lane" is not a W3C baggage key: 1 to 64 letters, digits or !#$%&'*+-.^_|~`],
    ['a routing header that baggage does not use', { routingHeader: 'x-lane', propagation: Propagation.baggage() },
      `${C}: routingHeader "x-lane" is not used with Propagation.baggage() on Target.ISTIO (the lane is the baggage entry lane=<lane>); remove it`],
    ['propagation in strict mode', { mode: Mode.STRICT, propagation: Propagation.baggage() },
      `${C}: propagation "baggage" applies to permissive lanes only (strict lanes follow the caller's pod labels, not a header); remove it or use Mode.PERMISSIVE`],
    ['traceHeader and propagation', { target: Target.ASM, traceHeader: 'x-request-id', propagation: Propagation.baggage() },
      `${C}: traceHeader is the deprecated form of propagation; give propagation only`],
  ])('%s', (_name, p, message) => {
    expect(() => new LaneGroup(Testing.chart(), 'g', props(p))).toThrow(message);
  });

  test('routingHeader "baggage" is refused with every propagation: it would replace the baggage list', () => {
    for (const target of [Target.ISTIO, Target.ASM]) {
      expect(() => new LaneGroup(Testing.chart(), 'g', props({ target, routingHeader: 'baggage' }))).toThrow(
        `${C}: routingHeader "baggage": every destination would replace the W3C baggage list with the lane name; to carry the lane in baggage use propagation: Propagation.baggage(), or choose another routing header`);
    }
  });

  test('lane rules on a sidecar with the lane in baggage are refused (the sidecar adds no entry), in props and by addRule()', () => {
    const base = {
      target: Target.ISTIO,
      host: 'a.default.svc.cluster.local',
      lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', podLabels: { v: '2' } }],
      baseline: 's1',
      propagation: Propagation.baggage(),
    };
    const rule = { name: 'dev', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2' }] };
    const message = 'LaneRouting "test/r": rule "dev": with Propagation.baggage() on Target.ISTIO the sidecar VirtualService only matches lane entries (it adds none), '
      + 'so this rule would put requests into a lane the next service does not see; put lane rules on a LaneRouting with only a gateway entry point';
    expect(() => new LaneRouting(Testing.chart(), 'r', { ...base, sidecar: {}, rules: [rule] })).toThrow(message);
    const sidecarOnly = new LaneRouting(Testing.chart(), 'r', { ...base, sidecar: {} });
    expect(() => sidecarOnly.addRule(rule)).toThrow(message);
    const gatewayOnly = new LaneRouting(Testing.chart(), 'r', { ...base, gateway: { gateways: ['istio-system/gw'] }, rules: [rule] });
    expect(gatewayOnly.routeNames).toEqual(['lane-s1', 'lane-s2', 'dev', 'base-route']);
    // on the Gateway API, the message names that target and its mesh route
    expect(() => new LaneRouting(Testing.chart(), 'r', { ...base, target: Target.GATEWAY_API, lanes: [{ name: 's1', serviceName: 'a-s1' }, { name: 's2', serviceName: 'a-s2' }], sidecar: {}, rules: [rule] }))
      .toThrow('LaneRouting "test/r": rule "dev": with Propagation.baggage() on Target.GATEWAY_API the mesh HTTPRoute only matches lane entries (it adds none), ');
  });

  test('simulate() checks baggageKey against the routes, and takes it or routingHeader, not both', () => {
    const g = group(Target.ISTIO);
    expect(() => g.simulate({}, { baggageKey: 'a b,' })).toThrow('LaneGroup "baggage-chain/mock": baggageKey "a b," is not a W3C baggage key');
    const sim = g.simulator();
    expect(() => sim.simulate({}, { baggageKey: 'a b,' })).toThrow('baggageKey "a b," is not a W3C baggage key: 1 to 64 letters, digits or !#$%&\'*+-.^_|~');
    expect(() => sim.simulate({}, { baggageKey: 'tenant' })).toThrow('baggageKey "tenant": no route adds or matches a baggage entry with it (keys: lane)');
    expect(() => g.simulate({}, { routingHeader: 'x-asm-prefer-tag' })).toThrow('give routingHeader or baggageKey, not both');
    expect(sim.baggageKeys).toEqual(['lane']);
  });

  test('a lane without a subset of its own (servedBy) is still the request\'s lane', () => {
    const routing = new LaneRouting(Testing.chart(), 'r', {
      target: Target.ISTIO,
      host: 'a.default.svc.cluster.local',
      lanes: [{ name: 's1', podLabels: { v: '1' } }, { name: 's2', servedBy: 's1' }],
      baseline: 's1',
      propagation: Propagation.baggage(),
      gateway: { gateways: ['istio-system/gw'] },
    });
    const r = routing.simulate({ headers: { baggage: 'lane=s2' } });
    expect([r.rule, r.laneProbabilities, r.subsetProbabilities, r.outcomes[0].marker]).toEqual(['lane-s2', { s2: 1 }, { s1: 1 }, { header: 'baggage', value: 's2' }]);
  });

  test('a LaneRouting cannot render ASM\'s lane resources: trace id and ASM baggage need a LaneGroup', () => {
    const routing = (propagation: Propagation) => () => new LaneRouting(Testing.chart(), 'r', {
      target: Target.ASM, host: 'a.default.svc.cluster.local', lanes: [{ name: 's1' }], baseline: 's1', sidecar: {}, propagation,
    });
    expect(routing(Propagation.traceId('x-request-id'))).toThrow('LaneRouting "test/r": Propagation.traceId("x-request-id") needs ASM\'s lane resources, which a LaneGroup renders; use a LaneGroup with Target.ASM, or Propagation.customHeader()');
    expect(routing(Propagation.baggage())).toThrow('LaneRouting "test/r": Propagation.baggage() on Target.ASM needs the ASMHeaderPropagation a LaneGroup renders; use a LaneGroup, or Propagation.customHeader()');
    expect(() => new LaneRouting(Testing.chart(), 'r', { target: Target.ISTIO, host: 'a.default.svc.cluster.local', lanes: [{ name: 's1' }], baseline: 's1', sidecar: {}, propagation: {} as any }))
      .toThrow('LaneRouting "test/r": props.propagation must be made with Propagation.traceId(), .customHeader() or .baggage()');
  });

  test('patterns stay under Istio\'s 1,024-character regex limit at the longest key and lane name', () => {
    expect(baggageEntryPattern('k'.repeat(64), 's'.repeat(63)).length).toBeLessThan(1024);
  });
});

describe('the CLI on the synthesized YAML', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baggage-'));
    for (const target of [Target.ISTIO, Target.ASM]) {
      fs.writeFileSync(path.join(dir, `${target}.yaml`), Yaml.stringify(...synth(new BaggageChain(Testing.app(), 'baggage-chain', { target }))));
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('simulate follows the lane in baggage (the key inferred from the routes), explain names what to forward, check finds nothing', () => {
    const istio = path.join(dir, `${Target.ISTIO}.yaml`);
    const r = runCli('simulate', istio, '-H', 'baggage: userId=alice, lane = s3;p=1', '--chain', 'mocka,mockb,mockc', '--json');
    expect(r.code).toBe(0);
    const [only, ...rest] = JSON.parse(r.out).paths;
    expect(rest).toEqual([]);
    expect([only.trace, only.hops.map((h: any) => `${h.marker.header}: ${h.marker.value}`)]).toEqual([S3, Array(3).fill('baggage: s3')]);
    expect(runCli('explain', istio).out).toContain('propagation: every service forwards baggage from each request it receives');
    for (const target of [Target.ISTIO, Target.ASM]) {
      const check = runCli('check', path.join(dir, `${target}.yaml`), '--output-threshold', 'Warning');
      expect(check).toMatchObject({ code: 0, out: 'no findings\n' });
    }
  });
});

describe('property: random baggage headers select a lane exactly when a W3C parser finds its entry', () => {
  const LANES = ['s1', 's2', 's3'];
  const ows = fc.constantFrom('', ' ', '\t', '  ');
  const key = fc.constantFrom('lane', 'lane', 'xlane', 'lanes', 'Lane', 'a', 'userId');
  const value = fc.constantFrom('s1', 's2', 's3', 's20', 'xs2', 'alice', 'DF%2028');
  const property = fc.constantFrom('', ';p=1', ';ttl', ' ;q = 2');
  const member = fc.tuple(ows, key, ows, ows, value, ows, property, ows).map(([a, k, b, c, v, d, p, e]) => `${a}${k}${b}=${c}${v}${d}${p}${e}`);
  const header = fc.array(member, { minLength: 1, maxLength: 5 }).map(ms => ms.join(','));
  const g = group(Target.ISTIO);

  test('at a sidecar (mockb) and at the ingress', () => {
    fc.assert(fc.property(fc.array(header, { minLength: 1, maxLength: 2 }), lines => {
      const entries = parseBaggage(lines).filter(([k]) => k === 'lane').map(([, v]) => v);
      // the documented outcome: the first of the group's lanes whose entry is present, else no lane
      const expected = LANES.find(l => entries.includes(l));
      const request = { multiValueHeaders: { baggage: lines } };
      const sidecar = g.simulator().simulate(request, { host: 'mockb', baggageKey: 'lane' });
      expect(sidecar.rule).toBe(expected !== undefined ? `lane-${expected}` : 'base-route');
      expect(Object.keys(sidecar.laneProbabilities)).toEqual([expected ?? 's1']);
      const ingress = g.simulator().simulate({ ...request, headers: { env: 'prod' } }, { baggageKey: 'lane' });
      expect(ingress.rule).toBe(expected !== undefined ? `lane-${expected}` : 'base-route');
    }), { numRuns: runs(300) });
  });
});
