/**
 * The Gateway API beyond matching: Gateways and their listeners (attachment by sectionName, port, allowedRoutes;
 * hostname intersection; listener isolation), backends the input does not settle and the `complete` view, the
 * filters (header modifiers with remove, response headers, redirects, rewrites, mirrors), the request's port,
 * scheme and caller namespace, and what every answer rests on (notes). The conformance suite's own cases are in
 * conformance.test.ts; these pin each rule on its own, with the whole message.
 */
import { Yaml } from 'cdk8s';
import { LaneSimulator } from '../src';
import { analyze } from '../src/private/analysis/analyze';
import { redirectLocation } from '../src/private/simulate/engine';
import { describeMatch } from '../src/private/simulate/explain';
import { firstMatch, hostMatches, matchesBlock } from '../src/private/simulate/matcher';
import { covers, intersect, readGateway, selects } from '../src/private/simulate/read/gateway';
import { readHttpRoutes } from '../src/private/simulate/read/httproute';
import { parseYaml } from '../src/private/simulate/read/manifests';
import { changedPath, makeRequest } from '../src/private/simulate/request';

const GW = 'gateway.networking.k8s.io/v1';
const svc = (name: string, ns = 'shop') => `${name}.${ns}.svc.cluster.local`;
const service = (name: string, ns = 'shop', ports: object[] = [{ port: 80 }], selector: object | null = { app: name }) =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ...(selector ? { selector } : {}), ports } });
const gateway = (listeners: object[], name = 'gw', ns = 'infra') => ({ apiVersion: GW, kind: 'Gateway', metadata: { name, namespace: ns }, spec: { gatewayClassName: 'c', listeners } });
const listener = (name: string, extra: object = {}) => ({ name, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } }, ...extra });
const route = (name: string, spec: object, ns = 'shop') => ({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name, namespace: ns }, spec });
const to = (backend: string, extra: object = {}) => ({ backendRefs: [{ name: backend, port: 80 }], ...extra });
const sim = (...objs: object[]) => LaneSimulator.fromYaml(Yaml.stringify(...objs), 'f');
const served = (s: LaneSimulator, request: object, options: object = {}) => {
  const r = s.simulate(request, { gateway: 'infra/gw', ...options });
  return r.matched ? r.outcomes.map(o => o.location ?? (o.status === 200 ? o.backend!.host.split('.')[0] : o.status)).join(',') : 404;
};

describe('hostnames: wildcards, intersection and the patterns requests are matched with', () => {
  test('a wildcard covers one or more labels, never its own suffix; every host covers all', () => {
    expect([covers('*.a.com', 'x.a.com'), covers('*.a.com', 'x.y.a.com'), covers('*.a.com', 'a.com'), covers('*.a.com', '*.b.a.com'), covers('*.b.a.com', '*.a.com')]).toEqual([true, true, false, true, false]);
    expect([covers(undefined, 'a.com'), covers('a.com', undefined), covers('a.com', 'a.com'), covers('a.com', 'b.com')]).toEqual([true, false, true, false]);
  });

  test('a route hostname and a listener hostname intersect in the more specific one; none: the listener\'s', () => {
    expect(intersect('*.a.com', ['x.a.com', 'b.com', '*.y.a.com', 'x.a.com'])).toEqual(['x.a.com', '*.y.a.com']);
    expect(intersect('x.a.com', ['*.a.com', 'y.a.com'])).toEqual(['x.a.com']);
    expect(intersect(undefined, ['a.com'])).toEqual(['a.com']);
    expect(intersect('a.com', [])).toEqual(['a.com']);
    expect(intersect(undefined, [])).toEqual([undefined]);
    expect(intersect('a.com', ['b.com'])).toEqual([]);
  });

  test('a request\'s host matches a hostname exactly or by a wildcard\'s suffix, its port and case ignored', () => {
    const req = (host: string) => makeRequest({ headers: { host } });
    expect(['a.com', 'A.com:8080', 'x.b.com', 'x.y.b.com:1', 'b.com', 'xa.com'].map(h => hostMatches(['a.com', '*.b.com'], req(h)))).toEqual([true, true, true, true, false, false]);
    expect(hostMatches(['*.b.com'], makeRequest({}))).toBe(false);
  });

  test('label selectors: matchLabels and every operator of matchExpressions', () => {
    const s = { matchLabels: { team: 'a' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'qa'] }, { key: 'x', operator: 'DoesNotExist', values: [] }] };
    expect([selects(s, { team: 'a', env: 'dev' }), selects(s, { team: 'a', env: 'prod' }), selects(s, { team: 'a', env: 'qa', x: '' }), selects(s, { env: 'dev' })]).toEqual([true, false, false, false]);
    const t = { matchLabels: {}, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'team', operator: 'Exists', values: [] }] };
    expect([selects(t, { team: 'b' }), selects(t, { team: 'b', env: 'prod' }), selects(t, { env: 'dev' })]).toEqual([true, false, false]);
  });
});

