/**
 * The analyzers one by one: what makes each code fire, and what silences it (the objects it looks for, their
 * kinds, groups and namespaces). test/check.test.ts has one fixture per code and the CLI.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { analyzeObjects, deployment, dr, HOST, service, to, vs } from './check-fixtures';
import { LaneGroup, Target } from '../src';
import { stringify } from './helpers';
import { analyze, ANALYZERS } from '../src/private/analysis/analyze';
import { duplicateObjects } from '../src/private/analysis/analyzers/objects/duplicates';
import { conflictingMeshHosts } from '../src/private/analysis/analyzers/virtualservice/conflicting-mesh-hosts';
import { contextOf } from '../src/private/analysis/context';
import { Finding, Report } from '../src/private/analysis/findings';
import { resourcesOf } from '../src/private/analysis/istio/resources';
import { parseYaml, readMeshLeniently } from '../src/private/simulate/read/manifests';

function findings(...objects: object[]): Finding[] {
  return analyzeObjects(objects);
}

/** `CODE resource` of each finding of these codes. */
function found(codes: string[], ...objects: object[]): string[] {
  return findings(...objects).filter(f => codes.includes(f.code)).map(f => `${f.code} ${f.resource}`);
}

const workloads = [service(), deployment('v1'), deployment('v2')];
const rules = dr(['v1', 'v2']);
const other = 'other.shop.svc.cluster.local';

describe('the runner', () => {
  test('every analyzer declares the codes it reports, each code once across analyzers but IST0101', () => {
    const codes = ANALYZERS.flatMap(make => make().codes);
    expect([...codes].sort()).toEqual([
      'IST0101', 'IST0101', 'IST0101', 'IST0101', 'IST0106', 'IST0109', 'IST0112', 'IST0128', 'IST0129', 'IST0130', 'IST0131', 'IST0132', 'IST0140', 'IST0149',
      'IST0165', 'IST0173', 'IST0174', 'LANE001', 'LANE002', 'LANE004', 'LANE006',
    ]);
  });

  test('each analyzer has a name of its own: Istio\'s for those it transcribes', () => {
    const names = ANALYZERS.map(make => make().name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter(n => !n.startsWith('lanes.')).sort()).toEqual([
      'destinationrule.CaCertificateAnalyzer', 'destinationrule.SubsetSelectPodAnalyzer', 'schema.ValidationAnalyzer.VirtualService',
      'virtualservice.ConflictingMeshGatewayHostsAnalyzer', 'virtualservice.DestinationHostAnalyzer', 'virtualservice.DestinationRuleAnalyzer',
      'virtualservice.GatewayAnalyzer', 'virtualservice.JWTClaimRouteAnalyzer',
    ]);
  });

  test('the analyzers synth skips report nothing above Info but in the complete view', () => {
    const skipped = ANALYZERS.map(make => make()).filter(a => a.infoAtSynth).map(a => a.name);
    expect(skipped.sort()).toEqual(['destinationrule.SubsetSelectPodAnalyzer', 'lanes.HTTPRouteReferenceAnalyzer', 'lanes.UnmodelledObjectsAnalyzer', 'virtualservice.JWTClaimRouteAnalyzer']);
    const objects = [
      service(), dr(['v1', 'v2']), { ...rules, metadata: { name: 'other', namespace: 'shop' }, spec: { host: 'nowhere', subsets: [{ name: 'x', labels: { a: 'b' } }] } },
      vs([{ redirect: { uri: '/x' } }], {}, 'redirect'),
      vs([{ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }], route: [to('v1')] }], { gateways: ['gw'] }, 'jwt'),
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'shop' }, spec: { selector: { istio: 'gw' }, servers: [{ hosts: ['*'] }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-1', namespace: 'shop', labels: { istio: 'gw' } } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'shop' }, spec: { parentRefs: [{ name: 'nogw' }], rules: [{ backendRefs: [{ name: 'ghost', port: 80 }] }] } },
    ];
    const partial = analyzeObjects(objects, { only: skipped });
    expect(new Set(partial.map(f => f.code))).toEqual(new Set(['IST0173', 'IST0174', 'LANE004', 'IST0149', 'IST0101']));
    expect(new Set(partial.map(f => f.level))).toEqual(new Set(['Info']));
    expect(analyzeObjects(objects, { only: skipped, synth: true })).toEqual([]);
  });

  test('findings are listed Errors first, then Warnings, then Info, each level in the order of the walk', () => {
    const f = findings(service(2), deployment('v1'), dr(['v1']), vs([
      { route: [to('v1')] },
      { name: 'late', route: [{ destination: { host: HOST, subset: 'v9' } }] },
    ], { gateways: ['ingress', 'mesh'] }));
    expect(f.map(x => `${x.level} ${x.code}`)).toEqual([
      'Error IST0112', 'Error IST0112', 'Warning IST0130', 'Warning IST0101', 'Warning LANE002', 'Info IST0101',
    ]);
  });
});

