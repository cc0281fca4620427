/**
 * How the analyzers read objects and hosts as Istio does (src/private/analysis/istio/hosts.ts, resources.ts), and
 * three VirtualService analyzers built on them: JWT claim routes (IST0149), gateway references (IST0101, IST0132,
 * IST0165) and the destinations a VirtualService lists (routes, mirrors, ASM fallbacks).
 */
import { analyzeObjects } from './check-fixtures';
import { fallbackDestinations, mirrorDestinations, routeDestinations } from '../src/private/analysis/analyzers/virtualservice/destinations';
import { isClaimHeader } from '../src/private/analysis/analyzers/virtualservice/jwt-claim-route';
import { destinationService, fqdn, hostsForNamespace, hostsMatch, resourceNameOf, serviceHosts, visibleTo } from '../src/private/analysis/istio/hosts';
import { ISTIOCTL_DEFAULTS, Resource, resourcesOf } from '../src/private/analysis/istio/resources';

const DOMAIN = 'cluster.local';
const res = (obj: object, index = 1) => new Resource({ origin: 'f', index, obj }, 'default');
const se = (name: string, namespace: string, spec: object) => res({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name, namespace }, spec });
const svc = (name: string, namespace: string, annotations: object = {}) =>
  res({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations }, spec: { ports: [{ port: 80 }, { port: 8080 }] } });

describe('hostsMatch: two hosts can name the same host as Istio compares them', () => {
  test('two plain hosts match only when equal', () => {
    expect(hostsMatch('a.com', 'a.com')).toBe(true);
    expect(hostsMatch('a.com', 'b.com')).toBe(false);
  });
  test('a wildcard matches the hosts that end in its suffix, on either side', () => {
    expect(hostsMatch('*.com', 'x.com')).toBe(true);
    expect(hostsMatch('x.com', '*.com')).toBe(true);
    expect(hostsMatch('x.org', '*.com')).toBe(false);
    expect(hostsMatch('*.foo.com', 'x.com')).toBe(false);
    expect(hostsMatch('x.com', '*.foo.com')).toBe(false);
  });
  test('two wildcards match when the longer one ends in the shorter one\'s suffix', () => {
    expect(hostsMatch('*.d', '*.productpage.d')).toBe(true);
    expect(hostsMatch('*.productpage.d', '*.d')).toBe(true);
    expect(hostsMatch('*.a.d', '*.b.d')).toBe(false);
    expect(hostsMatch('*.d', '*.e')).toBe(false);
  });
});

describe('fqdn and resourceNameOf: short names are Services of the namespace they are written in', () => {
  test('a short name gets the namespace and domain; a dotted name or a wildcard is kept', () => {
    expect(fqdn('web', 'shop', DOMAIN)).toBe('web.shop.svc.cluster.local');
    expect(fqdn('web.other', 'shop', DOMAIN)).toBe('web.other');
    expect(fqdn('*', 'shop', DOMAIN)).toBe('*');
  });
  test('a Service host names namespace/name, the last dot before .svc.DOMAIN being the boundary', () => {
    expect(resourceNameOf('web', 'shop', DOMAIN)).toBe('shop/web');
    expect(resourceNameOf('web.other.svc.cluster.local', 'shop', DOMAIN)).toBe('other/web');
    expect(resourceNameOf('a.b.ns.svc.cluster.local', 'shop', DOMAIN)).toBe('ns/a.b');
  });
  test('a host that is no Service host is named in the namespace it is written in', () => {
    expect(resourceNameOf('reviews.default.example.com', 'shop', DOMAIN)).toBe('shop/reviews.default.example.com');
    expect(resourceNameOf('web.svc.cluster.local', 'shop', DOMAIN)).toBe('shop/web.svc.cluster.local');
    // Istio's pattern needs a name and a namespace around the last dot
    expect(resourceNameOf('.ns.svc.cluster.local', 'shop', DOMAIN)).toBe('shop/.ns.svc.cluster.local');
    expect(resourceNameOf('web..svc.cluster.local', 'shop', DOMAIN)).toBe('shop/web..svc.cluster.local');
  });
});

