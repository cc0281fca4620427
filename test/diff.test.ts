/**
 * `LaneSimulator.diff()` and `cdk8s-lanes diff`: what a change does to traffic, decisions compared (not text).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { chainGroupProps, runCli, stringify, synth } from './helpers';
import { runs } from './runs';
import { HeaderMatch, LaneGroup, LaneGroupProps, LaneRouting, LaneRoutingProps, LaneSimulator, StringMatch, Target } from '../src';
import { HeaderCondition, MatchBlock, PlainStringMatch } from '../src/private/model/types';
import { decidesAlike, witnesses } from '../src/private/simulate/diff';
import { tableTitle } from '../src/private/simulate/explain';
import { Redirect, RouteDestination, RouteTable } from '../src/private/simulate/mesh';
import { parseYaml, readMesh } from '../src/private/simulate/read/manifests';
import { makeRequest } from '../src/private/simulate/request';
import { forwardedRequest } from '../src/private/simulate/results';

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
    // short host names, cells wrapped within 100 columns, and ~ said in words
    expect(changed.out.split('\n').slice(3)).toEqual([
      '  requests          before                                   after',
      '  env: dev; path ~  mocka/s2 50% [x-asm-prefer-tag=s2];      mocka/s2 70% [x-asm-prefer-tag=s2];',
      '                    mocka/s3 50% [x-asm-prefer-tag=s3]       mocka/s3 30% [x-asm-prefer-tag=s3]',
      '                    fallback mocka/s1                        fallback mocka/s1',
      '',
      '~ stands for a value that none of the conditions names',
      '',
    ]);
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

/** A table whose rules test these blocks of conditions, one rule per block (where the rules go plays no part in the witnesses). */
function rulesOn(...blocks: Array<Partial<MatchBlock>>): RouteTable {
  return { source: 'test', name: 't', gateways: [], mesh: true, hosts: [HOST], routes: blocks.map(b => ({ matches: [{ headers: [], queryParams: [], ...b }], destinations: [] })) };
}
const exact = (value: string): PlainStringMatch => ({ kind: 'exact', value });
const prefix = (value: string): PlainStringMatch => ({ kind: 'prefix', value });
const regex = (value: string): PlainStringMatch => ({ kind: 'regex', value });
/** A condition on a header being there (with a value matching `match`, when given). */
const has = (name: string, match?: PlainStringMatch): HeaderCondition => ({ name, match, absent: false });
const textsOf = (...blocks: Array<Partial<MatchBlock>>) => witnesses([rulesOn(...blocks)]).requests.map(w => w.text);
/** The request a witness starts from: GET / over http, nothing else. */
const req = (over: object = {}) => ({ headers: {}, query: {}, path: '/', rawPath: '/', method: 'GET', scheme: 'http', ...over });
/** Witnesses as plain data (their dictionaries copied into plain objects), for a strict comparison. */
const plainOf = (...blocks: Array<Partial<MatchBlock>>) => witnesses([rulesOn(...blocks)]).requests.map(w => ({
  text: w.text, request: { ...w.request, headers: { ...w.request.headers }, query: { ...w.request.query } },
}));

