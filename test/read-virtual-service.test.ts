// How the simulator reads VirtualServices and delegates: each field checked against its CRD type with a message
// naming its path, null read as absent, the fields read but not modelled turned into notes on the route, and
// delegate VirtualServices merged into their roots as Istio's mergeVirtualServicesIfNeeded does (ports and
// source namespaces conflict or complete each other, the notes of the root route and the delegate route kept).
import { resolveDelegation } from '../src/private/simulate/read/delegation';
import { readMesh } from '../src/private/simulate/read/manifests';
import { RawTable, readVirtualService } from '../src/private/simulate/read/virtual-service';

const WEB = 'web.shop.svc.cluster.local';
const toWeb = [{ destination: { host: 'web' } }];

/** A VirtualService `front` in `shop` for `web`, read with the source `s`. */
const readSpec = (spec: unknown) => readVirtualService('s', { name: 'front', namespace: 'shop' }, spec);
/** The one route read from a VirtualService whose one http route is `route`. */
const readRoute = (route: unknown) => readSpec({ hosts: ['web'], http: [route] }).routes[0];

/** A match block as read: no conditions but those given. */
const block = (b: object = {}) => ({
  headers: [], sourceLabels: undefined, uri: undefined, authority: undefined, method: undefined, queryParams: [], ...b,
});
/** A destination as the simulation reads it: the whole share, no headers. */
const dest = (host: string, extra: object = {}) => ({
  host, subset: undefined, port: undefined, weight: undefined, fallback: undefined, probability: 1, setHeaders: {}, addHeaders: {}, ...extra,
});
const exact = (value: string) => ({ kind: 'exact', value });

