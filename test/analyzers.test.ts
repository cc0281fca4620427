/**
 * The analyzers one by one: what makes each code fire, and what silences it (the objects it looks for, their
 * kinds, groups and namespaces). test/check.test.ts has one fixture per code and the CLI.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { analyzeObjects, deployment, dr, HOST, service, to, vs } from './check-fixtures';
import { LaneGroup, Target } from '../src';
import { analyze, ANALYZERS } from '../src/private/analysis/analyze';
import { duplicateObjects } from '../src/private/analysis/analyzers/objects/duplicates';
import { conflictingMeshHosts } from '../src/private/analysis/analyzers/virtualservice/conflicting-mesh-hosts';
import { Context, inventoryOf } from '../src/private/analysis/context';
import { Finding, Report } from '../src/private/analysis/findings';
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
    expect([...codes].sort()).toEqual(['IST0101', 'IST0101', 'IST0109', 'IST0112', 'IST0130', 'IST0131', 'IST0173', 'LANE001', 'LANE002', 'LANE003', 'LANE004', 'LANE005', 'LANE006']);
  });

  test('findings are listed Errors first, then Warnings, then Info, each level in the order of the walk', () => {
    const f = findings(service(2), deployment('v1'), dr(['v1']), vs([
      { route: [to('v1')] },
      { name: 'late', route: [{ destination: { host: HOST, subset: 'v9' } }] },
    ], { gateways: ['ingress', 'mesh'] }));
    expect(f.map(x => `${x.level} ${x.code}`)).toEqual([
      'Error IST0112', 'Error IST0101', 'Error IST0112', 'Warning IST0130', 'Warning LANE002', 'Info LANE003',
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

  test('without Services in the input, hosts are not checked', () => {
    expect(found(['IST0101'], rules, route)).toEqual([]);
  });

  test('an HTTPRoute backend of another kind than Service, or a rule without backends, names no host to look for', () => {
    const httpRoute = (rule: object) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [rule] },
    });
    expect(found(['IST0101'], service(), httpRoute({ backendRefs: [{ name: 'other', port: 80 }] }))).toEqual(['IST0101 f (document 2): HTTPRoute shop/web']);
    expect(found(['IST0101'], service(), httpRoute({ backendRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'other', port: 80 }] }))).toEqual([]);
    expect(found(['IST0101'], service(), httpRoute({ matches: [{ path: { type: 'PathPrefix', value: '/a' } }] }))).toEqual([]);
  });
});

describe('IST0101 and LANE005: destination subsets', () => {
  test('a fallback subset no DestinationRule defines is reported like a destination\'s', () => {
    const fallback = vs([{ route: [{ ...to('v1'), fallback: { target: { host: HOST, subset: 'v9' } } }] }]);
    const f = findings(...workloads, rules, fallback).filter(x => x.code === 'IST0101');
    expect(f.map(x => x.message)).toEqual([`destination ${HOST}/v1: no DestinationRule read defines subset v9 of ${HOST}`]);
  });

  test('a host no DestinationRule is for: LANE005 once per host, whatever the number of destinations', () => {
    const f = findings(vs([{ route: [{ ...to('v1'), weight: 50 }, { ...to('v2'), weight: 50 }] }, { route: [to('v1')] }])).filter(x => ['LANE005', 'IST0101'].includes(x.code));
    expect(f).toEqual([{
      code: 'LANE005',
      level: 'Info',
      resource: 'f (document 1): VirtualService shop/web',
      message: `no DestinationRule read is for host ${HOST}, so its subsets are not checked (they are defined elsewhere, e.g. by ASM)`,
    }]);
  });

  test('a destination without a subset asks for no DestinationRule', () => {
    expect(found(['LANE005', 'IST0101'], vs([{ route: [{ destination: { host: HOST } }] }]))).toEqual([]);
  });
});

describe('IST0112: destination ports', () => {
  test('a destination that names its port, or a Service with one port, needs none', () => {
    expect(found(['IST0112'], service(2), deployment('v1'), dr(['v1']), vs([{ route: [to('v1', { port: { number: 80 } })] }]))).toEqual([]);
    expect(found(['IST0112'], service(1), deployment('v1'), dr(['v1']), vs([{ route: [to('v1')] }]))).toEqual([]);
  });
});

describe('IST0109: sidecar VirtualServices for one host', () => {
  const unmodelled = (name: string, extra: object) => vs([{ redirect: { uri: '/x' } }], extra, name);

  test('a gateway-only VirtualService claims no sidecar host; one bound to mesh too does', () => {
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), vs([{ route: [to('v1')] }], { gateways: ['istio-system/ingress'] }, 'gw'))).toEqual([]);
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), vs([{ route: [to('v1')] }], { gateways: ['istio-system/ingress', 'mesh'] }, 'both')))
      .toEqual(['IST0109 f (document 6): VirtualService shop/both']);
  });

  test('a VirtualService it cannot model claims its hosts the same way, qualified in its namespace', () => {
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), unmodelled('gw', { gateways: ['istio-system/ingress'] }))).toEqual([]);
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), unmodelled('short', { hosts: ['web'] }))).toEqual(['IST0109 f (document 6): VirtualService shop/short']);
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), unmodelled('elsewhere', { hosts: ['web.other.svc.cluster.local'] }))).toEqual([]);
    const notIstio = { ...unmodelled('x', {}), apiVersion: 'example.com/v1' };
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), notIstio)).toEqual([]);
  });

  test('a VirtualService it cannot model that is bound to mesh besides a gateway claims its hosts; hosts that are not a list claim none', () => {
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }]), unmodelled('both', { gateways: ['istio-system/ingress', 'mesh'] })))
      .toEqual(['IST0109 f (document 6): VirtualService shop/both']);
    expect(found(['IST0109'], unmodelled('a', { hosts: 'web' }), unmodelled('b', { hosts: 'web' }))).toEqual([]);
  });

  test('one VirtualService naming a host twice is one claim', () => {
    expect(found(['IST0109'], ...workloads, rules, vs([{ route: [to('v1')] }], { hosts: [HOST, HOST] }))).toEqual([]);
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

describe('LANE003: gateways', () => {
  const gateway = (name: string, namespace: string, apiVersion = 'networking.istio.io/v1') => ({ apiVersion, kind: 'Gateway', metadata: { name, namespace }, spec: {} });
  const bound = (ref: string) => vs([{ route: [to('v1')] }], { gateways: [ref] });

  test('an Istio Gateway in the input silences it; a Gateway API Gateway of that name does not', () => {
    expect(found(['LANE003'], ...workloads, rules, bound('istio-system/ingress'), gateway('ingress', 'istio-system'))).toEqual([]);
    expect(found(['LANE003'], ...workloads, rules, bound('istio-system/ingress'), gateway('ingress', 'istio-system', 'gateway.networking.k8s.io/v1'))).toHaveLength(1);
    expect(found(['LANE003'], ...workloads, rules, bound('istio-system/ingress'), gateway('ingress', 'other'))).toHaveLength(1);
  });

  test('a gateway named without its namespace is in the VirtualService\'s', () => {
    expect(found(['LANE003'], ...workloads, rules, bound('ingress'), gateway('ingress', 'shop'))).toEqual([]);
    expect(findings(...workloads, rules, bound('ingress')).filter(f => f.code === 'LANE003').map(f => f.message))
      .toEqual(['its gateway shop/ingress is not among the objects read (it usually lives elsewhere)']);
  });

  test('a VirtualService without a namespace looks for its gateway in the default namespace', () => {
    const unplaced = { ...bound('ingress'), metadata: { name: 'web' } };
    expect(findings(unplaced).filter(f => f.code === 'LANE003')).toEqual([{
      code: 'LANE003',
      level: 'Info',
      resource: 'f (document 1): VirtualService web',
      message: 'its gateway default/ingress is not among the objects read (it usually lives elsewhere)',
    }]);
  });

  test('only a Gateway is a gateway: another Istio object of that name is not', () => {
    const named = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'ingress', namespace: 'shop' }, spec: { host: other } };
    expect(found(['LANE003'], ...workloads, rules, bound('ingress'), named)).toEqual(['LANE003 f (document 5): VirtualService shop/web']);
  });

  test('an HTTPRoute whose parent Gateway was not read', () => {
    const httpRoute = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    };
    expect(findings(service(), httpRoute).filter(f => f.code === 'LANE003')).toEqual([{
      code: 'LANE003',
      level: 'Info',
      resource: 'f (document 2): HTTPRoute shop/web',
      message: 'its gateway infra/gw is not among the objects read (it usually lives elsewhere)',
    }]);
  });
});

describe('IST0173: subsets and pod templates', () => {
  const workload = (kind: string, version: string, namespace = 'shop', labels: object = { app: 'web' }) => ({
    apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
    kind,
    metadata: { name: `web-${version}`, namespace },
    spec: { template: { metadata: { labels: { ...labels, version } } } },
  });
  const route = vs([{ route: [to('v1')] }]);

  test('Deployments, StatefulSets and Rollouts make pods; other kinds do not', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'Rollout']) {
      expect(found(['IST0173'], service(), workload(kind, 'v1'), workload(kind, 'v2'), rules, route)).toEqual([]);
    }
    expect(found(['IST0173'], service(), workload('Deployment', 'v1'), workload('Job', 'v2'), rules, route)).toEqual([`IST0173 subset v2 of ${HOST}`]);
  });

  test('the pods must carry the Service\'s selector too, in the Service\'s namespace', () => {
    expect(found(['IST0173'], service(), workload('Deployment', 'v1'), workload('Deployment', 'v2', 'shop', { app: 'other' }), rules, route)).toEqual([`IST0173 subset v2 of ${HOST}`]);
    expect(found(['IST0173'], service(), workload('Deployment', 'v1'), workload('Deployment', 'v2', 'other'), rules, route)).toEqual([`IST0173 subset v2 of ${HOST}`]);
  });

  test('without a Service, the subset\'s labels in the host\'s namespace decide', () => {
    expect(found(['IST0173'], workload('Deployment', 'v1'), workload('Deployment', 'v2'), rules, route)).toEqual([]);
    expect(found(['IST0173'], workload('Deployment', 'v1'), workload('Deployment', 'v2', 'other'), rules, route)).toEqual([`IST0173 subset v2 of ${HOST}`]);
  });

  test('a subset without labels selects every pod of the Service', () => {
    const bare = { ...rules, spec: { host: HOST, subsets: [{ name: 'all' }] } };
    expect(found(['IST0173'], service(), workload('Deployment', 'v1'), bare, route)).toEqual([]);
    expect(found(['IST0173'], workload('Deployment', 'v1', 'other'), bare, route)).toEqual([`IST0173 subset all of ${HOST}`]);
  });
});

describe('IST0130 and IST0131: conditions', () => {
  test('every rule after a catch-all is unreachable; a rule whose every match an earlier rule takes, too', () => {
    const f = findings(...workloads, rules, vs([
      { name: 'a', match: [{ uri: { prefix: '/a' } }], route: [to('v2')] },
      { name: 'ab', match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v1')] },
      { name: 'again', match: [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], route: [to('v1')] },
      { name: 'all', route: [to('v1')] },
      { name: 'after', match: [{ uri: { prefix: '/c' } }], route: [to('v1')] },
      { route: [to('v2')] },
    ])).filter(x => x.code === 'IST0130' || x.code === 'IST0131');
    expect(f.map(x => `${x.code} ${x.message.split(' is ')[0]}`)).toEqual([
      'IST0130 rule "again"', 'IST0130 rule "after"', 'IST0130 rule 6', 'IST0131 rule "ab" match 1',
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
    const ctx: Context = { manifests, mesh, unmodelled, inventory: inventoryOf(manifests, 'cluster.local'), domain: 'cluster.local' };
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
      'LANE004 Info f (document 1): (no kind) (unnamed): not analyzed: f (document 1): a Kubernetes object must be a mapping, got null',
      'LANE004 Info f (document 1): (no kind) (unnamed): not analyzed: f (document 1): a Kubernetes object must be a mapping, got 7',
    ]);
  });
});

describe('the analysis at synth: a LaneGroup\'s read options', () => {
  test('the namespace a LaneGroup gives ASM for what it generates is where the analysis reads ASM\'s VirtualServices', () => {
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
    // a Service, but not mocka's: the hosts are checked, and ASM's VirtualService routes to a host no Service is
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 'default' }, spec: { selector: { app: 'other' }, ports: [{ port: 80 }] } });
    expect(() => app.synthYaml()).toThrow('[IST0101] (ASMSwimLaneGroup g [c/g/SwimLaneGroup]: ASM-generated VirtualService asm-gen/trafficlabel-vs-g-default-mocka) '
      + 'destination mocka.default.svc.cluster.local/s1: no Service (or ServiceEntry) read is host mocka.default.svc.cluster.local');
  });
});
