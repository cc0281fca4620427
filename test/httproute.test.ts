/**
 * How the simulator reads HTTPRoutes (gateway.networking.k8s.io/v1) into route tables: the Gateway API's
 * precedence between matches (exact path, longest prefix, method, header and query counts; then the oldest route,
 * or namespace/name offline; then rule and match order), how paths, headers, query parameters, methods and
 * hostnames match, how routes bound to one parent merge, backends (Services, weights, header modifiers,
 * ReferenceGrants), and what the simulation refuses by name.
 */
import { Yaml } from 'cdk8s';
import { LaneSimulator } from '../src';
import { HttpRouteSource, readHttpRoutes, RouteContext } from '../src/private/simulate/read/httproute';

const API = 'gateway.networking.k8s.io/v1';
const SRC = 'f: HTTPRoute shop/web';
const RE2_OPEN = 'regex "(" is not valid RE2: error parsing regexp: missing closing ): `(`';

function httpRoute(spec: any, metadata: any = { name: 'web', namespace: 'shop' }): any {
  return { apiVersion: API, kind: 'HTTPRoute', metadata, spec };
}

/** How results name a route object: `f: HTTPRoute <namespace>/<name>`, or SRC when its metadata cannot be read. */
function sourceOf(obj: any): HttpRouteSource {
  const md = obj.metadata;
  const source = typeof md?.name === 'string' ? `f: HTTPRoute ${md.namespace ?? 'default'}/${md.name}` : SRC;
  return { source, location: `${source} (document 1)`, obj };
}

/** Every Service exists (the tests of reading are not about missing Services; those below give `services`). */
const EVERY_SERVICE: any = { has: () => true, get: () => ({ ports: [80], appProtocols: new Map(), selects: true }) };

/** The tables and notes of reading `objs` (HTTPRoutes) with `grants` (ReferenceGrants) and the rest of the input. */
function read(objs: any[], grants: any[] = [], context: RouteContext = {}): { tables: any[]; notes: string[] } {
  const notes: string[] = [];
  const tables = readHttpRoutes(objs.map(sourceOf), 'cluster.local', notes, { grants, services: EVERY_SERVICE, ...context });
  return { tables, notes };
}

const svc = (name: string, ns = 'shop') => `${name}.${ns}.svc.cluster.local`;