describe('the witness requests diff() simulates: one per class of requests the rules tell apart', () => {
  test.each<[string[], string]>([
    [[], '~'],
    [['~'], 'z'],
    [['~', 'z'], '0'],
    [['~', 'z', '0'], '_'],
    [['~', 'z', '0', '_'], '-'],
    [['~', 'z', '0', '_', '-'], '.'],
    [['~', 'z', '0', '_', '-', '.'], 'Z'],
    [['~', 'z', '0', '_', '-', '.', 'Z'], '9'],
    [['~', 'z', '0', '_', '-', '.', 'Z', '9'], 'q'],
    [['~', 'z', '0', '_', '-', '.', 'Z', '9', 'q'], '~~'],
  ])('a header compared with %j: absent, each value, and %j, which no value begins with', (values, other) => {
    const blocks = [{ headers: [has('x')] }, ...values.map(v => ({ headers: [has('x', exact(v))] }))];
    expect(textsOf(...blocks)).toEqual(['x absent', ...values.map(v => `x: ${v}`), `x: ${other}`]);
  });

  test('a first character is taken when any one value begins with it, not only when all do', () => {
    expect(textsOf({ headers: [has('x', exact('~'))] }, { headers: [has('x', exact('lane'))] })).toEqual(['x absent', 'x: ~', 'x: lane', 'x: z']);
  });

  test('after a prefix: the prefix, and the prefix continued by a character no value continues it with', () => {
    // b~a ends with the prefix a and has ~ after one character: it does not take a~
    expect(textsOf({ headers: [has('x', prefix('a'))] }, { headers: [has('x', exact('b~a'))] })).toEqual(['x absent', 'x: b~a', 'x: ~', 'x: a', 'x: a~']);
    // p~ takes ~ after p, pz0 takes z after p
    expect(textsOf({ headers: [has('y', prefix('p'))] }, { headers: [has('y', exact('p~'))] }, { headers: [has('y', exact('pz0'))] }))
      .toEqual(['y absent', 'y: p~', 'y: pz0', 'y: ~', 'y: p', 'y: p0']);
  });

  test.each<[string, string[]]>([
    ['^v\\d$', ['v0']],
    ['v\\w', ['va', 'vw']],
    ['a\\sb', ['a b']],
    ['a[^xy]', ['a~']],
    ['a\\$b', ['a$b']],
    ['(?:a|b)c', ['ac', 'bc']],
    ['(ab|cd)e', ['abe', 'cde']],
    ['(a\\d)c', ['a0c']],
    ['x{2}y{10,12}', ['xxyyyyyyyyyy']],
    ['a.+b', ['axb']],
    ['a.*\\d', ['a0']],
    ['a.?\\d', ['a0']],
    ['ab*\\d', ['a0']],
    ['ab?\\d', ['a0']],
    ['a\\.b', ['a.b']],
    ['ab|cd', ['ab', 'cd']],
    ['a?b', ['b', 'ab']],
  ])('a regex condition %j: witness strings read off the pattern that it matches, %j; the result is approximate', (pattern, matching) => {
    const w = witnesses([rulesOn({ headers: [has('x', regex(pattern))] })]);
    expect({ texts: w.requests.map(r => r.text), approximate: w.approximate, sampled: w.sampled })
      .toEqual({ texts: ['x absent', 'x: ~', ...matching.map(m => `x: ${m}`)], approximate: true, sampled: false });
  });

  test('the path and the method always have a value: each exact value, each prefix, and values besides them', () => {
    const w = witnesses([rulesOn({ uri: exact('/a') }, { uri: prefix('/b') }, { method: exact('POST') })]);
    expect({ approximate: w.approximate, sampled: w.sampled }).toEqual({ approximate: false, sampled: false });
    expect(plainOf({ uri: exact('/a') }, { uri: prefix('/b') }, { method: exact('POST') })).toStrictEqual([
      { text: 'path /a; method POST', request: req({ path: '/a', rawPath: '/a', method: 'POST' }) },
      { text: 'path /a; method ~', request: req({ path: '/a', rawPath: '/a', method: '~' }) },
      { text: 'path ~; method POST', request: req({ path: '~', rawPath: '~', method: 'POST' }) },
      { text: 'path ~; method ~', request: req({ path: '~', rawPath: '~', method: '~' }) },
      { text: 'path /b; method POST', request: req({ path: '/b', rawPath: '/b', method: 'POST' }) },
      { text: 'path /b; method ~', request: req({ path: '/b', rawPath: '/b', method: '~' }) },
      { text: 'path /b~; method POST', request: req({ path: '/b~', rawPath: '/b~', method: 'POST' }) },
      { text: 'path /b~; method ~', request: req({ path: '/b~', rawPath: '/b~', method: '~' }) },
    ]);
  });

  test(':authority and authority are one field, as are :method and method', () => {
    expect(plainOf({ headers: [has(':authority', prefix('shop.'))] }, { authority: exact('api.example.com') })).toStrictEqual([
      // the host (what Gateway API hostnames match) follows the authority
      { text: 'any request', request: req({ authority: undefined, host: undefined }) },
      { text: 'authority api.example.com', request: req({ authority: 'api.example.com', host: 'api.example.com' }) },
      { text: 'authority ~', request: req({ authority: '~', host: '~' }) },
      { text: 'authority shop.', request: req({ authority: 'shop.', host: 'shop.' }) },
      { text: 'authority shop.~', request: req({ authority: 'shop.~', host: 'shop.~' }) },
    ]);
    expect(plainOf({ headers: [has(':method', exact('PUT'))] }, { method: exact('POST') })).toStrictEqual([
      { text: 'method PUT', request: req({ method: 'PUT' }) },
      { text: 'method POST', request: req({ method: 'POST' }) },
      { text: 'method ~', request: req({ method: '~' }) },
    ]);
  });

  test(':path is the path with its query string, :scheme the scheme; :status (a response header) is no request field', () => {
    const query = { 'a': '1', 'flag': '', '': 'v' };
    expect(plainOf({ headers: [has(':path', exact('/p?a=1&flag&=v')), has(':scheme', exact('https')), has(':status', exact('200'))] })).toStrictEqual([
      { text: 'path /p?a=1&flag&=v; scheme https', request: req({ path: '/p', rawPath: '/p?a=1&flag&=v', query, scheme: 'https' }) },
      { text: 'path /p?a=1&flag&=v; scheme http', request: req({ path: '/p', rawPath: '/p?a=1&flag&=v', query, scheme: 'http' }) },
      { text: 'path ~; scheme https', request: req({ path: '~', rawPath: '~', scheme: 'https' }) },
      { text: 'path ~; scheme http', request: req({ path: '~', rawPath: '~', scheme: 'http' }) },
    ]);
    // a :path that is only a query string: an empty path
    expect(plainOf({ headers: [has(':path', exact('?a=1'))] })).toStrictEqual([
      { text: 'path ?a=1', request: req({ path: '', rawPath: '?a=1', query: { a: '1' } }) },
      { text: 'path ~', request: req({ path: '~', rawPath: '~' }) },
    ]);
  });

  test('a query parameter tested by a :path prefix and by its own condition keeps the value of its own condition', () => {
    // a path that begins /p?a can carry a=2 (/p?a=2): that class needs a witness with a=2
    expect(plainOf({ headers: [has(':path', prefix('/p?a'))] }, { queryParams: [{ name: 'a', match: exact('2') }] })).toStrictEqual([
      { text: 'path ~', request: req({ path: '~', rawPath: '~' }) },
      { text: 'path ~; ?a=2', request: req({ path: '~', rawPath: '~?a=2', query: { a: '2' } }) },
      { text: 'path ~; ?a=~', request: req({ path: '~', rawPath: '~?a=~', query: { a: '~' } }) },
      { text: 'path /p?a', request: req({ path: '/p', rawPath: '/p?a', query: { a: '' } }) },
      { text: 'path /p?a; ?a=2', request: req({ path: '/p', rawPath: '/p?a&a=2', query: { a: '2' } }) },
      { text: 'path /p?a; ?a=~', request: req({ path: '/p', rawPath: '/p?a&a=~', query: { a: '~' } }) },
      { text: 'path /p?a~', request: req({ path: '/p', rawPath: '/p?a~', query: { 'a~': '' } }) },
      { text: 'path /p?a~; ?a=2', request: req({ path: '/p', rawPath: '/p?a~&a=2', query: { 'a~': '', 'a': '2' } }) },
      { text: 'path /p?a~; ?a=~', request: req({ path: '/p', rawPath: '/p?a~&a=~', query: { 'a~': '', 'a': '~' } }) },
    ]);
  });

  test('a query parameter: absent (no text), its exact value, another value', () => {
    expect(plainOf({ queryParams: [{ name: 'q', match: exact('1') }] })).toStrictEqual([
      { text: 'any request', request: req() },
      { text: '?q=1', request: req({ rawPath: '/?q=1', query: { q: '1' } }) },
      { text: '?q=~', request: req({ rawPath: '/?q=~', query: { q: '~' } }) },
    ]);
  });

  test('an absent header is no header, a caller label not given is no label; headers and labels combined', () => {
    expect(plainOf({ headers: [has('x')], sourceLabels: { app: 'web' } })).toStrictEqual([
      { text: 'x absent', request: req() },
      { text: 'x absent; caller app=web', request: req({ sourceLabels: { app: 'web' } }) },
      { text: 'x absent; caller app=~', request: req({ sourceLabels: { app: '~' } }) },
      { text: 'x: ~', request: req({ headers: { x: '~' } }) },
      { text: 'x: ~; caller app=web', request: req({ headers: { x: '~' }, sourceLabels: { app: 'web' } }) },
      { text: 'x: ~; caller app=~', request: req({ headers: { x: '~' }, sourceLabels: { app: '~' } }) },
    ]);
  });

  test('up to 4096 combinations every one is simulated; above, each value of each field once, the others at their first', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
    // 12 headers tested for presence: 2^12 = 4096 combinations
    const all = witnesses([rulesOn({ headers: names(12).map(h => has(h)) })]);
    expect({ count: all.requests.length, approximate: all.approximate, sampled: all.sampled })
      .toEqual({ count: 4096, approximate: false, sampled: false });
    // 13 headers, the first with two values: 4 * 2^12 combinations, sampled
    const sampled = witnesses([rulesOn({ headers: [has('h01', exact('a')), has('h01', exact('b')), ...names(13).slice(1).map(h => has(h))] })]);
    expect({ approximate: sampled.approximate, sampled: sampled.sampled }).toEqual({ approximate: true, sampled: true });
    expect(sampled.requests.map(w => ({ ...w.request.headers }))).toStrictEqual([
      {}, { h01: 'a' }, { h01: 'b' }, { h01: '~' },
      { h02: '~' }, { h03: '~' }, { h04: '~' }, { h05: '~' }, { h06: '~' }, { h07: '~' },
      { h08: '~' }, { h09: '~' }, { h10: '~' }, { h11: '~' }, { h12: '~' }, { h13: '~' },
    ]);
    expect(sampled.requests[0].text).toBe(names(13).map(h => `${h} absent`).join('; '));
    expect(sampled.requests[1].text).toBe(['h01: a', ...names(13).slice(1).map(h => `${h} absent`)].join('; '));
  });
});