describe('IST0101: destination hosts', () => {
  const route = vs([{ route: [{ destination: { host: other } }] }]);

  test('a ServiceEntry for the host is a host; a ServiceEntry for another, or another kind with hosts, is not', () => {
    const entry = (hosts: string[], kind = 'ServiceEntry') => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'se', namespace: 'shop' }, spec: { hosts } });
    expect(found(['IST0101'], ...workloads, rules, route)).toEqual(['IST0101 f (document 5): VirtualService shop/web']);
    expect(found(['IST0101'], ...workloads, rules, route, entry([other]))).toEqual([]);
    expect(found(['IST0101'], ...workloads, rules, route, entry(['third.shop.svc.cluster.local']))).toHaveLength(1);
    expect(found(['IST0101'], ...workloads, rules, route, entry([other], 'Sidecar'))).toHaveLength(1);
  });

  test('a Service is the host of its name in its namespace (default when none), under the cluster domain', () => {
    const svc = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { selector: { app: name } } });
    const to2 = (host: string) => vs([{ route: [{ destination: { host } }] }]);
    expect(found(['IST0101'], svc('web', 'shop'), to2(HOST))).toEqual([]);
    expect(found(['IST0101'], svc('web'), to2('web.default.svc.cluster.local'))).toEqual([]);
    expect(found(['IST0101'], svc('web', 'other'), to2(HOST))).toHaveLength(1);
    expect(found(['IST0101'], { ...svc('web', 'shop'), apiVersion: 'example.com/v1' }, svc('x', 'shop'), to2(HOST))).toHaveLength(1);
    expect(analyzeObjects([svc('web', 'shop'), to2('web.shop.svc.corp.example')], { clusterDomain: 'corp.example' })
      .filter(f => f.code === 'IST0101')).toEqual([]);
  });

  test('a host not found is an Info in the partial view (it may live elsewhere), Istio\'s Error in the complete view', () => {
    const f = (complete: boolean) => analyzeObjects([rules, route], { complete }).filter(x => x.code === 'IST0101');
    expect(f(false).map(x => [x.level, x.message, x.object])).toEqual([['Info',
      `http[0].route[0]: the host "${other}" is not found among the objects read (it may live elsewhere; --complete says the input is the whole cluster)`, 'VirtualService shop/web']]);
    expect(f(true).map(x => [x.level, x.message])).toEqual([['Error', `http[0].route[0]: the host "${other}" is not found`]]);
  });

  test('a ServiceEntry\'s wildcard host matches the hosts below it (it failed synth)', () => {
    const entry = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'eu', namespace: 'shop' }, spec: { hosts: ['*.eu.bookinfo.com'] } };
    const toHost = (host: string) => vs([{ route: [{ destination: { host } }] }]);
    expect(found(['IST0101'], entry, toHost('reviews.eu.bookinfo.com'))).toEqual([]);
    expect(found(['IST0101'], entry, toHost('reviews.us.bookinfo.com'))).toHaveLength(1);
  });

  test('a Service\'s exportTo annotation hides it from other namespaces', () => {
    const hidden = { ...service(), metadata: { name: 'web', namespace: 'shop', annotations: { 'networking.istio.io/exportTo': '.' } } };
    const from = (namespace: string) => ({ ...vs([{ route: [{ destination: { host: HOST } }] }]), metadata: { name: 'client', namespace } });
    expect(found(['IST0101'], hidden, from('shop'))).toEqual([]);
    expect(found(['IST0101'], hidden, from('other'))).toEqual(['IST0101 f (document 2): VirtualService other/client']);
  });

  test('mirror destinations are checked too', () => {
    expect(findings(service(), vs([{ route: [{ destination: { host: HOST } }], mirror: { host: other } }])).filter(x => x.code === 'IST0101').map(x => x.message))
      .toEqual([`http[0].mirror: the mirror host "${other}" is not found among the objects read (it may live elsewhere; --complete says the input is the whole cluster)`]);
  });
});

describe('IST0101: destination subsets', () => {
  test('a fallback subset no DestinationRule defines is reported like a destination\'s', () => {
    const fallback = vs([{ route: [{ ...to('v1'), fallback: { target: { host: HOST, subset: 'v9' } } }] }]);
    const f = analyzeObjects([...workloads, rules, fallback], { complete: true }).filter(x => x.code === 'IST0101');
    expect(f.map(x => [x.level, x.message])).toEqual([['Error', `http[0].route[0].fallback.target: the fallback subset v9 of ${HOST} is not found`]]);
  });

  test('partial: an Info per destination when no DestinationRule for the host is read; a Warning when one is (a misspelt subset?)', () => {
    const twice = vs([{ route: [{ ...to('v1'), weight: 50 }, { ...to('v2'), weight: 50 }] }, { route: [to('v1')] }]);
    expect(analyzeObjects([service(), twice]).filter(x => x.code === 'IST0101').map(x => `${x.level} ${x.message.split(' is ')[0]}`)).toEqual([
      `Info http[0].route[0]: the subset v1 of ${HOST}`, `Info http[0].route[1]: the subset v2 of ${HOST}`, `Info http[1].route[0]: the subset v1 of ${HOST}`,
    ]);
    for (const synth of [false, true]) {
      expect(analyzeObjects([service(), dr(['v1']), twice], { synth }).filter(x => x.code === 'IST0101').map(x => [x.level, x.message])).toEqual([['Warning',
        `http[0].route[1]: the subset v2 of ${HOST} is not found among the DestinationRules read for the host (Istio merges a host's DestinationRules, so one read elsewhere may define it)`]]);
    }
  });

  test('a DestinationRule names the host short or in full; a destination without a subset asks for none', () => {
    const short = { ...dr(['v1']), spec: { host: 'web', subsets: [{ name: 'v1' }] } };
    expect(found(['IST0101'], service(), short, vs([{ route: [to('v1')] }]))).toEqual([]);
    expect(found(['IST0101'], service(), vs([{ route: [{ destination: { host: HOST } }] }]))).toEqual([]);
  });
});

describe('IST0112: destination ports', () => {
  test('a destination that names its port, or a Service with one port, needs none', () => {
    expect(found(['IST0112'], service(2), deployment('v1'), dr(['v1']), vs([{ route: [to('v1', { port: { number: 80 } })] }]))).toEqual([]);
    expect(found(['IST0112'], service(1), deployment('v1'), dr(['v1']), vs([{ route: [to('v1')] }]))).toEqual([]);
  });
});