describe('one HTTPRoute read into a table: matches, precedence, backends', () => {
  test('paths, headers, query parameters, a method and hostnames, in the Gateway API\'s precedence, with weights and header modifiers', () => {
    const route = httpRoute({
      parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http' }],
      hostnames: ['Shop.Example.com', '*.example.org'],
      rules: [
        {
          name: 'api',
          matches: [
            { path: { type: 'PathPrefix', value: '/api//' }, queryParams: [{ type: 'Exact', name: 'Debug', value: '1' }, { type: 'RegularExpression', name: 'v', value: '[0-9]+' }] },
            { path: { type: 'Exact' } },
          ],
          backendRefs: [{ group: '', kind: 'Service', name: 'api', port: 8080, weight: 3 }, { name: 'api-canary', port: 8080, weight: 1 }],
          timeouts: { request: '10s' },
          sessionPersistence: { sessionName: 'lane' },
        },
        {
          matches: [{
            path: { value: '/static' },
            headers: [{ name: 'X-Lane', value: 's2' }, { type: 'RegularExpression', name: 'User-Agent', value: '.*Mobile.*' }],
            method: 'GET',
          }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Lane', value: 's2' }], add: [{ name: 'X-Via', value: 'gw' }] } }],
          backendRefs: [
            { name: 'static', port: 80, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-lane', value: 's3' }, { name: 'X-Extra', value: '1' }] } }] },
            { name: 'static-2' },
          ],
        },
        { backendRefs: [{ name: 'web', port: 80 }] },
      ],
    });
    // the route's hostnames, lowercase: the request's host (its port ignored) must match one
    const hostnames = ['shop.example.com', '*.example.org'];
    const api = [
      { host: svc('api'), port: 8080, weight: 3, probability: 0.75, setHeaders: {}, addHeaders: {} },
      { host: svc('api-canary'), port: 8080, weight: 1, probability: 0.25, setHeaders: {}, addHeaders: {} },
    ];
    const { tables, notes } = read([route]);
    expect(notes).toEqual([]);
    // the time a backend may take and sticky sessions are for the run time: notes on each of the rule's routes
    const timeout = [
      `${SRC} rules[0].timeouts (request 10s): a backend slower than that gets the request a 504, which only the run time decides`,
      `${SRC} rules[0].sessionPersistence: a returning client keeps the backend it was given, which only the run time decides; the shares are those of new sessions`,
    ];
    expect(tables).toEqual([{
      source: SRC,
      location: `${SRC} (document 1)`,
      name: 'web',
      namespace: 'shop',
      gateways: ['infra/gw'],
      mesh: false,
      gatewayApi: true,
      // no Gateway read: attached as if it had a listener that takes the route
      missingParent: 'Gateway infra/gw',
      hosts: ['*.example.org', 'shop.example.com'],
      routes: [
        // an exact path first, whatever its length
        {
          name: 'api',
          matches: [{ headers: [], uri: { kind: 'exact', value: '/' }, queryParams: [], method: undefined, hostnames }],
          destinations: api,
          notes: timeout,
          where: `${SRC} rules[0].matches[1]`,
        },
        // then the longest prefix: "/static" (7 characters) before "/api//" (6)
        {
          name: 'web-rule-2',
          matches: [{
            headers: [
              { name: 'x-lane', match: { kind: 'exact', value: 's2' }, absent: false },
              { name: 'user-agent', match: { kind: 'regex', value: '.*Mobile.*' }, absent: false },
            ],
            uri: { kind: 'regex', value: '/static(?:/.*)?' },
            queryParams: [],
            method: { kind: 'exact', value: 'GET' },
            hostnames,
          }],
          destinations: [
            { host: svc('static'), port: 80, weight: 1, probability: 0.5, setHeaders: { 'x-lane': 's3', 'x-extra': '1' }, addHeaders: { 'x-via': 'gw' } },
            { host: svc('static-2'), port: undefined, weight: 1, probability: 0.5, setHeaders: { 'x-lane': 's2' }, addHeaders: { 'x-via': 'gw' } },
          ],
          where: `${SRC} rules[1].matches[0]`,
        },
        {
          name: 'api',
          matches: [{
            headers: [],
            uri: { kind: 'regex', value: '/api(?:/.*)?' },
            queryParams: [{ name: 'Debug', match: { kind: 'exact', value: '1' } }, { name: 'v', match: { kind: 'regex', value: '[0-9]+' } }],
            method: undefined,
            hostnames,
          }],
          destinations: api,
          notes: timeout,
          where: `${SRC} rules[0].matches[0]`,
        },
        // a rule without matches takes every path of the route's hostnames
        {
          name: 'web-rule-3',
          matches: [{ headers: [], uri: undefined, queryParams: [], method: undefined, hostnames }],
          destinations: [{ host: svc('web'), port: 80, weight: 1, probability: 1, setHeaders: {}, addHeaders: {} }],
          where: `${SRC} rules[2].matches[0]`,
        },
      ],
    }]);
  });

  test('a route with no hostnames: a match on a method or query alone is a condition; a "/" prefix or no match takes every request; bound to a Service and a Gateway', () => {
    // no namespace: the route is in "default"
    const route = httpRoute({
      parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }, { name: 'gw' }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web' }] },
        { matches: [{ method: 'POST' }], backendRefs: [{ name: 'writer' }] },
        { matches: [{ queryParams: [{ name: 'q', value: '1' }] }], backendRefs: [{ name: 'search' }] },
        { backendRefs: [{ name: 'web' }] },
      ],
    }, { name: 'web' });
    const to = (name: string) => [{ host: svc(name, 'default'), port: undefined, weight: 1, probability: 1, setHeaders: {}, addHeaders: {} }];
    // on the Service, every match is for the parentRef's port (80); on the Gateway, for any request
    const routes = (port?: number) => [
      { name: 'web-rule-2', matches: [{ headers: [], uri: undefined, queryParams: [], method: { kind: 'exact', value: 'POST' }, port }], destinations: to('writer'), where: 'f: HTTPRoute default/web rules[1].matches[0]' },
      { name: 'web-rule-3', matches: [{ headers: [], uri: undefined, queryParams: [{ name: 'q', match: { kind: 'exact', value: '1' } }], method: undefined, port }], destinations: to('search'), where: 'f: HTTPRoute default/web rules[2].matches[0]' },
      { name: 'web-rule-1', matches: port ? [{ headers: [], uri: undefined, queryParams: [], method: undefined, port }] : [], destinations: to('web'), where: 'f: HTTPRoute default/web rules[0].matches[0]' },
      { name: 'web-rule-4', matches: port ? [{ headers: [], uri: undefined, queryParams: [], method: undefined, port }] : [], destinations: to('web'), where: 'f: HTTPRoute default/web rules[3].matches[0]' },
    ];
    const common = { source: 'f: HTTPRoute default/web', location: 'f: HTTPRoute default/web (document 1)', name: 'web', namespace: 'default' };
    const { tables, notes } = read([route]);
    expect(notes).toEqual([]);
    expect(tables).toEqual([
      { ...common, gateways: [], mesh: true, hosts: [svc('web', 'default')], routes: routes(80), attachedOnly: true, gatewayApi: true },
      { ...common, gateways: ['default/gw'], mesh: false, hosts: ['*'], routes: routes(), missingParent: 'Gateway default/gw', gatewayApi: true },
    ]);
  });

  test('precedence: a method before none on the same prefix, a prefix before a header alone, a regex path last however many conditions it has', () => {
    const route = httpRoute({
      parentRefs: [{ name: 'gw' }],
      rules: [
        { name: 'prefix', matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'a' }] },
        { name: 'prefix-get', matches: [{ path: { type: 'PathPrefix', value: '/api' }, method: 'GET' }], backendRefs: [{ name: 'b' }] },
        { name: 'header', matches: [{ headers: [{ name: 'x-a', value: '1' }] }], backendRefs: [{ name: 'c' }] },
        {
          name: 'regex',
          matches: [{ path: { type: 'RegularExpression', value: '/v[0-9]+/.*' }, method: 'GET', headers: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '2' }] }],
          backendRefs: [{ name: 'd' }],
        },
      ],
    });
    const [table] = read([route]).tables;
    expect(table.routes.map((r: any) => [r.name, r.matches[0].uri, r.matches[0].method])).toEqual([
      ['prefix-get', { kind: 'regex', value: '/api(?:/.*)?' }, { kind: 'exact', value: 'GET' }],
      ['prefix', { kind: 'regex', value: '/api(?:/.*)?' }, undefined],
      ['header', undefined, undefined],
      ['regex', { kind: 'regex', value: '/v[0-9]+/.*' }, { kind: 'exact', value: 'GET' }],
    ]);
  });

  test('equally specific matches keep their declared order: by rule, then by match within a rule', () => {
    const header = (name: string) => ({ headers: [{ name, value: '1' }] });
    const route = httpRoute({
      parentRefs: [{ name: 'gw' }],
      rules: [{ matches: [header('x-a'), header('x-b')], backendRefs: [{ name: 'a' }] }, { matches: [header('x-c')], backendRefs: [{ name: 'b' }] }],
    });
    expect(read([route]).tables[0].routes.map((r: any) => r.where)).toEqual([`${SRC} rules[0].matches[0]`, `${SRC} rules[0].matches[1]`, `${SRC} rules[1].matches[0]`]);
  });

  test('a route bound to two listeners of one Gateway is read once: each rule once, no merge', () => {
    const route = httpRoute({
      parentRefs: [{ name: 'gw', sectionName: 'http' }, { name: 'gw', sectionName: 'https' }],
      rules: [{ matches: [{ headers: [{ name: 'x', value: '1' }] }], backendRefs: [{ name: 'a' }] }, { backendRefs: [{ name: 'b' }] }],
    });
    const { tables, notes } = read([route]);
    expect(notes).toEqual([]);
    expect(tables.map(t => [t.source, t.routes.map((r: any) => r.where)])).toEqual([
      [SRC, [`${SRC} rules[0].matches[0]`, `${SRC} rules[1].matches[0]`]],
    ]);
  });
});