/** An Istio object as YAML, in the namespace given ('' for none). */
const istio = (kind: string, name: string, spec: object, namespace = 'default') =>
  stringify({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec });
const meshOf = (...docs: string[]) => LaneSimulator.fromYaml(docs.join('---\n'));
/** A VirtualService sending everything to one destination. */
const allTo = (name: string, hosts: string[], destination: object, more: object = {}, namespace = 'default') =>
  istio('VirtualService', name, { hosts, ...more, http: [{ route: [{ destination }] }] }, namespace);
const only = (target: string) => [{ target, probability: 1, sets: '' }];

describe('diff(): entry points and what each share carries', () => {
  test('a gateway entry names its gateways and hosts sorted; a table bound to the mesh too is a sidecar entry per host', () => {
    const edge = (subset: string) => allTo('edge', ['b.example.com', 'a.example.com'], { host: HOST, subset }, { gateways: ['istio-system/z-gw', 'mesh', 'istio-system/a-gw'] });
    const inner = (subset: string) => allTo('inner', ['mockb'], { host: 'mockb', subset });
    const B = 'mockb.default.svc.cluster.local';
    const change = (from: string, to: string) => [{ request: 'any request', before: only(from), after: only(to) }];
    expect(meshOf(edge('s1'), inner('s1')).diff(meshOf(edge('s2'), inner('s2')))).toEqual({
      changed: true,
      entries: [
        { entry: 'gateway istio-system/a-gw, istio-system/z-gw (hosts: a.example.com, b.example.com)', status: 'changed', classes: change(`${HOST}/s1`, `${HOST}/s2`) },
        { entry: 'sidecar a.example.com', status: 'changed', classes: change(`${HOST}/s1`, `${HOST}/s2`) },
        { entry: 'sidecar b.example.com', status: 'changed', classes: change(`${HOST}/s1`, `${HOST}/s2`) },
        { entry: `sidecar ${B}`, status: 'changed', classes: change(`${B}/s1`, `${B}/s2`) },
      ],
      subsetsAdded: [`${HOST}/s2`, `${B}/s2`],
      subsetsRemoved: [`${HOST}/s1`, `${B}/s1`],
      hostsAdded: [],
      hostsRemoved: [],
      chains: [],
      approximate: false,
    });
  });

  test('a second VirtualService for the same entry is compared under its own name, namespace first when it has one', () => {
    const mesh = (second: string, third: string) => meshOf(
      allTo('first', [HOST], { host: HOST, subset: 's1' }, {}, 'default'),
      allTo('second', [HOST], { host: HOST, subset: second }, {}, 'default'),
      allTo('third', [HOST], { host: HOST, subset: third }, {}, ''),
    );
    expect(mesh('s1', 's1').diff(mesh('s2', 's3'))).toEqual({
      changed: true,
      entries: [
        { entry: `sidecar ${HOST} [default/second]`, status: 'changed', classes: [{ request: 'any request', before: only(`${HOST}/s1`), after: only(`${HOST}/s2`) }] },
        { entry: `sidecar ${HOST} [third]`, status: 'changed', classes: [{ request: 'any request', before: only(`${HOST}/s1`), after: only(`${HOST}/s3`) }] },
      ],
      subsetsAdded: [`${HOST}/s2`, `${HOST}/s3`],
      subsetsRemoved: [],
      hostsAdded: [],
      hostsRemoved: [],
      chains: [],
      approximate: false,
    });
  });

  test('entries added and removed, in the order of their names; subsets and hosts added and removed, sorted', () => {
    const before = meshOf(
      istio('VirtualService', 'b', { hosts: ['b'], http: [{ route: [{ destination: { host: 'b', subset: 'z' }, weight: 1 }, { destination: { host: 'b', subset: 'y' }, weight: 1 }] }] }),
      allTo('n', ['n'], { host: 'c' }),
    );
    const after = meshOf(
      istio('VirtualService', 'b', { hosts: ['b'], http: [{ route: [{ destination: { host: 'b', subset: 'x2' }, weight: 1 }, { destination: { host: 'b', subset: 'x1' }, weight: 1 }] }] }),
      allTo('m', ['m'], { host: 'a' }),
    );
    const fq = (h: string) => `${h}.default.svc.cluster.local`;
    const half = (target: string) => ({ target, probability: 0.5, sets: '' });
    expect(before.diff(after)).toEqual({
      changed: true,
      entries: [
        { entry: `sidecar ${fq('b')}`, status: 'changed', classes: [{ request: 'any request', before: [half(`${fq('b')}/y`), half(`${fq('b')}/z`)], after: [half(`${fq('b')}/x1`), half(`${fq('b')}/x2`)] }] },
        { entry: `sidecar ${fq('m')}`, status: 'added', classes: [{ request: 'any request', before: [], after: only(fq('a')) }] },
        { entry: `sidecar ${fq('n')}`, status: 'removed', classes: [{ request: 'any request', before: only(fq('c')), after: [] }] },
      ],
      subsetsAdded: [`${fq('b')}/x1`, `${fq('b')}/x2`],
      subsetsRemoved: [`${fq('b')}/y`, `${fq('b')}/z`],
      hostsAdded: [fq('a'), fq('m')],
      hostsRemoved: [fq('c'), fq('n')],
      chains: [],
      approximate: false,
    });
  });

  test('each share: target (port, subset), headers set and added, declared fallback; 404 and 503; one class per change', () => {
    const dr = [
      istio('DestinationRule', 'mocka', { host: HOST, subsets: [{ name: 's1', labels: { version: 'v1' } }, { name: 's2', labels: { version: 'v2' } }] }),
      // the fallback hosts, on both sides
      istio('DestinationRule', 'backup', { host: 'backup', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      istio('DestinationRule', '1-backup', { host: '1-backup', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
    ];
    const on = (value: string) => [{ headers: { x: { exact: value } } }];
    const before = meshOf(...dr, istio('VirtualService', 'v', {
      hosts: [HOST],
      http: [
        {
          match: on('a'),
          route: [
            { destination: { host: HOST, subset: 's2' }, weight: 3, fallback: { target: { host: HOST, subset: 's1', port: { number: 9080 } } } },
            { destination: { host: HOST, subset: 's1' }, weight: 1, headers: { request: { set: { 'x-b': '1', 'x-a': '2' }, add: { 'x-d': '3', 'x-c': '4' } } } },
          ],
        },
        { match: on('b'), route: [{ destination: { host: HOST, port: { number: 8080 } }, fallback: { target: { host: 'backup' } } }] },
        // no DestinationRule defines s3, and it has no fallback: its share fails
        { match: on('c'), route: [{ destination: { host: HOST, subset: 's3' } }] },
        // a share with a declared fallback is not the same as one without, even to the same subset
        {
          match: on('d'),
          route: [
            { destination: { host: HOST, subset: 's1' }, weight: 1, fallback: { target: { host: '1-backup', subset: 'v1' } } },
            { destination: { host: HOST, subset: 's1' }, weight: 1 },
          ],
        },
      ],
    }));
    const after = meshOf(...dr, allTo('v', [HOST], { host: 'other' }));
    const other = only('other.default.svc.cluster.local');
    expect(before.diff(after)).toEqual({
      changed: true,
      entries: [{
        entry: `sidecar ${HOST}`,
        status: 'changed',
        classes: [
          // x absent and x: ~ both go nowhere before (404): one class, named by its first request
          { request: 'x absent', before: [{ target: '404', probability: 1, sets: '' }], after: other },
          {
            request: 'x: a',
            before: [
              { target: `${HOST}/s1`, probability: 0.25, sets: 'x-a=2, x-b=1, x-c+=4, x-d+=3' },
              { target: `${HOST}/s2`, probability: 0.75, sets: '', fallback: `${HOST}:9080/s1` },
            ],
            after: other,
          },
          { request: 'x: b', before: [{ target: `${HOST}:8080`, probability: 1, sets: '', fallback: 'backup.default.svc.cluster.local/*' }], after: other },
          { request: 'x: c', before: [{ target: '503', probability: 1, sets: '' }], after: other },
          {
            request: 'x: d',
            before: [
              { target: `${HOST}/s1`, probability: 0.5, sets: '' },
              { target: `${HOST}/s1`, probability: 0.5, sets: '', fallback: '1-backup.default.svc.cluster.local/v1' },
            ],
            after: other,
          },
        ],
      }],
      subsetsAdded: [],
      subsetsRemoved: [`${HOST}/s3`],
      hostsAdded: ['other.default.svc.cluster.local'],
      hostsRemoved: [],
      chains: [],
      approximate: false,
    });
  });
});

/** A destination to HOST, or (with a redirect) the proxy's redirect answer. */
const dest = (redirect?: Redirect): RouteDestination =>
  ({ host: redirect ? '' : HOST, probability: 1, setHeaders: {}, addHeaders: {}, ...(redirect ? { redirect } : {}) });
/** A sidecar table with one catch-all rule per destination. */
const tableOf = (...dests: RouteDestination[]): RouteTable =>
  ({ source: 'test', name: 't', gateways: [], mesh: true, hosts: [HOST], routes: dests.map(d => ({ matches: [], destinations: [d] })) });
const schemesOf = (t: RouteTable) => witnesses([t]).requests.map(w => [w.text, w.request.scheme]);

describe('witnesses for the scheme, the port, the caller namespace and Gateway API hostnames', () => {
  test('a redirect keeping the request\'s scheme tells http and https apart; one setting a scheme, or taking the listener\'s, does not', () => {
    const both = [['scheme http', 'http'], ['scheme https', 'https']];
    expect(schemesOf(tableOf(dest({ statusCode: 302 })))).toEqual(both);
    // one rule of several redirects keeping the scheme: enough
    expect(schemesOf(tableOf(dest(), dest({ statusCode: 301, hostname: 'b.com' })))).toEqual(both);
    expect(schemesOf(tableOf(dest({ statusCode: 302, scheme: 'https' })))).toEqual([['any request', 'http']]);
    expect(schemesOf(tableOf(dest({ statusCode: 302, listenerScheme: 'https' })))).toEqual([['any request', 'http']]);
    expect(schemesOf(tableOf(dest()))).toEqual([['any request', 'http']]);
  });

  test('a :scheme prefix condition: the scheme always has a value, one per region the conditions cut it into', () => {
    expect(plainOf({ headers: [has(':scheme', exact('https'))] }, { headers: [has(':scheme', prefix('ht'))] })).toStrictEqual([
      { text: 'scheme https', request: req({ scheme: 'https' }) },
      { text: 'scheme ~', request: req({ scheme: '~' }) },
      { text: 'scheme ht', request: req({ scheme: 'ht' }) },
      { text: 'scheme ht~', request: req({ scheme: 'ht~' }) },
    ]);
  });

  test('ports: each port a condition names, and one above the highest', () => {
    expect(plainOf({ port: 8080 }, { port: 80 }, { port: 8080 })).toStrictEqual([
      { text: 'port 8080', request: req({ port: 8080 }) },
      { text: 'port 80', request: req({ port: 80 }) },
      { text: 'port 8081', request: req({ port: 8081 }) },
    ]);
  });

  test('a caller namespace taken or left out: no namespace, each namespace named, another one', () => {
    expect(plainOf({ sourceNamespace: 'team-a' }, { notSourceNamespaces: ['team-b'] })).toStrictEqual([
      { text: 'any request', request: req({ sourceNamespace: undefined }) },
      { text: 'caller namespace team-a', request: req({ sourceNamespace: 'team-a' }) },
      { text: 'caller namespace team-b', request: req({ sourceNamespace: 'team-b' }) },
      { text: 'caller namespace ~', request: req({ sourceNamespace: '~' }) },
    ]);
  });

  test('Gateway API hostnames are values of the authority, one field with its conditions; a wildcard gets a label before its suffix', () => {
    expect(textsOf({ authority: exact('b.example.com') }, { hostnames: ['a.example.com'], notHostnames: ['*.shop.com'] })).toEqual([
      'any request', 'authority b.example.com', 'authority a.example.com', 'authority witness.shop.com', 'authority ~',
    ]);
  });
});

const GW = 'gateway.networking.k8s.io/v1';
/** Gateway API objects (and Services) in namespace shop, as one simulator. */
const apiSim = (...objs: object[]) => LaneSimulator.fromYaml(objs.map(o => stringify(o)).join('---\n'), 'f');
const serviceOf = (name: string, ports: number[] = [80]) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: { app: name }, ports: ports.map(p => ({ port: p })) },
});
const httpRoute = (name: string, spec: object) => ({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name, namespace: 'shop' }, spec });
const inShop = (name: string) => `${name}.shop.svc.cluster.local`;