describe('VirtualService fields: a wrong type is an error naming the field\'s path', () => {
  const AT = 's http[0]';
  test.each<[string, unknown, string]>([
    ['a uri exact that is not a string', { match: [{ uri: { exact: 5 } }], route: toWeb }, `${AT}.match[0].uri.exact: must be a string, got 5`],
    ['headers that are not a mapping', { match: [{ headers: 5 }], route: toWeb }, `${AT}.match[0].headers: must be a mapping (an object), got 5`],
    ['withoutHeaders that are not a mapping', { match: [{ withoutHeaders: [] }], route: toWeb }, `${AT}.match[0].withoutHeaders: must be a mapping (an object), got []`],
    ['a header match that is not a mapping', { match: [{ headers: { 'X-Lane': 'dev' } }], route: toWeb }, `${AT}.match[0].headers.X-Lane: must be a mapping (an object), got "dev"`],
    ['a header prefix that is not a string', { match: [{ headers: { 'X-Lane': { prefix: 1 } } }], route: toWeb }, `${AT}.match[0].headers.X-Lane.prefix: must be a string, got 1`],
    ['queryParams that are not a mapping', { match: [{ queryParams: 'v=1' }], route: toWeb }, `${AT}.match[0].queryParams: must be a mapping (an object), got "v=1"`],
    ['a port that is not a number', { match: [{ port: '80' }], route: toWeb }, `${AT}.match[0].port: must be an integer from 1 to 65535, got "80"`],
    ['a sourceNamespace that is not a string', { match: [{ sourceNamespace: 5 }], route: toWeb }, `${AT}.match[0].sourceNamespace: must be a string, got 5`],
    ['a route name that is not a string', { name: 5, route: toWeb }, `${AT}.name: must be a string, got 5`],
    ['a match that is not a list', { match: { uri: { exact: '/' } }, route: toWeb }, `${AT}.match: must be a list, got {"uri":{"exact":"/"}}`],
    ['route headers that are not a mapping', { headers: 5, route: toWeb }, `${AT}.headers: must be a mapping (an object), got 5`],
    ['headers.request that is not a mapping', { headers: { request: 5 }, route: toWeb }, `${AT}.headers.request: must be a mapping (an object), got 5`],
    ['headers.request.set that is not a mapping', { headers: { request: { set: 5 } }, route: toWeb }, `${AT}.headers.request.set: must be a mapping (an object), got 5`],
    ['a header added that is not a string', { headers: { request: { add: { 'x-a': 1 } } }, route: toWeb }, `${AT}.headers.request.add.x-a: must be a string, got 1`],
    ['a route that is not a list', { route: { destination: { host: 'web' } } }, `${AT}.route: must be a list, got {"destination":{"host":"web"}}`],
    ['a destination without a host', { route: [{ destination: { subset: 'v1' } }] }, `${AT}.route[0].destination.host: must be a string, got undefined`],
    ['a subset that is not a string', { route: [{ destination: { host: 'web', subset: 1 } }] }, `${AT}.route[0].destination.subset: must be a string, got 1`],
    ['a destination port that is not a mapping', { route: [{ destination: { host: 'web', port: 80 } }] }, `${AT}.route[0].destination.port: must be a mapping (an object), got 80`],
    ['a fallback that is not a mapping', { route: [{ destination: { host: 'web' }, fallback: 'v1' }] }, `${AT}.route[0].fallback: must be a mapping (an object), got "v1"`],
    ['a weight that is not an integer', { route: [{ destination: { host: 'web' }, weight: 0.5 }] }, `${AT}.route[0].weight: must be an integer from 0 to 2147483647, got 0.5`],
  ])('%s', (_what, route, message) => {
    expect(() => readRoute(route)).toThrow(new Error(message));
  });

  test.each<[string, unknown, string]>([
    ['a spec that is not a mapping', 5, 's spec: must be a mapping (an object), got 5'],
    ['http that is not a list', { hosts: ['web'], http: { route: toWeb } }, 's http: must be a list, got {"route":[{"destination":{"host":"web"}}]}'],
    ['gateways that are not a list', { hosts: ['web'], gateways: 'mesh', http: [{ route: toWeb }] }, 's gateways: must be a list, got "mesh"'],
    ['a gateway that is not a string', { hosts: ['web'], gateways: [5], http: [{ route: toWeb }] }, 's gateways[0]: must be a string, got 5'],
    ['a host that is not a string', { hosts: ['web', 5], http: [{ route: toWeb }] }, 's hosts[1]: must be a string, got 5'],
  ])('%s is an error naming the VirtualService', (_what, spec, message) => {
    expect(() => readSpec(spec)).toThrow(new Error(message));
  });

  test('a route that is null or undefined is an error naming its place, not a TypeError', () => {
    expect(() => readSpec({ hosts: ['web'], http: [null] })).toThrow(new Error('s http[0]: must be a mapping (an object), got null'));
    expect(() => readSpec({ hosts: ['web'], http: [{ route: toWeb }, undefined] })).toThrow(new Error('s http[1]: must be a mapping (an object), got undefined'));
  });

  test('a route named by a string is named in its messages; a name that is no string is not', () => {
    expect(() => readRoute({ name: 'api', route: 5 })).toThrow(new Error('s http[0] "api".route: must be a list, got 5'));
    expect(() => readRoute({ name: 7, route: toWeb })).toThrow(new Error('s http[0].name: must be a string, got 7'));
  });
});

