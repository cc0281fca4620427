/**
 * The simulator's request model, matching, entry points and engine, by example: how a request is read (its port,
 * its host, the namespace of a service host, a path changed by a prefix rewrite), how a request matches hostnames,
 * callers and ports, how a large table's host index keeps the first-match order, which table a simulation enters
 * through, and what a simulation says about a share it cannot see through.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LaneSimulator } from '../src';
import * as graph from '../src/private/diagram/graph';
import { MatchBlock } from '../src/private/model/types';
import { decide } from '../src/private/simulate/engine';
import { callerNamespace, entryTable, resolveHost, serviceItself, tableNotes } from '../src/private/simulate/entry';
import { attachedFor, firstMatch, hostMatches, matchesBlock } from '../src/private/simulate/matcher';
import { hostsOf, Mesh, RouteTable } from '../src/private/simulate/mesh';
import { parseYaml, readMesh } from '../src/private/simulate/read/manifests';
import { authorityPort, changedPath, hostOf, makeRequest, namespaceOf, Request, sentTo } from '../src/private/simulate/request';

/** A match block with only the conditions given. */
function block(conditions: Partial<MatchBlock> = {}): MatchBlock {
  return { headers: [], queryParams: [], ...conditions };
}

/** The mesh of YAML documents read as file `f`. */
function meshOf(...docs: string[]): Mesh {
  return readMesh(parseYaml([{ name: 'f', text: docs.join('\n---\n') }]));
}

function table(mesh: Mesh, source: string): RouteTable {
  const found = mesh.tables.find(t => t.source === `f: ${source}`);
  if (!found) throw new Error(`no table ${source}`);
  return found;
}

const svc = (name: string, ns = 'shop') => `${name}.${ns}.svc.cluster.local`;

describe('the request', () => {
  test('the port an authority names is the one after its last colon; an IPv6 literal\'s colons are not a port', () => {
    expect(authorityPort('shop.example.com:8080')).toBe(8080);
    expect(authorityPort('[::1]:8080')).toBe(8080);
    expect(authorityPort('[::1]')).toBeUndefined();
    expect(authorityPort('shop.example.com')).toBeUndefined();
    expect(authorityPort(undefined)).toBeUndefined();
    expect(hostOf('[::1]:8080')).toBe('[::1]');
    expect(hostOf('[::1]')).toBe('[::1]');
    expect(makeRequest({ headers: { host: '[::1]:9080' } })).toMatchObject({ authority: '[::1]:9080', host: '[::1]', port: 9080 });
  });

  test('a port is an integer from 1 to 65535: both ends are taken, beyond them the request is refused', () => {
    expect(makeRequest({ port: 1 }).port).toBe(1);
    expect(makeRequest({ port: 65535 }).port).toBe(65535);
    expect(() => makeRequest({ port: 0 })).toThrow(new Error('request.port must be an integer from 1 to 65535, got 0'));
    expect(() => makeRequest({ port: 65536 })).toThrow(new Error('request.port must be an integer from 1 to 65535, got 65536'));
  });

  test('the namespace of a service host is its second label when the third is "svc"; other hosts have none', () => {
    expect(namespaceOf('reviews.prod.svc.cluster.local')).toBe('prod');
    expect(namespaceOf('reviews.prod.svc')).toBe('prod');
    expect(namespaceOf('www.example.com')).toBeUndefined();
    expect(namespaceOf('reviews.prod')).toBeUndefined();
    expect(namespaceOf('svc.prod.svc2.cluster.local')).toBeUndefined();
  });

  test('a prefix rewrite replaces whole segments: trailing slashes of the matched prefix and of the replacement are dropped', () => {
    // Gateway API: PathPrefix "/api//" matches "/api" and "/api/..."; ReplacePrefixMatch "/v2/" on "/api/v1" gives "/v2/v1"
    expect(changedPath('/api/v1', { prefix: { matched: '/api//', replacement: '/v2' } })).toBe('/v2/v1');
    expect(changedPath('/api/v1', { prefix: { matched: '/api', replacement: '/v2//' } })).toBe('/v2/v1');
    expect(changedPath('/api', { prefix: { matched: '/api/', replacement: '/' } })).toBe('/');
    expect(changedPath('/api/v1', { full: '/other' })).toBe('/other');
  });

  test('a request sent on to a host takes that host as its authority, lowercase as its host, and no port yet', () => {
    const req = makeRequest({ headers: { host: 'shop.example.com:8080' } });
    expect(sentTo(req, 'Reviews.Prod.svc.cluster.local')).toEqual({
      ...req, authority: 'Reviews.Prod.svc.cluster.local', host: 'reviews.prod.svc.cluster.local', port: undefined,
    });
  });
});