describe('diff(): a table unchanged is compared no further only when nothing its requests reach has changed', () => {
  const B = 'mockb.default.svc.cluster.local';
  const C = 'mockc.default.svc.cluster.local';
  const rule = (host: string, subsets: string[]) => istio('DestinationRule', host.split('.')[0], { host, subsets: subsets.map(name => ({ name, labels: { version: name } })) });
  const vs = istio('VirtualService', 'v', {
    hosts: [HOST],
    http: [{ route: [{ destination: { host: B, subset: 's2' }, fallback: { target: { host: C, subset: 's1' } } }], mirror: { host: HOST } }],
  });
  const change = (before: object[], after: object[]) => [{ entry: `sidecar ${HOST}`, status: 'changed', classes: [{ request: 'any request', before, after }] }];

  test('the same table read from another file, and the same subsets: no change', () => {
    const before = LaneSimulator.fromYamlSources([{ name: 'a.yaml', yaml: [vs, rule(B, ['s2']), rule(C, ['s1'])].join('---\n') }]);
    const after = LaneSimulator.fromYamlSources([{ name: 'b.yaml', yaml: [rule(C, ['s1']), rule(B, ['s2']), vs].join('---\n') }]);
    expect(before.diff(after)).toMatchObject({ changed: false, entries: [] });
  });

  test('a subset of a destination\'s host, or of its fallback\'s host, removed: the table is the same, the traffic is not', () => {
    const mesh = (...docs: string[]) => meshOf(vs, ...docs);
    const served = { target: `${B}/s2`, probability: 1, sets: '', fallback: `${C}/s1` };
    const fallback = { target: `${C}/s1`, probability: 1, sets: '', fallback: `${C}/s1` };
    const failed = { target: '503', probability: 1, sets: '', fallback: `${C}/s1` };
    expect(mesh(rule(B, ['s2']), rule(C, ['s1'])).diff(mesh(rule(B, ['s3']), rule(C, ['s1']))).entries).toEqual(change([served], [fallback]));
    expect(mesh(rule(B, ['s3']), rule(C, ['s1'])).diff(mesh(rule(B, ['s3']), rule(C, ['s4']))).entries).toEqual(change([fallback], [failed]));
    // a subset of another host (the mirror's host here, which serves no share) changes nothing
    expect(mesh(rule(B, ['s2']), rule(HOST, ['s1'])).diff(mesh(rule(B, ['s2']), rule(HOST, ['s9']))).entries).toEqual([]);
  });
});