describe('IST0109: sidecar VirtualServices for one host', () => {
  test('a gateway-only VirtualService claims no sidecar host; one bound to mesh too does, and every party is reported', () => {
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), vs([{ route: [to('v1')] }], { gateways: ['istio-system/ingress'] }, 'gw'))).toEqual([]);
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), vs([{ route: [to('v1')] }], { gateways: ['istio-system/ingress', 'mesh'] }, 'both')))
      .toEqual(['IST0109 f (document 5): VirtualService shop/web', 'IST0109 f (document 6): VirtualService shop/both']);
  });

  test('a VirtualService the simulator cannot model claims its hosts the same way, a short host in its namespace', () => {
    const redirect = (name: string, extra: object) => vs([{ redirect: { uri: '/x' } }], extra, name);
    expect(found(['IST0109'], vs([{ route: [to('v1')] }]), redirect('short', { hosts: ['web'] }))).toEqual(['IST0109 f (document 1): VirtualService shop/web', 'IST0109 f (document 2): VirtualService shop/short']);
    expect(found(['IST0109'], vs([{ route: [to('v1')] }]), redirect('elsewhere', { hosts: ['web.other.svc.cluster.local'] }))).toEqual([]);
    expect(found(['IST0109'], vs([{ route: [to('v1')] }]), { ...redirect('x', {}), apiVersion: 'example.com/v1' })).toEqual([]);
    expect(found(['IST0109'], redirect('a', { hosts: 'web' }), redirect('b', { hosts: 'web' }))).toEqual([]);
  });

  test('exportTo: VirtualServices seen by different namespaces do not conflict; one exported to all meets every other', () => {
    const exported = (name: string, exportTo?: string[]) => vs([{ route: [to('v1')] }], exportTo ? { exportTo } : {}, name);
    expect(found(['IST0109'], exported('a', ['.']), exported('b', ['other']))).toEqual([]);
    expect(found(['IST0109'], exported('a', ['.']), exported('b'))).toEqual(['IST0109 f (document 1): VirtualService shop/a', 'IST0109 f (document 2): VirtualService shop/b']);
  });

  test('one VirtualService naming a host twice (short and in full) conflicts with itself, as in Istio, whose validation refuses it too', () => {
    const f = findings(...workloads, rules, vs([{ route: [to('v1')] }], { hosts: ['web', HOST] }));
    expect(f.filter(x => x.code === 'IST0109').map(x => x.object)).toEqual(['VirtualService shop/web']);
    expect(findings(vs([{ route: [to('v1')] }], { hosts: [HOST, HOST] })).filter(x => x.code === 'IST0106').map(x => x.message))
      .toEqual([`schema validation error: spec.hosts: duplicate hosts in virtual service: ${HOST} & ${HOST}`]);
  });
});

describe('LANE001: one object per kind, namespace and name', () => {
  test('another kind, namespace or API group is another object; another version of one group is not', () => {
    const obj = (kind: string, namespace: string, apiVersion = 'v1') => ({ apiVersion, kind, metadata: { name: 'a', namespace } });
    expect(found(['LANE001'], obj('ConfigMap', 'x'), obj('Secret', 'x'))).toEqual([]);
    expect(found(['LANE001'], obj('ConfigMap', 'x'), obj('ConfigMap', 'y'))).toEqual([]);
    expect(found(['LANE001'], obj('Gateway', 'x', 'networking.istio.io/v1'), obj('Gateway', 'x', 'gateway.networking.k8s.io/v1'))).toEqual([]);
    expect(found(['LANE001'], obj('Gateway', 'x', 'networking.istio.io/v1'), obj('Gateway', 'x', 'networking.istio.io/v1beta1'))).toEqual(['LANE001 f (document 2): Gateway x/a']);
    expect(found(['LANE001'], { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).toEqual([]);
  });

  test('mappings without a kind are no objects to compare', () => {
    expect(found(['LANE001'], { metadata: { name: 'a', namespace: 'x' } }, { metadata: { name: 'a', namespace: 'x' } })).toEqual([]);
  });

  test('a third copy is reported against the first', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } };
    expect(findings(cm, cm, cm).filter(f => f.code === 'LANE001').map(f => f.message.split(';')[0])).toEqual([
      'has the same kind, namespace and name as f (document 1): ConfigMap x/a',
      'has the same kind, namespace and name as f (document 1): ConfigMap x/a',
    ]);
  });
});

describe('LANE002: the routing header', () => {
  test('the header most lane destinations set is the routing header; one that sets another is reported', () => {
    const set = (subset: string, header: string) => ({ destination: { host: HOST, subset }, headers: { request: { set: { [header]: subset } } } });
    const f = findings(...workloads, rules, vs([{ match: [{ uri: { prefix: '/a' } }], route: [{ ...set('v1', 'x-lane'), weight: 50 }, { ...set('v2', 'x-lane'), weight: 50 }] }, { route: [set('v1', 'x-other')] }]))
      .filter(x => x.code === 'LANE002');
    expect(f.map(x => x.message)).toEqual([`destination ${HOST}/v1 does not set the routing header x-lane that the table's other lane destinations set, so the rest of the trace leaves the lane`]);
  });

  test('no lane destination sets a header, or a destination without a subset: nothing to report', () => {
    expect(found(['LANE002'], ...workloads, rules, vs([{ route: [{ destination: { host: HOST, subset: 'v1' } }] }]))).toEqual([]);
    expect(found(['LANE002'], ...workloads, rules, vs([{ match: [{ uri: { prefix: '/a' } }], route: [to('v1')] }, { route: [{ destination: { host: HOST } }] }]))).toEqual([]);
  });

  test('each table has its own routing header', () => {
    const set = (subset: string, header: string) => ({ destination: { host: HOST, subset }, headers: { request: { set: { [header]: subset } } } });
    expect(found(['LANE002'], ...workloads, rules,
      vs([{ route: [set('v1', 'x-a')] }], {}, 'a'),
      vs([{ route: [set('v2', 'x-b')] }], { hosts: ['web2.shop.svc.cluster.local'] }, 'b'))).toEqual([]);
  });
});