describe('Gateways and listeners', () => {
  test('a Gateway is read with its listeners; defaults: namespaces Same, kinds by protocol', () => {
    const g = readGateway('f: Gateway infra/gw', 'f (document 1): Gateway infra/gw', gateway([{ name: 'h', port: 8080, protocol: 'HTTPS', hostname: 'A.example.com' }]));
    expect(g).toEqual({ key: 'infra/gw', namespace: 'infra', location: 'f (document 1): Gateway infra/gw', listeners: [{ name: 'h', port: 8080, protocol: 'HTTPS', hostname: 'a.example.com', from: 'Same', selector: undefined, kinds: undefined }] });
  });

  test.each<[string, object, string]>([
    ['no listeners', { ...gateway([]), spec: { gatewayClassName: 'c' } }, 'f (document 1): Gateway infra/gw spec.listeners: must be a list, got undefined'],
    ['a port out of range', gateway([listener('h', { port: 0 })]), 'f (document 1): Gateway infra/gw spec.listeners[0].port: must be an integer from 1 to 65535, got 0'],
    ['namespaces from elsewhere', gateway([listener('h', { allowedRoutes: { namespaces: { from: 'Some' } } })]), 'f (document 1): Gateway infra/gw spec.listeners[0].allowedRoutes.namespaces.from: must be Same, All or Selector, got "Some"'],
    ['a selector operator', gateway([listener('h', { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'a', operator: 'Gt' }] } } } })]), 'f (document 1): Gateway infra/gw spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, got "Gt"'],
    ['an allowedRoutes key', gateway([listener('h', { allowedRoutes: { hosts: [] } })]), 'f (document 1): Gateway infra/gw spec.listeners[0].allowedRoutes: "hosts" is not supported by the lane simulation (it could change where requests go); supported here: namespaces, kinds'],
  ])('a broken Gateway is refused by name: %s', (_what, g, message) => {
    expect(() => sim(g, route('r', { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [to('web')] }), service('web'))).toThrow(new Error(message));
  });

  test('sectionName and port pick listeners; a listener that matches neither leaves the route unattached, with a note', () => {
    const g = gateway([listener('a', { hostname: 'a.com' }), listener('b', { hostname: 'b.com', port: 8080 })]);
    const s = sim(g, service('one'), service('two'),
      route('one', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'a' }], rules: [to('one')] }),
      route('two', { parentRefs: [{ name: 'gw', namespace: 'infra', port: 8080 }], rules: [to('two')] }),
      route('none', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'b', port: 80 }], rules: [to('one')] }));
    expect([served(s, { headers: { host: 'a.com' }, port: 80 }), served(s, { headers: { host: 'b.com' }, port: 8080 }), served(s, { headers: { host: 'b.com' }, port: 80 })]).toEqual(['one', 'two', 404]);
    expect(s.notes).toContain('f: HTTPRoute shop/none spec.parentRefs[0]: Gateway infra/gw has no listener named "b" on port 80, so the route is not attached there (NoMatchingParent)');
    // listeners on two ports: a request without a port is asked for one
    expect(() => s.simulate({ headers: { host: 'a.com' } }, { gateway: 'infra/gw' })).toThrow('LaneSimulator.simulate(): the routes of f: HTTPRoute shop/one (merged with 1 more) take requests on ports 80, 8080: give the request\'s port (request.port)');
    // the port of the host header counts
    expect(served(s, { headers: { host: 'b.com:8080' } })).toBe('two');
  });

  test('allowedRoutes: namespaces Same, All and Selector (by the labels of the Namespaces read), and kinds', () => {
    const ns = (name: string, labels: object) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    const g = gateway([
      listener('same', { hostname: 'same.com', allowedRoutes: { namespaces: { from: 'Same' } } }),
      listener('sel', { hostname: 'sel.com', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } } }),
      listener('kinds', { hostname: 'kinds.com', allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] } }),
      listener('tcp', { hostname: 'tcp.com', protocol: 'TCP' }),
    ]);
    const r = (n: string) => route(`r-${n}`, { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [to('web')] }, n);
    const s = sim(g, ns('a', { team: 'a' }), ns('b', { team: 'b' }), service('web', 'a'), service('web', 'b'), service('web', 'infra'), r('a'), r('b'), r('infra'));
    const from = (host: string) => s.simulate({ headers: { host } }, { gateway: 'infra/gw' }).outcomes.map(o => o.backend!.host.split('.')[1]).join(',') || 404;
    expect(['same.com', 'sel.com', 'kinds.com', 'tcp.com'].map(from)).toEqual(['infra', 'a', 404, 404]);
    expect(s.notes.filter(n => n.includes('r-b ') || n.includes('r-a spec.parentRefs[0]: listener "same"'))).toEqual([
      'f: HTTPRoute a/r-a spec.parentRefs[0]: listener "same" of Gateway infra/gw does not take the route: it takes routes of its own namespace infra only (NotAllowedByListeners)',
      'f: HTTPRoute b/r-b spec.parentRefs[0]: listener "same" of Gateway infra/gw does not take the route: it takes routes of its own namespace infra only (NotAllowedByListeners)',
      'f: HTTPRoute b/r-b spec.parentRefs[0]: listener "sel" of Gateway infra/gw does not take the route: its allowedRoutes.namespaces.selector does not select namespace b (NotAllowedByListeners)',
      'f: HTTPRoute b/r-b spec.parentRefs[0]: listener "kinds" of Gateway infra/gw does not take the route: its allowedRoutes.kinds (gateway.networking.k8s.io/GRPCRoute) do not take HTTPRoute (NotAllowedByListeners)',
      'f: HTTPRoute b/r-b spec.parentRefs[0]: listener "tcp" of Gateway infra/gw does not take the route: its protocol TCP takes no HTTPRoute (NotAllowedByListeners)',
    ]);
    // a namespace the input lacks: taken as selected, and said
    const unread = sim(g, service('web', 'c'), r('c'));
    expect(unread.notes).toContain('f: HTTPRoute c/r-c spec.parentRefs[0]: listener "sel" of Gateway infra/gw takes routes of the namespaces its selector selects, and no Namespace c was read: the route is taken as attached');
  });

  test('hostnames: a route none of whose hostnames a listener takes is not attached there; the most specific hostname routes', () => {
    const g = gateway([listener('w', { hostname: '*.a.com' })]);
    const s = sim(g, service('wild'), service('exact'), service('off'),
      route('wild', { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [to('wild')] }),
      route('exact', { parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['x.a.com'], rules: [to('exact', { matches: [{ path: { type: 'PathPrefix', value: '/x' } }] })] }),
      route('off', { parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['b.com'], rules: [to('off')] }));
    // x.a.com is routed by its own hostname only: /y there is 404, though the wildcard route would take it
    expect([served(s, { headers: { host: 'y.a.com' } }), served(s, { headers: { host: 'x.a.com' }, path: '/x' }), served(s, { headers: { host: 'x.a.com' }, path: '/y' }), served(s, { headers: { host: 'b.com' } })])
      .toEqual(['wild', 'exact', 404, 404]);
    expect(s.notes).toContain('f: HTTPRoute shop/off spec.parentRefs[0]: none of the route\'s hostnames (b.com) intersects listener "w"\'s *.a.com of Gateway infra/gw, so the route is not attached there (NoMatchingListenerHostname)');
  });

  test('listener isolation (on by default): the most specific listener takes the request, or nothing does; off: every listener on the port', () => {
    const g = gateway([listener('wild', { hostname: '*.a.com' }), listener('x', { hostname: 'x.a.com' })]);
    const objs = [g, service('wild'), route('wild', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'wild' }], rules: [to('wild')] })];
    const isolated = sim(...objs);
    expect([served(isolated, { headers: { host: 'y.a.com' } }), served(isolated, { headers: { host: 'x.a.com' } })]).toEqual(['wild', 404]);
    expect(isolated.simulate({ headers: { host: 'y.a.com' } }, { gateway: 'infra/gw' }).notes).toEqual(['infra/gw: listener isolation (GatewayHTTPListenerIsolation) applies: a request is handled only by the most specific listener whose hostname matches it']);
    const shared = LaneSimulator.fromYaml(Yaml.stringify(...objs), 'f', { listenerIsolation: false });
    expect([served(shared, { headers: { host: 'y.a.com' } }), served(shared, { headers: { host: 'x.a.com' } })]).toEqual(['wild', 'wild']);
    expect(shared.simulate({ headers: { host: 'x.a.com' } }, { gateway: 'infra/gw' }).notes).toEqual([]);
  });
});