describe('decidesAlike(): two tables whose requests all go alike, so that none needs to be compared', () => {
  const B = 'mockb.default.svc.cluster.local';
  const C = 'mockc.default.svc.cluster.local';
  const rule = (host: string, subsets: string[], version = 'v') => istio('DestinationRule', host.split('.')[0], { host, subsets: subsets.map(name => ({ name, labels: { version: `${version}${name}` } })) });
  const vs = (weight = 50) => istio('VirtualService', 'v', {
    hosts: [HOST],
    http: [{ timeout: '5s', route: [{ destination: { host: B, subset: 's2' }, weight, fallback: { target: { host: C, subset: 's1' } } }, { destination: { host: B, subset: 's1' }, weight: 100 - weight }] }],
  });
  const mesh = (file: string, ...docs: string[]) => readMesh(parseYaml([{ name: file, text: docs.join('---\n') }]));
  const alike = (a: ReturnType<typeof mesh>, b: ReturnType<typeof mesh>) => decidesAlike(a.tables[0], b.tables[0], a, b);
  const DRS = [rule(B, ['s1', 's2']), rule(C, ['s1']), rule(HOST, ['x'])];

  test('the same routing read from another file (its source, location and notes name the file) to the same subsets: alike', () => {
    const a = mesh('a.yaml', vs(), ...DRS);
    const b = mesh('b.yaml', vs(), ...DRS);
    expect(a.tables[0].routes[0].notes).toEqual([expect.stringMatching(/^a\.yaml/)]);
    expect(alike(a, b)).toBe(true);
    // a generated table names its group: that changes no decision either
    expect(decidesAlike(a.tables[0], { ...b.tables[0], generatedBy: 'ASMSwimLaneGroup g' }, a, b)).toBe(true);
    // subsets listed in another order, and another host's subsets changed
    expect(alike(a, mesh('b.yaml', vs(), rule(B, ['s2', 's1']), rule(C, ['s1']), rule(HOST, ['y'])))).toBe(true);
  });

  test('another routing, a subset of a reached host changed or gone (a destination\'s or a fallback\'s), or data text cannot tell: not alike', () => {
    const a = mesh('a.yaml', vs(), ...DRS);
    expect(alike(a, mesh('a.yaml', vs(60), ...DRS))).toBe(false);
    expect(alike(a, mesh('a.yaml', vs(), rule(B, ['s1']), rule(C, ['s1'])))).toBe(false);
    expect(alike(a, mesh('a.yaml', vs(), rule(B, ['s1', 's2'], 'w'), rule(C, ['s1'])))).toBe(false);
    expect(alike(a, mesh('a.yaml', vs(), rule(B, ['s1', 's2']), rule(C, ['s2'])))).toBe(false);
    expect(alike(a, mesh('a.yaml', vs(), rule(B, ['s1', 's2'])))).toBe(false);
    // a table holding anything but plain data (a Map here) is compared request by request, even with itself
    const odd = { ...a.tables[0], routes: [{ ...a.tables[0].routes[0], extra: new Map() }] } as any;
    expect(decidesAlike(odd, odd, a, a)).toBe(false);
    // objects without a prototype, and null, are plain data
    const bare = Object.assign(Object.create(null), { x: '1' });
    const withBare = { ...a.tables[0], routes: [{ ...a.tables[0].routes[0], extra: bare, none: null }] } as any;
    expect(decidesAlike(withBare, withBare, a, a)).toBe(true);
    // only the table's own source, location and group are left out: a field of that name inside it counts
    const inside = (source: string) => ({ ...a.tables[0], routes: [{ ...a.tables[0].routes[0], extra: { source } }] }) as any;
    expect(decidesAlike(inside('a'), inside('b'), a, a)).toBe(false);
  });
});

