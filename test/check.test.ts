/**
 * `cdk8s-lanes check`: an offline analyzer with Istio's codes. One fixture per code, firing and not firing;
 * a clean mesh with its workloads reports nothing; thresholds and exit codes on the built binary.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { analyzeObjects, deployment, dr, HOST, service, to, vs } from './check-fixtures';
import { runCli } from './helpers';
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
    ['IST0101: a subset no DestinationRule defines', [service(), deployment('v1'), dr(['v1']), vs([{ route: [to('v2')] }])], 'IST0101', 'Error', 'f (document 4): VirtualService shop/web', 'destination web.shop.svc.cluster.local/v2: no DestinationRule read defines subset v2'],
    ['IST0101: a host with no Service', [service(), deployment('v1'), dr(['v1']), vs([{ route: [{ destination: { host: 'other.shop.svc.cluster.local' } }] }])], 'IST0101', 'Error', 'f (document 4): VirtualService shop/web', 'destination other.shop.svc.cluster.local: no Service (or ServiceEntry) read is host other.shop.svc.cluster.local'],
    ['IST0109: two mesh VirtualServices for one host', [...clean, vs([{ route: [to('v1')] }], {}, 'web-2')], 'IST0109', 'Error', 'f (document 6): VirtualService shop/web-2', 'is also a sidecar VirtualService for host web.shop.svc.cluster.local, like f (document 5): VirtualService shop/web'],
    ['IST0112: no port where the Service has several', [service(2), deployment('v1'), dr(['v1']), vs([{ route: [to('v1')] }])], 'IST0112', 'Error', 'f (document 4): VirtualService shop/web', 'destination web.shop.svc.cluster.local/v1: the Service has 2 ports; name one with port.number'],
    ['IST0130: an unreachable rule', [...clean.slice(0, 4), vs([{ route: [to('v1')] }, { name: 'late', match: [{ uri: { prefix: '/x' } }], route: [to('v2')] }])], 'IST0130', 'Warning', 'f (document 5): VirtualService shop/web', 'rule "late" is unreachable'],
    ['IST0131: an ineffective match', [...clean.slice(0, 4), vs([{ match: [{ uri: { prefix: '/a' } }], route: [to('v2')] }, { match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v1')] }, { route: [to('v1')] }])], 'IST0131', 'Info', 'f (document 5): VirtualService shop/web', 'rule 2 match 1 is ineffective'],
    ['IST0173: a subset that selects no pod template', [service(), deployment('v1'), dr(['v1', 'v2']), vs([{ route: [to('v1')] }])], 'IST0173', 'Error', 'subset v2 of web.shop.svc.cluster.local', 'selects no pod template among the Deployments, StatefulSets and Rollouts read (labels app=web, version=v2)'],
    ['LANE001: two objects with one kind, namespace and name', [...clean, dr(['v1', 'v2'])], 'LANE001', 'Error', 'f (document 6): DestinationRule shop/web', 'has the same kind, namespace and name as f (document 4): DestinationRule shop/web'],
    ['LANE002: a lane destination without the routing header', [...clean.slice(0, 4), vs([{ match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: HOST, subset: 'v2' } }] }, { route: [to('v1')] }])], 'LANE002', 'Warning', 'f (document 5): VirtualService shop/web', 'destination web.shop.svc.cluster.local/v2 does not set the routing header x-lane'],
    ['LANE003: a gateway not in the input', [...clean.slice(0, 4), vs([{ route: [to('v1')] }], { gateways: ['istio-system/ingress'] })], 'LANE003', 'Info', 'f (document 5): VirtualService shop/web', 'its gateway istio-system/ingress is not among the objects read'],
    ['LANE004: a construct it cannot model', [...clean, vs([{ redirect: { uri: '/x' } }], {}, 'redirect')], 'LANE004', 'Info', 'f (document 6): VirtualService shop/redirect', '"redirect" is not supported by the lane simulation'],
    ['IST0109: a VirtualService it cannot model still claims its host', [...clean, vs([{ redirect: { uri: '/x' } }], {}, 'redirect')], 'IST0109', 'Error', 'f (document 6): VirtualService shop/redirect', 'is also a sidecar VirtualService for host web.shop.svc.cluster.local, like f (document 5): VirtualService shop/web'],
    ['LANE006: two DestinationRules for one host defining one subset', [...clean, { ...dr(['v2']), metadata: { name: 'web-2', namespace: 'shop' } }], 'LANE006', 'Error', 'f (document 6): DestinationRule shop/web-2', 'drops duplicate subsets (here v2)'],
  ])('%s', (_name, objects, code, level, resource, message) => {
    // the code, at its level, on its object, saying what is wrong; nothing of that code on the clean mesh
    const findings = analyzeObjects(objects).filter(f => f.code === code);
    expect(findings).toEqual([{ code, level, resource, message: expect.stringContaining(message) }]);
    expect(codes(...clean)).not.toContain(code);
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

  test('workloads included: a lane whose pods no Deployment makes fails synth (IST0173); with them, synth passes', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    routing(chart);
    new ApiObject(chart, 'svc', service());
    workload(chart, 'v1');
    expect(synthErrors(app)).toEqual([
      '[] [IST0173] (subset v2 of web.shop.svc.cluster.local) selects no pod template among the Deployments, StatefulSets and Rollouts read (labels app=web, version=v2)',
    ]);
    workload(chart, 'v2');
    expect(synthErrors(app)).toEqual([]);
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

  test('property: synth reports the Error findings of `check` on what the app synthesizes (escape hatches included)', () => {
    fc.assert(fc.property(
      fc.record({ v1: fc.boolean(), v2: fc.boolean(), service: fc.nat(2), patchLabels: fc.boolean(), duplicate: fc.boolean() }),
      c => {
        const app = Testing.app();
        const chart = new Chart(app, 'c');
        const r = routing(chart);
        if (c.service > 0) new ApiObject(chart, 'svc', service(c.service));
        if (c.v1) workload(chart, 'v1');
        if (c.v2) workload(chart, 'v2');
        if (c.patchLabels) r.destinationRule!.addJsonPatch(JsonPatch.replace('/spec/subsets/1/labels/version', 'v3'));
        if (c.duplicate) new ApiObject(chart, 'again', { ...dr(['v1']), metadata: { name: 'web-again', namespace: 'shop' } });
        // the reference: the analyzer over every object as synthesized (toJson), as `check` reads a file
        const manifests = chart.node.findAll().filter(ApiObject.isApiObject).map(o => ({ path: o.node.path, obj: o.toJson() }));
        const expected = analyze(manifests).filter(f => f.level === 'Error').map(f => `[] ${describeFinding(f)}`);
        expect(synthErrors(app)).toEqual(expected);
      },
    ), { numRuns: runs(60) });
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
    expect(warning.out).toMatch(/^Warning \[IST0130\] \(.*warning.yaml \(document 5\): VirtualService shop\/web\) rule "late" is unreachable/);
    expect(cli('check', path.join(dir, 'warning.yaml'), '--failure-threshold', 'Warning').code).toBe(1);
    expect(cli('check', path.join(dir, 'warning.yaml'), '--output-threshold', 'Error')).toMatchObject({ code: 0, out: 'no findings\n' });
    expect(JSON.parse(cli('check', path.join(dir, 'warning.yaml'), '--json').out)).toEqual([expect.objectContaining({ code: 'IST0130', level: 'Warning' })]);
    expect(cli('check', path.join(dir, 'warning.yaml'), '--failure-threshold', 'Fatal').code).toBe(2);
    expect(cli('check', path.join(dir, 'missing.yaml')).code).toBe(2);
  });
});
