/**
 * How the simulator reads HTTPRoutes and Gateways: a route attached to a Gateway's listeners is conditioned on the
 * listener's port and on the hostnames it takes there, less those a more specific hostname (or, with listener
 * isolation, a more specific listener on the same port) takes; a route bound to a Service is a mesh route, and one
 * from another namespace is a consumer route the Service's own routes step aside for; matches of equal precedence
 * keep rule and match order; a rule without a backend with a weight answers 500; and what Gateways, listeners and
 * Namespaces are read as.
 */
import { ServiceInfo } from '../src/private/simulate/mesh';
import { Gateway, moreSpecific, covers, readGateway, readNamespace, refusal } from '../src/private/simulate/read/gateway';
import { readHttpRoutes, RouteContext } from '../src/private/simulate/read/httproute';

const API = 'gateway.networking.k8s.io/v1';
const svc = (name: string, ns = 'shop') => `${name}.${ns}.svc.cluster.local`;

function route(name: string, spec: object, ns = 'shop'): any {
  return { apiVersion: API, kind: 'HTTPRoute', metadata: { name, namespace: ns }, spec };
}

/** A Gateway infra/gw, read. */
function gateway(listeners: object[]): Gateway {
  return readGateway('f: Gateway infra/gw', 'f (document 1): Gateway infra/gw', { metadata: { name: 'gw', namespace: 'infra' }, spec: { listeners } });
}

const listener = (name: string, extra: object = {}) => ({ name, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } }, ...extra });
const toGw = (extra: object = {}) => ({ name: 'gw', namespace: 'infra', ...extra });
const to = (backend: string, extra: object = {}) => ({ backendRefs: [{ name: backend, port: 80 }], ...extra });

/** A Service with a selector on port 80 (and the appProtocols given). */
const service = (appProtocols: Array<[number, string]> = []): ServiceInfo =>
  ({ ports: [80], portNames: new Map([['http', 80]]), appProtocols: new Map(appProtocols), selects: true });

/** The tables and notes of reading `routes` against a Gateway infra/gw with `listeners` (if any) and Services (every one named, by default). */
function read(routes: any[], listeners?: object[], context: RouteContext = {}): { tables: any[]; notes: string[] } {
  const notes: string[] = [];
  const services: ReadonlyMap<string, ServiceInfo> = context.services ?? { get: () => service() } as any;
  const gateways = listeners ? new Map([['infra/gw', gateway(listeners)]]) : undefined;
  const sources = routes.map(r => {
    const source = `f: HTTPRoute ${r.metadata.namespace}/${r.metadata.name}`;
    return { source, location: `${source} (document 1)`, obj: r };
  });
  const tables = readHttpRoutes(sources, 'cluster.local', notes, { gateways, ...context, services });
  return { tables, notes };
}

/** What a table routes, one line per route: where it was read, its match block's conditions, and its backends. */
const routesOf = (t: any) => t.routes.map((r: any) => [r.where.replace(/^f: HTTPRoute /, ''), r.matches[0] ?? {}, r.destinations.map((d: any) => d.host)]);

describe('a route on a Gateway: the port and hostnames of its listeners', () => {
  test('a route on a listener without hostname takes every request on the listener\'s port: no hostnames, no exclusions, no notes', () => {
    const { tables, notes } = read([route('web', { parentRefs: [toGw()], rules: [to('web')] })], [listener('http')]);
    expect(notes).toEqual([]);
    expect(tables).toEqual([{
      source: 'f: HTTPRoute shop/web',
      location: 'f: HTTPRoute shop/web (document 1)',
      name: 'web',
      namespace: 'shop',
      gateways: ['infra/gw'],
      mesh: false,
      hosts: ['*'],
      routes: [{
        name: 'web-rule-1',
        matches: [{ headers: [], queryParams: [], port: 80 }],
        destinations: [{ host: svc('web'), port: 80, weight: 1, probability: 1, setHeaders: {}, addHeaders: {} }],
        where: 'f: HTTPRoute shop/web rules[0].matches[0]',
      }],
      gatewayApi: true,
    }]);
  });
});

