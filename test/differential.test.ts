/**
 * Differential test: the simulator against a reference router written inside the tests from Istio's and
 * Envoy's documented semantics (test/reference-router.ts), on random hand-written VirtualServices and
 * random requests: repeated headers, raw and repeated query parameters, weights, subsets, fallbacks.
 */
import * as fc from 'fast-check';
import { referenceRoute, ReferenceRequest } from './reference-router';
import { runs } from './runs';
import { LaneSimulator, SimulatedRequest } from '../src';
import { stringify } from './helpers';

const RUNS = runs(300);
const HOST = 'a.default.svc.cluster.local';
const SUBSETS = ['s1', 's2', 's3', 's4']; // s4: no DestinationRule defines it
const DEFINED = new Set(['s1', 's2', 's3']);

const headerNames = ['env', 'x-user', 'x-lane', 'baggage'];
const values = ['dev', 'prod', 'beta', 'v1', 'v12', '%41', 'A', 'a,b', 'lane=s2'];
const regexes = ['v[0-9]+', 'dev|prod', '.*', '%4.*', 'a,.*', '[a-z]+', '.*lane=s2.*'];
const queryNames = ['lane', 'user', '%41', 'x'];

const stringMatch = fc.oneof(
  fc.constantFrom(...values).map(exact => ({ exact })),
  fc.constantFrom(...values).map(v => ({ prefix: v.slice(0, 2) })),
  fc.constantFrom(...regexes).map(regex => ({ regex })),
);
const headerMatches = fc.dictionary(fc.constantFrom(...headerNames), fc.oneof(stringMatch, fc.constant({})), { maxKeys: 2 });
const block = fc.record({
  headers: headerMatches,
  withoutHeaders: headerMatches,
  uri: fc.option(fc.oneof(fc.constantFrom('/api', '/api/v1', '/web').map(exact => ({ exact })), fc.constantFrom('/api', '/w').map(prefix => ({ prefix }))), { nil: undefined }),
  method: fc.option(fc.constantFrom('GET', 'POST').map(exact => ({ exact })), { nil: undefined }),
  queryParams: fc.dictionary(fc.constantFrom(...queryNames), stringMatch, { maxKeys: 2 }),
}).map(b => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined && !(typeof v === 'object' && Object.keys(v).length === 0))));

const destination = fc.record({
  subset: fc.option(fc.constantFrom(...SUBSETS), { nil: undefined }),
  weight: fc.integer({ min: 0, max: 100 }),
  setLane: fc.boolean(),
  fallback: fc.option(fc.constantFrom(...SUBSETS), { nil: undefined }),
});

const virtualService = fc.record({
  routes: fc.array(fc.record({
    blocks: fc.array(block, { maxLength: 3 }),
    destinations: fc.array(destination, { minLength: 1, maxLength: 3 }),
    routeSet: fc.option(fc.constantFrom(...values), { nil: undefined }),
  }), { minLength: 1, maxLength: 5 }),
  withRule: fc.boolean(),
}).map(({ routes, withRule }) => ({
  vs: {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'vs', namespace: 'default' },
    spec: {
      hosts: [HOST],
      http: routes.map((r, i) => {
        const dests = r.destinations.map((d, k) => ({
          destination: { host: HOST, ...(d.subset ? { subset: d.subset } : {}) },
          ...(r.destinations.length > 1 ? { weight: d.weight + (k === 0 ? 1 : 0) } : {}), // a total above 0
          ...(d.setLane ? { headers: { request: { set: { 'x-lane': d.subset ?? 'none' } } } } : {}),
          ...(d.fallback ? { fallback: { target: { host: HOST, subset: d.fallback } } } : {}),
        }));
        return {
          name: `r${i}`,
          ...(r.blocks.length ? { match: r.blocks } : {}),
          ...(r.routeSet ? { headers: { request: { set: { 'x-lane': r.routeSet } } } } : {}),
          route: dests,
        };
      }),
    },
  },
  rule: withRule ? {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: 'dr', namespace: 'default' },
    spec: { host: HOST, subsets: [...DEFINED].map(name => ({ name, labels: { version: name } })) },
  } : undefined,
}));