describe('visibleTo, serviceHosts, destinationService: who sees a host', () => {
  test('exportTo: unset or * is every namespace, . is the own one', () => {
    expect(visibleTo([], 'shop')).toEqual(['*']);
    expect(visibleTo(['.', 'a', '*'], 'shop')).toEqual(['*']);
    expect(visibleTo(['.', 'a', 'shop'], 'shop')).toEqual(['shop', 'a']);
  });
  test('a ServiceEntry\'s ports are its port numbers, a Service\'s its ports', () => {
    const hosts = serviceHosts([se('ext', 'shop', { hosts: ['x.com'], ports: [{ number: 443, name: 'https' }] }), svc('web', 'shop')], DOMAIN);
    expect(hosts.byKey.get('*/x.com')?.ports).toEqual([443]);
    expect(hosts.byKey.get('*/web.shop.svc.cluster.local')?.ports).toEqual([80, 8080]);
  });
  test('a Service\'s exportTo annotation is a comma-separated list, its entries trimmed', () => {
    const hosts = serviceHosts([svc('web', 'shop', { 'networking.istio.io/exportTo': 'a, . ,b' })], DOMAIN);
    expect([...hosts.byKey.keys()]).toEqual(['a/web.shop.svc.cluster.local', 'shop/web.shop.svc.cluster.local', 'b/web.shop.svc.cluster.local']);
  });
  test('a destination sees a host exported to the namespaces its own exportTo names, . being its own', () => {
    const web = svc('web', 'shop', { 'networking.istio.io/exportTo': '.' });
    const hosts = serviceHosts([web], DOMAIN);
    expect(destinationService(hosts, 'shop', ['.'], 'web', DOMAIN)?.resource).toBe(web);
    expect(destinationService(hosts, 'shop', [], 'web', DOMAIN)?.resource).toBe(web);
    expect(destinationService(hosts, 'shop', ['other'], 'web', DOMAIN)).toBeUndefined();
  });
  test('a wildcard ServiceEntry exported to its own namespace is seen from that namespace only', () => {
    const ext = se('ext', 'shop', { hosts: ['*.example.com'], exportTo: ['.'] });
    const hosts = serviceHosts([ext], DOMAIN);
    expect(destinationService(hosts, 'shop', ['other'], 'a.example.com', DOMAIN)?.resource).toBe(ext);
    expect(destinationService(hosts, 'shop', ['other'], '*.b.example.com', DOMAIN)?.resource).toBe(ext);
    expect(destinationService(hosts, 'other', [], 'a.example.com', DOMAIN)).toBeUndefined();
  });
  test('only a leading * is taken off a destination host before its suffix is compared, as Istio\'s TrimPrefix does', () => {
    const hosts = serviceHosts([se('ext', 'shop', { hosts: ['*b.com'] })], DOMAIN);
    expect(destinationService(hosts, 'shop', [], 'a.b*.com', DOMAIN)).toBeUndefined();
  });
});

describe('hostsForNamespace: a Gateway\'s server hosts seen from a namespace', () => {
  test('ns/host counts for that namespace and */host for all, without the prefix', () => {
    expect(hostsForNamespace(['a.com', 'shop/b.com', 'other/c.com', '*/d.com'], 'shop')).toEqual(['a.com', 'b.com', 'd.com']);
  });
  test('a host with an empty namespace prefix is no namespace\'s', () => {
    expect(hostsForNamespace(['/x.com'], 'shop')).toEqual([]);
  });
});

