/**
 * Random junk at every prop and in every field the simulator reads (wrong types, nulls, huge strings,
 * control characters, reserved keys) ends in output that passes the CRD schema check or in an error that
 * names where it is: never a TypeError, never a hang.
 */
import { Duration, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { chainGroupProps, stringify, synth } from './helpers';
import { runs } from './runs';
import { HeaderMatch, LaneGroup, LaneRouting, LaneRoutingProps, LaneSimulator, QueryParamMatch, StringMatch, Target } from '../src';

const RUNS = runs(300);

const junk = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 0, -1, 1.5, 65536, NaN, Infinity, true, '', ' ', '__proto__', 'constructor', 'a\r\nb', 'UPPER', '%', '*', '/', [], {}, [null], { a: 1 }),
  fc.constantFrom(70_000, 300).map(n => 'x'.repeat(n)),
  fc.string(),
  fc.integer(),
  fc.constant(JSON.parse('{"__proto__": "x"}')),
);

/** Paths to every value inside plain objects and arrays (not inside class instances such as HeaderMatch). */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const plain = (v: unknown) => Array.isArray(v) || (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype);
  if (!plain(value)) return out;
  for (const [k, v] of Object.entries(value as object)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p, ...paths(v, p));
  }
  return out;
}

/** A deep copy of plain objects and arrays (class instances shared), with the value at `path` replaced. */
function replaced<T>(value: T, path: Array<string | number>, by: unknown): T {
  if (path.length === 0) return by as T;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = replaced(copy[head], rest, by);
  return copy;
}

/** Runs `f`; its error must be an Error (not a TypeError or RangeError) whose message names where (`where`) and stays short. */
function endsWell(where: RegExp, f: () => void): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const message = (e as Error).message;
    expect({ name: (e as Error).name, names: where.test(message) }).toEqual({ name: 'Error', names: true });
    expect(message.length).toBeLessThan(3_000);
  }
}

const routingProps: LaneRoutingProps = {
  target: Target.ASM,
  host: 'mocka.default.svc.cluster.local',
  port: 8080,
  lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }, { name: 's3', servedBy: 's1' }],
  baseline: 's1',
  routingHeader: 'x-lane',
  rules: [{
    name: 'dev',
    matches: [{ headers: [HeaderMatch.exact('env', 'dev')], uri: StringMatch.prefix('/api'), queryParams: [QueryParamMatch.exact('q', '1')], authority: StringMatch.exact('shop') }],
    split: [{ lane: 's2', weight: 50, fallbackLane: 's1' }, { lane: 's3', weight: 50 }],
  }],
  routeOptions: { timeout: Duration.seconds(2), retries: { attempts: 2, retryOn: '5xx' } },
  routesBefore: [{ name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: 'mocka.default.svc.cluster.local', subset: 's1', port: 8080 }] }],
  gateway: { gateways: ['istio-system/ingressgateway'], hosts: ['*'] },
  sidecar: { namespace: 'default' },
  destinationRule: { name: 'mocka' },
};

describe('junk in the props', () => {
  test('LaneRouting: any prop replaced by junk synthesizes conforming YAML or fails with a message naming the routing', () => {
    const all = paths(routingProps);
    fc.assert(fc.property(fc.nat(all.length - 1), junk, (i, value) => {
      endsWell(/^LaneRouting "test\/r": |^Validation failed with the following errors:\n {2}\[\] \[\w+\] \([^)]*\[test\/r\//, () => {
        const chart = Testing.chart();
        const routing = new LaneRouting(chart, 'r', replaced(routingProps, all[i], value));
        synth(chart); // checks every object against its CRD schema
        routing.simulate({ headers: { env: 'dev' } });
      });
    }), { numRuns: RUNS });
  });

  test('LaneGroup: any prop replaced by junk synthesizes conforming YAML or fails with a message naming the group', () => {
    for (const target of [Target.ISTIO, Target.ASM]) {
      const props = chainGroupProps({ target, routeOptions: { timeout: Duration.seconds(1) } });
      const all = paths(props);
      fc.assert(fc.property(fc.nat(all.length - 1), junk, (i, value) => {
        // a finding of the app-wide analysis at synth names the group's object by its construct path
        endsWell(/^LaneGroup "test\/g": |^Validation failed with the following errors:\n {2}\[\] \[\w+\] \([^)]*\[test\/g\//, () => {
          const chart = Testing.chart();
          const group = new LaneGroup(chart, 'g', replaced(props, all[i], value));
          synth(chart);
          group.simulate({ headers: { env: 'dev' } });
        });
      }), { numRuns: RUNS / 2 });
    }
  });

  test('simulate() options and requests replaced by junk', () => {
    const routing = new LaneRouting(Testing.chart(), 'r', routingProps);
    const request = { headers: { env: 'dev' }, multiValueHeaders: { baggage: ['a=1'] }, path: '/api?q=1', method: 'GET' };
    const options = { unhealthyLanes: ['s2'], routingHeader: 'x-lane', host: 'mocka' };
    fc.assert(fc.property(fc.boolean(), fc.nat(), junk, (onRequest, i, value) => {
      const target = onRequest ? request : options;
      const all = paths(target);
      const changed = replaced(target, all[i % all.length], value);
      endsWell(/^LaneRouting "test\/r": /, () => {
        routing.simulate(onRequest ? changed as any : request, onRequest ? options : changed as any);
      });
    }), { numRuns: RUNS });
  });
});

describe('junk in the manifests the simulator reads', () => {
  test('any field of a VirtualService, DestinationRule or ASM lane resource replaced by junk: a result, or an error naming the file', () => {
    const chart = Testing.chart();
    new LaneRouting(chart, 'r', routingProps);
    const asm = Testing.chart();
    new LaneGroup(asm, 'g', chainGroupProps({ target: Target.ASM, routeOptions: { timeout: Duration.seconds(1) } }));
    const docs = [...synth(chart), ...synth(asm)];
    const all = paths(docs);
    fc.assert(fc.property(fc.nat(all.length - 1), junk, (i, value) => {
      const text = replaced(docs, all[i], value).map(d => stringify(d)).join('---\n');
      // what the YAML file holds, as it reads back
      if (parseAllDocuments(text).some(d => d.errors.length > 0)) return;
      // an error names the file, or the short service name the call gives when junk (another namespace) makes it
      // name two hosts
      endsWell(/(^|: )f( \(document \d+\))?: |^service "mock[abc]" is ambiguous: mock[abc]\.\S+, mock[abc]\.\S+$/, () => {
        const sim = LaneSimulator.fromYaml(text, 'f');
        sim.explain();
        sim.simulate({ headers: { env: 'dev' } }, { host: 'mocka' });
        sim.simulateChain(['mocka', 'mockb', 'mockc'], { headers: { env: 'dev' } }, { host: 'mocka' });
      });
    }), { numRuns: RUNS });
  });

  test('YAML text that is not a list of objects', () => {
    for (const text of ['42', '- 1\n- 2', 'null', '"text"', 'apiVersion: [', '{}', 'kind: VirtualService', Yaml.stringify({ kind: 'List', items: [null, 1] })]) {
      endsWell(/f/, () => LaneSimulator.fromYaml(text, 'f'));
    }
  });
});