describe('IST0101, IST0132 and IST0165: gateways', () => {
  const gateway = (name: string, namespace: string, hosts: string[] = ['*'], apiVersion = 'networking.istio.io/v1') =>
    ({ apiVersion, kind: 'Gateway', metadata: { name, namespace }, spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts }] } });
  const bound = (ref: string) => vs([{ route: [to('v1')] }], { gateways: [ref] });
  const codes = (...objects: object[]) => findings(service(), dr(['v1']), ...objects).filter(f => ['IST0101', 'IST0132', 'IST0165'].includes(f.code)).map(f => `${f.code} ${f.level}`);

  test('an Istio Gateway in the input is found; a Gateway API Gateway of that name, or one in another namespace, is not', () => {
    expect(codes(...workloads, rules, bound('istio-system/ingress'), gateway('ingress', 'istio-system'))).toEqual([]);
    expect(codes(...workloads, rules, bound('istio-system/ingress'), gateway('ingress', 'istio-system', ['*'], 'gateway.networking.k8s.io/v1'))).toEqual(['IST0101 Info']);
    expect(codes(...workloads, rules, bound('istio-system/ingress'), gateway('ingress', 'other'))).toEqual(['IST0101 Info']);
  });

  test('a gateway named without its namespace is in the VirtualService\'s; one without a namespace in the default namespace', () => {
    expect(codes(...workloads, rules, bound('ingress'), gateway('ingress', 'shop'))).toEqual([]);
    expect(findings(...workloads, rules, bound('ingress')).filter(f => f.code === 'IST0101').map(f => f.message))
      .toEqual(['gateways[0]: the gateway shop/ingress is not found among the objects read (it may live elsewhere; --complete says the input is the whole cluster)']);
    const unplaced = { ...bound('ingress'), metadata: { name: 'web' } };
    expect(findings(unplaced).filter(f => f.code === 'IST0101' && f.message.startsWith('gateways')).map(f => [f.object, f.message.split(' is ')[0]]))
      .toEqual([['VirtualService default/web', 'gateways[0]: the gateway default/ingress']]);
  });

  test('complete view: a missing Gateway is an Error and has no hosts (IST0132 too)', () => {
    expect(analyzeObjects([bound('ingress')], { complete: true, only: ['virtualservice.GatewayAnalyzer'] }).map(f => `${f.code} ${f.level}`)).toEqual(['IST0101 Error', 'IST0132 Warning']);
  });

  test('IST0132: no host of the VirtualService among the Gateway\'s, as seen from its namespace', () => {
    expect(codes(bound('istio-system/ingress'), gateway('ingress', 'istio-system', ['*.shop.svc.cluster.local']))).toEqual([]);
    expect(codes(bound('istio-system/ingress'), gateway('ingress', 'istio-system', ['shop/*']))).toEqual([]);
    expect(codes(bound('istio-system/ingress'), gateway('ingress', 'istio-system', ['other/*']))).toEqual(['IST0132 Warning']);
    expect(codes(bound('istio-system/ingress'), gateway('ingress', 'istio-system', ['./*']))).toEqual(['IST0132 Warning']);
    expect(codes(bound('istio-system/ingress'), gateway('ingress', 'istio-system', ['*/*']))).toEqual([]);
  });

  test('IST0165: a Gateway Istio generates for a Gateway API gateway', () => {
    expect(codes(bound('istio-system/gw-istio-autogenerated-k8s-gateway-http'))).toEqual(['IST0101 Info']);
    expect(codes(bound('istio-system/gw~istio-autogenerated-k8s-gateway~http'))).toEqual(['IST0165 Warning']);
  });

  test('an HTTPRoute whose parent Gateway was not read', () => {
    const httpRoute = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    };
    expect(findings(service(), httpRoute).filter(f => f.code === 'IST0101')).toEqual([{
      code: 'IST0101',
      level: 'Info',
      resource: 'f (document 2): HTTPRoute shop/web',
      message: 'its parent gateway infra/gw is not found among the objects read (it may live elsewhere; --complete says the input is the whole cluster)',
    }]);
  });
});

describe('IST0173: subsets, pods and pod templates', () => {
  const workload = (kind: string, version: string, namespace = 'shop', labels: object = { app: 'web' }) => ({
    apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
    kind,
    metadata: { name: `web-${version}`, namespace },
    spec: { template: { metadata: { labels: { ...labels, version } } } },
  });
  const pod = (labels: object, nodeName?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', labels }, spec: { ...(nodeName ? { nodeName } : {}) } });
  const route = vs([{ route: [to('v1')] }]);
  const ist0173 = (...objects: object[]) => findings(...objects).filter(f => f.code === 'IST0173').map(f => `${f.level} ${f.object} ${f.message.split(':')[0]}`);

  test('Deployments, StatefulSets, Rollouts and Pods make pods; other kinds do not', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'Rollout']) expect(ist0173(service(), workload(kind, 'v1'), workload(kind, 'v2'), rules, route)).toEqual([]);
    expect(ist0173(service(), workload('Deployment', 'v1'), pod({ version: 'v2' }), rules, route)).toEqual([]);
    expect(ist0173(service(), workload('Deployment', 'v1'), workload('Job', 'v2'), rules, route)).toEqual(['Info DestinationRule shop/web subset v2']);
  });

  test('the subset\'s labels decide, as in Istio (the Service\'s selector and namespace do not); complete view: an Error', () => {
    expect(ist0173(service(), workload('Deployment', 'v1'), workload('Deployment', 'v2', 'other', { app: 'other' }), rules, route)).toEqual([]);
    expect(analyzeObjects([service(), workload('Deployment', 'v1'), rules], { complete: true }).filter(f => f.code === 'IST0173').map(f => [f.level, f.message]))
      .toEqual([['Error', 'subset v2: no pod with labels version=v2 is found; requests to the subset would fail (503 UH)']]);
  });

  test('a pod carries its node\'s topology labels', () => {
    const zoned = { ...rules, spec: { host: HOST, subsets: [{ name: 'west', labels: { 'topology.kubernetes.io/region': 'us-west' } }] } };
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/region': 'us-west' } } };
    expect(ist0173(service(), pod({ app: 'web' }, 'n1'), node, zoned)).toEqual([]);
    expect(ist0173(service(), pod({ app: 'web' }, 'n2'), node, zoned)).toEqual(['Info DestinationRule shop/web subset west']);
  });

  test('IST0174: a DestinationRule for a host no Service or ServiceEntry is', () => {
    expect(findings(rules).filter(f => f.code === 'IST0174').map(f => [f.level, f.object])).toEqual([['Info', 'DestinationRule shop/web']]);
    expect(findings(service(), rules).filter(f => f.code === 'IST0174')).toEqual([]);
  });
});