describe('VirtualService fields: what is read', () => {
  test('a match block reads its port and source namespace, and has no such keys when they are not given', () => {
    const route = readRoute({ match: [{ port: 8080, sourceNamespace: 'ops' }, { uri: { exact: '/' } }], route: toWeb });
    expect(route.matches).toStrictEqual([block({ port: 8080, sourceNamespace: 'ops' }), block({ uri: exact('/') })]);
  });

  test('null reads as absent: a match kind, a port, a set or add of headers, a weight, a noted field', () => {
    const route = readRoute({
      match: [{ uri: { exact: '/a', prefix: null, regex: null }, port: null }],
      headers: { request: { set: null, add: { 'X-A': '1' } } },
      timeout: null,
      route: [{ destination: { host: 'web' }, weight: null }],
    });
    expect(route).toStrictEqual({
      name: undefined,
      matches: [block({ uri: exact('/a') })],
      destinations: [dest(WEB)],
      headers: { set: {}, add: { 'x-a': '1' } },
      where: 's http[0]',
    });
  });

  test('null reads as absent too for the headers, absent headers and query parameters of a match, and a fallback', () => {
    const route = readRoute({ match: [{ headers: null, withoutHeaders: null, queryParams: null }], route: [{ destination: { host: 'web' }, fallback: null }] });
    expect(route.matches).toStrictEqual([block()]);
    expect(route.destinations).toStrictEqual([dest(WEB)]);
  });

  test('a string match with two kinds names those two', () => {
    expect(() => readRoute({ match: [{ uri: { exact: '/a', prefix: '/b', regex: null } }], route: toWeb })).toThrow(
      's http[0].match[0].uri: has exact and prefix; exactly one is allowed');
  });

  test('an exact or prefix value is text, not a regex: it need not be valid RE2', () => {
    expect(readRoute({ match: [{ uri: { exact: '/a(' }, headers: { 'x-b': { prefix: '[' } } }], route: toWeb }).matches).toEqual([
      block({ uri: exact('/a('), headers: [{ name: 'x-b', match: { kind: 'prefix', value: '[' }, absent: false }] }),
    ]);
    expect(() => readRoute({ match: [{ uri: { regex: '/a(' } }], route: toWeb })).toThrow(/^s http\[0\]\.match\[0\]\.uri: regex "\/a\(" is not valid RE2: /);
  });

  test('the name and statPrefix of a match block and the exportTo of a spec change no routing and are ignored', () => {
    const table = readSpec({ hosts: ['web'], exportTo: ['.'], http: [{ match: [{ name: 'm', statPrefix: 'p', uri: { prefix: '/' } }], route: toWeb }] });
    expect(table.routes[0].matches).toEqual([block({ uri: { kind: 'prefix', value: '/' } })]);
  });

  test('each field read but not modelled is a note naming it and what the simulation leaves out', () => {
    const said = {
      timeout: 'a backend slower than that gets the request a 504, which only the run time decides',
      retries: 'a failed attempt is tried again, which only the run time decides',
      corsPolicy: 'the proxy answers CORS preflight requests itself, which the simulation does not show',
      mirror: 'a copy of each request goes to another host, which the simulation does not show',
      mirrors: 'copies of the requests go to other hosts, which the simulation does not show',
      mirrorPercentage: 'a share of the requests is mirrored, which the simulation does not show',
      mirror_percent: 'a share of the requests is mirrored, which the simulation does not show',
      mirrorPercent: 'a share of the requests is mirrored, which the simulation does not show',
      rewrite: 'the path or authority the backend receives is rewritten, which the simulation does not show',
    };
    const route = readRoute({ name: 'r', route: toWeb, ...Object.fromEntries(Object.keys(said).map(k => [k, {}])) });
    expect(route.notes).toEqual(Object.entries(said).map(([k, what]) => `s http[0] "r".${k}: ${what}`));
  });

  test('a delegating route keeps the notes of the fields it has', () => {
    expect(readRoute({ name: 'r', timeout: '1s', delegate: { name: 'd' } })).toEqual({
      name: 'r',
      matches: [],
      destinations: [],
      delegate: { name: 'd' },
      where: 's http[0] "r"',
      notes: ['s http[0] "r".timeout: a backend slower than that gets the request a 504, which only the run time decides'],
    });
  });
});