describe('backends the input does not settle, and the complete view', () => {
  const g = gateway([listener('h')]);
  const parent = [{ name: 'gw', namespace: 'infra' }];

  test('a Service not read: routed as if it existed, with a note; complete: 500', () => {
    const s = sim(g, route('r', { parentRefs: parent, rules: [to('ghost')] }));
    const partial = s.simulate({}, { gateway: 'infra/gw' });
    expect([partial.status, partial.outcomes[0].backend, partial.notes]).toEqual([200, { host: svc('ghost'), port: 80 }, [
      'f: HTTPRoute shop/r rules[0].backendRefs[0]: no Service shop/ghost was read; routed as if it existed (with complete, the share fails with 500)',
    ]]);
    const complete = s.simulate({}, { gateway: 'infra/gw', complete: true });
    const [hop] = complete.outcomes;
    expect([complete.status, hop.failed, hop.backend, hop.reason, complete.unavailableProbability]).toEqual([
      500, true, undefined, 'rule "r-rule-1" matched; f: HTTPRoute shop/r rules[0].backendRefs[0]: no Service shop/ghost was read; the input is complete, so the share fails (500)', 1,
    ]);
  });

  test('a backend of another kind: never a refusal of the input; its answer unknown, or 500 when complete', () => {
    const s = sim(g, service('web'), route('r', { parentRefs: parent, rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 1 }, { group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'far', port: 80, weight: 1 }] }] }));
    const reason = 'f: HTTPRoute shop/r rules[0].backendRefs[1]: a backend of kind "multicluster.x-k8s.io/ServiceImport" (shop/far), which the lane simulation does not model';
    expect(s.notes).toContain(`${reason}: its answer is unknown`);
    const r = s.simulate({}, { gateway: 'infra/gw' });
    expect([r.status, r.outcomes.map(o => [o.status, o.failed, o.probability]), r.notes]).toEqual([undefined, [[200, false, 0.5], [undefined, false, 0.5]], [`${reason}: its answer is unknown`]]);
    expect(s.simulate({}, { gateway: 'infra/gw', complete: true }).outcomes.map(o => o.status)).toEqual([200, 500]);
  });

  test('a rule without a backend with a weight: 500 whatever the cluster holds', () => {
    const s = sim(g, service('web'), route('r', { parentRefs: parent, rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 0 }] }] }));
    const r = s.simulate({}, { gateway: 'infra/gw' });
    expect([r.status, r.outcomes[0].reason]).toEqual([500, 'rule "r-rule-1" matched; f: HTTPRoute shop/r rules[0]: the rule has no backend with a weight, so the Gateway API answers 500 (500)']);
  });

  test('a Gateway not read: the routes are taken as attached, with a note; complete: attached nowhere', () => {
    const s = sim(service('web'), route('r', { parentRefs: [{ name: 'gone', namespace: 'infra' }], rules: [to('web')] }));
    expect(s.simulate({}, { gateway: 'infra/gone' }).notes).toEqual(['f: HTTPRoute shop/r: Gateway infra/gone was not read; its routes are taken as attached to a listener that takes every request (with complete, they are attached nowhere)']);
    expect(() => s.simulate({}, { gateway: 'infra/gone', complete: true })).toThrow('no VirtualService bound to gateway "infra/gone" (the input is complete, and f: HTTPRoute shop/r\'s Gateway infra/gone was not read, so those routes are attached nowhere)');
  });

  test('a subset of a host no DestinationRule was read for: served; complete: 503', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'shop' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 's1' } }] }] } };
    const s = sim(vs);
    expect(s.simulate({}, { host: 'web' }).status).toBe(200);
    const r = s.simulate({}, { host: 'web', complete: true });
    expect([r.status, r.outcomes[0].reason]).toEqual([503, 'rule 1 matched; no DestinationRule defines subset "s1" of web.shop.svc.cluster.local (the input is complete, and none was read for web.shop.svc.cluster.local) and it has no fallback (503)']);
  });

  test('what only the run time decides is a note: an appProtocol, a Service without selector, timeouts', () => {
    const s = sim(g, service('h2', 'shop', [{ port: 80, appProtocol: 'kubernetes.io/h2c' }]), service('manual', 'shop', [{ port: 80 }], null),
      route('r', { parentRefs: parent, rules: [to('h2', { matches: [{ path: { value: '/h2' } }], timeouts: { request: '1s' } }), to('manual')] }));
    expect(s.simulate({ path: '/h2' }, { gateway: 'infra/gw' }).notes).toEqual([
      'f: HTTPRoute shop/r rules[0].timeouts (request 1s): a backend slower than that gets the request a 504, which only the run time decides',
      'f: HTTPRoute shop/r rules[0].backendRefs[0]: port 80 of Service shop/h2 has appProtocol kubernetes.io/h2c: whether the proxy and the backend agree on that protocol only the run time decides',
    ]);
    expect(s.simulate({ path: '/m' }, { gateway: 'infra/gw' }).notes).toEqual(['f: HTTPRoute shop/r rules[1].backendRefs[0]: Service shop/manual has no selector: its endpoints are EndpointSlices written outside it, which only the run time holds']);
  });
});