describe('a route on a Gateway: more specific hostnames and listeners', () => {
  test('without listener isolation a hostname is routed per port: a more specific hostname on another port excludes nothing', () => {
    const listeners = [listener('p80'), listener('p8080', { port: 8080 })];
    const { tables } = read([
      route('wild', { parentRefs: [toGw({ sectionName: 'p80' })], hostnames: ['*.a.com'], rules: [to('wild')] }),
      route('x', { parentRefs: [toGw({ sectionName: 'p8080' })], hostnames: ['x.a.com'], rules: [to('x')] }),
    ], listeners, { listenerIsolation: false });
    expect(routesOf(tables[0])).toEqual([
      ['shop/wild rules[0].matches[0]', { headers: [], queryParams: [], port: 80, hostnames: ['*.a.com'] }, [svc('wild')]],
      ['shop/x rules[0].matches[0]', { headers: [], queryParams: [], port: 8080, hostnames: ['x.a.com'] }, [svc('x')]],
    ]);
  });

  test('without listener isolation, on one port, the more specific hostname of another route is excluded', () => {
    const listeners = [listener('wild', { hostname: '*.a.com' }), listener('x', { hostname: 'x.a.com' })];
    const { tables, notes } = read([
      route('wild', { parentRefs: [toGw({ sectionName: 'wild' })], rules: [to('wild')] }),
      route('x', { parentRefs: [toGw({ sectionName: 'x' })], rules: [to('x')] }),
    ], listeners, { listenerIsolation: false });
    expect(routesOf(tables[0])).toEqual([
      ['shop/wild rules[0].matches[0]', { headers: [], queryParams: [], port: 80, hostnames: ['*.a.com'], notHostnames: ['x.a.com'] }, [svc('wild')]],
      ['shop/x rules[0].matches[0]', { headers: [], queryParams: [], port: 80, hostnames: ['x.a.com'] }, [svc('x')]],
    ]);
    expect(notes).toEqual(['infra/gw: HTTPRoutes shop/wild, shop/x merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name']);
  });

  test('with listener isolation a more specific listener on another port takes nothing from a listener: no exclusion, no isolation note', () => {
    const listeners = [listener('wild', { hostname: '*.a.com' }), listener('x', { hostname: 'x.a.com', port: 8080 })];
    const { tables, notes } = read([route('wild', { parentRefs: [toGw({ sectionName: 'wild' })], rules: [to('wild')] })], listeners);
    expect(routesOf(tables[0])).toEqual([
      ['shop/wild rules[0].matches[0]', { headers: [], queryParams: [], port: 80, hostnames: ['*.a.com'] }, [svc('wild')]],
    ]);
    expect(notes).toEqual([]);
  });

  test('with listener isolation a listener leaves a more specific listener\'s hostname on its port, even with no route there, said in a note', () => {
    const listeners = [listener('wild', { hostname: '*.a.com' }), listener('x', { hostname: 'x.a.com' })];
    const { tables, notes } = read([route('wild', { parentRefs: [toGw({ sectionName: 'wild' })], rules: [to('wild')] })], listeners);
    expect(routesOf(tables[0])).toEqual([
      ['shop/wild rules[0].matches[0]', { headers: [], queryParams: [], port: 80, hostnames: ['*.a.com'], notHostnames: ['x.a.com'] }, [svc('wild')]],
    ]);
    expect(tables[0].notes).toEqual(['infra/gw: listener isolation (GatewayHTTPListenerIsolation) applies: a request is handled only by the most specific listener whose hostname matches it']);
    expect(notes).toEqual(tables[0].notes);
  });

  test('the hostnames excluded by routes and by listeners are listed once each, sorted', () => {
    const listeners = [listener('wild', { hostname: '*.a.com' }), listener('x', { hostname: 'x.a.com' })];
    const wild = route('wild', { parentRefs: [toGw({ sectionName: 'wild' })], rules: [to('wild')] });
    // x.a.com is both a route's hostname on the wildcard listener and the more specific listener's
    const both = read([wild, route('x', { parentRefs: [toGw({ sectionName: 'wild' })], hostnames: ['x.a.com'], rules: [to('x')] })], listeners);
    expect(routesOf(both.tables[0]).map((r: any) => [r[0], r[1].notHostnames])).toEqual([
      ['shop/wild rules[0].matches[0]', ['x.a.com']],
      ['shop/x rules[0].matches[0]', ['x.a.com']],
    ]);
    // y.a.com from a route, x.a.com from the listener: sorted
    const two = read([wild, route('y', { parentRefs: [toGw({ sectionName: 'wild' })], hostnames: ['y.a.com'], rules: [to('y')] })], listeners);
    expect(routesOf(two.tables[0]).map((r: any) => [r[0], r[1].notHostnames])).toEqual([
      ['shop/wild rules[0].matches[0]', ['x.a.com', 'y.a.com']],
      ['shop/y rules[0].matches[0]', ['x.a.com']],
    ]);
  });

  test('a route attached to two listeners: its matches of equal precedence go by rule, then match, whichever listener they come through', () => {
    const listeners = [listener('a', { hostname: 'a.com' }), listener('b', { hostname: 'b.com' })];
    const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });
    const { tables } = read([route('web', {
      parentRefs: [toGw()],
      rules: [to('one', { matches: [prefix('/a'), prefix('/b')] }), to('two', { matches: [prefix('/c')] })],
    })], listeners);
    expect(routesOf(tables[0]).map((r: any) => `${r[0]} ${r[1].hostnames}`)).toEqual([
      'shop/web rules[0].matches[0] a.com',
      'shop/web rules[0].matches[0] b.com',
      'shop/web rules[0].matches[1] a.com',
      'shop/web rules[0].matches[1] b.com',
      'shop/web rules[1].matches[0] a.com',
      'shop/web rules[1].matches[0] b.com',
    ]);
    expect(tables[0].hosts).toEqual(['a.com', 'b.com']);
  });

  test('routes whose Gateway was not read and mesh routes are read without listener isolation too', () => {
    const { tables } = read([
      route('lost', { parentRefs: [{ name: 'gone', namespace: 'infra' }], hostnames: ['a.com'], rules: [to('web')] }),
      route('mesh', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [to('web')] }),
    ], undefined, { listenerIsolation: false });
    expect(tables.map(t => [t.hosts, t.missingParent, routesOf(t)])).toEqual([
      [['a.com'], 'Gateway infra/gone', [['shop/lost rules[0].matches[0]', { headers: [], queryParams: [], hostnames: ['a.com'] }, [svc('web')]]]],
      [[svc('web')], undefined, [['shop/mesh rules[0].matches[0]', {}, [svc('web')]]]],
    ]);
  });
});