describe('matching hostnames, callers and ports', () => {
  const at = (authority: string) => makeRequest({ headers: { host: authority } });

  test('a wildcard hostname takes a host with one or more labels before its suffix, never the bare suffix', () => {
    expect(hostMatches(['*.example.com'], at('a.example.com'))).toBe(true);
    expect(hostMatches(['*.example.com'], at('a.b.example.com:8080'))).toBe(true);
    expect(hostMatches(['*.example.com'], at('example.com'))).toBe(false);
    expect(hostMatches(['*.example.com'], at('.example.com'))).toBe(false);
    expect(hostMatches(['*.example.com'], makeRequest({}))).toBe(false);
  });

  test('a block that leaves out the callers of some namespaces takes callers from other namespaces and unknown ones', () => {
    const producer = block({ notSourceNamespaces: ['team-a', 'team-c'] });
    const req = makeRequest({});
    expect(matchesBlock(producer, { ...req, sourceNamespace: 'team-a' })).toBe(false);
    expect(matchesBlock(producer, { ...req, sourceNamespace: 'team-c' })).toBe(false);
    expect(matchesBlock(producer, { ...req, sourceNamespace: 'team-b' })).toBe(true);
    expect(matchesBlock(producer, req)).toBe(true);
    expect(matchesBlock(block(), { ...req, sourceNamespace: 'team-a' })).toBe(true);
  });

  test('a mesh route is attached for a request when any block of a route takes its port and caller', () => {
    const routes = [{ matches: [block({ port: 80 }), block({ port: 8080 })] }];
    expect(attachedFor({ attachedOnly: true, routes }, makeRequest({ port: 8080 }))).toBe(true);
    expect(attachedFor({ attachedOnly: true, routes }, makeRequest({ port: 80 }))).toBe(true);
    expect(attachedFor({ attachedOnly: true, routes }, makeRequest({ port: 9090 }))).toBe(false);
    expect(attachedFor({ routes }, makeRequest({ port: 9090 }))).toBe(true);
  });
});

describe('a large table (a Gateway\'s) is searched by host, in the order of its routes', () => {
  // routes 0-2 may match any host; routes 3-66 each take one exact hostname; route 67 takes every request
  const routes = [
    { matches: [block({ hostnames: ['a.example'] }), block({ uri: { kind: 'exact', value: '/open' } })] },
    { matches: [block({ hostnames: ['b.example', '*.wild.example'] })] },
    { matches: [block({ headers: [{ name: 'x-first', absent: false }] })] },
    ...Array.from({ length: 64 }, (_, i) => ({ matches: [block({ hostnames: [`h${i + 3}.example`] })] })),
    { matches: [] },
  ];
  const req = (authority: string | undefined, input: { path?: string; headers?: { [name: string]: string } } = {}) =>
    makeRequest({ ...input, headers: { ...input.headers, ...(authority !== undefined ? { host: authority } : {}) } });
  const first = (authority: string | undefined, input: { path?: string; headers?: { [name: string]: string } } = {}) =>
    firstMatch(routes, req(authority, input));
  const exactOnly = (n: number) => Array.from({ length: n }, (_, i) => ({ matches: [block({ hostnames: [`h${i}.example`] })] }));

  /** The routes `firstMatch` tries for `request`, in order (once the table's index, if any, is built). */
  function tried(of: ReadonlyArray<{ readonly matches: readonly MatchBlock[] }>, request: Request): { match: number; tried: number[] } {
    const order: number[] = [];
    const counted = of.map((r, i) => ({ get matches() { order.push(i); return r.matches; } }));
    firstMatch(counted, request);
    order.length = 0;
    return { match: firstMatch(counted, request), tried: order };
  }

  test('a route with a block for any host matches a request for a host its other blocks do not name', () => {
    expect(first('z.example', { path: '/open' })).toBe(0);
    expect(first(undefined, { path: '/open' })).toBe(0);
    expect(first(undefined)).toBe(67);
  });

  test('a route whose hostnames include a wildcard matches the hosts the wildcard takes', () => {
    expect(first('x.wild.example')).toBe(1);
    expect(first('b.example')).toBe(1);
  });

  test('the routes of a host and the routes for any host are tried in table order', () => {
    expect(first('h5.example')).toBe(5);
    expect(first('h5.example', { headers: { 'x-first': '1' } })).toBe(2);
    expect(first('h66.example')).toBe(66);
    expect(first('H66.Example:8443')).toBe(66);
    expect(first('h67.example')).toBe(67);
  });

  test('a table of exact hostnames only matches the request\'s host, even its last route', () => {
    const exact = exactOnly(64);
    expect(firstMatch(exact, makeRequest({ headers: { host: 'h63.example' } }))).toBe(63);
    expect(firstMatch(exact, makeRequest({ headers: { host: 'h0.example' } }))).toBe(0);
    expect(firstMatch(exact, makeRequest({}))).toBe(-1);
  });

  test('from 64 routes on, a request tries only the routes for any host and those of its own host, in table order', () => {
    expect(tried(routes, req('h40.example'))).toEqual({ match: 40, tried: [0, 1, 2, 40] });
    expect(tried(routes, req('nowhere.example'))).toEqual({ match: 67, tried: [0, 1, 2, 67] });
    expect(tried(exactOnly(64), req('h40.example'))).toEqual({ match: 40, tried: [40] });
    expect(tried(exactOnly(64), req(undefined))).toEqual({ match: -1, tried: [] });
  });

  test('below 64 routes a table is scanned in order', () => {
    expect(tried(exactOnly(63), req('h40.example'))).toEqual({ match: 40, tried: Array.from({ length: 41 }, (_, i) => i) });
  });
});