describe('filters: what the backend receives and what the client gets', () => {
  const g = gateway([listener('h')]);
  const parent = [{ name: 'gw', namespace: 'infra' }];

  test('request headers set, added and removed, at rule and backend level; simulate() and simulateChain() agree', () => {
    const modifier = (m: object) => [{ type: 'RequestHeaderModifier', requestHeaderModifier: m }];
    const s = sim(g, service('web'), route('r', {
      parentRefs: parent,
      rules: [{ filters: modifier({ set: [{ name: 'X-Lane', value: 's2' }], add: [{ name: 'X-Via', value: 'gw' }], remove: ['X-Drop'] }), backendRefs: [{ name: 'web', port: 80, filters: modifier({ add: [{ name: 'x-via', value: 'web' }] }) }] }],
    }));
    const request = { headers: { 'x-lane': 'old', 'x-via': 'client', 'x-drop': '1', 'x-keep': 'k' } };
    const [hop] = s.simulate(request, { gateway: 'infra/gw', routingHeader: 'x-via' }).outcomes;
    expect(hop.request).toEqual({ path: '/', headers: { 'x-lane': 's2', 'x-via': 'client,gw,web', 'x-keep': 'k' } });
    // the marker as the next hop sees it: with the appended values
    expect(hop.marker).toEqual({ header: 'x-via', value: 'client,gw,web' });
    const [chain] = s.simulateChain([svc('web')], request, { gateway: 'infra/gw', routingHeader: 'x-via' });
    expect([chain.hops[0].request, chain.hops[0].marker]).toEqual([hop.request, hop.marker]);
  });

  test('response headers: the edits the proxy makes, in the result', () => {
    const s = sim(g, service('web'), route('r', { parentRefs: parent, rules: [to('web', { filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'X-A', value: '1' }], add: [{ name: 'x-b', value: '2' }, { name: 'x-c', value: '3' }], remove: ['Server'] } }] })] }));
    expect(s.simulate({}, { gateway: 'infra/gw' }).outcomes[0].responseHeaders).toEqual({ set: { 'x-a': '1' }, add: { 'x-b': '2', 'x-c': '3' }, remove: ['server'] });
  });

  test.each<[string, object, object, string]>([
    ['defaults: the request\'s scheme, host, port and path, 302', {}, { headers: { host: 'a.com' }, path: '/p?q=1' }, '302 http://a.com/p?q=1'],
    ['a new scheme takes its own port', { scheme: 'https' }, { headers: { host: 'a.com:8080' }, port: 8080 }, '302 https://a.com/'],
    ['the listener\'s port is kept, unless it is the scheme\'s', {}, { headers: { host: 'a.com' }, port: 8080 }, '302 http://a.com:8080/'],
    ['a port and a hostname', { hostname: 'b.com', port: 8443, statusCode: 301 }, { headers: { host: 'a.com' } }, '301 http://b.com:8443/'],
    ['the whole path', { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } }, { headers: { host: 'a.com' }, path: '/old/x' }, '302 http://a.com/new'],
    ['the matched prefix', { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } }, { headers: { host: 'a.com' }, path: '/old/x' }, '302 http://a.com/v2/x'],
  ])('a redirect: %s', (_what, redirect, request, expected) => {
    const listeners = [listener('h'), listener('h8080', { port: 8080 })];
    const rest = (redirect as any).path?.type === 'ReplacePrefixMatch' ? {} : redirect;
    const s = sim(gateway(listeners), route('r', {
      parentRefs: parent,
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: redirect }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: rest }] },
      ],
    }));
    const r = s.simulate({ port: 80, ...request }, { gateway: 'infra/gw' });
    const [hop] = r.outcomes;
    expect(`${r.status} ${hop.location}`).toBe(expected);
    expect([hop.failed, hop.backend, hop.request]).toEqual([false, undefined, undefined]);
  });

  test('a rewrite: the host and path the backend receives; the matched prefix replaced by whole segments', () => {
    expect(['/a/b', '/a', '/a/'].map(p => changedPath(p, { prefix: { matched: '/a', replacement: '/x' } }))).toEqual(['/x/b', '/x', '/x/']);
    expect(changedPath('/a/b', { prefix: { matched: '/a/', replacement: '/' } })).toBe('/b');
    expect(changedPath('/a', { prefix: { matched: '/a', replacement: '/' } })).toBe('/');
    expect(changedPath('/a/b', { full: '/z' })).toBe('/z');
    const s = sim(g, service('web'), route('r', { parentRefs: parent, rules: [to('web', { matches: [{ path: { value: '/a' } }], filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'inner', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/x' } } }] })] }));
    // the Host header is the authority: rewritten with it
    expect(s.simulate({ headers: { host: 'outer' }, path: '/a/b?q=1' }, { gateway: 'infra/gw' }).outcomes[0].request).toEqual({ authority: 'inner', path: '/x/b?q=1', headers: { host: 'inner' } });
  });

  test('mirrors: named in the result with their share; they change no answer', () => {
    const mirror = (name: string, extra: object = {}) => ({ type: 'RequestMirror', requestMirror: { backendRef: { name, port: 80 }, ...extra } });
    const s = sim(g, service('web'), service('m1'), service('m2'), route('r', { parentRefs: parent, rules: [to('web', { filters: [mirror('m1'), mirror('m2', { fraction: { numerator: 1, denominator: 4 } })] })] }));
    const [hop] = s.simulate({}, { gateway: 'infra/gw' }).outcomes;
    expect([hop.backend!.host, hop.mirroredTo]).toEqual([svc('web'), [{ backend: { host: svc('m1'), port: 80 }, percent: 100 }, { backend: { host: svc('m2'), port: 80 }, percent: 25 }]]);
  });
});

describe('mesh routes (GAMMA): ports, consumer routes, and Services without a route', () => {
  const parentRef = (extra: object = {}) => ({ group: '', kind: 'Service', name: 'web', namespace: 'shop', ...extra });
  const header = (value: string) => [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-by', value }] } }];
  const s = sim(service('web', 'shop', [{ port: 80 }, { port: 8080 }]),
    route('producer', { parentRefs: [parentRef({ port: 80 })], rules: [to('web', { filters: header('producer') })] }),
    route('consumer', { parentRefs: [parentRef()], rules: [to('web', { filters: header('consumer') })] }, 'front'));
  const by = (request: object, options: object) => {
    const r = s.simulate(request, { host: svc('web'), ...options });
    return r.virtualService === undefined ? 'the Service itself' : r.outcomes[0].request!.headers['x-by'];
  };

  test('a consumer route takes its own namespace\'s callers, on every port; the producer route the others, on its port; the rest goes to the Service', () => {
    expect([by({}, { sourceNamespace: 'front' }), by({ port: 8080 }, { sourceNamespace: 'front' }), by({}, { sourceNamespace: 'shop' }), by({}, {}), by({ port: 8080 }, { sourceNamespace: 'shop' })])
      .toEqual(['consumer', 'consumer', 'producer', 'producer', 'the Service itself']);
  });

  test('a mesh route needs no ReferenceGrant for a backend in another namespace', () => {
    const cross = sim(service('web'), service('api', 'back'), route('r', { parentRefs: [parentRef()], rules: [{ backendRefs: [{ name: 'api', namespace: 'back', port: 80 }] }] }));
    const r = cross.simulate({}, { host: svc('web'), complete: true });
    expect([r.status, r.notes, r.outcomes[0].backend!.host]).toEqual([200, [], svc('api', 'back')]);
  });

  test('a Service with no route at all: any endpoint serves it, in simulate() as in simulateChain()', () => {
    const alone = sim(service('web'));
    const r = alone.simulate({}, { host: 'web' });
    expect([r.virtualService, r.status, r.port, r.outcomes[0].reason]).toEqual([undefined, 200, 80, 'no route table routes web.shop.svc.cluster.local: any endpoint of the Service web.shop.svc.cluster.local serves the request']);
    expect(alone.simulateChain(['web'], {}).map(p => p.trace)).toEqual(['web(any)']);
  });
});

describe('the request\'s port and scheme are checked', () => {
  const s = sim(service('web'));
  test.each<[object, string]>([
    [{ port: 0 }, 'request.port must be an integer from 1 to 65535, got 0'],
    [{ port: 1.5 }, 'request.port must be an integer from 1 to 65535, got 1.5'],
    [{ scheme: 'ftp' }, 'request.scheme must be "http" or "https", got "ftp"'],
    [{ port: '80' }, 'LaneSimulator.simulate(): request.port must be a number, got "80"'],
  ])('%j', (request, message) => {
    expect(() => s.simulate(request as any, { host: 'web' })).toThrow(message);
  });
});

describe('diff on the Gateway API: ports, hostnames and answers that are no backend', () => {
  const g = gateway([listener('a', { hostname: '*.a.com' }), listener('b', { hostname: 'b.com', port: 8080 })]);
  const mesh = (rules: { a: object; b: object }) => sim(g, service('one'), service('two'),
    route('ra', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'a' }], rules: [rules.a] }),
    route('rb', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'b' }], rules: [rules.b] }));

  test('a change on one listener is reported for its port and hostname only', () => {
    const before = mesh({ a: to('one'), b: to('one') });
    const after = mesh({ a: to('one'), b: to('two') });
    const d = before.diff(after);
    expect(d.changed).toBe(true);
    expect(d.entries.map(e => e.classes.map(c => [c.request, c.before[0].target, c.after[0].target]))).toEqual([[['port 8080; authority b.com', `${svc('one')}:80`, `${svc('two')}:80`]]]);
    expect(before.diff(mesh({ a: to('one'), b: to('one') })).changed).toBe(false);
  });

  test('a redirect and a backend that cannot be used are targets of their own', () => {
    const redirect = { filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'c.com' } }] };
    const d = mesh({ a: to('one'), b: to('one') }).diff(mesh({ a: redirect, b: to('ghost') }), { complete: true });
    const targets = d.entries.flatMap(e => e.classes.map(c => `${c.request}: ${c.after[0].target}`));
    expect(targets).toEqual(['port 80; authority witness.a.com: 302 http://c.com/', 'port 8080; authority b.com: 500']);
  });
});

