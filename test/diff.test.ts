/**
 * `LaneSimulator.diff()` and `cdk8s-lanes diff`: what a change does to traffic, decisions compared (not text).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { chainGroupProps, runCli, synth } from './helpers';
import { runs } from './runs';
import { HeaderMatch, LaneGroup, LaneGroupProps, LaneRouting, LaneRoutingProps, LaneSimulator, StringMatch, Target } from '../src';

const HOST = 'mocka.default.svc.cluster.local';

function props(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.ASM,
    host: HOST,
    lanes: [{ name: 's1' }, { name: 's2' }, { name: 's3' }],
    baseline: 's1',
    rules: [
      { name: 'dev', matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }], split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50, fallbackLane: 's1' }] },
      { name: 'api', matches: [{ uri: StringMatch.prefix('/api') }], split: [{ lane: 's3' }] },
    ],
    gateway: { gateways: ['istio-system/ingressgateway'], name: 'lanes' },
    ...overrides,
  };
}

function yamlOf(p: LaneRoutingProps): string {
  const chart = Testing.chart();
  new LaneRouting(chart, 'r', p);
  return Yaml.stringify(...synth(chart));
}

function diff(a: LaneRoutingProps, b: LaneRoutingProps) {
  return LaneSimulator.fromYaml(yamlOf(a), 'old').diff(LaneSimulator.fromYaml(yamlOf(b), 'new'));
}

const base = props();
const [dev, api] = base.rules!;

describe('LaneSimulator.diff()', () => {
  test('no change: the same mesh, a rename, a reorder of disjoint rules', () => {
    expect(diff(base, base).changed).toBe(false);
    const renamed = props({ rules: [{ ...dev, name: 'dev-route' }, { ...api, name: 'api-route' }], gateway: { gateways: ['istio-system/ingressgateway'], name: 'other-name' } });
    expect(diff(base, renamed)).toMatchObject({ changed: false, entries: [] });
    const a = { name: 'a', matches: [{ uri: StringMatch.exact('/a') }], split: [{ lane: 's2' }] };
    const b = { name: 'b', matches: [{ uri: StringMatch.exact('/b') }], split: [{ lane: 's3' }] };
    expect(diff(props({ rules: [a, b] }), props({ rules: [b, a] })).changed).toBe(false);
  });

  test('a weight change: the class of requests it concerns, before and after', () => {
    const d = diff(base, props({ rules: [{ ...dev, split: [{ lane: 's2', weight: 70 }, { lane: 's3', weight: 30, fallbackLane: 's1' }] }, api] }));
    expect(d.changed).toBe(true);
    expect(d.entries).toHaveLength(1);
    const [entry] = d.entries;
    expect(entry.entry).toBe('gateway istio-system/ingressgateway (hosts: *)');
    expect(entry.classes.every(c => c.request.includes('env: dev'))).toBe(true);
    expect(entry.classes[0].before.map(s => [s.target, s.probability])).toEqual([[`${HOST}/s2`, 0.5], [`${HOST}/s3`, 0.5]]);
    expect(entry.classes[0].after.map(s => [s.target, s.probability])).toEqual([[`${HOST}/s2`, 0.7], [`${HOST}/s3`, 0.3]]);
  });

  test('a lane added, a fallback removed, a next-hop header changed', () => {
    const withLane = props({ lanes: [...base.lanes, { name: 's4' }], rules: [...base.rules!, { name: 'beta', matches: [{ headers: [HeaderMatch.present('x-beta')] }], split: [{ lane: 's4' }] }] });
    const added = diff(base, withLane);
    expect(added.subsetsAdded).toEqual([`${HOST}/s4`]);
    expect(added.entries[0].classes.some(c => c.request.includes('x-beta') && c.after[0].target === `${HOST}/s4`)).toBe(true);

    const noFallback = diff(base, props({ rules: [{ ...dev, split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }] }, api] }));
    expect(noFallback.changed).toBe(true);
    expect(noFallback.entries[0].classes[0].before.find(s => s.target === `${HOST}/s3`)?.fallback).toBe(`${HOST}/s1`);
    expect(noFallback.entries[0].classes[0].after.find(s => s.target === `${HOST}/s3`)?.fallback).toBeUndefined();

    const header = diff(base, props({ routingHeader: 'x-lane' }));
    expect(header.changed).toBe(true);
    expect(header.entries[0].classes[0].after[0].sets).toMatch(/^x-lane=/);
  });

  test('a reorder that changes decisions is reported; relative weights with the same proportions are not', () => {
    const swapped = diff(base, props({ rules: [api, dev] }));
    expect(swapped.changed).toBe(true);
    expect(swapped.entries[0].classes.map(c => c.request)).toEqual([expect.stringMatching(/env: dev.*path \/api|path \/api.*env: dev/)]);
    const vs = (w: [number, number]) => stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v' },
      spec: { hosts: [HOST], http: [{ route: [{ destination: { host: HOST, subset: 'a' }, weight: w[0] }, { destination: { host: HOST, subset: 'b' }, weight: w[1] }] }] },
    });
    expect(LaneSimulator.fromYaml(vs([1, 1])).diff(LaneSimulator.fromYaml(vs([50, 50]))).changed).toBe(false);
    expect(LaneSimulator.fromYaml(vs([1, 1])).diff(LaneSimulator.fromYaml(vs([1, 2]))).changed).toBe(true);
  });

  test('destinations listed in another order are the same split; a swap of their weights is a change', () => {
    const split = (d: Array<[string, number]>) => stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v' },
      spec: { hosts: [HOST], http: [{ route: d.map(([subset, weight]) => ({ destination: { host: HOST, subset }, weight })) }] },
    });
    const sim = (d: Array<[string, number]>) => LaneSimulator.fromYaml(split(d));
    expect(sim([['a', 50], ['b', 50]]).diff(sim([['b', 50], ['a', 50]]))).toMatchObject({ changed: false, entries: [] });
    expect(sim([['a', 70], ['b', 30]]).diff(sim([['b', 30], ['a', 70]]))).toMatchObject({ changed: false, entries: [] });
    const swapped = sim([['a', 70], ['b', 30]]).diff(sim([['a', 30], ['b', 70]]));
    expect(swapped.changed).toBe(true);
    expect(swapped.entries[0].classes[0].after.map(x => [x.target, x.probability])).toEqual([[`${HOST}/a`, 0.3], [`${HOST}/b`, 0.7]]);
    // the rendered split too: the lanes of a rule in another order
    expect(diff(base, props({ rules: [{ ...dev, split: [...dev.split].reverse() }, api] })).changed).toBe(false);
  });

  test('pseudo-header conditions, caller labels in combination, hosts that share a first label, ports', () => {
    const vs = (http: object[]) => LaneSimulator.fromYaml(stringify({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'default' }, spec: { hosts: [HOST], http } }));
    const to = (host: string, subset: string, port?: number) => ({ destination: { host, subset, ...(port ? { port: { number: port } } : {}) } });
    // a rule on :method and one on :authority change their destinations
    const pseudo = (a: string, b: string) => vs([
      { match: [{ headers: { ':method': { exact: 'POST' } } }], route: [to(HOST, a)] },
      { match: [{ headers: { ':authority': { prefix: 'shop.' } } }], route: [to(HOST, b)] },
      { route: [to(HOST, 's1')] },
    ]);
    expect(pseudo('s2', 's3').diff(pseudo('s2', 's3')).changed).toBe(false);
    expect(pseudo('s2', 's3').diff(pseudo('s4', 's3')).entries[0].classes.map(c => c.request)).toEqual([expect.stringContaining('method POST')]);
    expect(pseudo('s2', 's3').diff(pseudo('s2', 's4')).entries[0].classes.map(c => c.request)).toEqual([expect.stringContaining('authority shop.')]);
    // a caller with both labels moves when the rules are swapped
    const app = { match: [{ sourceLabels: { app: 'a' } }], route: [to(HOST, 'x')] };
    const version = { match: [{ sourceLabels: { version: 'v1' } }], route: [to(HOST, 'y')] };
    const rest = { route: [to(HOST, 's1')] };
    const swapped = vs([app, version, rest]).diff(vs([version, app, rest]));
    expect(swapped.changed).toBe(true);
    expect(swapped.entries[0].classes.map(c => c.request)).toEqual([expect.stringMatching(/caller app=a.*caller version=v1|caller version=v1.*caller app=a/)]);
    // reviews.default and reviews.canary share their first label; a port is part of the destination
    const host = (h: string, port?: number) => vs([{ route: [to(h, 's1', port)] }]);
    expect(host('reviews.default.svc.cluster.local').diff(host('reviews.canary.svc.cluster.local')).changed).toBe(true);
    expect(host(HOST, 8080).diff(host(HOST, 9090)).changed).toBe(true);
  });

  test('regex conditions are compared through witnesses, and the result says so', () => {
    const re = props({ rules: [{ name: 'v', matches: [{ headers: [HeaderMatch.regex('x-version', 'v[0-9]+')] }], split: [{ lane: 's2' }] }] });
    const d = diff(re, props({ rules: [{ name: 'v', matches: [{ headers: [HeaderMatch.regex('x-version', 'v[0-9]+')] }], split: [{ lane: 's3' }] }] }));
    expect(d).toMatchObject({ changed: true, approximate: true });
    expect(d.entries[0].classes[0].request).toMatch(/x-version: v0/);
  });

  test('a call chain whose path changes, with the classes of requests it concerns', () => {
    const group = (p: LaneGroupProps) => {
      const chart = Testing.chart();
      new LaneGroup(chart, 'g', p);
      return LaneSimulator.fromYaml(Yaml.stringify(...synth(chart)));
    };
    const before = group(chainGroupProps());
    // s3 now holds mockc too
    const lanes = chainGroupProps().lanes.map(l => (l.name === 's3' ? { ...l, services: ['mockb', 'mockc'] } : l));
    const after = group(chainGroupProps({ lanes }));
    expect(before.diff(before, { chain: ['mocka', 'mockb', 'mockc'] })).toMatchObject({ changed: false, chains: [] });
    const d = before.diff(after, { chain: ['mocka', 'mockb', 'mockc'] });
    expect(d.changed).toBe(true);
    expect(d.chains).toEqual([{
      request: expect.stringContaining('env: dev'),
      before: ['mocka(version: v1) -> mockb(version: v3) -> mockc(version: v1) 50%', 'mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2) 50%'],
      after: ['mocka(version: v1) -> mockb(version: v3) -> mockc(version: v3) 50%', 'mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2) 50%'],
    }]);
  });

  test('cross-check: a sampled request routed differently is always in a reported change', () => {
    const header = fc.constantFrom('env', 'x-user', 'x-lane');
    const value = fc.constantFrom('dev', 'prod', 'qa-1', 'qa', '');
    const block = fc.record({
      headers: fc.uniqueArray(fc.tuple(header, fc.oneof(value.filter(v => v !== '').map(v => ({ exact: v })), value.filter(v => v !== '').map(v => ({ prefix: v })), fc.constant({}))), { maxLength: 2, selector: h => h[0] }),
      uri: fc.option(fc.constantFrom({ prefix: '/api' }, { exact: '/api' }, { prefix: '/a' }), { nil: undefined }),
    }).map(b => ({ ...(b.headers.length ? { headers: Object.fromEntries(b.headers) } : {}), ...(b.uri ? { uri: b.uri } : {}) }));
    const route = fc.record({
      match: fc.array(block.filter(b => Object.keys(b).length > 0), { maxLength: 2 }),
      subsets: fc.subarray(['s1', 's2', 's3'], { minLength: 1 }),
      weights: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
      set: fc.boolean(),
    });
    const mesh = fc.array(route, { minLength: 1, maxLength: 4 }).map(routes => stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v', namespace: 'default' },
      spec: {
        hosts: [HOST],
        http: routes.map((r, i) => ({
          name: `r${i}`,
          ...(r.match.length ? { match: r.match } : {}),
          route: r.subsets.map((s, k) => ({
            destination: { host: HOST, subset: s },
            ...(r.subsets.length > 1 ? { weight: r.weights[k] } : {}),
            ...(r.set ? { headers: { request: { set: { 'x-lane': s } } } } : {}),
          })),
        })),
      },
    }));
    const request = fc.record({ headers: fc.dictionary(header, fc.constantFrom('dev', 'prod', 'qa-1', 'qa', 'x', 'devx', ''), { maxKeys: 3 }), path: fc.constantFrom('/', '/api', '/api/x', '/a', '/b') });
    const signature = (sim: LaneSimulator, r: { headers: { [k: string]: string }; path: string }) => {
      const result = sim.simulate(r, { host: 'mocka', routingHeader: 'x-lane' });
      const merged = new Map<string, number>();
      for (const o of result.outcomes) {
        const key = `${o.failed ? '503' : o.backend?.subset}|${o.marker.value}`;
        merged.set(key, Math.round(((merged.get(key) ?? 0) + o.probability) * 1e9) / 1e9);
      }
      return result.matched ? JSON.stringify([...merged].sort()) : '404';
    };
    fc.assert(fc.property(mesh, mesh, fc.array(request, { minLength: 1, maxLength: 8 }), (a, b, requests) => {
      const before = LaneSimulator.fromYaml(a, 'a');
      const after = LaneSimulator.fromYaml(b, 'b');
      const d = before.diff(after);
      expect(d.approximate).toBe(false);
      for (const r of requests) {
        if (signature(before, r) !== signature(after, r)) expect({ request: r, changed: d.changed }).toEqual({ request: r, changed: true });
      }
      if (!d.changed) for (const r of requests) expect(signature(before, r)).toBe(signature(after, r));
    }), { numRuns: runs(300) });
  });
});

describe('cdk8s-lanes diff', () => {
  let dir: string;
  const cli = runCli;
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('exit 0 when no request changes, 1 when traffic changes, 2 for bad input', () => {
    const old = write('old/lanes.k8s.yaml', yamlOf(base));
    write('same/lanes.k8s.yaml', yamlOf(props({ rules: [{ ...dev, name: 'renamed' }, api] })));
    write('new/lanes.k8s.yaml', yamlOf(props({ rules: [{ ...dev, split: [{ lane: 's2', weight: 70 }, { lane: 's3', weight: 30, fallbackLane: 's1' }] }, api] })));
    expect(cli('diff', path.join(dir, 'old'), path.join(dir, 'same'))).toMatchObject({ code: 0, out: 'traffic: no change\n' });
    const changed = cli('diff', old, path.join(dir, 'new'));
    expect(changed.code).toBe(1);
    expect(changed.out).toContain('gateway istio-system/ingressgateway (hosts: *) (changed)');
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const h = esc(HOST);
    expect(changed.out).toMatch(new RegExp(`env: dev[^\\n]*? +${h}/s2 50% \\[x-asm-prefer-tag=s2\\]; ${h}/s3 50% \\[x-asm-prefer-tag=s3\\] fallback ${h}/s1 +${h}/s2 70%`));
    expect(cli('diff', old)).toMatchObject({ code: 2 });
    expect(cli('diff', old, path.join(dir, 'missing'))).toMatchObject({ code: 2 });
  });

  test.each<[string, LaneRoutingProps, number]>([
    ['a weight change', props({ rules: [{ ...dev, split: [{ lane: 's2', weight: 60 }, { lane: 's3', weight: 40, fallbackLane: 's1' }] }, api] }), 1],
    ['a lane added', props({ lanes: [...base.lanes, { name: 's4' }], rules: [...base.rules!, { name: 'beta', matches: [{ headers: [HeaderMatch.present('x-beta')] }], split: [{ lane: 's4' }] }] }), 1],
    ['a fallback removed', props({ rules: [{ ...dev, split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }] }, api] }), 1],
    ['a reorder that changes decisions', props({ rules: [api, dev] }), 1],
    ['a rename', props({ rules: [{ ...dev, name: 'x' }, { ...api, name: 'y' }], gateway: { gateways: ['istio-system/ingressgateway'], name: 'renamed' } }), 0],
    ['a next-hop header change', props({ routingHeader: 'x-lane' }), 1],
  ])('on the built binary: %s', (name, after, code) => {
    const old = write(`cases/${name}/old.yaml`, yamlOf(base));
    const next = write(`cases/${name}/new.yaml`, yamlOf(after));
    const r = cli('diff', old, next);
    expect({ code: r.code, err: r.err }).toEqual({ code, err: '' });
    expect(r.out.startsWith(code ? 'traffic: changed' : 'traffic: no change')).toBe(true);
  });

  test('a reorder that changes no decision, on the built binary', () => {
    const a = { name: 'a', matches: [{ uri: StringMatch.exact('/a') }], split: [{ lane: 's2' }] };
    const b = { name: 'b', matches: [{ uri: StringMatch.exact('/b') }], split: [{ lane: 's3' }] };
    expect(cli('diff', write('reorder/old.yaml', yamlOf(props({ rules: [a, b] }))), write('reorder/new.yaml', yamlOf(props({ rules: [b, a] }))))).toMatchObject({ code: 0 });
  });

  test('--format markdown for a pull-request comment, --json for tools', () => {
    const md = cli('diff', path.join(dir, 'old'), path.join(dir, 'new'), '--format', 'markdown');
    expect(md.code).toBe(1);
    expect(md.out).toContain('### Traffic changes');
    expect(md.out).toContain('| requests | before | after |');
    const changed = cli('diff', path.join(dir, 'old'), path.join(dir, 'new'), '--json');
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.out)).toMatchObject({ changed: true, approximate: false });
    const same = cli('diff', path.join(dir, 'old'), path.join(dir, 'same'), '--json');
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ changed: false, entries: [] });
    expect(cli('diff', path.join(dir, 'old'), path.join(dir, 'new'), '--format', 'json').code).toBe(1);
  });
});