describe('Resource and resourcesOf: objects read as protobuf getters read them', () => {
  test('an empty namespace is the default namespace', () => {
    expect(res({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'a', namespace: '' } }).namespace).toBe('default');
    expect(res({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'a', namespace: 'shop' } }).object).toBe('Service shop/a');
  });
  test('labels keep only string values', () => {
    const r = res({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', labels: { app: 'web', n: 1, b: true } } });
    expect(r.labels).toEqual({ app: 'web' });
    expect(r.labelMap({ a: 'x', b: null })).toEqual({ a: 'x' });
  });
  test('documents that are no mapping are skipped; nameless objects are each kept; of two with one name the later one is', () => {
    const m = (obj: unknown, index: number) => ({ origin: 'f', index, obj });
    const pod = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } } });
    const read = resourcesOf([m(null, 1), m('text', 2), m([1], 3), m(pod('', 'a'), 4), m(pod('', 'b'), 5), m(pod('p', 'c'), 6), m(pod('p', 'd'), 7)], 'default');
    expect(read.map(r => [r.name, r.labels.app])).toEqual([['', 'a'], ['', 'b'], ['p', 'd']]);
  });
  test('istioctl\'s defaults are the ingress gateway\'s Pod and Service in istio-system', () => {
    expect(resourcesOf(ISTIOCTL_DEFAULTS, 'default').map(r => r.object)).toEqual(['Pod istio-system/istio-ingressgateway-dummypod', 'Service istio-system/istio-ingressgateway']);
  });
});

describe('destinations of a VirtualService', () => {
  const d = (host: string, extra: object = {}) => ({ destination: { host, ...extra } });
  test('routes of the TCP, TLS and HTTP rules, in that order; a port given without a number is port 0, a null port none', () => {
    const v = res({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v', namespace: 'shop' },
      spec: {
        http: [{ route: [d('h', { subset: 's', port: { number: 8080 } }), d('h2', { port: null })] }],
        tls: [{ route: [d('t', { port: {} })] }],
        tcp: [{ route: [d('c')] }],
      },
    });
    expect(routeDestinations(v)).toEqual([
      { at: 'tcp[0].route[0]', host: 'c', subset: '', port: undefined },
      { at: 'tls[0].route[0]', host: 't', subset: '', port: 0 },
      { at: 'http[0].route[0]', host: 'h', subset: 's', port: 8080 },
      { at: 'http[0].route[1]', host: 'h2', subset: '', port: undefined },
    ]);
  });
  test('mirrors: mirror (unless null), then each of mirrors', () => {
    const v = res({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v', namespace: 'shop' },
      spec: { http: [{ mirror: { host: 'm' }, mirrors: [d('m1'), d('m2')] }, { mirror: null }] },
    });
    expect(mirrorDestinations(v)).toEqual([
      { at: 'http[0].mirror', host: 'm', subset: '', port: undefined },
      { at: 'http[0].mirrors[0]', host: 'm1', subset: '', port: undefined },
      { at: 'http[0].mirrors[1]', host: 'm2', subset: '', port: undefined },
    ]);
  });
  test('ASM fallback targets, a null or absent fallback being none', () => {
    const v = res({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v', namespace: 'shop' },
      spec: { http: [{ route: [d('a'), { ...d('b'), fallback: null }, { ...d('c'), fallback: { target: { host: 'f', subset: 'v1' } } }] }] },
    });
    expect(fallbackDestinations(v)).toEqual([{ at: 'http[0].route[2].fallback.target', host: 'f', subset: 'v1', port: undefined }]);
  });
});

const claimVs = (gateways: string[], match: object[], name = 'v') => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop' },
  spec: { hosts: ['a.com'], gateways, http: [{ match, route: [{ destination: { host: 'web' } }] }] },
});
const gateway = (name: string, namespace: string, hosts: string[][], selector: object = { app: 'gw' }) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: { selector, servers: hosts.map((h, i) => ({ port: { number: 80 + i, name: `http${i}`, protocol: 'HTTP' }, hosts: h })) },
});
const pod = (name: string, namespace: string, labels: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels } });
const ra = (namespace: string, matchLabels?: object, name = 'ra') => ({
  apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace }, spec: matchLabels ? { selector: { matchLabels } } : {},
});
const onClaim = [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }];