describe('check on the Gateway API', () => {
  const findings = (...objs: object[]) => analyze(parseYaml([{ name: 'f', text: Yaml.stringify(...objs) }])).map(f => `${f.code} ${f.message}`);
  const parent = [{ name: 'gw', namespace: 'infra' }];

  test('a redirect and a backend of another kind are no hosts without a Service (IST0101)', () => {
    expect(findings(gateway([listener('h')]), service('web'),
      route('r', { parentRefs: parent, rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'c.com' } }] }, { matches: [{ path: { value: '/x' } }], backendRefs: [{ group: 'example.com', kind: 'Bucket', name: 'b' }] }] }))).toEqual([]);
    expect(findings(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [to('ghost')] }))).toEqual([
      `IST0101 destination ${svc('ghost')}: the Service ${svc('ghost')} is not found among the objects read (it may live elsewhere; --complete says the input is the whole cluster)`,
    ]);
  });

  test('complete: a backend Service the input lacks is an Error (partial: an Info)', () => {
    const objs = [gateway([listener('h')]), route('r', { parentRefs: parent, rules: [to('ghost')] })];
    expect(analyze(parseYaml([{ name: 'f', text: Yaml.stringify(...objs) }])).map(f => `${f.level} ${f.code}`)).toEqual(['Info IST0101']);
    expect(analyze(parseYaml([{ name: 'f', text: Yaml.stringify(...objs) }]), { complete: true }).map(f => `${f.level} ${f.code}`)).toEqual(['Error IST0101']);
  });

  test('IST0101: a Gateway API Gateway read counts; one not read is said', () => {
    expect(findings(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [to('web')] }))).toEqual([]);
    expect(findings(service('web'), route('r', { parentRefs: parent, rules: [to('web')] })))
      .toEqual(['IST0101 its parent gateway infra/gw is not found among the objects read (it may live elsewhere; --complete says the input is the whole cluster)']);
  });
});

describe('what review found: each pinned', () => {
  const parent = [{ name: 'gw', namespace: 'infra' }];

  test('a route with no rules is attached and routes nothing (404), never a TypeError', () => {
    const s = sim(gateway([listener('h')]), route('r', { parentRefs: parent, rules: [] }));
    expect(s.simulate({}, { gateway: 'infra/gw' })).toMatchObject({ matched: false, status: 404 });
  });

  test('a mesh route: its hostnames are not used (a note says so); a sectionName names a Service port', () => {
    const ports = [{ name: 'http', port: 80 }, { name: 'admin', port: 9000 }];
    const s = sim(service('web', 'shop', ports),
      route('named', { parentRefs: [{ group: '', kind: 'Service', name: 'web', sectionName: 'admin' }], hostnames: ['web.example.com'], rules: [to('web', { filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-by', value: 'admin' }] } }] })] }),
      route('gone', { parentRefs: [{ group: '', kind: 'Service', name: 'web', sectionName: 'grpc' }], rules: [to('web')] }));
    expect(s.notes).toContain('f: HTTPRoute shop/named spec.parentRefs[0]: the route\'s hostnames (web.example.com) are not used for a Service parent (GEP-1294); it takes every call to the Service');
    expect(s.notes).toContain('f: HTTPRoute shop/gone spec.parentRefs[0]: Service shop/web has no port named "grpc", so the route is not attached there (NoMatchingParent)');
    const by = (port: number) => s.simulate({ port }, { host: 'web' }).outcomes[0].responseHeaders?.set['x-by'];
    expect([by(9000), by(80)]).toEqual(['admin', undefined]);
  });

  test('allowedRoutes.kinds empty: the protocol\'s kinds', () => {
    const s = sim(gateway([listener('h', { allowedRoutes: { namespaces: { from: 'All' }, kinds: [] } })]), service('web'), route('r', { parentRefs: parent, rules: [to('web')] }));
    expect(s.simulate({}, { gateway: 'infra/gw' }).status).toBe(200);
  });

  test('a redirect through an HTTPS listener keeps https; its response edits and mirrors stay', () => {
    const g = gateway([listener('tls', { port: 443, protocol: 'HTTPS' })]);
    const s = sim(g, service('m'), route('r', {
      parentRefs: parent,
      rules: [{
        filters: [
          { type: 'RequestRedirect', requestRedirect: { hostname: 'c.com' } },
          { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-r', value: '1' }] } },
          { type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 } } },
        ],
      }],
    }));
    const [hop] = s.simulate({ headers: { host: 'a.com' } }, { gateway: 'infra/gw' }).outcomes;
    expect([hop.location, hop.responseHeaders?.set, hop.mirroredTo?.length]).toEqual(['https://c.com/', { 'x-r': '1' }, 1]);
  });

  test('a header or query name given twice in a match: its first entry counts, once', () => {
    const s = sim(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [to('web', { matches: [{ headers: [{ name: 'version', value: 'one' }, { name: 'Version', value: 'two' }], queryParams: [{ name: 'q', value: '1' }, { name: 'q', value: '2' }] }] })] }));
    expect(s.simulate({ headers: { version: 'one' }, path: '/?q=1' }, { gateway: 'infra/gw' }).status).toBe(200);
    expect(s.simulate({ headers: { version: 'two' }, path: '/?q=1' }, { gateway: 'infra/gw' }).status).toBe(404);
  });

  test('one header given two actions in one filter is refused by name', () => {
    const bad = (m: object) => () => sim(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [to('web', { filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: m }] })] }));
    expect(bad({ set: [{ name: 'X', value: '1' }], remove: ['x'] })).toThrow('f (document 3): HTTPRoute shop/r rules[0].filters[0].requestHeaderModifier: header "x" is given more than one action (set, add, remove); the Gateway API allows one per filter');
    expect(bad({ add: [{ name: 'x', value: '1' }, { name: 'X', value: '2' }] })).toThrow('f (document 3): HTTPRoute shop/r rules[0].filters[0].requestHeaderModifier.add[1]: header "x" is given more than one action (set, add, remove); the Gateway API allows one per filter');
  });

  test('a mirror the input does not settle is a note on the answer', () => {
    const s = sim(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [to('web', { filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'gone', port: 80 } } }] })] }));
    expect(s.simulate({}, { gateway: 'infra/gw' }).notes).toEqual(['f: HTTPRoute shop/r rules[0].filters[0].requestMirror.backendRef: no Service shop/gone was read; the mirror\'s copies are taken as sent']);
  });

  test('a caller\'s namespace for a request through a gateway is an error', () => {
    const s = sim(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [to('web')] }));
    expect(() => s.simulate({}, { gateway: 'infra/gw', sourceNamespace: 'shop' })).toThrow('sourceNamespace "shop" is the namespace of a caller inside the mesh; a request through gateway infra/gw comes from outside it');
  });

  test('a chain: redirects in the trace, the table\'s notes on its hops', () => {
    const s = sim(service('web'), route('r', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'c.com' } }] }] }),
      route('q', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [to('web', { matches: [{ path: { value: '/q' } }] })] }));
    const [path] = s.simulateChain(['web'], { headers: { host: 'web' } });
    expect(path.trace).toBe('web(302 to http://c.com/)');
    expect(path.hops[0].notes).toEqual([`${svc('web')}: HTTPRoutes shop/r, shop/q merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name`]);
  });

  test('diff: a mesh route moved to another port; a route added to a Gateway; a redirect that keeps the scheme', () => {
    const mesh = (port: number) => sim(service('web', 'shop', [{ port: 80 }, { port: 8080 }]), route('r', { parentRefs: [{ group: '', kind: 'Service', name: 'web', port }], rules: [to('web', { filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x', value: '1' }] } }] })] }));
    const moved = mesh(80).diff(mesh(8080));
    expect(moved.entries.flatMap(e => e.classes.map(c => `${c.request}: ${c.before[0].target} -> ${c.after[0].target}`))).toEqual([
      `port 80: ${svc('web')}:80 -> ${svc('web')} (no route attached)`,
      `port 8080: ${svc('web')} (no route attached) -> ${svc('web')}:80`,
    ]);
    const g = gateway([listener('h')]);
    const one = [g, service('a'), service('b'), route('ra', { parentRefs: parent, hostnames: ['a.com'], rules: [to('a')] })];
    const added = sim(...one).diff(sim(...one, route('rb', { parentRefs: parent, hostnames: ['b.com'], rules: [to('b')] })));
    expect(added.entries.map(e => [e.entry, e.status, e.classes.map(c => c.request)])).toEqual([['gateway infra/gw', 'changed', ['port 80; authority b.com']]]);
    // a redirect of a mesh route keeps the caller's scheme: http and https requests are told apart
    const redirect = (extra: object) => sim(service('web'), route('r', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'c.com', ...extra } }] }] }));
    const schemes = redirect({}).diff(redirect({ scheme: 'http' }));
    expect(schemes.entries.flatMap(e => e.classes.map(c => c.request))).toEqual(['scheme https']);
  });

  test('a chain\'s call that names no port, to a Service whose routes take several: the port taken is a note', () => {
    const s = sim(service('web', 'shop', [{ port: 80 }, { port: 8080 }]),
      route('a', { parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }], rules: [to('web')] }),
      route('b', { parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 8080 }], rules: [to('web')] }));
    const notes = (headers: { [name: string]: string }) => s.simulateChain(['web'], { headers })[0].hops[0].notes ?? [];
    expect(notes({})).toContain(`f: HTTPRoute shop/a (merged with 1 more): the call to ${svc('web')} names no port, and its routes take ports 80, 8080: taken as port 80`);
    expect(notes({ host: 'web:8080' }).some(n => n.includes('names no port'))).toBe(false);
  });

  test('diff --chain through a host without a route', () => {
    expect(sim(service('web')).diff(sim(service('web')), { chain: ['web'] }).changed).toBe(false);
  });
});

