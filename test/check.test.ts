/**
 * `cdk8s-lanes check`: an offline analyzer with Istio's codes. One fixture per code, firing and not firing;
 * a clean mesh with its workloads reports nothing; thresholds and exit codes on the built binary.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { analyzeObjects, deployment, dr, HOST, service, to, vs } from './check-fixtures';
import { runCli, stringify } from './helpers';
import { runs } from './runs';
import { HeaderMatch, LaneRouting, RoutePlacement, StringMatch, Target } from '../src';
import { analyze } from '../src/private/analysis/analyze';
import { describeFinding } from '../src/private/analysis/findings';

/** The codes the analyzer reports for these objects. */
function codes(...objects: object[]): string[] {
  return analyzeObjects(objects).map(f => f.code);
}

const clean = [service(), deployment('v1'), deployment('v2'), dr(['v1', 'v2']), vs([{ name: 'beta', match: [{ headers: { env: { exact: 'beta' } } }], route: [to('v2')] }, { name: 'base', route: [to('v1')] }])];

describe('check: one fixture per code', () => {
  test('a clean mesh with its workloads reports nothing', () => {
    expect(codes(...clean)).toEqual([]);
  });

  test.each<[string, object[], string, string, string, string]>([
    ['IST0101: a subset no DestinationRule defines', [service(), deployment('v1'), dr(['v1']), vs([{ route: [to('v2')] }])], 'IST0101', 'Error', 'f (document 4): VirtualService shop/web', 'http[0].route[0]: the subset v2 of web.shop.svc.cluster.local is not found'],
    ['IST0101: a host with no Service', [service(), deployment('v1'), dr(['v1']), vs([{ route: [{ destination: { host: 'other.shop.svc.cluster.local' } }] }])], 'IST0101', 'Error', 'f (document 4): VirtualService shop/web', 'http[0].route[0]: the host "other.shop.svc.cluster.local" is not found'],
    ['IST0101: a gateway not in the input', [...clean.slice(0, 4), vs([{ route: [to('v1')] }], { gateways: ['istio-system/ingress'] })], 'IST0101', 'Error', 'f (document 5): VirtualService shop/web', 'gateways[0]: the gateway istio-system/ingress is not found'],
    ['IST0106: a field of the wrong type', [...clean.slice(0, 4), { ...vs([]), spec: { hosts: [HOST], http: 'x' } }], 'IST0106', 'Error', 'f (document 5): VirtualService shop/web', 'spec.http: must be a list, got string "x"'],
    ['IST0112: no port where the Service has several', [service(2), deployment('v1'), dr(['v1']), vs([{ route: [to('v1')] }])], 'IST0112', 'Error', 'f (document 4): VirtualService shop/web', 'http[0].route[0]: web.shop.svc.cluster.local exposes ports 80, 81 (Service shop/web); name one with port.number'],
    ['IST0130: an unreachable rule', [...clean.slice(0, 4), vs([{ route: [to('v1')] }, { name: 'late', match: [{ uri: { prefix: '/x' } }], route: [to('v2')] }])], 'IST0130', 'Warning', 'f (document 5): VirtualService shop/web', 'http rule "late" is never used (route without matches defined before)'],
    ['IST0131: an ineffective match', [...clean.slice(0, 4), vs([{ match: [{ uri: { prefix: '/a' } }], route: [to('v2')] }, { match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v1')] }, { route: [to('v1')] }])], 'IST0131', 'Info', 'f (document 5): VirtualService shop/web', 'http rule #1 match #0 is never used (an earlier match in rule #0 takes its requests)'],
    ['IST0132: no host of the VirtualService in its Gateway', [...clean.slice(0, 4), vs([{ route: [to('v1')] }], { gateways: ['ingress'] }), { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: 'shop' }, spec: { servers: [{ hosts: ['shop.example.com'] }] } }], 'IST0132', 'Warning', 'f (document 5): VirtualService shop/web', 'gateways[0]: none of the hosts web.shop.svc.cluster.local is among the hosts of gateway shop/ingress'],
    ['IST0173: a subset that selects no pod', [service(), deployment('v1'), dr(['v1', 'v2']), vs([{ route: [to('v1')] }])], 'IST0173', 'Error', 'f (document 3): DestinationRule shop/web', 'subset v2: no pod with labels version=v2 is found; requests to the subset would fail (503 UH)'],
    ['IST0174: a DestinationRule for a host that is not found', [deployment('v1'), dr(['v1'])], 'IST0174', 'Warning', 'f (document 2): DestinationRule shop/web', 'host: web.shop.svc.cluster.local is not found: no Service or ServiceEntry is this host'],
    ['LANE001: two objects with one kind, namespace and name', [...clean, dr(['v1', 'v2'])], 'LANE001', 'Error', 'f (document 6): DestinationRule shop/web', 'has the same kind, namespace and name as f (document 4): DestinationRule shop/web'],
    ['LANE002: a lane destination without the routing header', [...clean.slice(0, 4), vs([{ match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: HOST, subset: 'v2' } }] }, { route: [to('v1')] }])], 'LANE002', 'Warning', 'f (document 5): VirtualService shop/web', 'destination web.shop.svc.cluster.local/v2 does not set the routing header x-lane'],
    ['LANE004: a construct it cannot model', [...clean, vs([{ redirect: { uri: '/x' } }], { hosts: ['other.shop.svc.cluster.local'] }, 'redirect')], 'LANE004', 'Info', 'f (document 6): VirtualService shop/redirect', '"redirect" is not supported by the lane simulation'],
    ['LANE006: two DestinationRules for one host defining one subset', [...clean, { ...dr(['v2']), metadata: { name: 'web-2', namespace: 'shop' } }], 'LANE006', 'Error', 'f (document 6): DestinationRule shop/web-2', 'drops duplicate subsets (here v2)'],
  ])('%s', (_name, objects, code, level, resource, message) => {
    // the code, at its level (Istio's: the input is the whole cluster), on its object, saying what is wrong; nothing of that code on the clean mesh
    const findings = analyzeObjects(objects, { complete: true }).filter(f => f.code === code);
    expect(findings).toEqual([{ code, level, resource, message: expect.stringContaining(message), ...(code !== 'LANE001' && code !== 'LANE004' && code !== 'LANE002' && code !== 'LANE006' ? { object: resource.split(': ')[1] } : {}) }]);
    expect(codes(...clean)).not.toContain(code);
    expect(analyzeObjects(clean, { complete: true }).map(f => f.code)).not.toContain(code);
  });

  test('IST0109: every sidecar VirtualService that claims the host is reported, one the simulator cannot model included', () => {
    const ist0109 = (...objects: object[]) => analyzeObjects(objects).filter(f => f.code === 'IST0109').map(f => [f.level, f.resource]);
    expect(ist0109(...clean, vs([{ route: [to('v1')] }], {}, 'web-2'))).toEqual([['Error', 'f (document 5): VirtualService shop/web'], ['Error', 'f (document 6): VirtualService shop/web-2']]);
    expect(ist0109(...clean, vs([{ redirect: { uri: '/x' } }], {}, 'redirect'))).toEqual([['Error', 'f (document 5): VirtualService shop/web'], ['Error', 'f (document 6): VirtualService shop/redirect']]);
    expect(analyzeObjects([...clean, vs([{ route: [to('v1')] }], {}, 'web-2')]).find(f => f.code === 'IST0109')!.message)
      .toBe('the sidecar VirtualServices shop/web, shop/web-2 all claim host web.shop.svc.cluster.local (for every namespace); Istio applies one of them, so route this host from one VirtualService');
  });

  test('LANE006: an Error when a subset is defined twice (Istio drops one), a Warning otherwise (Istio merges them)', () => {
    const other = (subsets: string[]) => ({ ...dr(subsets), metadata: { name: 'web-policy', namespace: 'shop' } });
    const lane006 = (...objects: object[]) => analyzeObjects(objects).filter(f => f.code === 'LANE006');
    expect(lane006(...clean, other(['v2']))).toEqual([{
      code: 'LANE006',
      level: 'Error',
      resource: 'f (document 6): DestinationRule shop/web-policy',
      message: 'is also a DestinationRule for host web.shop.svc.cluster.local, like f (document 4): DestinationRule shop/web; Istio merges them, keeps the first one\'s traffic policy and drops duplicate subsets (here v2), so define the host\'s subsets in one place',
    }]);
    expect(lane006(...clean, other([])).map(f => f.level)).toEqual(['Warning']);
  });

  test('ASM lane groups: the routing ASM generates is modelled, so no false IST0101', () => {
    const group = { apiVersion: 'istio.alibabacloud.com/v1', kind: 'ASMSwimLaneGroup', metadata: { name: 'g' }, spec: { services: [{ name: 'web', namespace: 'shop' }], isPermissive: true, permissiveModeConfiguration: { fallbackTarget: 'v1', routeHeader: 'x-lane' } } };
    const lane = (v: string) => ({ apiVersion: 'istio.alibabacloud.com/v1', kind: 'ASMSwimLane', metadata: { name: v, labels: { 'swimlane-group': 'g' } }, spec: { labelSelector: { version: v }, services: [{ name: 'web', namespace: 'shop' }] } });
    expect(codes(service(), deployment('v1'), deployment('v2'), group, lane('v1'), lane('v2'))).toEqual([]);
  });
});

describe('the same analyzers at synth, over the objects of the app', () => {
  const workload = (chart: Chart, version: string) => new ApiObject(chart, `web-${version}`, deployment(version));
  const routing = (chart: Chart) => new LaneRouting(chart, 'web', {
    target: Target.ISTIO,
    host: HOST,
    lanes: [{ name: 'v1', podLabels: { version: 'v1' } }, { name: 'v2', podLabels: { version: 'v2' } }],
    baseline: 'v1',
    rules: [{ name: 'beta', matches: [{ headers: [HeaderMatch.exact('env', 'beta')] }], split: [{ lane: 'v2' }] }],
    sidecar: { namespace: 'shop' },
    destinationRule: { namespace: 'shop' },
  });
  const synthErrors = (app: App): string[] => {
    try {
      app.synthYaml();
      return [];
    } catch (e) {
      return (e as Error).message.split('\n').slice(1).map(l => l.trim());
    }
  };

  test('synth fails only on what is wrong whatever else the cluster holds: lanes without pods, hosts and subsets of other repositories pass', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const r = routing(chart);
    // an unrelated Service: the lane host's Service is deployed from another repository (it failed synth with IST0101)
    new ApiObject(chart, 'svc', { ...service(), metadata: { name: 'unrelated', namespace: 'shop' } });
    workload(chart, 'v1');
    r.addCustomRoute({ name: 'other', matches: [{ uri: StringMatch.prefix('/other') }], destinations: [{ host: 'reviews.eu.bookinfo.com' }] }, RoutePlacement.BEFORE_LANE_RULES);
    expect(synthErrors(app)).toEqual([]);
  });

  test('an Error at synth names its object\'s construct path, not an empty []', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    routing(chart);
    new ApiObject(chart, 'again', { ...vs([{ route: [to('v1')] }]), metadata: { name: 'again', namespace: 'shop' } });
    expect(synthErrors(app)).toEqual([
      expect.stringMatching(/^\[c\/web\/SidecarVirtualService\] \[IST0109\] \(VirtualService shop\/c-web-sidecarvirtualservice-\w+ \[c\/web\/SidecarVirtualService\]\) the sidecar VirtualServices/),
      expect.stringMatching(/^\[c\/again\] \[IST0109\] \(VirtualService shop\/again \[c\/again\]\) the sidecar VirtualServices/),
    ]);
  });

  test('an app without workloads or Services is not asked for them; Warnings do not fail synth', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const r = routing(chart);
    r.addCustomRoute({ name: 'health', matches: [{ uri: StringMatch.exact('/healthz') }], destinations: [{ host: HOST, subset: 'v2' }] }, RoutePlacement.BEFORE_LANE_RULES);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let warnings: unknown[];
    try {
      expect(synthErrors(app)).toEqual([]);
      warnings = warn.mock.calls.map(c => c[0]);
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual([expect.stringMatching(/^\[LANE002\] \(VirtualService shop\/c-web-sidecarvirtualservice-\w+ \[c\/web\/SidecarVirtualService\]\) destination web.shop.svc.cluster.local\/v2 does not set the routing header x-asm-prefer-tag that the table/)]);
  });

  /** An app of the property tests: a routing, and what `c` adds to it. */
  const appOf = (c: { v1: boolean; v2: boolean; service: number; patchLabels: boolean; duplicate: boolean; conflict: boolean }) => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const r = routing(chart);
    if (c.service > 0) new ApiObject(chart, 'svc', service(c.service));
    if (c.v1) workload(chart, 'v1');
    if (c.v2) workload(chart, 'v2');
    if (c.patchLabels) r.destinationRule!.addJsonPatch(JsonPatch.replace('/spec/subsets/1/labels/version', 'v3'));
    if (c.duplicate) new ApiObject(chart, 'again', { ...dr(['v1']), metadata: { name: 'web-again', namespace: 'shop' } });
    if (c.conflict) new ApiObject(chart, 'conflict', { ...vs([{ route: [to('v1')] }]), metadata: { name: 'conflict', namespace: 'shop' } });
    return { app, chart };
  };
  const appCase = fc.record({
    v1: fc.boolean(), v2: fc.boolean(), service: fc.nat(2), patchLabels: fc.boolean(), duplicate: fc.boolean(), conflict: fc.boolean(),
  });

  test('property: synth reports the Error findings of `check` on what the app synthesizes (escape hatches included), each under its object', () => {
    fc.assert(fc.property(appCase, c => {
      const { app, chart } = appOf(c);
      // the reference: the analyzer over every object as synthesized (toJson), as `check` reads a file
      const objects = chart.node.findAll().filter(ApiObject.isApiObject);
      const manifests = objects.map(o => ({ path: o.node.path, obj: o.toJson() }));
      const errors = analyze(manifests, { synth: true }).filter(f => f.level === 'Error');
      // cdk8s lists the objects' validation errors in the order of the tree
      const expected = objects.flatMap(o => errors.filter(f => f.resource.endsWith(`[${o.node.path}]`)).map(f => `[${o.node.path}] ${describeFinding(f)}`));
      expect(synthErrors(app)).toEqual(expected);
    }), { numRuns: runs(60) });
  });

  test('property: whatever else the cluster holds, an Error at synth is an Error of the whole cluster', () => {
    const extra = fc.subarray([
      { ...service(2), metadata: { name: 'web', namespace: 'shop' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'web-entry', namespace: 'shop' }, spec: { hosts: [HOST], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] } },
      { ...dr(['v1', 'v2', 'v3']), metadata: { name: 'web-more', namespace: 'shop' } },
      deployment('v1'), deployment('v2'), deployment('v3'),
      { ...vs([{ route: [to('v1')] }]), metadata: { name: 'elsewhere', namespace: 'shop' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'ingress', namespace: 'shop' }, spec: { servers: [{ hosts: ['*'] }] } },
    ] as object[]);
    fc.assert(fc.property(appCase, extra, (c, others) => {
      const { chart } = appOf(c);
      const manifests = chart.node.findAll().filter(ApiObject.isApiObject).map(o => ({ path: o.node.path, obj: o.toJson() }));
      const atSynth = analyze(manifests, { synth: true }).filter(f => f.level === 'Error').map(f => `${f.code} ${f.resource}`);
      const cluster = analyze([...manifests, ...others.map((obj, i) => ({ origin: 'cluster.yaml', index: i + 1, obj }))], { complete: true })
        .filter(f => f.level === 'Error').map(f => `${f.code} ${f.resource}`);
      for (const e of atSynth) expect(cluster).toContain(e);
    }), { numRuns: runs(60) });
  });
});