describe('IST0130, IST0131 and IST0106: the VirtualService validation', () => {
  test('every rule after a catch-all is unreachable; a rule whose every match an earlier rule takes, too; a covered prefix is ineffective', () => {
    const f = findings(...workloads, rules, vs([
      { name: 'a', match: [{ uri: { prefix: '/a' } }], route: [to('v2')] },
      { name: 'ab', match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v1')] },
      { name: 'again', match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v1')] },
      { name: 'longer', match: [{ uri: { prefix: '/bb' } }], route: [to('v1')] },
      { name: 'all', route: [to('v1')] },
      { name: 'after', match: [{ uri: { prefix: '/c' } }], route: [to('v1')] },
      { route: [to('v2')] },
    ])).filter(x => x.code === 'IST0130' || x.code === 'IST0131');
    expect(f.map(x => `${x.code} ${x.message}`)).toEqual([
      'IST0130 http rule "again" is never used (all matches used by prior rules)',
      'IST0130 http rule "after" is never used (route without matches defined before)',
      'IST0130 http rule #6 is never used (only the last rule can have no matches)',
      'IST0131 http rule "ab" match #0 is never used (an earlier match in rule "a" takes its requests)',
      'IST0131 http rule "again" match #0 is never used (an earlier match in rule "a" takes its requests)',
      'IST0131 http rule "again" match #1 is never used (an earlier match in rule "ab" takes its requests)',
      'IST0131 http rule "longer" match #0 of prefix /bb is never used (an earlier match in rule #1 of prefix /b on "ab" takes its requests)',
    ]);
  });

  test('a field of the wrong type is an IST0106 Error (it was an Info), as is a VirtualService without rules', () => {
    const f = findings({ ...vs([]), spec: { hosts: [HOST], http: 'route everything' } }, { ...vs([], {}, 'empty') }).filter(x => x.code === 'IST0106');
    expect(f.map(x => [x.level, x.object, x.message])).toEqual([
      ['Error', 'VirtualService shop/web', 'schema validation error: spec.http: must be a list, got string "route everything"'],
      ['Error', 'VirtualService shop/empty', 'schema validation error: spec: http, tcp or tls must be provided'],
    ]);
  });
});

describe('partial objects', () => {
  test('objects without metadata, spec or the fields an analyzer looks for are read as absent, never a TypeError', () => {
    const partial = [
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se2' }, spec: { hosts: [7, 'entry.shop.svc.cluster.local'] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: {} },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd2' }, spec: {} },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd3' }, spec: { template: {} } },
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { kind: 'ConfigMap', metadata: { name: 'no-version' } },
      { kind: 'ConfigMap', metadata: { name: 'no-version' } },
      {},
      null,
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'nospec', namespace: 'shop' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', spec: { hosts: ['nometa'], http: [{ redirect: { uri: '/' } }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'odd', namespace: 'shop' }, spec: { hosts: [7], http: [{ redirect: { uri: '/' } }] } },
    ] as object[];
    const route = vs([{ route: [{ destination: { host: 'web.default.svc.cluster.local' } }, { destination: { host: 'entry.shop.svc.cluster.local' } }].map(r => ({ ...r, weight: 50 })) }]);
    const f = findings(...partial, route);
    // the Service without a namespace is web.default, the ServiceEntry's string host counts: no IST0101
    expect(f.filter(x => x.code === 'IST0101')).toEqual([]);
    // two ConfigMaps without an API version are still one kind, namespace and name
    expect(f.filter(x => x.code === 'LANE001').map(x => x.resource)).toEqual(['f (document 12): ConfigMap no-version']);
    // a Service without spec has no ports to choose from
    expect(f.filter(x => x.code === 'IST0112')).toEqual([]);
  });

  test('a Service without a selector selects by the subset\'s labels alone', () => {
    const bare = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
    expect(found(['IST0173'], bare, deployment('v1'), deployment('v2'), rules, vs([{ route: [to('v1')] }]))).toEqual([]);
  });
});

describe('LANE002 and LANE006: what counts', () => {
  const set = (subset: string | undefined, header: string) => ({ destination: { host: HOST, ...(subset ? { subset } : {}) }, headers: { request: { set: { [header]: subset ?? 'any' } } } });

  test('the routing header is the one most lane destinations set, whatever comes first', () => {
    const f = findings(...workloads, rules, vs([
      { match: [{ uri: { prefix: '/o' } }], route: [set('v1', 'x-other')] },
      { match: [{ uri: { prefix: '/a' } }], route: [{ ...set('v1', 'x-lane'), weight: 50 }, { ...set('v2', 'x-lane'), weight: 50 }] },
      { route: [set('v2', 'x-lane')] },
    ])).filter(x => x.code === 'LANE002');
    expect(f.map(x => x.message.split(' does not')[0])).toEqual([`destination ${HOST}/v1`]);
  });

  test('destinations without a subset do not vote for the routing header', () => {
    expect(found(['LANE002'], ...workloads, rules, vs([
      { match: [{ uri: { prefix: '/a' } }], route: [{ ...set(undefined, 'x-any'), weight: 50 }, { ...set(undefined, 'x-any'), weight: 50 }] },
      { route: [set('v1', 'x-lane')] },
    ]))).toEqual([]);
  });

  test('LANE006: the message names the subsets defined twice, and none when there are none', () => {
    const named = (subsets: string[]) => ({ ...dr(subsets), metadata: { name: 'web2', namespace: 'shop' } });
    const lane006 = (...objects: object[]) => findings(...objects).filter(x => x.code === 'LANE006').map(x => [x.level, x.message]);
    const merged = `is also a DestinationRule for host ${HOST}, like f (document 4): DestinationRule shop/web; Istio merges them, keeps the first one's traffic policy and drops duplicate subsets`;
    expect(lane006(...workloads, rules, named(['v1', 'v2', 'v3']))).toEqual([['Error', `${merged} (here v1, v2), so define the host's subsets in one place`]]);
    expect(lane006(...workloads, rules, named(['v3']))).toEqual([['Warning', `${merged}, so define the host's subsets in one place`]]);
  });

  test('LANE006: DestinationRules for one host with distinct subsets are a Warning, naming no subset', () => {
    const distinct = { ...dr(['v3']), metadata: { name: 'web-v3', namespace: 'shop' } };
    const f = findings(...workloads, deployment('v3'), rules, distinct, vs([{ route: [to('v1')] }])).filter(x => x.code === 'LANE006');
    expect(f.map(x => x.level)).toEqual(['Warning']);
    expect(f[0].message).not.toContain('(here');
  });

  test('IST0173: without a Service and without subset labels, any pod template of the host\'s namespace will do', () => {
    const bare = { ...rules, spec: { host: HOST, subsets: [{ name: 'all' }] } };
    expect(found(['IST0173'], deployment('v1'), bare, vs([{ route: [to('v1')] }]))).toEqual([]);
  });
});