describe('a large table is searched by the request\'s host', () => {
  test('the first match is the one a scan in order finds, for every request', () => {
    const block = (over: object = {}) => ({ headers: [], queryParams: [], ...over });
    const hosts = ['a.com', 'b.com', 'c.com'];
    // 90 routes: exact hostnames, a wildcard, none, a path condition, and a route with no block
    const routes = Array.from({ length: 90 }, (_, i) => {
      if (i === 88) return { matches: [] };
      if (i % 9 === 0) return { matches: [block({ hostnames: ['*.com'], uri: { kind: 'exact', value: `/p${i % 4}` } })] };
      if (i % 7 === 0) return { matches: [block({ uri: { kind: 'exact', value: `/p${i % 4}` } })] };
      return { matches: [block({ hostnames: [hosts[i % 3]], uri: { kind: 'exact', value: `/p${i % 5}` } }), block({ hostnames: [hosts[(i + 1) % 3]], method: { kind: 'exact', value: 'POST' } })] };
    }) as any[];
    const scan = (req: any) => routes.findIndex(r => r.matches.length === 0 || r.matches.some((b: any) => matchesBlock(b, req)));
    let checked = 0;
    for (const host of [...hosts, 'd.com', undefined]) {
      for (const path of ['/p0', '/p1', '/p2', '/p3', '/p4', '/x']) {
        for (const method of ['GET', 'POST']) {
          const req = makeRequest({ headers: host ? { host } : {}, path, method });
          expect([host, path, method, firstMatch(routes, req)]).toEqual([host, path, method, scan(req)]);
          checked++;
        }
      }
    }
    expect(checked).toBe(60);
    // without the route that takes every request: the requests no route takes get -1, as in the scan
    const some = routes.filter((_, i) => i !== 88);
    const scanSome = (req: any) => some.findIndex(r => r.matches.some((b: any) => matchesBlock(b, req)));
    const misses = [...hosts, 'd.com', undefined].flatMap(host => ['/p0', '/x'].map(path => makeRequest({ headers: host ? { host } : {}, path, method: 'GET' })));
    expect(misses.map(req => firstMatch(some, req))).toEqual(misses.map(scanSome));
    expect(misses.map(req => firstMatch(some, req))).toContain(-1);
    // a table of fewer routes is scanned in order: the same answers
    expect(firstMatch(routes.slice(0, 20), makeRequest({ headers: { host: 'b.com' }, path: '/p1' }))).toBe(scan(makeRequest({ headers: { host: 'b.com' }, path: '/p1' })) < 20 ? scan(makeRequest({ headers: { host: 'b.com' }, path: '/p1' })) : -1);
  });
});