describe('cdk8s-lanes check on the built binary', () => {
  let dir: string;
  const cli = runCli;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    fs.writeFileSync(path.join(dir, 'clean.yaml'), clean.map(o => stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(dir, 'warning.yaml'), [...clean.slice(0, 4), vs([{ route: [to('v1')] }, { name: 'late', match: [{ uri: { prefix: '/x' } }], route: [to('v2')] }])].map(o => stringify(o)).join('---\n'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('exit 0 and "no findings" on a clean mesh; thresholds decide the exit and the output', () => {
    expect(cli('check', path.join(dir, 'clean.yaml'))).toMatchObject({ code: 0, out: 'no findings\n' });
    const warning = cli('check', path.join(dir, 'warning.yaml'));
    expect(warning.code).toBe(0); // a Warning is below the default failure threshold (Error)
    expect(warning.out).toMatch(/^Warning \[IST0130\] \(.*warning.yaml \(document 5\): VirtualService shop\/web\) http rule "late" is never used/);
    expect(cli('check', path.join(dir, 'warning.yaml'), '--failure-threshold', 'Warning').code).toBe(1);
    expect(cli('check', path.join(dir, 'warning.yaml'), '--output-threshold', 'Error')).toMatchObject({ code: 0, out: 'no findings\n' });
    expect(JSON.parse(cli('check', path.join(dir, 'warning.yaml'), '--json').out)).toEqual([expect.objectContaining({ code: 'IST0130', level: 'Warning' })]);
    expect(cli('check', path.join(dir, 'warning.yaml'), '--failure-threshold', 'Fatal').code).toBe(2);
    expect(cli('check', path.join(dir, 'missing.yaml')).code).toBe(2);
  });
});