describe('diff(): Gateway API routes', () => {
  test('what a share carries: the headers removed, in their order; each mirror with its port (when it has one) and its percentage', () => {
    const parentRefs = [{ group: '', kind: 'Service', name: 'web', port: 80 }];
    const mesh = (filters: object[]) => apiSim(serviceOf('web'), serviceOf('m', [8080]),
      httpRoute('r', { parentRefs, rules: [{ backendRefs: [{ name: 'web', port: 80 }], filters }] }));
    const d = mesh([]).diff(mesh([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-b', 'x-a'] } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 8080 }, percent: 50 } },
      // a backend of another kind may leave out its port
      { type: 'RequestMirror', requestMirror: { backendRef: { group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'n' } } },
    ]));
    const sets = `-x-b, -x-a, mirror ${inShop('m')}:8080 50%, mirror ServiceImport:shop/n 100%`;
    expect(d.entries).toEqual([{
      entry: `sidecar ${inShop('web')}`,
      status: 'changed',
      // port 81, which the route is not attached for, is not routed by it on either side
      classes: [{
        request: 'port 80',
        before: [{ target: `${inShop('web')}:80`, probability: 1, sets: '' }],
        after: [{ target: `${inShop('web')}:80`, probability: 1, sets }],
      }],
    }]);
  });

  test('a mesh route moved to another port: on the ports it is not attached for, the Service itself serves the request', () => {
    const mesh = (port: number) => apiSim(serviceOf('web', [80, 8080]),
      httpRoute('r', { parentRefs: [{ group: '', kind: 'Service', name: 'web', port }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] }));
    const routed = [{ target: `${inShop('web')}:80`, probability: 1, sets: '' }];
    const itself = [{ target: `${inShop('web')} (no route attached)`, probability: 1, sets: '' }];
    expect(mesh(80).diff(mesh(8080)).entries).toEqual([{
      entry: `sidecar ${inShop('web')}`,
      status: 'changed',
      classes: [{ request: 'port 80', before: routed, after: itself }, { request: 'port 8080', before: itself, after: routed }],
    }]);
  });

  test('complete: routes bound to a Gateway the input lacks are attached nowhere, so their changes change no traffic', () => {
    const parentRefs = [{ name: 'gone', namespace: 'infra' }];
    const mesh = (weight: number) => apiSim(serviceOf('a'), serviceOf('b'),
      httpRoute('r', { parentRefs, rules: [{ backendRefs: [{ name: 'a', port: 80, weight }, { name: 'b', port: 80 }] }] }));
    const share = (host: string, probability: number) => ({ target: `${inShop(host)}:80`, probability, sets: '' });
    const none = { entries: [], subsetsAdded: [], subsetsRemoved: [], hostsAdded: [], hostsRemoved: [], chains: [], approximate: false };
    expect(mesh(1).diff(mesh(3))).toEqual({
      ...none,
      changed: true,
      entries: [{
        entry: 'gateway infra/gone',
        status: 'changed',
        classes: [{ request: 'any request', before: [share('a', 0.5), share('b', 0.5)], after: [share('a', 0.75), share('b', 0.25)] }],
      }],
    });
    expect(mesh(1).diff(mesh(3), { complete: true })).toEqual({ ...none, changed: false });
  });
});