describe('what mutation testing found: each pinned', () => {
  const parent = [{ name: 'gw', namespace: 'infra' }];
  const web = route('r', { parentRefs: parent, rules: [to('web')] });
  const sel = (selector: object) => gateway([listener('h', { allowedRoutes: { namespaces: { from: 'Selector', selector } } })]);
  const at = 'f (document 1): Gateway infra/gw spec.listeners[0]';
  const selAt = `${at}.allowedRoutes.namespaces.selector`;
  test.each<[string, object, object, string]>([
    ['matchExpressions not a list', sel({ matchExpressions: 'x' }), web, `${selAt}.matchExpressions: must be a list, got "x"`],
    ['a matchExpression key unknown', sel({ matchExpressions: [{ key: 'a', operator: 'In', value: ['b'] }] }), web,
      `${selAt}.matchExpressions[0]: "value" is not supported by the lane simulation (it could change where requests go); supported here: key, operator, values`],
    ['an operator not a string', sel({ matchExpressions: [{ key: 'a', operator: 1 }] }), web, `${selAt}.matchExpressions[0].operator: must be a string, got 1`],
    ['a matchExpression without key', sel({ matchExpressions: [{ operator: 'Exists' }] }), web, `${selAt}.matchExpressions[0].key: must be a string, got undefined`],
    ['a value not a string', sel({ matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] }), web, `${selAt}.matchExpressions[0].values[0]: must be a string, got 1`],
    ['a matchLabel not a string', sel({ matchLabels: { a: 1 } }), web, `${selAt}.matchLabels.a: must be a string, got 1`],
    ['metadata not a mapping', { ...gateway([listener('h')]), metadata: 'x' }, web, 'f (document 1): Gateway (unnamed) metadata: must be a mapping (an object), got "x"'],
    ['a namespace not a string', { ...gateway([listener('h')]), metadata: { name: 'gw', namespace: 5 } }, web, 'f (document 1): Gateway gw metadata.namespace: must be a string, got 5'],
    ['no name', { ...gateway([listener('h')]), metadata: { namespace: 'infra' } }, web, 'f (document 1): Gateway infra/(unnamed) metadata.name: must be a string, got undefined'],
    ['allowedRoutes not a mapping', gateway([listener('h', { allowedRoutes: 'x' })]), web, `${at}.allowedRoutes: must be a mapping (an object), got "x"`],
    ['namespaces not a mapping', gateway([listener('h', { allowedRoutes: { namespaces: 'x' } })]), web, `${at}.allowedRoutes.namespaces: must be a mapping (an object), got "x"`],
    ['a namespaces key unknown', gateway([listener('h', { allowedRoutes: { namespaces: { from: 'All', to: 'x' } } })]), web,
      `${at}.allowedRoutes.namespaces: "to" is not supported by the lane simulation (it could change where requests go); supported here: from, selector`],
    ['from not a string', gateway([listener('h', { allowedRoutes: { namespaces: { from: 1 } } })]), web, `${at}.allowedRoutes.namespaces.from: must be a string, got 1`],
    ['kinds not a list', gateway([listener('h', { allowedRoutes: { kinds: 'x' } })]), web, `${at}.allowedRoutes.kinds: must be a list, got "x"`],
    ['a kind not a mapping', gateway([listener('h', { allowedRoutes: { kinds: ['x'] } })]), web, `${at}.allowedRoutes.kinds[0]: must be a mapping (an object), got "x"`],
    ['a kind\'s group not a string', gateway([listener('h', { allowedRoutes: { kinds: [{ group: 1, kind: 'HTTPRoute' }] } })]), web, `${at}.allowedRoutes.kinds[0].group: must be a string, got 1`],
    ['a kind without kind', gateway([listener('h', { allowedRoutes: { kinds: [{}] } })]), web, `${at}.allowedRoutes.kinds[0].kind: must be a string, got undefined`],
    ['a hostname not a string', gateway([listener('h', { hostname: 1 })]), web, `${at}.hostname: must be a string, got 1`],
    ['a listener without name', gateway([{ port: 80, protocol: 'HTTP' }]), web, `${at}.name: must be a string, got undefined`],
    ['a listener without protocol', gateway([{ name: 'h', port: 80 }]), web, `${at}.protocol: must be a string, got undefined`],
    ['a parentRef port not an integer', gateway([listener('h')]), route('r', { parentRefs: [{ name: 'gw', namespace: 'infra', port: 'x' }], rules: [to('web')] }),
      'f (document 2): HTTPRoute shop/r spec.parentRefs[0].port: must be an integer from 1 to 65535, got "x"'],
    ['a sectionName not a string', gateway([listener('h')]), route('r', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 5 }], rules: [to('web')] }),
      'f (document 2): HTTPRoute shop/r spec.parentRefs[0].sectionName: must be a string, got 5'],
  ])('every field of a Gateway and of a parentRef is read strictly, by its path: %s', (_what, g, r, message) => {
    expect(() => sim(g, r, service('web'))).toThrow(new Error(message));
  });

  test('a Gateway\'s selector with every operator, matchLabels null, kinds null and no namespace is read as written', () => {
    const expressions = ['In', 'NotIn', 'Exists', 'DoesNotExist'].map((operator, i) => ({ key: `k${i}`, operator, ...(i < 2 ? { values: ['a', 'b'] } : {}) }));
    const g = readGateway('s', 'l', {
      metadata: { name: 'gw' },
      spec: { listeners: [listener('h', { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: null, matchExpressions: expressions } }, kinds: null } })] },
    });
    expect(g.key).toBe('default/gw');
    expect(g.listeners[0]).toEqual({
      name: 'h',
      port: 80,
      protocol: 'HTTP',
      hostname: undefined,
      from: 'Selector',
      kinds: undefined,
      selector: { matchLabels: {}, matchExpressions: expressions.map(e => ({ values: [], ...e })) },
    });
  });

  test('a mesh route\'s hostnames and a listener\'s refusal name every hostname; a listener missing is named by what the parentRef gives', () => {
    const s = sim(gateway([listener('h', { hostname: 'a.com' })]), service('web'),
      route('mesh', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], hostnames: ['x.com', 'y.com'], rules: [to('web')] }),
      route('off', { parentRefs: parent, hostnames: ['b.com', 'c.com'], rules: [to('web')] }),
      route('section', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'nope' }], rules: [to('web')] }),
      route('port', { parentRefs: [{ name: 'gw', namespace: 'infra', port: 8080 }], rules: [to('web')] }));
    expect(s.notes).toEqual([
      'f: HTTPRoute shop/mesh spec.parentRefs[0]: the route\'s hostnames (x.com, y.com) are not used for a Service parent (GEP-1294); it takes every call to the Service',
      'f: HTTPRoute shop/off spec.parentRefs[0]: none of the route\'s hostnames (b.com, c.com) intersects listener "h"\'s a.com of Gateway infra/gw, so the route is not attached there (NoMatchingListenerHostname)',
      'f: HTTPRoute shop/section spec.parentRefs[0]: Gateway infra/gw has no listener named "nope", so the route is not attached there (NoMatchingParent)',
      'f: HTTPRoute shop/port spec.parentRefs[0]: Gateway infra/gw has no listener on port 8080, so the route is not attached there (NoMatchingParent)',
    ]);
  });

  test('a mesh route\'s sectionName: a port other than the parentRef\'s leaves it unattached; a Service not read takes it on every port', () => {
    const ports = [{ name: 'http', port: 80 }, { name: 'admin', port: 9000 }];
    const s = sim(service('web', 'shop', ports), route('r', { parentRefs: [{ group: '', kind: 'Service', name: 'web', sectionName: 'admin', port: 80 }], rules: [to('web')] }));
    expect(s.notes).toEqual(['f: HTTPRoute shop/r spec.parentRefs[0]: port "admin" of Service shop/web is 9000, not 80, so the route is not attached there (NoMatchingParent)']);
    const notes: string[] = [];
    const source = { source: 'f: HTTPRoute shop/r', location: 'f (document 1)', obj: route('r', { parentRefs: [{ group: '', kind: 'Service', name: 'web', sectionName: 'admin' }], rules: [to('web')] }) };
    const [table] = readHttpRoutes([source], 'cluster.local', notes);
    expect(notes).toEqual(['f: HTTPRoute shop/r spec.parentRefs[0]: no Service shop/web was read to tell which port is named "admin": the route is taken as attached to every port']);
    // no port condition: every port
    expect(table.routes[0].matches).toEqual([]);
  });

  test('a Selector listener: a namespace read and selected, or a listener that takes every namespace, needs no note', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } };
    expect(sim(sel({ matchLabels: { team: 'a' } }), ns, service('web'), web).notes).toEqual([]);
    expect(sim(gateway([listener('h')]), service('web'), web).notes).toEqual([]);
    // no Namespace read at all: taken, and said
    const notes: string[] = [];
    readHttpRoutes([{ source: 'f: HTTPRoute shop/r', location: 'f (document 1)', obj: web }], 'cluster.local', notes, {
      gateways: new Map([['infra/gw', readGateway('g', 'g', sel({ matchLabels: { team: 'a' } }))]]), services: new Map(),
    });
    expect(notes.filter(n => n.includes('selector'))).toEqual(['f: HTTPRoute shop/r spec.parentRefs[0]: listener "h" of Gateway infra/gw takes routes of the namespaces its selector selects, and no Namespace shop was read: the route is taken as attached']);
  });
});