describe('isClaimHeader: a header routes on a JWT claim as Istio\'s ToRoutingClaim reads it', () => {
  test('@request.auth.claims (any case) then .NAME or [NAME]', () => {
    expect(isClaimHeader('@request.auth.claims.sub')).toBe(true);
    expect(isClaimHeader('@Request.Auth.Claims.sub')).toBe(true);
    expect(isClaimHeader('@request.auth.claims[sub]')).toBe(true);
    expect(isClaimHeader('@request.auth.claims[a][b]')).toBe(true);
  });
  test('no claim: another header, the prefix alone, an empty name or no separator', () => {
    expect(isClaimHeader('x-user')).toBe(false);
    expect(isClaimHeader('abcdefghijklmnopqrst.sub')).toBe(false);
    expect(isClaimHeader('@request.auth.claims')).toBe(false);
    expect(isClaimHeader('@request.auth.claims.')).toBe(false);
    expect(isClaimHeader('@request.auth.claimsXY')).toBe(false);
    expect(isClaimHeader('@request.auth.claims[]')).toBe(false);
    expect(isClaimHeader('@request.auth.claims[sub')).toBe(false);
    expect(isClaimHeader('@request.auth.claimssub]')).toBe(false);
  });
});

describe('virtualservice.JWTClaimRouteAnalyzer (IST0149)', () => {
  const run = (objects: object[]) => analyzeObjects(objects, { complete: true, only: ['virtualservice.JWTClaimRouteAnalyzer'] })
    .map(f => [f.code, f.level, f.object, f.message]);
  const msg = (key: string, p: string, gw: string) => `routes on the JWT claim ${key}, but a RequestAuthentication that selects pod ${p} of gateway ${gw} is not found: `
    + 'the claim is never validated nor available for routing; add a RequestAuthentication for the gateway\'s pods';
  const base = [gateway('gw', 'shop', [['a.com']]), pod('gw-1', 'shop', { app: 'gw' }), pod('other', 'shop', { app: 'other' })];

  test('a claim route on a gateway whose pod no RequestAuthentication selects: an Error per pod of the gateway', () => {
    expect(run([claimVs(['gw'], onClaim), ...base])).toEqual([['IST0149', 'Error', 'VirtualService shop/v', msg('@request.auth.claims.group', 'gw-1', 'shop/gw')]]);
  });
  test('the first claim header of any match is the one named, withoutHeaders included', () => {
    const match = [{ headers: { 'x-a': { exact: 'a' } } }, { withoutHeaders: { '@request.auth.claims[role]': { exact: 'b' } } }];
    expect(run([claimVs(['shop/gw'], match), ...base])).toEqual([['IST0149', 'Error', 'VirtualService shop/v', msg('@request.auth.claims[role]', 'gw-1', 'shop/gw')]]);
  });
  test('no claim route, mesh, a missing gateway, or a gateway named mesh: nothing', () => {
    expect(run([claimVs(['gw'], [{ headers: { 'x-a': { exact: 'a' } } }]), ...base])).toEqual([]);
    expect(run([claimVs(['mesh', 'missing'], onClaim), ...base])).toEqual([]);
    expect(run([claimVs(['mesh'], onClaim), gateway('mesh', 'shop', [['a.com']]), ...base.slice(1)])).toEqual([]);
  });
  test('a RequestAuthentication of the pod\'s namespace or of istio-system that selects the pod: nothing', () => {
    expect(run([claimVs(['gw'], onClaim), ...base, ra('shop', { app: 'gw' })])).toEqual([]);
    expect(run([claimVs(['gw'], onClaim), ...base, ra('istio-system', { app: 'gw' })])).toEqual([]);
    expect(run([claimVs(['gw'], onClaim), ...base, ra('shop')])).toEqual([]);
    expect(run([claimVs(['gw'], onClaim), ...base, ra('shop', { app: 'x' }), ra('shop', { app: 'gw' }, 'ra2')])).toEqual([]);
    expect(run([claimVs(['gw'], onClaim), ...base, ra('shop', { app: 'gw' }), ra('shop', { app: 'x' }, 'ra2')])).toEqual([]);
  });
  test('a RequestAuthentication that selects other pods, or of another namespace, or of another kind: the finding stays', () => {
    const one = [['IST0149', 'Error', 'VirtualService shop/v', msg('@request.auth.claims.group', 'gw-1', 'shop/gw')]];
    expect(run([claimVs(['gw'], onClaim), ...base, ra('shop', { app: 'x' })])).toEqual(one);
    expect(run([claimVs(['gw'], onClaim), ...base, ra('other', { app: 'gw' })])).toEqual(one);
    expect(run([claimVs(['gw'], onClaim), ...base, { ...ra('shop', { app: 'gw' }), kind: 'PeerAuthentication' }])).toEqual(one);
  });
});