const queryPart = fc.tuple(fc.constantFrom(...queryNames, 'other'), fc.option(fc.constantFrom(...values, '%zz', 'a%2Cb', ''), { nil: undefined }))
  .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
const request = fc.record({
  headers: fc.array(fc.tuple(fc.constantFrom(...headerNames), fc.constantFrom(...values)), { maxLength: 4 }),
  path: fc.constantFrom('/', '/api', '/api/v1', '/web'),
  query: fc.option(fc.array(queryPart, { maxLength: 4 }), { nil: undefined }),
  method: fc.constantFrom('GET', 'POST'),
  unhealthy: fc.subarray(SUBSETS, { maxLength: 2 }),
}).map(r => ({ ...r, path: r.query === undefined ? r.path : `${r.path}?${r.query.join('&')}` }));

function simulated(req: ReferenceRequest): SimulatedRequest {
  const multiValueHeaders: { [name: string]: string[] } = {};
  for (const [n, v] of req.headers) (multiValueHeaders[n] ??= []).push(v);
  return { multiValueHeaders, path: req.path, method: req.method };
}

/** A simulator over one VirtualService for HOST with these http routes. */
function simulatorOf(http: object[]): LaneSimulator {
  return LaneSimulator.fromYaml(stringify({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v' }, spec: { hosts: [HOST], http } }));
}

describe('the simulator agrees with a reference router written from Istio and Envoy semantics', () => {
  test('rule, serving subset or 503, share and lane marker, for every request', () => {
    fc.assert(fc.property(virtualService, fc.array(request, { minLength: 1, maxLength: 6 }), ({ vs, rule }, requests) => {
      const yaml = [vs, rule].filter(Boolean).map(o => stringify(o)).join('---\n');
      const sim = LaneSimulator.fromYaml(yaml);
      const subsets = new Map(rule ? [[HOST, DEFINED]] : []);
      for (const r of requests) {
        const unhealthy = r.unhealthy.filter(x => sim.subsets.includes(x)); // unhealthyLanes must name subsets
        const expected = referenceRoute(vs, subsets, new Set(unhealthy), r, 'x-lane');
        const result = sim.simulate(simulated(r), { unhealthyLanes: unhealthy, routingHeader: 'x-lane' });
        const actual = {
          rule: result.matched ? result.rule : null,
          shares: result.outcomes.map(o => ({ served: o.failed ? '503' : o.backend?.subset ?? '(any)', probability: o.probability, marker: o.marker.value })),
        };
        expect({ request: r, ...actual }).toEqual({ request: r, ...expected });
      }
    }), { numRuns: RUNS });
  });

  test('the query string is matched raw and by the first value of a repeated parameter (Envoy)', () => {
    const sim = simulatorOf([
      { name: 'raw', match: [{ queryParams: { lane: { exact: '%41' } } }], route: [{ destination: { host: HOST, subset: 'raw' } }] },
      { name: 'decoded', match: [{ queryParams: { lane: { exact: 'A' } } }], route: [{ destination: { host: HOST, subset: 'decoded' } }] },
      { name: 'rest', route: [{ destination: { host: HOST, subset: 'rest' } }] },
    ]);
    expect(sim.simulate({ path: '/?lane=%41' }).rule).toBe('raw');
    expect(sim.simulate({ path: '/?lane=A&lane=%41' }).rule).toBe('decoded');
    expect(sim.simulate({ path: '/?lane=%zz' }).rule).toBe('rest'); // a malformed escape is text, not an error
  });

  test('a header sent several times is matched as its values joined by ","', () => {
    const sim = simulatorOf([
      { name: 'lane', match: [{ headers: { baggage: { regex: '(.*,)?lane=s2(,.*)?' } } }], route: [{ destination: { host: HOST, subset: 's2' } }] },
      { name: 'rest', route: [{ destination: { host: HOST, subset: 's1' } }] },
    ]);
    expect(sim.simulate({ multiValueHeaders: { baggage: ['user=7', 'lane=s2'] } }).rule).toBe('lane');
    expect(sim.simulate({ headers: { baggage: 'user=7' }, multiValueHeaders: { Baggage: ['lane=s2'] } }).rule).toBe('lane');
    expect(sim.simulate({ multiValueHeaders: { baggage: ['user=7', 'lane=s3'] } }).rule).toBe('rest');
  });
});