describe('objects that are not mappings (a List\'s null item)', () => {
  test('LANE001 and IST0109 pass over them', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } };
    const manifests = parseYaml([{ name: 'f', text: stringify({ apiVersion: 'v1', kind: 'List', items: [null, cm, cm] }) }]);
    const { mesh, unmodelled } = readMeshLeniently(manifests);
    expect(unmodelled.map(u => u.message)).toEqual(['f (document 1): a Kubernetes object must be a mapping, got null']);
    const ctx = contextOf({ manifests, resources: resourcesOf(manifests, 'default'), mesh, unmodelled, domain: 'cluster.local', view: 'partial' });
    const reported: string[] = [];
    const report: Report = (code, _level, resource) => reported.push(`${code} ${resource}`);
    duplicateObjects().objects!(ctx, report);
    conflictingMeshHosts().objects!(ctx, report);
    expect(reported).toEqual(['LANE001 f (document 1): ConfigMap x/a']);
  });

  test('the whole analysis names a List\'s null item as an object without kind or name (it threw a TypeError)', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } };
    const manifests = parseYaml([{ name: 'f', text: stringify({ apiVersion: 'v1', kind: 'List', items: [null, cm, 7] }) }]);
    expect(analyze(manifests).map(f => `${f.code} ${f.level} ${f.resource}: ${f.message}`)).toEqual([
      'LANE004 Info f (document 1): (no kind) (unnamed): not simulated, nor read by the lane checks: f (document 1): a Kubernetes object must be a mapping, got null',
      'LANE004 Info f (document 1): (no kind) (unnamed): not simulated, nor read by the lane checks: f (document 1): a Kubernetes object must be a mapping, got 7',
    ]);
  });
});

describe('the analysis at synth: a LaneGroup\'s read options', () => {
  test('an ASM lane group beside an unrelated Service synthesizes: the hosts of what ASM generates are not taken for missing', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new LaneGroup(chart, 'g', {
      name: 'g',
      target: Target.ASM,
      asmGeneratedNamespace: 'asm-gen',
      services: [{ name: 'mocka', namespace: 'default' }],
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }],
      baseline: 's1',
    });
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'default' }, spec: { selector: { app: 'other' }, ports: [{ port: 80 }] } });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('as Istio reads the input: what a review against Istio 1.30.3 found', () => {
  const complete = (only: string, ...objects: object[]) => analyzeObjects(objects, { complete: true, only: [only] }).map(f => `${f.code} ${f.object}`);

  test('a finding said twice is said once (IST0140 per subset destination, IST0130 per match after a catch-all)', () => {
    const gw = vs([{ route: [{ destination: { host: HOST } }] }], { gateways: ['ingress'] }, 'gw');
    const split = vs([{ route: [{ ...to('v1'), weight: 50 }, { ...to('v2'), weight: 50 }] }]);
    expect(complete('virtualservice.DestinationHostAnalyzer', service(), gw, split).filter(f => f.startsWith('IST0140'))).toEqual(['IST0140 VirtualService shop/gw']);
    const after = vs([{ route: [to('v1')] }, { match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v2')] }]);
    expect(complete('schema.ValidationAnalyzer.VirtualService', after)).toEqual(['IST0130 VirtualService shop/web']);
  });

  test('a Service stands for its host over a ServiceEntry of the same host, wherever each is', () => {
    const entry = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'e', namespace: 'shop' }, spec: { hosts: [HOST], ports: [{ number: 80 }, { number: 90 }] } };
    const route = vs([{ route: [{ destination: { host: HOST } }] }]);
    expect(complete('virtualservice.DestinationHostAnalyzer', service(), entry, route)).toEqual([]);
    expect(complete('virtualservice.DestinationHostAnalyzer', entry, service(), route)).toEqual([]);
    expect(complete('virtualservice.DestinationHostAnalyzer', entry, route)).toEqual(['IST0112 VirtualService shop/web']);
  });

  test('a port without a number is port 0', () => {
    expect(complete('virtualservice.DestinationHostAnalyzer', service(2), vs([{ route: [{ destination: { host: HOST, port: {} } }] }]))).toEqual(['IST0101 VirtualService shop/web']);
  });

  test('of two objects with one kind, namespace and name the later one is read; an input Service replaces istioctl\'s default', () => {
    const early = vs([{ route: [{ destination: { host: 'gone.shop.svc.cluster.local' } }] }]);
    expect(complete('virtualservice.DestinationHostAnalyzer', service(), early, vs([{ route: [{ destination: { host: HOST } }] }]))).toEqual([]);
    const ingress = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, spec: { ports: [{ port: 8080 }] } };
    const toIngress = vs([{ route: [{ destination: { host: 'istio-ingressgateway.istio-system.svc.cluster.local', port: { number: 8080 } } }] }]);
    expect(complete('virtualservice.DestinationHostAnalyzer', ingress, toIngress)).toEqual([]);
    expect(complete('virtualservice.DestinationHostAnalyzer', toIngress)).toEqual(['IST0101 VirtualService shop/web']);
  });

  test('matches compare without the values protobuf leaves out (false, 0, empty)', () => {
    const twice = vs([{ match: [{ uri: { prefix: '/a' } }], route: [to('v1')] }, { match: [{ uri: { prefix: '/a' }, ignoreUriCase: false, headers: {} }], route: [to('v2')] }, { route: [to('v1')] }]);
    expect(complete('schema.ValidationAnalyzer.VirtualService', twice)).toEqual(['IST0130 VirtualService shop/web', 'IST0131 VirtualService shop/web']);
  });

  test('odd input is read, never a TypeError: an apiVersion that is no string, a match that refers to itself', () => {
    expect(() => analyzeObjects([{ apiVersion: 1, kind: 'ConfigMap', metadata: { name: 'a' } }, { apiVersion: 1, kind: 'ConfigMap', metadata: { name: 'a' } }])).not.toThrow();
    // YAML refuses such a match (yaml.ts); a program can still build one
    const text = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: c, namespace: shop}\nspec:\n  hosts: [c]\n  http:\n  - match: [&m {uri: {prefix: /a}, x: *m}]\n    route: [{destination: {host: c}}]\n  - match: [*m]\n    route: [{destination: {host: c}}]\n';
    expect(() => parseYaml([{ name: 'f', text }])).toThrow(new Error('f (document 1): an alias refers to a collection that contains it'));
    const m: { [k: string]: unknown } = { uri: { prefix: '/a' } };
    m.x = m;
    const cyclic = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'c', namespace: 'shop' },
      spec: {
        hosts: ['c'], http: [{ match: [m], route: [{ destination: { host: 'c' } }] }, { match: [m], route: [{ destination: { host: 'c' } }] }],
      },
    };
    expect(() => analyze([{ origin: 'f', index: 1, obj: cyclic }])).not.toThrow();
  });
});