describe('virtualservice.GatewayAnalyzer (IST0101, IST0132, IST0165)', () => {
  const run = (objects: object[]) => analyzeObjects(objects, { complete: true, only: ['virtualservice.GatewayAnalyzer'] })
    .map(f => [f.code, f.level, f.object, f.message]);
  const v = (gateways: string[], hosts: string[], namespace = 'shop') => ({
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace }, spec: { hosts, gateways, http: [{ route: [{ destination: { host: 'web' } }] }] },
  });
  const notIn = (at: string, vsHosts: string, gw: string, gwHosts: string, ns = 'shop') =>
    ['IST0132', 'Warning', `VirtualService ${ns}/v`, `${at}: none of the hosts ${vsHosts} is among the hosts of gateway ${gw} (${gwHosts} seen from namespace ${ns})`];

  test('a Gateway generated for a Gateway API gateway: IST0165, judged on the name after the namespace', () => {
    expect(run([v(['shop/web~istio-autogenerated-k8s-gateway~80'], ['a.com'])])).toEqual([['IST0165', 'Warning', 'VirtualService shop/v',
      'gateways[0]: shop/web~istio-autogenerated-k8s-gateway~80 is a Gateway Istio generates for a Gateway API gateway; name the Gateway API gateway\'s routes (HTTPRoute) instead']]);
    expect(run([v(['x~istio-autogenerated-k8s-gateway~/gw'], ['a.com'])])).toEqual([
      ['IST0101', 'Error', 'VirtualService shop/v', 'gateways[0]: the gateway x~istio-autogenerated-k8s-gateway~/gw is not found'],
      notIn('gateways[0]', 'a.com', 'x~istio-autogenerated-k8s-gateway~/gw', 'none'),
    ]);
  });
  test('no host of the VirtualService among the Gateway\'s: IST0132 listing both', () => {
    expect(run([v(['gw'], ['a.com', 'b.com']), gateway('gw', 'shop', [['x.com', 'y.com']])])).toEqual([notIn('gateways[0]', 'a.com, b.com', 'shop/gw', 'x.com, y.com')]);
    expect(run([v(['gw'], []), gateway('gw', 'shop', [['x.com']])])).toEqual([notIn('gateways[0]', '(none)', 'shop/gw', 'x.com')]);
    expect(run([v(['gw'], ['a.com']), gateway('gw', 'shop', [['other/a.com']])])).toEqual([notIn('gateways[0]', 'a.com', 'shop/gw', 'none')]);
  });
  test('server hosts: ./h is the Gateway\'s namespace, */h any, and */* makes the whole server *', () => {
    expect(run([v(['shop/gw'], ['a.com']), gateway('gw', 'shop', [['./a.com']])])).toEqual([]);
    expect(run([v(['edge/gw'], ['a.com']), gateway('gw', 'edge', [['./a.com', '*/b.com']])])).toEqual([notIn('gateways[0]', 'a.com', 'edge/gw', 'b.com')]);
    expect(run([v(['edge/gw'], []), gateway('gw', 'edge', [['x.com', '*/*', 'y.com'], ['z.com']])])).toEqual([notIn('gateways[0]', '(none)', 'edge/gw', '*, z.com')]);
    expect(run([v(['edge/gw'], ['.a']), gateway('gw', 'edge', [['.a']])])).toEqual([]);
  });
});