describe('what mutation testing found in the engine: each pinned', () => {
  const parent = [{ name: 'gw', namespace: 'infra' }];
  const redirecting = (extra: object = {}) => ({ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'c.com' } }], ...extra });

  test('complete: a subset a DestinationRule defines is served', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'shop' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 's1' } }] }] } };
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'd', namespace: 'shop' }, spec: { host: 'web', subsets: [{ name: 's1', labels: { v: '1' } }] } };
    const r = sim(vs, dr, service('web')).simulate({}, { host: 'web', complete: true });
    expect([r.status, r.outcomes[0].backend]).toEqual([200, { host: svc('web'), subset: 's1' }]);
  });

  test('a redirect\'s Location: no port when neither the request nor the redirect gives one', () => {
    expect(redirectLocation({ statusCode: 302, hostname: 'b.com' }, makeRequest({ path: '/a?q=1' }))).toBe('http://b.com/a?q=1');
    expect(redirectLocation({ statusCode: 302, hostname: 'b.com' }, { ...makeRequest({ path: '/a' }), port: 8080 })).toBe('http://b.com:8080/a');
    // a request without a host (the simulation allows one): the Location has none either
    expect(redirectLocation({ statusCode: 302 }, makeRequest({ path: '/a' }))).toBe('http:///a');
  });

  test('a share that fails for its backend: 500, not via a fallback, without notes', () => {
    const g = gateway([listener('h')]);
    const none = sim(g, service('web'), route('r', { parentRefs: parent, rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 0 }] }] })).simulate({}, { gateway: 'infra/gw' });
    const ghost = sim(g, route('r', { parentRefs: parent, rules: [to('ghost')] })).simulate({}, { gateway: 'infra/gw', complete: true });
    const seen = [none, ghost].map(r => [r.outcomes[0].status, r.outcomes[0].viaFallback, r.outcomes[0].notes, r.notes]);
    expect(seen).toEqual([[500, false, undefined, []], [500, false, undefined, []]]);
  });

  test('a redirect: its reason, its rule\'s notes, not via a fallback; in a chain it ends the path, and is no failure', () => {
    const s = sim(gateway([listener('h')]), service('web'), route('r', { parentRefs: parent, rules: [redirecting({ timeouts: { request: '1s' } })] }));
    const [hop] = s.simulate({ headers: { host: 'a.com' } }, { gateway: 'infra/gw' }).outcomes;
    expect([hop.status, hop.failed, hop.viaFallback, hop.reason, hop.notes]).toEqual([302, false, false, 'rule "r-rule-1" matched: redirect 302 to http://c.com/', [
      'f: HTTPRoute shop/r rules[0].timeouts (request 1s): a backend slower than that gets the request a 504, which only the run time decides',
    ]]);
    const chain = sim(service('web'), service('next'), route('m', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [redirecting()] }));
    const paths = chain.simulateChain(['web', 'next'], { headers: { host: 'web' } });
    expect(paths.map(p => [p.trace, p.hops.map(h => [h.status, h.failed])])).toEqual([['web(302 to http://c.com/)', [[302, false]]]]);
  });

  test('a chain through a backend of another kind: its answer is unknown, in the trace too', () => {
    const s = sim(service('web'), route('m', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [{ backendRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'far', port: 80 }] }] }));
    const [path] = s.simulateChain(['web'], {});
    expect([path.trace, path.hops[0].status, path.hops[0].failed]).toEqual(['ServiceImport:shop/far(unknown)', undefined, false]);
  });

  test('the ports of a table are listed in order; a table without ports takes the scheme\'s port', () => {
    const on = (name: string, port: number) => route(name, { parentRefs: [{ group: '', kind: 'Service', name: 'web', port }], rules: [to('web')] });
    const s = sim(service('web', 'shop', [{ port: 80 }, { port: 443 }, { port: 8080 }]), on('a', 8080), on('b', 80), on('c', 443));
    expect(() => s.simulate({}, { host: 'web' })).toThrow('take requests on ports 80, 443, 8080: give the request\'s port (request.port)');
    expect(s.simulateChain(['web'], {})[0].hops[0].notes).toContain(`f: HTTPRoute shop/a (merged with 2 more): the call to ${svc('web')} names no port, and its routes take ports 80, 443, 8080: taken as port 80`);
    expect(s.simulateChain(['web'], { scheme: 'https' })[0].hops[0].notes).toContain(`f: HTTPRoute shop/a (merged with 2 more): the call to ${svc('web')} names no port, and its routes take ports 80, 443, 8080: taken as port 443`);
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'shop' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] } };
    expect([sim(vs).simulate({}, { host: 'web' }).port, sim(vs).simulate({ scheme: 'https' }, { host: 'web' }).port]).toEqual([80, 443]);
    // a call on a port no route of the Service takes: any endpoint serves it
    const other = sim(service('web', 'shop', [{ port: 80 }, { port: 8080 }]), on('a', 8080));
    expect(other.simulateChain(['web'], { port: 80 })[0].hops[0].reason).toBe(`no HTTPRoute of f: HTTPRoute shop/a is attached for this request's port and caller: any endpoint of ${svc('web')} serves it`);
    // one port: the call takes it, without a note
    const one = sim(service('web'), on('a', 80));
    expect(one.simulateChain(['web'], {})[0].hops[0].notes ?? []).toEqual([]);
  });
});

describe('what mutation testing found in diff and explain: each pinned', () => {
  test('diff: a consumer route\'s change is told for its callers\' namespace only, with the rewrite and response edits it makes', () => {
    const consumer = (filters: object[]) => route('c', { parentRefs: [{ group: '', kind: 'Service', name: 'web', namespace: 'shop' }], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 80 }], filters }] }, 'client');
    const producer = route('p', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [to('web')] });
    const edits = [
      { type: 'URLRewrite', urlRewrite: { hostname: 'h.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/x' } } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-r', value: '1' }] } },
    ];
    const d = sim(service('web'), producer, consumer([])).diff(sim(service('web'), producer, consumer(edits)));
    expect(d.entries.map(e => [e.entry, e.status, e.classes])).toEqual([[`sidecar ${svc('web')}`, 'changed', [{
      request: 'caller namespace client',
      before: [{ target: `${svc('web')}:80`, sets: '', probability: 1 }],
      after: [{ target: `${svc('web')}:80`, sets: 'host=h.com, path={"full":"/x"}, response {"set":{"x-r":"1"},"add":{},"remove":[]}', probability: 1 }],
    }]]]);
  });

  test('explain: a match\'s hostnames, port and callers\' namespaces', () => {
    const block = { headers: [], queryParams: [], hostnames: ['a.com', 'b.com'], notHostnames: ['c.com', 'd.com'], port: 8080, sourceNamespace: 'shop', notSourceNamespaces: ['x', 'y'] };
    expect(describeMatch(block)).toBe('hostname a.com or b.com AND hostname not c.com or d.com AND port 8080 AND caller namespace shop AND caller namespace not x, y');
    expect(describeMatch({ headers: [], queryParams: [], notSourceNamespaces: [] })).toBe('');
  });
});