describe('the analyzers\' messages and edges', () => {
  const only = (name: string, objects: object[], complete = true) => analyzeObjects(objects, { complete, only: [name] });
  const tls = (tlsSettings: object, extra: object = {}) => ({ ...dr(['v1']), spec: { host: HOST, trafficPolicy: { tls: tlsSettings }, ...extra } });

  test('IST0128 and IST0129: SIMPLE and MUTUAL only; a credentialName counts only with a workload selector', () => {
    const ca = (...objects: object[]) => only('destinationrule.CaCertificateAnalyzer', objects).map(f => `${f.code} ${f.message}`);
    expect(ca(tls({ mode: 'ISTIO_MUTUAL' }), tls({ mode: 'DISABLE' }))).toEqual([]);
    expect(ca(tls({ mode: 'SIMPLE', credentialName: 'c' }, { workloadSelector: null }))).toEqual([
      `IST0128 trafficPolicy.tls: mode SIMPLE without caCertificates: the identity of host ${HOST} is not verified; set caCertificates`,
    ]);
    expect(ca(tls({ mode: 'SIMPLE' }, { workloadSelector: { matchLabels: { app: 'x' } } }))).toHaveLength(1);
    expect(ca(tls({ mode: 'SIMPLE', credentialName: 'c' }, { workloadSelector: { matchLabels: { app: 'x' } } }))).toEqual([]);
    const ports = { ...dr(['v1']), spec: { host: HOST, trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL' } }, { tls: { mode: 'SIMPLE' } }] } } };
    expect(ca(ports)).toEqual([
      `IST0129 trafficPolicy.portLevelSettings[0].tls: mode MUTUAL without caCertificates: the identity of host ${HOST} at port 443 is not verified; set caCertificates`,
      `IST0129 trafficPolicy.portLevelSettings[1].tls: mode SIMPLE without caCertificates: the identity of host ${HOST} at port (none) is not verified; set caCertificates`,
    ]);
  });

  test('IST0173: a node\'s region, zone and subzone as Istio\'s locality reads them, and the pod\'s hostname', () => {
    const pod = (nodeName: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${nodeName}`, namespace: 'shop', labels: { app: 'web' } }, spec: { nodeName } });
    const node = (name: string, labels: object) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
    const subset = (labels: object) => ({ ...dr([]), spec: { host: HOST, subsets: [{ name: 's', labels }] } });
    const selected = (labels: object, ...objects: object[]) => only('destinationrule.SubsetSelectPodAnalyzer', [service(), subset(labels), ...objects]).length === 0;
    const full = node('n1', { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z', 'topology.istio.io/subzone': 'sz' });
    expect(selected({ 'topology.kubernetes.io/zone': 'z', 'topology.istio.io/subzone': 'sz' }, full, pod('n1'))).toBe(true);
    expect(selected({ 'kubernetes.io/hostname': 'n1' }, pod('n1'))).toBe(true);
    expect(selected({ 'kubernetes.io/hostname': '' }, pod(''))).toBe(false);
    // no zone: the locality is the region alone, and the subzone is lost
    const noZone = node('n2', { 'topology.kubernetes.io/region': 'r', 'topology.istio.io/subzone': 'sz' });
    expect(selected({ 'topology.kubernetes.io/region': 'r' }, noZone, pod('n2'))).toBe(true);
    expect(selected({ 'topology.istio.io/subzone': 'sz' }, noZone, pod('n2'))).toBe(false);
    // no region: the zone still counts, no region label is added
    const noRegion = node('n3', { 'topology.kubernetes.io/zone': 'z' });
    expect(selected({ 'topology.kubernetes.io/zone': 'z' }, noRegion, pod('n3'))).toBe(true);
    expect(selected({ 'topology.kubernetes.io/region': '' }, noRegion, pod('n3'))).toBe(false);
    expect(selected({ 'topology.istio.io/subzone': '' }, full, node('n4', { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' }), pod('n4'))).toBe(false);
    // a node without a subzone leaves the pod's own subzone label as it is
    const own = { ...pod('n4'), metadata: { name: 'own', namespace: 'shop', labels: { 'app': 'web', 'topology.istio.io/subzone': 'mine' } } };
    expect(selected({ 'topology.istio.io/subzone': 'mine' }, node('n4', { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' }), own)).toBe(true);
  });

  test('IST0173: pods sharing a label are all tried; a workload of another API group is no pod template; a subset without labels names none', () => {
    const pod = (name: string, labels: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels } });
    expect(only('destinationrule.SubsetSelectPodAnalyzer', [service(), dr(['v2']), pod('a', { app: 'web', version: 'v1' }), pod('b', { app: 'web', version: 'v2' })])).toEqual([]);
    const both = { ...dr([]), spec: { host: HOST, subsets: [{ name: 'v1', labels: { app: 'web', version: 'v1' } }] } };
    expect(only('destinationrule.SubsetSelectPodAnalyzer', [service(), both, pod('a', { app: 'web', version: 'v1' }), pod('b', { app: 'web', version: 'v2' })])).toEqual([]);
    expect(only('destinationrule.SubsetSelectPodAnalyzer', [service(), both]).map(f => f.message))
      .toEqual(['subset v1: no pod with labels app=web, version=v1 is found; requests to the subset would fail (503 UH)']);
    const foreign = { ...deployment('v2'), apiVersion: 'example.com/v1' };
    expect(only('destinationrule.SubsetSelectPodAnalyzer', [service(), dr(['v2']), foreign]).map(f => f.code)).toEqual(['IST0173']);
    const bare = { ...dr([]), spec: { host: HOST, subsets: [{ name: 'all' }] } };
    expect(only('destinationrule.SubsetSelectPodAnalyzer', [service(), bare], false).map(f => f.message))
      .toEqual(['subset all: no pod with labels (none) is found among the objects read (it may live elsewhere; --complete says the input is the whole cluster); requests to the subset would fail (503 UH)']);
  });

  test('IST0101 host:port names the ports the service exposes, or none; IST0140 only for gateway HTTP routes', () => {
    const noPorts = { ...service(), spec: { selector: { app: 'web' } } };
    expect(only('virtualservice.DestinationHostAnalyzer', [noPorts, vs([{ route: [{ destination: { host: HOST, port: { number: 80 } } }] }])]).map(f => f.message))
      .toEqual([`http[0].route[0]: the host:port ${HOST}:80 is not found: Service shop/web exposes no port`]);
    expect(only('virtualservice.DestinationHostAnalyzer', [service(2), vs([{ route: [{ destination: { host: HOST, port: { number: 99 } } }] }])]).map(f => f.message))
      .toEqual([`http[0].route[0]: the host:port ${HOST}:99 is not found: Service shop/web exposes 80, 81`]);
    const split = vs([{ route: [{ ...to('v1'), weight: 50 }, { ...to('v2'), weight: 50 }] }]);
    const plain = (extra: object, kind = 'http') => vs([], { [kind]: [{ route: [{ destination: { host: HOST } }] }], ...extra }, 'plain');
    const ist0140 = (...objects: object[]) => only('virtualservice.DestinationHostAnalyzer', [service(), split, ...objects]).filter(f => f.code === 'IST0140').map(f => f.message);
    expect(ist0140(plain({}))).toEqual([]);
    expect(only('virtualservice.DestinationHostAnalyzer', [service(), plain({ gateways: ['gw'] })])).toEqual([]);
    expect(ist0140(plain({ gateways: ['gw'] }, 'tcp'))).toEqual([]);
    expect(ist0140(plain({ gateways: ['gw'] }))).toEqual([
      `http[0].route[0]: the subsets that VirtualService shop/web routes ${HOST} to have no effect on this gateway's requests, which go to the host without a subset; route to the subsets here`,
    ]);
    // a subset route of a VirtualService for another host, or a TCP subset route, does not count
    expect(ist0140(plain({ gateways: ['gw'] }), vs([], { tcp: [{ route: [to('v1')] }] }, 'tcp'))).toHaveLength(1);
  });

  test('IST0101: the subsets of the DestinationRules ASM generates for a lane group count as defined', () => {
    const group = { apiVersion: 'istio.alibabacloud.com/v1', kind: 'ASMSwimLaneGroup', metadata: { name: 'g' }, spec: { services: [{ name: 'web', namespace: 'shop' }], isPermissive: true, permissiveModeConfiguration: { fallbackTarget: 'v1', routeHeader: 'x-lane' } } };
    const lane = (v: string) => ({ apiVersion: 'istio.alibabacloud.com/v1', kind: 'ASMSwimLane', metadata: { name: v, labels: { 'swimlane-group': 'g' } }, spec: { labelSelector: { version: v }, services: [{ name: 'web', namespace: 'shop' }] } });
    const mine = vs([{ route: [to('v2')] }], { hosts: ['front.shop.svc.cluster.local'] }, 'front');
    const subsets = (...objects: object[]) => only('virtualservice.DestinationRuleAnalyzer', objects).map(f => f.message.split(' is ')[0]);
    expect(subsets(group, lane('v1'), lane('v2'), mine)).toEqual([]);
    expect(subsets(group, lane('v1'), mine)).toEqual([`http[0].route[0]: the subset v2 of ${HOST}`]);
    expect(subsets(mine)).toEqual([`http[0].route[0]: the subset v2 of ${HOST}`]);
  });

  test('IST0109: a namespace\'s claim meets a wildcard claim exported to all; the message names the namespace', () => {
    const claim = (name: string, hosts: string[], exportTo?: string[]) => vs([{ route: [to('v1')] }], { hosts, ...(exportTo ? { exportTo } : {}) }, name);
    const f = only('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [claim('own', [HOST], ['.']), claim('any', ['*.shop.svc.cluster.local'])]);
    const message = `the sidecar VirtualServices shop/any, shop/own all claim host ${HOST} (for namespace shop); Istio applies one of them, so route this host from one VirtualService`;
    expect(f.map(x => [x.object, x.message])).toEqual([['VirtualService shop/own', message], ['VirtualService shop/any', message]]);
    expect(only('virtualservice.ConflictingMeshGatewayHostsAnalyzer', [claim('own', [HOST], ['.']), claim('other', ['*.other.svc.cluster.local'])])).toEqual([]);
  });

  test('HTTPRoute references: a parent not read is named in the partial view; a backend of a ServiceEntry\'s host is found', () => {
    const route = (backendRefs: object[]) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'shop' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs }] } });
    const entry = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'e', namespace: 'shop' }, spec: { hosts: [HOST] } };
    const refs = (...objects: object[]) => only('lanes.HTTPRouteReferenceAnalyzer', objects).map(f => `${f.level} ${f.message}`);
    expect(refs(entry, route([{ name: 'web', port: 80 }]))).toEqual(['Error its parent gateway shop/gw is not found']);
    expect(refs(route([{ name: 'web', port: 80, kind: 'ServiceImport', group: 'multicluster.x-k8s.io' }]))).toEqual(['Error its parent gateway shop/gw is not found']);
    const noBackends = { ...route([]), spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/a' } }] }] } };
    expect(refs(noBackends)).toEqual(['Error its parent gateway shop/gw is not found']);
  });

  test('the views: synth lowers IST0112 to a Warning; istioctl\'s defaults join the complete view only; a finding about no object has no object key', () => {
    const twoPorts = [service(2), vs([{ route: [{ destination: { host: HOST } }] }])];
    expect(analyzeObjects(twoPorts, { synth: true }).filter(f => f.code === 'IST0112').map(f => f.level)).toEqual(['Warning']);
    expect(analyzeObjects(twoPorts).filter(f => f.code === 'IST0112').map(f => f.level)).toEqual(['Error']);
    const toIngress = vs([{ route: [{ destination: { host: 'istio-ingressgateway.istio-system.svc.cluster.local', port: { number: 80 } } }] }]);
    expect(only('virtualservice.DestinationHostAnalyzer', [toIngress])).toEqual([]);
    expect(only('virtualservice.DestinationHostAnalyzer', [toIngress], false).map(f => `${f.code} ${f.level}`)).toEqual(['IST0101 Info']);
    // synth keeps no Info
    expect(analyzeObjects([toIngress], { synth: true, only: ['virtualservice.DestinationHostAnalyzer'] })).toEqual([]);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } };
    expect(Object.keys(analyzeObjects([cm, cm])[0]).sort()).toEqual(['code', 'level', 'message', 'resource']);
  });
});