describe('a route on a Service (GAMMA): ports and consumer routes', () => {
  const onWeb = (extra: object = {}) => ({ parentRefs: [{ group: '', kind: 'Service', name: 'web', namespace: 'shop', ...extra }], rules: [to('web')] });

  test('routes from other namespaces are for their callers only; the Service\'s own route leaves those namespaces, sorted', () => {
    const { tables, notes } = read([route('zeta', onWeb(), 'zeta'), route('own', onWeb()), route('alpha', onWeb(), 'alpha')]);
    expect(tables.map(t => [t.hosts, t.mesh, t.attachedOnly, t.notes])).toEqual([[[svc('web')], true, true, [
      `${svc('web')}: HTTPRoutes zeta/zeta, shop/own, alpha/alpha merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name`,
    ]]]);
    expect(notes).toEqual(tables[0].notes);
    // a consumer route's backend is named in its own namespace
    expect(routesOf(tables[0])).toEqual([
      ['alpha/alpha rules[0].matches[0]', { headers: [], queryParams: [], sourceNamespace: 'alpha' }, [svc('web', 'alpha')]],
      ['shop/own rules[0].matches[0]', { headers: [], queryParams: [], notSourceNamespaces: ['alpha', 'zeta'] }, [svc('web')]],
      ['zeta/zeta rules[0].matches[0]', { headers: [], queryParams: [], sourceNamespace: 'zeta' }, [svc('web', 'zeta')]],
    ]);
  });

  test('a parentRef\'s port, and a sectionName that names the same port of the Service, attach the route on that port', () => {
    const services = new Map([[svc('web'), service()]]);
    const { tables, notes } = read([route('own', onWeb({ sectionName: 'http', port: 80 }))], undefined, { services });
    expect(notes).toEqual([]);
    expect(routesOf(tables[0])).toEqual([['shop/own rules[0].matches[0]', { headers: [], queryParams: [], port: 80 }, [svc('web')]]]);
  });

  test('a sectionName with a port and no Service read: attached on the port, and said', () => {
    const { tables, notes } = read([route('own', onWeb({ sectionName: 'http', port: 8080 }))], undefined, { services: new Map() });
    expect(notes).toEqual(['f: HTTPRoute shop/own spec.parentRefs[0]: no Service shop/web was read to tell which port is named "http": the route is taken as attached to every port']);
    expect(routesOf(tables[0])[0][1]).toEqual({ headers: [], queryParams: [], port: 8080 });
  });
});