describe('delegation: ports and source namespaces, as Istio merges them', () => {
  /** The routes a root route with `rootMatch` gets from a one-route delegate with `leafMatch`, and the notes. */
  function delegated(rootMatch: unknown[], leafMatch: unknown[]) {
    const root = readVirtualService('root', { name: 'root', namespace: 'shop' }, { hosts: ['web'], http: [{ name: 'r', match: rootMatch, delegate: { name: 'leaf' } }] });
    const leaf = readVirtualService('leaf', { name: 'leaf', namespace: 'shop' }, { http: [{ name: 'l', match: leafMatch, route: toWeb }] });
    const { tables, notes } = resolveDelegation([root, leaf], []);
    return { matches: tables[0].routes.map(r => r.matches), notes };
  }
  const CONFLICT = { matches: [], notes: ['leaf http[0] "l": its matches conflict with those of root http[0] "r"; Istio ignores this delegate route'] };
  /** The merged block as mergeBlocks writes it: every condition named, undefined when neither gives it. */
  const merged = (b: object) => ({
    matches: [[{
      ...block(), port: undefined, sourceNamespace: undefined, notSourceNamespaces: undefined, hostnames: undefined, notHostnames: undefined, ...b,
    }]],
    notes: [],
  });

  test.each<[string, unknown[], unknown[], object]>([
    ['another port conflicts', [{ port: 80 }], [{ port: 81 }], CONFLICT],
    ['the same port merges', [{ port: 80 }], [{ port: 80 }], merged({ port: 80 })],
    ['a root port is kept by a delegate without one', [{ port: 80 }], [{ uri: { exact: '/a' } }], merged({ port: 80, uri: exact('/a') })],
    ['a delegate port under a root without one', [{ uri: { exact: '/a' } }], [{ port: 81 }], merged({ port: 81, uri: exact('/a') })],
    ['another source namespace conflicts', [{ sourceNamespace: 'a' }], [{ sourceNamespace: 'b' }], CONFLICT],
    ['the same source namespace merges', [{ sourceNamespace: 'a' }], [{ sourceNamespace: 'a' }], merged({ sourceNamespace: 'a' })],
    ['a root source namespace is kept by a delegate without one', [{ sourceNamespace: 'a' }], [{ uri: { exact: '/a' } }], merged({ sourceNamespace: 'a', uri: exact('/a') })],
    ['a delegate source namespace under a root without one', [{ uri: { exact: '/a' } }], [{ sourceNamespace: 'b' }], merged({ sourceNamespace: 'b', uri: exact('/a') })],
  ])('%s', (_what, rootMatch, leafMatch, expected) => {
    expect(delegated(rootMatch, leafMatch)).toEqual(expected);
  });

  test('read from manifests, the merged route has the root\'s port and the delegate\'s uri', () => {
    const vs = (name: string, spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'shop' }, spec });
    const mesh = readMesh([
      { obj: vs('root', { hosts: ['web'], http: [{ name: 'r', match: [{ port: 8080 }], delegate: { name: 'leaf' } }, { route: toWeb }] }) },
      { obj: vs('leaf', { http: [{ match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'api' } }] }] }) },
    ]);
    expect(mesh.tables[0].routes.map(r => [r.name, r.matches.map(m => [m.port, m.uri])])).toEqual([
      ['r', [[8080, { kind: 'prefix', value: '/api' }]]],
      [undefined, []],
    ]);
  });

  test('a root block\'s hostnames and excluded namespaces are kept by a delegate block without them', () => {
    const rootBlock = { headers: [], queryParams: [], hostnames: ['a.example'], notHostnames: ['b.a.example'], notSourceNamespaces: ['ops'] };
    const root: RawTable = {
      source: 'root',
      name: 'root',
      namespace: 'shop',
      gateways: [],
      mesh: true,
      hosts: [WEB],
      routes: [{ name: 'r', matches: [rootBlock], destinations: [], delegate: { name: 'leaf' }, where: 'root http[0] "r"' }],
    };
    const leaf = readVirtualService('leaf', { name: 'leaf', namespace: 'shop' }, { http: [{ match: [{ method: { exact: 'GET' } }], route: toWeb }] });
    expect(resolveDelegation([root, leaf], []).tables[0].routes[0].matches).toEqual([
      { ...rootBlock, method: exact('GET'), sourceLabels: undefined },
    ]);
  });
});

describe('delegation: what the root route and the delegate route say about their answers', () => {
  test('the merged route carries the root route\'s notes, then the delegate route\'s', () => {
    const root = readVirtualService('root', { name: 'root', namespace: 'shop' }, { hosts: ['web'], http: [{ name: 'r', timeout: '2s', delegate: { name: 'leaf' } }] });
    const leaf = readVirtualService('leaf', { name: 'leaf', namespace: 'shop' }, {
      http: [{ name: 'a', retries: { attempts: 3 }, route: toWeb }, { name: 'b', route: toWeb }],
    });
    const timeout = 'root http[0] "r".timeout: a backend slower than that gets the request a 504, which only the run time decides';
    expect(resolveDelegation([root, leaf], []).tables[0].routes).toEqual([
      { name: 'r-a', matches: [], notes: [timeout, 'leaf http[0] "a".retries: a failed attempt is tried again, which only the run time decides'], destinations: [dest(WEB)] },
      { name: 'r-b', matches: [], notes: [timeout], destinations: [dest(WEB)] },
    ]);
  });

  test('a merged route without notes on either side has none', () => {
    const root = readVirtualService('root', { name: 'root', namespace: 'shop' }, { hosts: ['web'], http: [{ delegate: { name: 'leaf' } }] });
    const leaf = readVirtualService('leaf', { name: 'leaf', namespace: 'shop' }, { http: [{ route: toWeb }] });
    expect(resolveDelegation([root, leaf], []).tables[0].routes).toStrictEqual([{ name: undefined, matches: [], destinations: [dest(WEB)] }]);
  });
});