describe('the simulation of a route: what a hostname and a path prefix take', () => {
  const sim = LaneSimulator.fromYaml(Yaml.stringify(httpRoute({
    parentRefs: [{ name: 'gw' }],
    hostnames: ['*.example.org', 'shop.example.com'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api/' } }], backendRefs: [{ name: 'api', port: 80 }] }],
  })), 'f');
  const where = (host: string, p: string) => {
    const r = sim.simulate({ path: p, headers: { host } }, { gateway: 'shop/gw' });
    return r.matched ? r.outcomes.map(o => o.backend!.host) : 404;
  };

  test.each<[string, string, string[] | number]>([
    ['shop.example.com', '/api', [svc('api')]],
    ['shop.example.com:8443', '/api/x', [svc('api')]],
    ['a.example.org', '/api/', [svc('api')]],
    ['a.b.example.org', '/api', [svc('api')]],
    ['example.org', '/api', 404],
    ['shop.example.com', '/apix', 404],
    ['www.shop.example.com', '/api', 404],
  ])('%s%s -> %j', (host, p, expected) => {
    expect(where(host, p)).toEqual(expected);
  });
});

describe('HTTPRoutes bound to one parent merge', () => {
  const named = (name: string, extra: { created?: string; hostnames?: string[] } = {}) => httpRoute({
    parentRefs: [{ name: 'gw' }],
    ...(extra.hostnames ? { hostnames: extra.hostnames } : {}),
    rules: [{ matches: [{ headers: [{ name: 'x', value: '1' }] }], backendRefs: [{ name: `svc-${name}` }] }],
  }, { name, namespace: 'shop', ...(extra.created ? { creationTimestamp: extra.created } : {}) });
  const order = (...routes: any[]) => read(routes).tables[0].routes.map((r: any) => r.destinations[0].host.split('.')[0]);
  const mergeNote = (names: string) => `shop/gw: HTTPRoutes ${names} merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name`;

  test('the merged table: named by the first route read, its source saying how many more, the note on namespace/name', () => {
    const { tables, notes } = read([named('b'), named('c'), named('a')]);
    expect(tables.map(t => [t.source, t.location, t.namespace, t.name, t.hosts])).toEqual([
      ['f: HTTPRoute shop/b (merged with 2 more)', 'f: HTTPRoute shop/b (document 1)', 'shop', 'b', ['*']],
    ]);
    expect(tables[0].routes.map((r: any) => r.where)).toEqual(['f: HTTPRoute shop/a rules[0].matches[0]', 'f: HTTPRoute shop/b rules[0].matches[0]', 'f: HTTPRoute shop/c rules[0].matches[0]']);
    expect(notes).toEqual([mergeNote('shop/b, shop/c, shop/a')]);
  });

  test('hosts: the union of the routes\' hostnames, sorted; every host once a route names none', () => {
    const hosts = (...routes: any[]) => read(routes).tables[0].hosts;
    expect(hosts(named('a', { hostnames: ['b.example.com'] }), named('b', { hostnames: ['a.example.com', 'b.example.com'] }))).toEqual(['a.example.com', 'b.example.com']);
    expect(hosts(named('a', { hostnames: ['b.example.com'] }), named('b'))).toEqual(['*']);
    expect(hosts(named('a'), named('b', { hostnames: ['b.example.com'] }))).toEqual(['*']);
  });

  test('between equally specific matches: the oldest route; equal or missing times go by namespace/name', () => {
    expect(order(named('a', { created: '2025-02-01T00:00:00Z' }), named('b', { created: '2025-01-01T00:00:00Z' }))).toEqual(['svc-b', 'svc-a']);
    expect(order(named('b', { created: '2025-01-01T00:00:00Z' }), named('a', { created: '2025-01-01T00:00:00Z' }))).toEqual(['svc-a', 'svc-b']);
    expect(order(named('a'), named('b'))).toEqual(['svc-a', 'svc-b']);
    expect(order(named('b'), named('a'))).toEqual(['svc-a', 'svc-b']);
    // only one of the two has a time: namespace/name
    expect(order(named('b', { created: '2025-01-01T00:00:00Z' }), named('a'))).toEqual(['svc-a', 'svc-b']);
    expect(order(named('z'), named('a', { created: '2025-01-01T00:00:00Z' }))).toEqual(['svc-a', 'svc-z']);
  });

  test('the note is given when some route has no creation time, and not when all have one or one route is read', () => {
    expect(read([named('b', { created: '2025-01-01T00:00:00Z' }), named('a')]).notes).toEqual([mergeNote('shop/b, shop/a')]);
    expect(read([named('b', { created: '2025-01-01T00:00:00Z' }), named('a', { created: '2025-01-01T00:00:00Z' })]).notes).toEqual([]);
    expect(read([named('a')]).notes).toEqual([]);
  });

  test('mesh routes on one Service merge too; the note names the Service\'s host', () => {
    const mesh = (name: string) => httpRoute({ parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules: [{ backendRefs: [{ name: `svc-${name}` }] }] }, { name, namespace: 'shop' });
    const { tables, notes } = read([mesh('b'), mesh('a')]);
    expect(tables.map(t => [t.source, t.hosts, t.routes.map((r: any) => r.destinations[0].host)])).toEqual([
      ['f: HTTPRoute shop/b (merged with 1 more)', [svc('web')], [svc('svc-a'), svc('svc-b')]],
    ]);
    expect(notes).toEqual([`${svc('web')}: HTTPRoutes shop/b, shop/a merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name`]);
  });
});

describe('a backend in another namespace needs a ReferenceGrant that lets the route\'s namespace refer to it', () => {
  const route = (backendNs: string) => httpRoute({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', namespace: backendNs, port: 80 }] }] });
  const note = (backendNs: string) => `${SRC} rules[0].backendRefs[0]: Service ${backendNs}/web is in another namespace, and no ReferenceGrant read lets HTTPRoutes of shop refer to it (RefNotPermitted): with complete, its share of the requests fails with 500`;
  const FROM = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' };
  const ALL = { group: '', kind: 'Service' };
  const grant = (spec: any, namespace: string | null = 'backend') => ({
    apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'g', ...(namespace ? { namespace } : {}) }, spec,
  });

  test('a Service of the route\'s own namespace needs none', () => {
    expect(read([route('shop')]).notes).toEqual([]);
  });

  test.each<[string, any[], boolean]>([
    ['no grant', [], false],
    ['every Service of its namespace', [grant({ from: [FROM], to: [ALL] })], true],
    ['every Service, the core group left out', [grant({ from: [FROM], to: [{ kind: 'Service' }] })], true],
    ['the Service by name', [grant({ from: [FROM], to: [{ ...ALL, name: 'web' }] })], true],
    ['another Service by name', [grant({ from: [FROM], to: [{ ...ALL, name: 'api' }] })], false],
    ['another Service by name, and every Service', [grant({ from: [FROM], to: [{ ...ALL, name: 'api' }, ALL] })], true],
    ['a grant in another namespace', [grant({ from: [FROM], to: [ALL] }, 'shop')], false],
    ['from another namespace', [grant({ from: [{ ...FROM, namespace: 'other' }], to: [ALL] })], false],
    ['from Gateways', [grant({ from: [{ ...FROM, kind: 'Gateway' }], to: [ALL] })], false],
    ['from GRPCRoutes', [grant({ from: [{ ...FROM, kind: 'GRPCRoute' }], to: [ALL] })], false],
    ['from HTTPRoutes of another group', [grant({ from: [{ ...FROM, group: 'example.com' }], to: [ALL] })], false],
    ['to Secrets', [grant({ from: [FROM], to: [{ group: '', kind: 'Secret' }] })], false],
    ['to Services of another group', [grant({ from: [FROM], to: [{ group: 'example.com', kind: 'Service' }] })], false],
    ['with null entries, and objects that grant nothing', [null, { kind: 'ReferenceGrant' }, grant({ from: [null, FROM], to: [null, ALL] })], true],
  ])('%s: permitted %s', (_what, grants, permitted) => {
    const { tables, notes } = read([route('backend')], grants);
    expect(notes).toEqual(permitted ? [] : [note('backend')]);
    expect(tables[0].routes[0].destinations[0].host).toBe(svc('web', 'backend'));
  });

  test('a ReferenceGrant without a namespace is in "default"', () => {
    expect(read([route('default')], [grant({ from: [FROM], to: [ALL] }, null)]).notes).toEqual([]);
    expect(read([route('default')], [{ kind: 'ReferenceGrant', spec: { from: [FROM], to: [ALL] } }]).notes).toEqual([]);
    expect(read([route('backend')], [grant({ from: [FROM], to: [ALL] }, null)]).notes).toEqual([note('backend')]);
  });
});

describe('what the simulation cannot read is refused by name, with the field\'s path', () => {
  const rule = (extra: any = {}) => ({ backendRefs: [{ name: 'web', port: 80 }], ...extra });
  const withRule = (extra: any) => httpRoute({ parentRefs: [{ name: 'gw' }], rules: [rule(extra)] });
  const withMatch = (match: any) => withRule({ matches: [match] });
  const withBackend = (backend: any) => withRule({ backendRefs: [{ name: 'web', ...backend }] });
  const withFilter = (filter: any) => withRule({ filters: [filter] });
  const modifier = (m: any) => withFilter({ type: 'RequestHeaderModifier', requestHeaderModifier: m });
  const withParent = (parent: any) => httpRoute({ parentRefs: [parent], rules: [rule()] });
  const R = `${SRC} rules[0]`;
  const M = `${R}.matches[0]`;
  const B = `${R}.backendRefs[0]`;
  const F = `${R}.filters[0]`;
  const P = `${SRC} spec.parentRefs[0]`;
  const unsupported = (key: string, supported: string) => `"${key}" is not supported by the lane simulation (it could change where requests go); supported here: ${supported}`;

  test.each<[string, any, string]>([
    // the object
    ['metadata', httpRoute({}, 'web'), `${SRC} metadata: must be a mapping (an object), got "web"`],
    ['metadata.namespace', httpRoute({}, { namespace: 1 }), `${SRC} metadata.namespace: must be a string, got 1`],
    ['metadata.name', httpRoute({}, { namespace: 'shop' }), `${SRC} metadata.name: must be a string, got undefined`],
    ['metadata.creationTimestamp', httpRoute({ parentRefs: [{ name: 'gw' }], rules: [rule()] }, { name: 'web', namespace: 'shop', creationTimestamp: 1 }), `${SRC} metadata.creationTimestamp: must be a string, got 1`],
    ['spec', httpRoute(undefined), `${SRC} spec: must be a mapping (an object), got undefined`],
    ['spec key', httpRoute({ tls: {} }), `${SRC} spec: ${unsupported('tls', 'parentRefs, hostnames, rules')}`],
    ['hostnames', httpRoute({ hostnames: 'a.example.com' }), `${SRC} spec.hostnames: must be a list, got "a.example.com"`],
    ['a hostname', httpRoute({ hostnames: [1] }), `${SRC} spec.hostnames[0]: must be a string, got 1`],
    ['rules', httpRoute({ rules: 'r' }), `${SRC} spec.rules: must be a list, got "r"`],
    ['parentRefs', httpRoute({ rules: [rule()] }), `${SRC} spec.parentRefs: must be a list, got undefined`],
    // a rule
    ['rule key', withRule({ retry: {} }), `${R}: ${unsupported('retry', 'name, matches, backendRefs, filters, timeouts, sessionPersistence')}`],
    ['timeouts key', withRule({ timeouts: { idle: '1s' } }), `${R}.timeouts: ${unsupported('idle', 'request, backendRequest')}`],
    ['rule name', withRule({ name: 1 }), `${R}.name: must be a string, got 1`],
    ['backendRefs', withRule({ backendRefs: 'web' }), `${R}.backendRefs: must be a list, got "web"`],
    ['matches', withRule({ matches: 'all' }), `${R}.matches: must be a list, got "all"`],
    // a backend
    ['backend kind', withBackend({ kind: 1 }), `${B}.kind: must be a string, got 1`],
    ['backend group', withBackend({ group: 1 }), `${B}.group: must be a string, got 1`],
    ['backend namespace', withBackend({ namespace: 1 }), `${B}.namespace: must be a string, got 1`],
    ['backend name', withRule({ backendRefs: [{ port: 80 }] }), `${B}.name: must be a string, got undefined`],
    ['backend port', withBackend({ port: 0 }), `${B}.port: must be an integer from 1 to 65535, got 0`],
    ['backend weight', withBackend({ weight: '50' }), `${B}.weight: must be an integer from 0 to 1000000, got "50"`],
    ['backend filters', withBackend({ filters: 'f' }), `${B}.filters: must be a list, got "f"`],
    // a filter
    ['filter', withFilter('f'), `${F}: must be a mapping (an object), got "f"`],
    ['filter type', withFilter({}), `${F}.type: must be a string, got undefined`],
    ['another filter', withFilter({ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Auth', name: 'a' } }), `${F}: filter "ExtensionRef" is not supported by the lane simulation (supported: RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, RequestMirror)`],
    ['a redirect on a backend', withBackend({ filters: [{ type: 'RequestRedirect', requestRedirect: { port: 8080 } }] }), `${B}.filters[0]: filter "RequestRedirect" is not supported by the lane simulation on a backendRef (supported: RequestHeaderModifier, ResponseHeaderModifier)`],
    ['a redirect and a rewrite', withRule({ filters: [{ type: 'RequestRedirect', requestRedirect: {} }, { type: 'URLRewrite', urlRewrite: {} }] }), `${R}.filters: has both RequestRedirect and URLRewrite; the Gateway API allows one of them on a rule`],
    ['a redirect status', withFilter({ type: 'RequestRedirect', requestRedirect: { statusCode: 200 } }), `${F}.requestRedirect.statusCode: must be an integer from 300 to 399, got 200`],
    ['a path modifier type', withFilter({ type: 'URLRewrite', urlRewrite: { path: { type: 'Strip' } } }), `${F}.urlRewrite.path.type: must be ReplaceFullPath or ReplacePrefixMatch, got "Strip"`],
    ['a prefix rewrite of a rule without a prefix match', withRule({ matches: [{ path: { type: 'Exact', value: '/a' } }], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } }] }), `${R}.filters: ReplacePrefixMatch needs a PathPrefix match on every match of the rule`],
    ['a filter\'s configuration of another type', withFilter({ type: 'URLRewrite', requestHeaderModifier: {} }), `${F}: ${unsupported('requestHeaderModifier', 'type, urlRewrite')}`],
    ['a mirror percentage', withFilter({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, percent: 101 } }), `${F}.requestMirror.percent: must be an integer from 0 to 100, got 101`],
    ['a removed header', modifier({ remove: [1] }), `${F}.requestHeaderModifier.remove[0]: must be a string, got 1`],
    ['requestHeaderModifier', withFilter({ type: 'RequestHeaderModifier' }), `${F}.requestHeaderModifier: must be a mapping (an object), got undefined`],
    ['set', modifier({ set: 'x' }), `${F}.requestHeaderModifier.set: must be a list, got "x"`],
    ['an added header', modifier({ add: ['x'] }), `${F}.requestHeaderModifier.add[0]: must be a mapping (an object), got "x"`],
    ['a set header\'s name', modifier({ set: [{ value: '1' }] }), `${F}.requestHeaderModifier.set[0].name: must be a string, got undefined`],
    ['an added header\'s value', modifier({ add: [{ name: 'x' }] }), `${F}.requestHeaderModifier.add[0].value: must be a string, got undefined`],
    ['a modifier key', modifier({ append: [] }), `${F}.requestHeaderModifier: ${unsupported('append', 'set, add, remove')}`],
    ['a set header key', modifier({ set: [{ name: 'x', value: '1', op: 'y' }] }), `${F}.requestHeaderModifier.set[0]: ${unsupported('op', 'name, value')}`],
    ['removes', modifier({ remove: 'x' }), `${F}.requestHeaderModifier.remove: must be a list, got "x"`],
    ['a response header modifier', withFilter({ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: 'x' } }), `${F}.responseHeaderModifier.set: must be a list, got "x"`],
    ['a redirect key', withFilter({ type: 'RequestRedirect', requestRedirect: { code: 301 } }), `${F}.requestRedirect: ${unsupported('code', 'scheme, hostname, path, port, statusCode')}`],
    ['a redirect scheme', withFilter({ type: 'RequestRedirect', requestRedirect: { scheme: 1 } }), `${F}.requestRedirect.scheme: must be a string, got 1`],
    ['a redirect hostname', withFilter({ type: 'RequestRedirect', requestRedirect: { hostname: 1 } }), `${F}.requestRedirect.hostname: must be a string, got 1`],
    ['a redirect port', withFilter({ type: 'RequestRedirect', requestRedirect: { port: 0 } }), `${F}.requestRedirect.port: must be an integer from 1 to 65535, got 0`],
    ['a redirect path', withFilter({ type: 'RequestRedirect', requestRedirect: { path: 'x' } }), `${F}.requestRedirect.path: must be a mapping (an object), got "x"`],
    ['a prefix replacement', withFilter({ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: 1 } } }),
      `${F}.requestRedirect.path.replacePrefixMatch: must be a string, got 1`],
    ['a path modifier key', withFilter({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', value: '/' } } }),
      `${F}.urlRewrite.path: ${unsupported('value', 'type, replaceFullPath, replacePrefixMatch')}`],
    ['a path modifier without type', withFilter({ type: 'URLRewrite', urlRewrite: { path: { replaceFullPath: '/' } } }), `${F}.urlRewrite.path.type: must be a string, got undefined`],
    ['a full path', withFilter({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: 1 } } }), `${F}.urlRewrite.path.replaceFullPath: must be a string, got 1`],
    ['a rewrite key', withFilter({ type: 'URLRewrite', urlRewrite: { host: 'a' } }), `${F}.urlRewrite: ${unsupported('host', 'hostname, path')}`],
    ['a rewrite hostname', withFilter({ type: 'URLRewrite', urlRewrite: { hostname: 1 } }), `${F}.urlRewrite.hostname: must be a string, got 1`],
    ['a mirror key', withFilter({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, weight: 1 } }), `${F}.requestMirror: ${unsupported('weight', 'backendRef, percent, fraction')}`],
    ['a mirror fraction', withFilter({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, fraction: 'x' } }), `${F}.requestMirror.fraction: must be a mapping (an object), got "x"`],
    ['a mirror fraction key', withFilter({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, fraction: { numerator: 1, d: 2 } } }),
      `${F}.requestMirror.fraction: ${unsupported('d', 'numerator, denominator')}`],
    ['a fraction numerator', withFilter({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, fraction: { numerator: -1 } } }),
      `${F}.requestMirror.fraction.numerator: must be an integer from 0 to 1000000, got -1`],
    ['a fraction denominator', withFilter({ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, fraction: { numerator: 1, denominator: 0 } } }),
      `${F}.requestMirror.fraction.denominator: must be an integer from 1 to 1000000, got 0`],
    ['a mirror without backendRef', withFilter({ type: 'RequestMirror', requestMirror: {} }), `${F}.requestMirror.backendRef: must be a mapping (an object), got undefined`],
    // a match
    ['match', withRule({ matches: ['all'] }), `${M}: must be a mapping (an object), got "all"`],
    ['match key', withMatch({ host: 'a' }), `${M}: ${unsupported('host', 'path, headers, queryParams, method')}`],
    ['path', withMatch({ path: '/' }), `${M}.path: must be a mapping (an object), got "/"`],
    ['path key', withMatch({ path: { prefix: '/' } }), `${M}.path: ${unsupported('prefix', 'type, value')}`],
    ['path type', withMatch({ path: { type: 1 } }), `${M}.path.type: must be a string, got 1`],
    ['path value', withMatch({ path: { value: 1 } }), `${M}.path.value: must be a string, got 1`],
    ['another path type', withMatch({ path: { type: 'Prefix', value: '/' } }), `${M}.path.type: must be Exact, PathPrefix or RegularExpression, got "Prefix"`],
    ['a regex path without a value', withMatch({ path: { type: 'RegularExpression' } }), `${M}.path.value: must be a string, got undefined`],
    ['a regex path not RE2', withMatch({ path: { type: 'RegularExpression', value: '(' } }), `${M}.path: ${RE2_OPEN}`],
    ['headers', withMatch({ headers: 'x' }), `${M}.headers: must be a list, got "x"`],
    ['a header', withMatch({ headers: ['x'] }), `${M}.headers[0]: must be a mapping (an object), got "x"`],
    ['header key', withMatch({ headers: [{ name: 'x', value: '1', invert: true }] }), `${M}.headers[0]: ${unsupported('invert', 'type, name, value')}`],
    ['header name', withMatch({ headers: [{ value: '1' }] }), `${M}.headers[0].name: must be a string, got undefined`],
    ['header type', withMatch({ headers: [{ type: 1, name: 'x', value: '1' }] }), `${M}.headers[0].type: must be a string, got 1`],
    ['header value', withMatch({ headers: [{ name: 'x' }] }), `${M}.headers[0].value: must be a string, got undefined`],
    ['another header type', withMatch({ headers: [{ type: 'Prefix', name: 'x', value: '1' }] }), `${M}.headers[0].type: must be Exact or RegularExpression, got "Prefix"`],
    ['a header regex not RE2', withMatch({ headers: [{ type: 'RegularExpression', name: 'x', value: '(' }] }), `${M}.headers[0]: ${RE2_OPEN}`],
    ['queryParams', withMatch({ queryParams: 'q' }), `${M}.queryParams: must be a list, got "q"`],
    ['a query match', withMatch({ queryParams: ['q'] }), `${M}.queryParams[0]: must be a mapping (an object), got "q"`],
    ['query key', withMatch({ queryParams: [{ name: 'q', value: '1', present: true }] }), `${M}.queryParams[0]: ${unsupported('present', 'type, name, value')}`],
    ['query name', withMatch({ queryParams: [{ value: '1' }] }), `${M}.queryParams[0].name: must be a string, got undefined`],
    ['another query type', withMatch({ queryParams: [{ type: 'Prefix', name: 'q', value: '1' }] }), `${M}.queryParams[0].type: must be Exact or RegularExpression, got "Prefix"`],
    ['method', withMatch({ method: 1 }), `${M}.method: must be a string, got 1`],
    // a parent
    ['parent', withParent('gw'), `${P}: must be a mapping (an object), got "gw"`],
    ['parent kind', withParent({ name: 'gw', kind: 1 }), `${P}.kind: must be a string, got 1`],
    ['parent group', withParent({ name: 'gw', group: 1 }), `${P}.group: must be a string, got 1`],
    ['parent namespace', withParent({ name: 'gw', namespace: 1 }), `${P}.namespace: must be a string, got 1`],
    ['parent name', withParent({}), `${P}.name: must be a string, got undefined`],
    ['a parent of another kind', withParent({ name: 'm', kind: 'Mesh' }), `${P}: a parent of kind "Mesh" is not supported by the lane simulation (Gateway or Service)`],
  ])('%s', (_what, obj, message) => {
    expect(() => read([obj])).toThrow(new Error(message));
  });
});