const SERVICES = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {ports: [{port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: lonely, namespace: shop}
spec: {ports: [{port: 7070}]}`;

const sidecar = (name: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: shop}
spec:
  hosts: [${svc(name)}]
  http: [{route: [{destination: {host: ${svc(name)}}}]}]`;

describe('entry points', () => {
  // an HTTPRoute on a Gateway the input lacks, and two sidecar VirtualServices
  const mesh = meshOf(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]`, sidecar('api'), sidecar('cart'), SERVICES);
  const web = table(mesh, 'HTTPRoute shop/web');
  const FOUND = `found: f: VirtualService shop/api (mesh, hosts: ${svc('api')}); f: VirtualService shop/cart (mesh, hosts: ${svc('cart')})`;
  const UNREAD = '(the input is complete, and f: HTTPRoute shop/web\'s Gateway infra/gw was not read, so those routes are attached nowhere)';

  test('with a complete input, a route on a Gateway not read is attached nowhere, and the message says so where it is asked for', () => {
    expect(() => entryTable(mesh, { complete: true, gateway: 'infra/gw' }, undefined))
      .toThrow(new Error(`no VirtualService bound to gateway "infra/gw" ${UNREAD}; ${FOUND}`));
    // another gateway: the route left out is not the one asked for
    expect(() => entryTable(mesh, { complete: true, gateway: 'infra/other' }, undefined))
      .toThrow(new Error(`no VirtualService bound to gateway "infra/other"; ${FOUND}`));
    // no gateway asked for: the chain enters at its first host, whose sidecar table there is none of
    expect(() => entryTable(mesh, { complete: true }, svc('web')))
      .toThrow(new Error(`no VirtualService for sidecars of host ${svc('web')} ${UNREAD}; ${FOUND}`));
    // without complete, the route is taken as attached
    expect(entryTable(mesh, { gateway: 'infra/gw' }, undefined)).toBe(web);
  });

  test('no gateway-bound table: a chain enters at the sidecar table of its first host', () => {
    expect(entryTable(mesh, { complete: true }, svc('cart'))).toBe(table(mesh, 'VirtualService shop/cart'));
    expect(entryTable(mesh, { complete: true }, svc('api'))).toBe(table(mesh, 'VirtualService shop/api'));
    // the one gateway-bound table, when the route on the Gateway not read counts
    expect(entryTable(mesh, {}, svc('cart'))).toBe(web);
  });

  test('the notes of an entry: the table\'s own, and a Gateway the input lacks unless it is complete', () => {
    const missing = 'f: HTTPRoute shop/web: Gateway infra/gw was not read; its routes are taken as attached to a listener that takes every request (with complete, they are attached nowhere)';
    expect(tableNotes(web, {})).toEqual([missing]);
    expect(tableNotes({ ...web, notes: ['merged routes are ordered by name'] }, {})).toEqual(['merged routes are ordered by name', missing]);
    expect(tableNotes({ ...web, notes: ['merged routes are ordered by name'] }, { complete: true })).toEqual(['merged routes are ordered by name']);
    expect(tableNotes(table(mesh, 'VirtualService shop/api'), {})).toEqual([]);
  });

  test('a short name resolves to a Service read, even one no route names', () => {
    expect(resolveHost(mesh, 'lonely')).toBe(svc('lonely'));
    const known = [svc('api'), svc('cart'), svc('web')].join(', ');
    expect(() => resolveHost({ ...mesh, services: undefined }, 'lonely'))
      .toThrow(new Error(`service "lonely" is not routed by any VirtualService read (known hosts: ${known})`));
  });

  test('a Service itself serves a request on the port it names, else on the Service\'s first port, else on 80', () => {
    const marker = { header: 'x-lane' };
    expect(serviceItself(mesh, svc('lonely'), makeRequest({}), marker).port).toBe(7070);
    expect(serviceItself(mesh, svc('lonely'), makeRequest({ port: 9090 }), marker).port).toBe(9090);
    expect(serviceItself(mesh, svc('nowhere'), makeRequest({}), marker).port).toBe(80);
    expect(serviceItself({ ...mesh, services: undefined }, svc('lonely'), makeRequest({}), marker).port).toBe(80);
  });

  test('a caller\'s namespace is for a call inside the mesh: through a gateway the request comes from outside', () => {
    const edge = meshOf(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: istio-system}
spec:
  gateways: [istio-system/gw-a, istio-system/gw-b]
  hosts: ['*']
  http: [{route: [{destination: {host: ${svc('api')}}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: both, namespace: istio-system}
spec:
  gateways: [istio-system/gw-c, mesh]
  hosts: [${svc('api')}]
  http: [{route: [{destination: {host: ${svc('api')}}}]}]`);
    const gatewayOnly = table(edge, 'VirtualService istio-system/edge');
    const both = table(edge, 'VirtualService istio-system/both');
    expect(() => callerNamespace(gatewayOnly, { sourceNamespace: 'shop' })).toThrow(new Error(
      'sourceNamespace "shop" is the namespace of a caller inside the mesh; a request through gateway istio-system/gw-a, istio-system/gw-b comes from outside it'));
    expect(() => callerNamespace(both, { sourceNamespace: 'shop', gateway: 'istio-system/gw-c' })).toThrow(new Error(
      'sourceNamespace "shop" is the namespace of a caller inside the mesh; a request through gateway istio-system/gw-c comes from outside it'));
    expect(callerNamespace(both, { sourceNamespace: 'shop' })).toBe('shop');
    expect(callerNamespace(undefined, { sourceNamespace: 'shop' })).toBe('shop');
    expect(callerNamespace(gatewayOnly, {})).toBeUndefined();
  });
});