describe('the rules of a route: backends, answers without a backend, mirrors, and what only the run time decides', () => {
  const R = 'f: HTTPRoute shop/web rules[0]';
  const on = (rules?: object[]) => route('web', { parentRefs: [toGw()], ...(rules ? { rules } : {}) });
  const only = (rules?: object[], context: RouteContext = {}) => {
    const { tables, notes } = read([on(rules)], [listener('http')], context);
    expect(tables).toHaveLength(1);
    return { routes: tables[0].routes, notes };
  };
  const answers500 = {
    host: '',
    probability: 1,
    weight: 1,
    setHeaders: {},
    addHeaders: {},
    unresolved: { why: 'none', reason: `${R}: the rule has no backend with a weight, so the Gateway API answers 500` },
  };

  test('a route without rules has one rule that takes every request and, with no backend, answers 500', () => {
    expect(only().routes).toEqual([{ name: 'web-rule-1', matches: [{ headers: [], queryParams: [], port: 80 }], destinations: [answers500], where: `${R}.matches[0]` }]);
  });

  test('a rule whose every backend has weight 0 answers 500', () => {
    expect(only([{ backendRefs: [{ name: 'a', port: 80, weight: 0 }, { name: 'b', port: 80, weight: 0 }] }]).routes[0].destinations).toEqual([answers500]);
  });

  test('a redirect is the one answer of its rule, sent to no host, keeping the listener\'s scheme', () => {
    const rule = { filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'new.example.com', statusCode: 301 } }], backendRefs: [{ name: 'web', port: 80 }] };
    expect(only([rule]).routes[0].destinations).toEqual([{
      host: '',
      probability: 1,
      weight: 1,
      setHeaders: {},
      addHeaders: {},
      redirect: { hostname: 'new.example.com', statusCode: 301, listenerScheme: 'http' },
    }]);
  });

  test('a URLRewrite ReplacePrefixMatch on a rule without matches replaces the prefix "/" the rule takes', () => {
    const rule = { filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } }], backendRefs: [{ name: 'web', port: 80 }] };
    expect(only([rule]).routes[0].destinations).toEqual([{
      host: svc('web'),
      port: 80,
      weight: 1,
      probability: 1,
      setHeaders: {},
      addHeaders: {},
      rewrite: { path: { prefix: { matched: '/', replacement: '/v2' } } },
    }]);
  });

  test('mirrors: a backendRef with the core group and kind Service, a fraction out of 100 by default; notes only where there is something to say', () => {
    const mirror = (ref: object, extra: object = {}) => ({ type: 'RequestMirror', requestMirror: { backendRef: { port: 80, ...ref }, ...extra } });
    const { routes, notes } = only([
      { filters: [mirror({ group: '', kind: 'Service', name: 'shadow' }, { fraction: { numerator: 5 } })], backendRefs: [{ name: 'web', port: 80 }] },
      // a mirror to another namespace without a ReferenceGrant, and a backend port with an appProtocol: both said on the backend
      { matches: [{ path: { type: 'Exact', value: '/h2' } }], filters: [mirror({ name: 'shadow', namespace: 'other' })], backendRefs: [{ name: 'h2', port: 80 }] },
    ], { services: { get: (host: string) => service(host === svc('h2') ? [[80, 'kubernetes.io/h2c']] : []) } as any });
    expect(notes).toEqual([]);
    expect(routes.map((r: any) => r.destinations)).toEqual([
      [{
        host: svc('h2'),
        port: 80,
        weight: 1,
        probability: 1,
        setHeaders: {},
        addHeaders: {},
        mirrors: [{ host: svc('shadow', 'other'), port: 80, percent: 100 }],
        notes: [
          'f: HTTPRoute shop/web rules[1].backendRefs[0]: port 80 of Service shop/h2 has appProtocol kubernetes.io/h2c: whether the proxy and the backend agree on that protocol only the run time decides',
          'f: HTTPRoute shop/web rules[1].filters[0].requestMirror.backendRef: Service other/shadow is in another namespace, and no ReferenceGrant read lets HTTPRoutes of shop refer to it (RefNotPermitted); the mirror\'s copies are taken as sent',
        ],
      }],
      [{ host: svc('web'), port: 80, weight: 1, probability: 1, setHeaders: {}, addHeaders: {}, mirrors: [{ host: svc('shadow'), port: 80, percent: 5 }] }],
    ]);
  });

  test('timeouts are listed in one note; a sessionPersistence of null is none', () => {
    const { routes } = only([{ timeouts: { request: '10s', backendRequest: '2s' }, sessionPersistence: null, backendRefs: [{ name: 'web', port: 80 }] }]);
    expect(routes[0].notes).toEqual([`${R}.timeouts (request 10s, backendRequest 2s): a backend slower than that gets the request a 504, which only the run time decides`]);
  });

  test.each<[string, object, string]>([
    ['timeouts that are no mapping', { parentRefs: [toGw()], rules: [{ timeouts: '10s' }] }, `${R}.timeouts: must be a mapping (an object), got "10s"`],
    ['a parentRef that is null', { parentRefs: [null], rules: [to('web')] }, 'f: HTTPRoute shop/web spec.parentRefs[0]: must be a mapping (an object), got null'],
  ])('a broken route is refused by name: %s', (_what, spec, message) => {
    expect(() => read([route('web', spec)], [listener('http')])).toThrow(new Error(message));
  });

  test('a route bound to no Service, or not only to Services, needs a ReferenceGrant for a backend in another namespace', () => {
    const refused = 'f: HTTPRoute shop/web rules[0].backendRefs[0]: Service other/api is in another namespace, and no ReferenceGrant read lets HTTPRoutes of shop refer to it (RefNotPermitted): with complete, its share of the requests fails with 500';
    const rules = [{ backendRefs: [{ name: 'api', namespace: 'other', port: 80 }] }];
    const none = read([route('web', { parentRefs: [], rules })], [listener('http')]);
    expect(none).toEqual({ tables: [], notes: [refused] });
    const mixed = read([route('web', { parentRefs: [toGw(), { group: '', kind: 'Service', name: 'web' }], rules })], [listener('http')]);
    expect(mixed.notes).toEqual([refused]);
    expect(mixed.tables.map(t => t.hosts)).toEqual([['*'], [svc('web')]]);
    // bound to Services only: a mesh route needs none (GEP-1294)
    expect(read([route('web', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules })]).notes).toEqual([]);
  });
});