describe('the views of a decision: the request a backend receives, where a table applies', () => {
  test('a rewritten hostname is the authority the backend receives, and its host header only when the request had one', () => {
    const d: RouteDestination = { ...dest(), rewrite: { hostname: 'b.example.com' } };
    expect(forwardedRequest(makeRequest({ headers: { ':authority': 'a.example.com' } }), d))
      .toEqual({ authority: 'b.example.com', path: '/', headers: {} });
    expect(forwardedRequest(makeRequest({ headers: { host: 'a.example.com', x: '1' } }), d))
      .toEqual({ authority: 'b.example.com', path: '/', headers: { host: 'b.example.com', x: '1' } });
    // a request without an authority, not rewritten, has none: no key at all
    expect(forwardedRequest(makeRequest({ path: '/p' }), dest())).toStrictEqual({ path: '/p', headers: {} });
  });

  test('a hop has a status and a Location only when its answer has them; a redirect\'s hop is the host the request named (or none)', () => {
    const listeners = [{ name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }];
    const gw = { apiVersion: GW, kind: 'Gateway', metadata: { name: 'gw', namespace: 'infra' }, spec: { gatewayClassName: 'c', listeners } };
    const s = apiSim(gw, serviceOf('web'), httpRoute('r', {
      parentRefs: [{ name: 'gw', namespace: 'infra' }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'new.example.com' } }],
        },
        { backendRefs: [{ name: 'web', port: 80 }, { group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'n', port: 80 }] },
      ],
    }));
    const keys = (h: object) => ['status', 'location'].filter(k => k in h);
    const [served, unknown] = s.simulate({}, { gateway: 'infra/gw' }).outcomes;
    // a backend of a kind the simulation does not model: its answer is unknown, so no status
    expect([served.host, served.status, keys(served), unknown.host, keys(unknown)])
      .toEqual([inShop('web'), 200, ['status'], 'ServiceImport:shop/n', []]);
    const [redirect] = s.simulate({ path: '/old' }, { gateway: 'infra/gw' }).outcomes;
    expect([redirect.host, redirect.status, redirect.location]).toEqual(['', 302, 'http://new.example.com/old']);
    const named = s.simulate({ path: '/old', headers: { host: 'shop.example.com:80' } }, { gateway: 'infra/gw' });
    expect(named.outcomes.map(o => [o.host, o.location])).toEqual([['shop.example.com', 'http://new.example.com/old']]);
  });

  test('a table\'s title: its source, then its gateways and the mesh joined by +, then its hosts', () => {
    const t = (gateways: string[], mesh: boolean) =>
      tableTitle({ ...tableOf(), source: 'f: VirtualService shop/v', gateways, mesh, hosts: ['a.com', 'b.com'] });
    expect([t(['infra/gw', 'infra/gw2'], true), t(['infra/gw'], false), t([], true)]).toEqual([
      ['f: VirtualService shop/v', 'gateways: infra/gw, infra/gw2 + mesh (sidecars); hosts: a.com, b.com'],
      ['f: VirtualService shop/v', 'gateways: infra/gw; hosts: a.com, b.com'],
      ['f: VirtualService shop/v', 'mesh (sidecars); hosts: a.com, b.com'],
    ]);
  });
});