describe('what the mesh names', () => {
  test('the hosts of a mesh: those routed, routed to, and those an ASM fallback sends to', () => {
    const mesh = meshOf(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: shop}
spec:
  hosts: [${svc('a')}]
  http:
    - route:
        - destination: {host: ${svc('b')}, subset: s2}
          fallback: {target: {host: ${svc('c')}, subset: s1}}`);
    expect([...hostsOf(mesh)].sort()).toEqual([svc('a'), svc('b'), svc('c')]);
  });
});

describe('a share the simulation cannot see through', () => {
  const REDIRECT_WITH_MIRROR = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  rules:
    - filters:
        - {type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}
        - {type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 80}}}`;
  const MIRROR = 'f: HTTPRoute shop/web rules[0].filters[1].requestMirror.backendRef: no Service shop/shadow was read; the mirror\'s copies are taken as sent';

  test('a redirect keeps the notes on its rule: a mirror to a Service not read', () => {
    const mesh = meshOf(REDIRECT_WITH_MIRROR);
    const d = decide(mesh.tables[0], makeRequest({ headers: { host: 'shop.example.com' } }), { unhealthy: new Set(), subsets: mesh.subsets });
    expect(d.outcomes.map(o => [o.status, o.location, o.notes])).toEqual([[301, 'https://shop.example.com/', [MIRROR]]]);
    const r = LaneSimulator.fromYaml(REDIRECT_WITH_MIRROR, 'f').simulate({ headers: { host: 'shop.example.com' }, path: '/a?b=1' });
    expect(r.outcomes.map(o => [o.status, o.location, o.notes])).toEqual([[301, 'https://shop.example.com/a?b=1', [MIRROR]]]);
  });
});

describe('LaneSimulator: where a chain enters, and what a diagram may hold', () => {
  const sim = LaneSimulator.fromYaml(fs.readFileSync(path.join(__dirname, 'fixtures', 'mock-chain.yaml'), 'utf-8'), 'mock-chain.yaml');
  const CHAIN = ['mocka', 'mockb', 'mockc'];
  const traces = (paths: Array<{ trace: string; probability: number }>) => paths.map(p => [p.trace, p.probability]);

  test('a chain through a gateway given by name enters at its VirtualService', () => {
    expect(traces(sim.simulateChain(CHAIN, { headers: { env: 'dev' } }, { gateway: 'istio-system/ingressgateway' }))).toEqual([
      ['mocka(version: v2) -> mockb(version: v1) -> mockc(version: v2)', 0.5],
      ['mocka(version: v1, fallback from s3) -> mockb(version: v3) -> mockc(version: v1)', 0.5],
    ]);
  });

  test('a chain from a host without a sidecar VirtualService starts at its Service, gateways or not', () => {
    expect(traces(sim.simulateChain(['mocka', 'mockb'], { headers: { 'x-asm-prefer-tag': 's3' } }, { host: 'mocka' })))
      .toEqual([['mocka(any) -> mockb(version: v3)', 1]]);
    const sidecars = LaneSimulator.fromYaml([sidecar('api'), SERVICES].join('\n---\n'), 's');
    expect(traces(sidecars.simulateChain(['lonely', 'api'], {}))).toEqual([['lonely(any) -> api(any)', 1]]);
  });

  test('a gateway given for a chain is the entry: one no route is bound to is an error, as is a host with it', () => {
    const sidecars = LaneSimulator.fromYaml([sidecar('api'), SERVICES].join('\n---\n'), 's');
    expect(() => sidecars.simulateChain(['lonely'], {}, { gateway: 'istio-system/gw' })).toThrow(new Error(
      `no VirtualService bound to gateway "istio-system/gw"; found: s: VirtualService shop/api (mesh, hosts: ${svc('api')})`));
    expect(() => sim.simulateChain(CHAIN, {}, { gateway: 'istio-system/ingressgateway', host: 'mocka' })).toThrow(new Error('give gateway or host, not both'));
  });

  test('the request of a chain is checked by name', () => {
    expect(() => sim.simulateChain(CHAIN, null as any)).toThrow(new Error('LaneSimulator.simulateChain(): request must be an object, got null'));
  });

  test('a chain compared with a complete input does not enter through a route on a Gateway not read', () => {
    const route = (backend: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  rules: [{backendRefs: [{name: ${backend}, port: 8080}]}]`;
    const before = LaneSimulator.fromYaml([route('web'), sidecar('api'), sidecar('web'), SERVICES].join('\n---\n'), 'f');
    const after = LaneSimulator.fromYaml([route('api'), sidecar('api'), sidecar('web'), SERVICES].join('\n---\n'), 'f');
    expect(before.diff(after, { chain: ['api'], complete: true })).toEqual({
      entries: [], subsetsAdded: [], subsetsRemoved: [], hostsAdded: [], hostsRemoved: [], approximate: false, changed: false, chains: [],
    });
    // without complete, the route is taken as attached and the chain enters through it
    expect(before.diff(after, { chain: ['api'] }).chains).toEqual([{ request: 'any request', before: ['web(any) 100%'], after: ['api(any) 100%'] }]);
  });

  test('SVG is drawn for a diagram of at most 2,000 nodes', async () => {
    const nodes = jest.spyOn(graph, 'nodeCount');
    const draw = jest.spyOn(graph, 'toSvg').mockResolvedValue('<svg/>');
    try {
      nodes.mockReturnValue(2000);
      await expect(sim.diagramSvg()).resolves.toBe('<svg/>');
      nodes.mockReturnValue(2001);
      await expect(sim.diagramSvg()).rejects.toThrow(new Error(
        'LaneSimulator.diagramSvg(): the diagram has 2001 nodes; SVG is drawn for at most 2000: filter it with host, lane or chain'));
      expect(draw).toHaveBeenCalledTimes(1);
    } finally {
      nodes.mockRestore();
      draw.mockRestore();
    }
  });
});