describe('Gateways, listeners and Namespaces as read', () => {
  const G = 'f: Gateway infra/gw spec.listeners[0]';

  test('a selector of matchExpressions only has no matchLabels', () => {
    const expr = { key: 'team', operator: 'In', values: ['a', 'b'] };
    const g = gateway([listener('h', { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [expr] } } } })]);
    expect(g.listeners[0].selector).toEqual({ matchLabels: {}, matchExpressions: [expr] });
  });

  test('matchExpressions values that are no list are refused by name', () => {
    const selector = { matchExpressions: [{ key: 'team', operator: 'In', values: 'a' }] };
    expect(() => gateway([listener('h', { allowedRoutes: { namespaces: { from: 'Selector', selector } } })]))
      .toThrow(new Error(`${G}.allowedRoutes.namespaces.selector.matchExpressions[0].values: must be a list, got "a"`));
  });

  test('a wildcard covers a host of its suffix only, however long the host', () => {
    expect([covers('*.a.com', 'www.b.com'), covers('*.a.com', 'www.xa.com'), covers('*.a.com', 'www.x.a.com')]).toEqual([false, false, true]);
    // a wildcard takes at least one label: not the bare suffix, with or without its dot
    expect([covers('*.a.com', '.a.com'), covers('*.a.com', 'a.com'), covers('*.a.com', 'x.a.com')]).toEqual([false, false, true]);
  });

  test('allowedRoutes.kinds: a list with HTTPRoute takes the route; one without names the kinds it takes', () => {
    const g = gateway([
      listener('both', { allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }, { group: API.split('/')[0], kind: 'HTTPRoute' }] } }),
      listener('other', { allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }, { kind: 'TLSRoute' }] } }),
    ]);
    expect(g.listeners.map(l => refusal(l, g, 'shop', new Map()))).toEqual([
      undefined,
      'its allowedRoutes.kinds (gateway.networking.k8s.io/GRPCRoute, gateway.networking.k8s.io/TLSRoute) do not take HTTPRoute',
    ]);
  });

  test('a Namespace is read with its labels and the implicit kubernetes.io/metadata.name; none or null labels are none', () => {
    const ns = (metadata: object) => readNamespace('f: Namespace a', { apiVersion: 'v1', kind: 'Namespace', metadata });
    expect(ns({ name: 'a', labels: { team: 'x' } })).toEqual(['a', { 'team': 'x', 'kubernetes.io/metadata.name': 'a' }]);
    expect(ns({ name: 'a' })).toEqual(['a', { 'kubernetes.io/metadata.name': 'a' }]);
    expect(ns({ name: 'a', labels: null })).toEqual(['a', { 'kubernetes.io/metadata.name': 'a' }]);
  });

  test.each<[string, object, string]>([
    ['no metadata', { kind: 'Namespace' }, 'f: Namespace a metadata: must be a mapping (an object), got undefined'],
    ['no name', { kind: 'Namespace', metadata: {} }, 'f: Namespace a metadata.name: must be a string, got undefined'],
  ])('a broken Namespace is refused by name: %s', (_what, obj, message) => {
    expect(() => readNamespace('f: Namespace a', obj)).toThrow(new Error(message));
  });

  test('the hostnames more specific than some of a route\'s own: not its own, each once, sorted', () => {
    expect(moreSpecific(['*.a.com', 'x.a.com'], ['y.a.com', 'x.a.com', 'b.com', 'y.a.com', '*.a.com'])).toEqual(['y.a.com']);
    expect(moreSpecific([undefined], ['z.com', undefined, 'a.com'])).toEqual(['a.com', 'z.com']);
    expect(moreSpecific(['a.com'], [undefined, '*.com'])).toEqual([]);
  });
});
