// How the simulator reads manifests: the type checks of VirtualService fields (with the messages that name
// them), delegate VirtualServices resolved as Istio merges them into their roots, the routing ASM generates
// for ASMSwimLaneGroups and their ASMSwimLanes, and what the reader skips, notes or leaves out.
import { modelAsmLaneGroups } from '../src/private/simulate/read/asm';
import { locationOf, Manifest, parseYaml, readMesh, readMeshLeniently, sourceOf } from '../src/private/simulate/read/manifests';
import { readVirtualService } from '../src/private/simulate/read/virtual-service';

const WEB = 'web.shop.svc.cluster.local';

/** Objects as the documents of one file `y`, in order. */
const manifests = (...objs: any[]): Manifest[] => objs.map((obj, i) => ({ origin: 'y', index: i + 1, obj }));
const read = (...objs: any[]) => readMesh(manifests(...objs));

const vs = (name: string, spec: any, namespace = 'shop') => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec });
/** A VirtualService for `web` whose one route has `route` as its fields (a destination added unless it delegates). */
const routeVs = (route: any) => vs('front', { hosts: ['web'], http: [route] });
const toWeb = [{ destination: { host: 'web' } }];

/** A destination as the simulation reads it: the whole share, no headers unless given. */
const dest = (host: string, extra: object = {}) => ({ host, probability: 1, setHeaders: {}, addHeaders: {}, ...extra });
const exact = (value: string) => ({ kind: 'exact', value });
const prefix = (value: string) => ({ kind: 'prefix', value });
const header = (name: string, match: object | undefined, absent = false) => ({ name, match, absent });
const block = (b: object) => ({ headers: [], queryParams: [], ...b });

const ASM = 'istio.alibabacloud.com/v1';
const group = (spec: any, name: string | null = 'g') => ({ apiVersion: ASM, kind: 'ASMSwimLaneGroup', metadata: name === null ? {} : { name }, spec });
const lane = (name: string, spec: any, groupName = 'g') => ({ apiVersion: ASM, kind: 'ASMSwimLane', metadata: { name, labels: { 'swimlane-group': groupName } }, spec });
const webLane = (name: string, version: string) => lane(name, { labelSelector: { version }, services: [{ name: 'web', namespace: 'shop' }] });
const permissive = (extra: object = {}) => group({
  services: [{ name: 'web', namespace: 'shop' }],
  isPermissive: true,
  permissiveModeConfiguration: { fallbackTarget: 'base', routeHeader: 'x-lane', traceHeader: 'x-trace' },
  ...extra,
});

describe('ASM lane groups: the routing ASM generates', () => {
  const G = 'y (document 1): ASMSwimLaneGroup g';

  test('a permissive group: a lane rule per routing-header value, the fallback lane by default, its trace header forwarded', () => {
    const mesh = read(permissive(), webLane('base', 'v1'), webLane('dev', 'v2'));
    const name = 'istio-system/trafficlabel-vs-g-shop-web';
    expect(mesh).toEqual({
      tables: [{
        source: `y: ASMSwimLaneGroup g: ASM-generated VirtualService ${name}`,
        location: `${G}: ASM-generated VirtualService ${name}`,
        generatedBy: G,
        name: 'trafficlabel-vs-g-shop-web',
        namespace: 'istio-system',
        gateways: [],
        mesh: true,
        hosts: [WEB],
        routes: [
          // a lane's subset falls back to the baseline lane's, as ASM documents its equivalent of a permissive group
          { name: 'lane-dev', matches: [block({ headers: [header('x-lane', exact('dev'))] })], destinations: [dest(WEB, { subset: 'dev', setHeaders: { 'x-lane': 'dev' }, fallback: { host: WEB, subset: 'base' } })] },
          { name: 'base-route', matches: [], destinations: [dest(WEB, { subset: 'base', setHeaders: { 'x-lane': 'base' } })] },
        ],
        // what every answer through it rests on
        notes: [`y: ASMSwimLaneGroup g: ASM-generated VirtualService ${name}: inferred, as ASM does not publish what it generates: `
          + 'each lane\'s subset, with a fallback to the baseline lane base (ASM\'s documented equivalent)'],
      }],
      subsets: new Map([[WEB, new Map([['base', { version: 'v1' }], ['dev', { version: 'v2' }]])]]),
      rules: new Map([[WEB, [{ location: `${G}: ASM-generated DestinationRule for ${WEB}`, generatedBy: G, subsets: ['base', 'dev'] }]]]),
      notes: [],
      forwarded: ['x-trace'],
      services: new Map(),
      workloads: [],
    });
  });

  test('a group whose isPermissive is null is strict: the caller\'s pod labels select the lane, the first lane serves the rest, nothing forwarded', () => {
    const strict = group({ services: [{ name: 'web', namespace: 'shop' }], isPermissive: null });
    const mesh = read(strict, webLane('base', 'v1'), webLane('dev', 'v2'));
    expect(mesh.tables.map(t => t.routes)).toEqual([[
      { name: 'lane-dev', matches: [block({ sourceLabels: { version: 'v2' } })], destinations: [dest(WEB, { subset: 'dev' })] },
      { name: 'base-route', matches: [], destinations: [dest(WEB, { subset: 'base' })] },
    ]]);
    expect(mesh.forwarded).toEqual([]);
    // no fallback between strict lanes; what the answers rest on
    expect(mesh.tables.map(t => t.notes)).toEqual([[
      'y: ASMSwimLaneGroup g: ASM-generated VirtualService istio-system/trafficlabel-vs-g-shop-web: inferred, as ASM does not publish what it generates: '
      + 'each lane by the caller\'s labels',
    ]]);
  });

  test('each group takes only the lanes labelled with its name; a group without isPermissive is strict', () => {
    const mesh = read(
      group({ services: [{ name: 'web', namespace: 'shop' }] }, 'a'),
      group({ services: [{ name: 'api', namespace: 'shop' }] }, 'b'),
      lane('a1', { labelSelector: { version: 'v1' }, services: [{ name: 'web', namespace: 'shop' }] }, 'a'),
      lane('b1', { labelSelector: { version: 'v1' }, services: [{ name: 'api', namespace: 'shop' }] }, 'b'),
      lane('b2', { labelSelector: { version: 'v2' }, services: [{ name: 'api', namespace: 'shop' }] }, 'b'),
    );
    expect(mesh.subsets).toEqual(new Map([
      [WEB, new Map([['a1', { version: 'v1' }]])],
      ['api.shop.svc.cluster.local', new Map([['b1', { version: 'v1' }], ['b2', { version: 'v2' }]])],
    ]));
    expect(mesh.tables.map(t => t.name)).toEqual(['trafficlabel-vs-a-shop-web', 'trafficlabel-vs-b-shop-api']);
    expect(mesh.forwarded).toEqual([]);
    expect(mesh.notes).toEqual([]);
  });

  const lanes = [webLane('base', 'v1'), webLane('dev', 'v2')];
  test.each<[string, any[], string]>([
    ['a spec that is not a mapping', [group(5), ...lanes], `${G} spec: must be a mapping (an object), got 5`],
    ['an isPermissive that is not a boolean', [permissive({ isPermissive: 'yes' }), ...lanes], `${G} spec.isPermissive: must be true or false, got "yes"`],
    ['a permissiveModeConfiguration that is not a mapping', [permissive({ permissiveModeConfiguration: 5 }), ...lanes], `${G} spec.permissiveModeConfiguration: must be a mapping (an object), got 5`],
    ['a fallbackTarget that is not a string', [permissive({ permissiveModeConfiguration: { fallbackTarget: 5 } }), ...lanes], `${G} spec.permissiveModeConfiguration.fallbackTarget: must be a string, got 5`],
    ['a routeHeader that is not a string', [permissive({ permissiveModeConfiguration: { fallbackTarget: 'base', routeHeader: 5 } }), ...lanes], `${G} spec.permissiveModeConfiguration.routeHeader: must be a string, got 5`],
    ['a traceHeader that is not a string', [permissive({ permissiveModeConfiguration: { fallbackTarget: 'base', traceHeader: 5 } }), ...lanes], `${G} spec.permissiveModeConfiguration.traceHeader: must be a string, got 5`],
    ['a fallbackTarget that is no lane of the group', [permissive({ permissiveModeConfiguration: { fallbackTarget: 's9' } }), ...lanes],
      `${G}: permissiveModeConfiguration.fallbackTarget "s9" is not an ASMSwimLane of the group (lanes: base, dev)`],
    ['services that are not a list', [permissive({ services: 5 }), ...lanes], `${G} spec.services: must be a list, got 5`],
    ['a service that is not a mapping', [permissive({ services: ['web'] }), ...lanes], `${G} spec.services[0]: must be a mapping (an object), got "web"`],
    ['a service without a name', [permissive({ services: [{ namespace: 'shop' }] }), ...lanes], `${G} spec.services[0].name: must be a string, got undefined`],
    ['a service without a namespace', [permissive({ services: [{ name: 'web' }] }), ...lanes], `${G} spec.services[0].namespace: must be a string, got undefined`],
    ['no lane labelled with the group', [permissive()], `${G}: no ASMSwimLane has the label swimlane-group: "g"`],
    ['a lane without a name', [permissive(), { ...webLane('base', 'v1'), metadata: { labels: { 'swimlane-group': 'g' } } }], `${G}: ASMSwimLane metadata.name: must be a string, got undefined`],
    ['a lane spec that is not a mapping', [permissive(), lane('base', 5)], `${G}: ASMSwimLane base spec: must be a mapping (an object), got 5`],
    ['lane services that are not a list', [permissive(), lane('base', { labelSelector: { version: 'v1' }, services: 5 })], `${G}: ASMSwimLane base spec.services: must be a list, got 5`],
    ['a lane service that is not a mapping', [permissive(), lane('base', { labelSelector: { version: 'v1' }, services: ['web'] })], `${G}: ASMSwimLane base spec.services[0]: must be a mapping (an object), got "web"`],
    ['a lane service without a name', [permissive(), lane('base', { services: [{ namespace: 'shop' }] })], `${G}: ASMSwimLane base spec.services[0].name: must be a string, got undefined`],
    ['a lane service without a namespace', [permissive(), lane('base', { services: [{ name: 'web' }] })], `${G}: ASMSwimLane base spec.services[0].namespace: must be a string, got undefined`],
    ['a lane label value that is not a string', [permissive(), lane('base', { labelSelector: { version: 2 }, services: [] })], `${G}: ASMSwimLane base spec.labelSelector.version: must be a string, got 2`],
  ])('%s is an error naming the group\'s document', (_what, objs, message) => {
    expect(() => read(...objs)).toThrow(new Error(message));
  });

  test('a group without a name has no lanes, even a lane without the label', () => {
    const unlabelled = { ...webLane('base', 'v1'), metadata: { name: 'base' } };
    expect(() => read(group({ services: [{ name: 'web', namespace: 'shop' }] }, null), unlabelled))
      .toThrow(new Error('y (document 1): ASMSwimLaneGroup (unnamed): no ASMSwimLane has the label swimlane-group: undefined'));
  });

  test('a group name that is not a string is an error naming the group\'s document', () => {
    expect(() => read({ ...permissive(), metadata: { name: 5 } }, ...lanes))
      .toThrow(new Error('y (document 1): ASMSwimLaneGroup (unnamed) metadata.name: must be a string, got 5'));
  });

  test('a lane given without metadata is an error naming the group, not a TypeError', () => {
    const g = { source: 'y: ASMSwimLaneGroup g', location: G, obj: permissive(), name: 'g' };
    expect(() => modelAsmLaneGroups([g], [{ obj: { spec: {} }, group: 'g' }], { clusterDomain: 'cluster.local', asmGeneratedNamespace: 'istio-system' }))
      .toThrow(new Error(`${G}: ASMSwimLane metadata.name: must be a string, got undefined`));
  });
});

describe('VirtualService fields', () => {
  const AT = 'y (document 1): VirtualService shop/front http[0]';

  test.each<[string, any, string]>([
    ['a uri without exact, prefix or regex', { match: [{ uri: {} }], route: toWeb }, `${AT}.match[0].uri: needs one of exact, prefix or regex`],
    ['a query parameter without exact, prefix or regex', { match: [{ queryParams: { v: {} } }], route: toWeb }, `${AT}.match[0].queryParams.v: needs one of exact, prefix or regex`],
    ['a source label that is not a string', { match: [{ sourceLabels: { app: 5 } }], route: toWeb }, `${AT}.match[0].sourceLabels.app: must be a string, got 5`],
    ['a port with another key than number', { route: [{ destination: { host: 'web', port: { name: 'http' } } }] },
      `${AT}.route[0].destination.port: "name" is not supported by the lane simulation (it could change where requests go); supported here: number`],
    ['a port number out of range', { route: [{ destination: { host: 'web', port: { number: 0 } } }] }, `${AT}.route[0].destination.port.number: must be an integer from 1 to 65535, got 0`],
    ['a fallback with another key than target and case', { route: [{ destination: { host: 'web' }, fallback: { target: { host: 'web' }, foo: 1 } }] },
      `${AT}.route[0].fallback: "foo" is not supported by the lane simulation (it could change where requests go); supported here: target, case`],
    ['a fallback target that is not a mapping', { route: [{ destination: { host: 'web' }, fallback: { target: 5 } }] }, `${AT}.route[0].fallback.target: must be a mapping (an object), got 5`],
    ['a delegate that is not a mapping', { delegate: 5 }, `${AT}.delegate: must be a mapping (an object), got 5`],
    ['a delegate with another key than name and namespace', { delegate: { name: 'd', foo: 1 } },
      `${AT}.delegate: "foo" is not supported by the lane simulation (it could change where requests go); supported here: name, namespace`],
    ['a route with both route and delegate', { delegate: { name: 'd' }, route: toWeb }, `${AT}: has both route and delegate; Istio allows one of them`],
    ['a delegate without a name', { delegate: { namespace: 'shop' } }, `${AT}.delegate.name: must be a string, got undefined`],
    ['a delegate namespace that is not a string', { delegate: { name: 'd', namespace: 5 } }, `${AT}.delegate.namespace: must be a string, got 5`],
    ['a route without destinations', { name: 'a', match: [{ uri: { prefix: '/' } }] }, `${AT} "a": has no route (redirect and directResponse are not supported)`],
  ])('%s is an error naming the field', (_what, route, message) => {
    expect(() => read(routeVs(route))).toThrow(new Error(message));
  });

  test('a VirtualService without http routes is an error', () => {
    expect(() => read(vs('front', { hosts: ['web'] })))
      .toThrow(new Error('y (document 1): VirtualService shop/front: has no http routes (the simulation models HTTP routes only)'));
  });

  test('a label value that is not a string is an error naming the label', () => {
    expect(() => read({ ...routeVs({ route: toWeb }), metadata: { name: 'front', namespace: 'shop', labels: { a: 5 } } }))
      .toThrow(new Error('y (document 1): VirtualService shop/front metadata.labels.a: must be a string, got 5'));
  });

  test('null fields read as absent: labels, sourceLabels, uri, delegate; a header without a value matches its presence', () => {
    const mesh = read({
      ...routeVs({ match: [{ uri: null, sourceLabels: null, headers: { 'X-Lane': {} } }], delegate: null, route: toWeb }),
      metadata: { name: 'front', namespace: 'shop', labels: null },
    });
    expect(mesh.tables.map(t => t.routes)).toEqual([[{ matches: [block({ headers: [header('x-lane', undefined)] })], destinations: [dest(WEB)] }]]);
  });

  test('route-level added headers come first and a destination\'s are appended to them; response headers change nothing', () => {
    const mesh = read(routeVs({
      headers: { request: { add: { 'x-a': 'r1', 'x-b': 'r2' } } },
      route: [
        { destination: { host: 'web', subset: 'v1' }, weight: 50, headers: { response: { set: { a: 'b' } } } },
        { destination: { host: 'web', subset: 'v2' }, weight: 50, headers: { request: { add: { 'x-b': 'd2', 'x-c': 'd3' } } } },
      ],
    }));
    expect(mesh.tables[0].routes[0].destinations).toEqual([
      { host: WEB, subset: 'v1', weight: 50, probability: 0.5, setHeaders: {}, addHeaders: { 'x-a': 'r1', 'x-b': 'r2' } },
      { host: WEB, subset: 'v2', weight: 50, probability: 0.5, setHeaders: {}, addHeaders: { 'x-a': 'r1', 'x-b': 'r2,d2', 'x-c': 'd3' } },
    ]);
  });

  test('a VirtualService without a name reads with an empty name', () => {
    const mesh = read({ ...routeVs({ route: toWeb }), metadata: { namespace: 'shop' } });
    expect(mesh.tables.map(t => [t.source, t.name, t.namespace])).toEqual([['y: VirtualService shop/(unnamed)', '', 'shop']]);
  });

  test('a delegating route reads as its delegate, without destinations', () => {
    expect(readVirtualService('s', { name: 'root', namespace: 'shop' }, { hosts: ['web'], http: [{ name: 'r', delegate: { name: 'd' } }] })).toEqual({
      source: 's',
      name: 'root',
      namespace: 'shop',
      gateways: [],
      mesh: true,
      hosts: [WEB],
      routes: [{ name: 'r', matches: [], destinations: [], delegate: { name: 'd' }, where: 's http[0] "r"' }],
    });
  });
});

describe('delegation: a delegate\'s routes merged into the root, as Istio does', () => {
  const CONFLICT = {
    matches: [],
    notes: ['y: VirtualService shop/leaf http[0] "l": its matches conflict with those of y: VirtualService shop/root http[0] "r"; Istio ignores this delegate route'],
  };
  const merged = (...blocks: object[]) => ({ matches: [blocks.map(block)], notes: [] });

  /** The matches of the routes the root gets from a one-route delegate, and the notes. */
  function delegated(rootMatch: any[] | undefined, leafMatch: any[] | undefined) {
    const mesh = read(
      vs('root', { hosts: ['web'], http: [{ name: 'r', match: rootMatch, delegate: { name: 'leaf' } }] }),
      vs('leaf', { http: [{ name: 'l', match: leafMatch, route: toWeb }] }),
    );
    return { matches: mesh.tables[0].routes.map(r => r.matches), notes: mesh.notes };
  }

  test.each<[string, any[] | undefined, any[] | undefined, object]>([
    ['a root without a uri takes the delegate\'s', [{ method: { exact: 'GET' } }], [{ uri: { exact: '/a' } }], merged({ method: exact('GET'), uri: exact('/a') })],
    ['a delegate without a uri keeps the root\'s', [{ uri: { exact: '/a' } }], [{ method: { exact: 'GET' } }], merged({ uri: exact('/a'), method: exact('GET') })],
    ['the same exact uri', [{ uri: { exact: '/a' } }], [{ uri: { exact: '/a' } }], merged({ uri: exact('/a') })],
    ['another exact uri', [{ uri: { exact: '/a' } }], [{ uri: { exact: '/b' } }], CONFLICT],
    ['a prefix under an exact uri', [{ uri: { exact: '/a' } }], [{ uri: { prefix: '/a' } }], CONFLICT],
    ['an exact uri under the root\'s prefix', [{ uri: { prefix: '/api' } }], [{ uri: { exact: '/api/x' } }], merged({ uri: exact('/api/x') })],
    ['a longer prefix under the root\'s prefix', [{ uri: { prefix: '/api' } }], [{ uri: { prefix: '/api/v2' } }], merged({ uri: prefix('/api/v2') })],
    ['a prefix outside the root\'s prefix', [{ uri: { prefix: '/api' } }], [{ uri: { prefix: '/web' } }], CONFLICT],
    ['a regex under a prefix, even one beginning with it', [{ uri: { prefix: '/api' } }], [{ uri: { regex: '/api/.*' } }], CONFLICT],
    ['an exact uri under a regex', [{ uri: { regex: '/api/.*' } }], [{ uri: { exact: '/api/x' } }], CONFLICT],
    ['another authority', [{ authority: { exact: 'shop' } }], [{ authority: { exact: 'cart' } }], CONFLICT],
    ['another method', [{ method: { exact: 'GET' } }], [{ method: { exact: 'POST' } }], CONFLICT],
    ['a header value under a presence match', [{ headers: { 'x-lane': {} } }], [{ headers: { 'x-lane': { exact: 'a' } } }], CONFLICT],
    ['a presence match under an exact header', [{ headers: { 'x-lane': { exact: 'a' } } }], [{ headers: { 'x-lane': {} } }], CONFLICT],
    ['a presence match under a header prefix', [{ headers: { 'x-lane': { prefix: 'a' } } }], [{ headers: { 'x-lane': {} } }], CONFLICT],
    ['the same exact header', [{ headers: { 'x-lane': { exact: 'a' } } }], [{ headers: { 'x-lane': { exact: 'a' } } }], merged({ headers: [header('x-lane', exact('a'))] })],
    ['an absent header against a header of the same name', [{ headers: { 'x-lane': { exact: 'a' } } }], [{ withoutHeaders: { 'x-lane': {} } }],
      merged({ headers: [header('x-lane', exact('a')), header('x-lane', undefined, true)] })],
    ['an absent header value under an absent-header presence', [{ withoutHeaders: { 'x-lane': {} } }], [{ withoutHeaders: { 'x-lane': { exact: 'a' } } }], CONFLICT],
    ['headers of other names', [{ headers: { 'x-a': { exact: 'a' } } }], [{ headers: { 'x-b': { exact: 'b' } } }],
      merged({ headers: [header('x-a', exact('a')), header('x-b', exact('b'))] })],
    ['another value of a query parameter', [{ queryParams: { v: { exact: '1' } } }], [{ queryParams: { v: { exact: '2' } } }], CONFLICT],
    ['query parameters of other names', [{ queryParams: { v: { exact: '1' } } }], [{ queryParams: { w: { exact: '2' } } }],
      merged({ queryParams: [{ name: 'v', match: exact('1') }, { name: 'w', match: exact('2') }] })],
    ['another value of a source label', [{ sourceLabels: { app: 'web' } }], [{ sourceLabels: { app: 'api' } }], CONFLICT],
    ['the same source label and one more', [{ sourceLabels: { app: 'web' } }], [{ sourceLabels: { app: 'web', tier: 'front' } }], merged({ sourceLabels: { app: 'web', tier: 'front' } })],
    ['source labels under a root without', [{ uri: { prefix: '/' } }], [{ sourceLabels: { app: 'web' } }], merged({ uri: prefix('/'), sourceLabels: { app: 'web' } })],
    ['a root without matches takes the delegate\'s', undefined, [{ uri: { exact: '/a' } }], merged({ uri: exact('/a') })],
    ['a delegate without matches takes the root\'s', [{ uri: { prefix: '/a' } }], undefined, merged({ uri: prefix('/a') })],
    ['a delegate block merges with the root blocks it does not conflict with', [{ uri: { prefix: '/a' } }, { uri: { prefix: '/b' } }], [{ uri: { prefix: '/b/x' } }],
      merged({ uri: prefix('/b/x') })],
    ['a delegate block that conflicts with every root block drops the route', [{ uri: { prefix: '/a' } }], [{ uri: { prefix: '/a/x' } }, { uri: { prefix: '/c' } }], CONFLICT],
  ])('%s', (_what, rootMatch, leafMatch, expected) => {
    expect(delegated(rootMatch, leafMatch)).toEqual(expected);
  });

  test('a merged block has the delegate\'s conditions completed by the root\'s', () => {
    const root = [{
      headers: { 'x-a': { exact: '1' }, 'x-b': { prefix: 'p' } },
      withoutHeaders: { 'x-c': {} },
      uri: { prefix: '/api' },
      authority: { exact: 'shop' },
      queryParams: { q: { exact: '1' } },
      sourceLabels: { app: 'web' },
    }];
    const leaf = [{
      headers: { 'x-b': { exact: 'pq' }, 'x-c': { exact: 'c' } },
      uri: { exact: '/api/cart' },
      method: { exact: 'GET' },
      queryParams: { r: { exact: '2' } },
      sourceLabels: { tier: 'front' },
    }];
    expect(delegated(root, leaf)).toEqual(merged({
      headers: [header('x-a', exact('1')), header('x-b', exact('pq')), header('x-c', undefined, true), header('x-c', exact('c'))],
      uri: exact('/api/cart'),
      authority: exact('shop'),
      method: exact('GET'),
      queryParams: [{ name: 'q', match: exact('1') }, { name: 'r', match: exact('2') }],
      sourceLabels: { app: 'web', tier: 'front' },
    }));
  });

  test('delegates are found by namespace and name; routes are named root-delegate; a delegate route without headers takes the root route\'s', () => {
    const mesh = read(
      vs('root', {
        hosts: ['web'],
        http: [
          { name: 'r', headers: { request: { set: { 'x-lane': 'root' } } }, delegate: { name: 'd' } },
          { delegate: { name: 'd', namespace: 'other' } },
          { name: 'gone', delegate: { name: 'gone', namespace: 'other' } },
          { name: 'front', delegate: { name: 'front' } },
          { route: toWeb },
        ],
      }),
      vs('d', {
        http: [
          { name: 'l', route: [{ destination: { host: 'web', subset: 'v1' } }] },
          { headers: { request: { set: { 'x-lane': 'd' } } }, route: [{ destination: { host: 'web', subset: 'v2' } }] },
        ],
      }),
      vs('d', { http: [{ name: 'o', route: [{ destination: { host: 'api' } }] }] }, 'other'),
      vs('front', { hosts: ['front'], http: [{ route: [{ destination: { host: 'front' } }] }] }),
      vs('spare', { http: [{ route: toWeb }] }),
    );
    expect(mesh.tables.map(t => [t.source, t.routes])).toEqual([
      ['y: VirtualService shop/root', [
        { name: 'r-l', matches: [], destinations: [dest(WEB, { subset: 'v1', setHeaders: { 'x-lane': 'root' } })] },
        { name: 'r', matches: [], destinations: [dest(WEB, { subset: 'v2', setHeaders: { 'x-lane': 'd' } })] },
        { name: 'o', matches: [], destinations: [dest('api.other.svc.cluster.local')] },
        { matches: [], destinations: [dest(WEB)] },
      ]],
      ['y: VirtualService shop/front', [{ matches: [], destinations: [dest('front.shop.svc.cluster.local')] }]],
    ]);
    expect(mesh.notes).toEqual([
      'y: VirtualService shop/root http[2] "gone": delegate other/gone is not a VirtualService without hosts among those read; Istio ignores this route',
      'y: VirtualService shop/root http[3] "front": delegate shop/front is not a VirtualService without hosts among those read; Istio ignores this route',
      'y: VirtualService shop/spare: has no hosts and no root delegates to it; Istio applies it nowhere',
    ]);
  });

  test('without namespaces a delegate is named by its name alone', () => {
    const bare = (name: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name }, spec });
    const mesh = read(
      bare('root', { hosts: ['web'], http: [{ delegate: { name: 'gone' } }, { delegate: { name: 'd' } }] }),
      bare('d', { http: [{ route: [{ destination: { host: 'web' } }] }] }),
    );
    expect(mesh.tables.map(t => [t.source, t.routes])).toEqual([['y: VirtualService root', [{ matches: [], destinations: [dest('web')] }]]]);
    expect(mesh.notes).toEqual(['y: VirtualService root http[0]: delegate gone is not a VirtualService without hosts among those read; Istio ignores this route']);
  });

  test('a delegate that delegates again is an error: Istio supports one level', () => {
    expect(() => read(
      vs('root', { hosts: ['web'], http: [{ name: 'r', delegate: { name: 'd' } }] }),
      vs('d', { http: [{ delegate: { name: 'e' } }] }),
    )).toThrow(new Error('y: VirtualService shop/root http[0] "r": delegate shop/d delegates again (y: VirtualService shop/d http[0]); Istio supports one level of delegation'));
  });
});

describe('manifests', () => {
  const front = routeVs({ route: toWeb });

  test('an alias bomb is an error naming the document', () => {
    // a billion values from a few hundred characters
    const bomb = ['a: &a [1,1,1,1,1,1,1,1,1,1]', ...'bcdefghi'.split('').map((x, i) => `${x}: &${x} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    expect(() => parseYaml([{ name: 'x.yaml', text: `kind: A\n${bomb}` }])).toThrow(/^x\.yaml \(document 1\): its aliases expand what is read to too many values/);
  });

  test('an object without kind or name is named "(no kind) (unnamed)"', () => {
    expect(sourceOf({ obj: {} })).toBe('(no kind) (unnamed)');
    expect(locationOf({ origin: 'y', index: 2, obj: {} })).toBe('y (document 2): (no kind) (unnamed)');
  });

  test('a document that is not a mapping is an error, or left out by the lenient reader', () => {
    expect(() => readMesh([{ origin: 'y', index: 2, obj: [1] }])).toThrow(new Error('y (document 2): a Kubernetes object must be a mapping, got [1]'));
    expect(() => readMesh([{ obj: 5 }])).toThrow(new Error('input (document 1): a Kubernetes object must be a mapping, got 5'));
    const text = { obj: 'text' };
    const { mesh, unmodelled } = readMeshLeniently([text, ...manifests(front)]);
    expect(unmodelled).toEqual([{ manifest: text, message: 'input (document 1): a Kubernetes object must be a mapping, got "text"' }]);
    expect(mesh.tables.map(t => t.source)).toEqual(['y: VirtualService shop/front']);
  });

  test('kinds the simulation does not read are skipped and counted, whatever their API group', () => {
    const mesh = read(
      front,
      { apiVersion: 'v1', metadata: { name: 'x' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw' } },
      { apiVersion: ASM, kind: 'ASMGlobalConfig', metadata: { name: 'c' } },
      { apiVersion: 5, kind: 'ConfigMap', metadata: { name: 'm' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' } },
    );
    expect(mesh.notes).toEqual(['skipped 5 objects of kinds the simulation does not read: (no kind) (1), Gateway (1), ASMGlobalConfig (1), ConfigMap (2)']);
  });

  test('Gateways, Namespaces and Services are read: a broken one is refused by name', () => {
    expect(() => read(front, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw' } })).toThrow('y (document 2): Gateway gw spec: must be a mapping (an object), got undefined');
    expect(() => read(front, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { a: 1 } } })).toThrow('y (document 2): Namespace n metadata.labels.a: must be a string, got 1');
    expect(() => read(front, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: '80' }] } })).toThrow('y (document 2): Service s spec.ports[0].port: must be an integer from 1 to 65535, got "80"');
    const mesh = read(front, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { selector: { app: 's' }, ports: [{ port: 80, appProtocol: 'kubernetes.io/h2c' }, { port: 81 }] } });
    expect(mesh.services).toEqual(new Map([['s.shop.svc.cluster.local', { ports: [80, 81], portNames: new Map(), appProtocols: new Map([[80, 'kubernetes.io/h2c']]), selects: true, selector: { app: 's' } }]]));
  });

  test('a lane whose swimlane-group label names no group read is noted; one without the label too', () => {
    const stray = lane('stray', { labelSelector: { version: 'v3' } }, 'other');
    const bare = { apiVersion: ASM, kind: 'ASMSwimLane', metadata: { name: 'bare' }, spec: {} };
    expect(read(permissive(), webLane('base', 'v1'), webLane('dev', 'v2'), stray, bare).notes).toEqual([
      'y (document 4): ASMSwimLane stray: its swimlane-group label "other" names no ASMSwimLaneGroup read, so it routes nothing',
      'y (document 5): ASMSwimLane bare: its swimlane-group label undefined names no ASMSwimLaneGroup read, so it routes nothing',
    ]);
  });

  test('no VirtualService read is an error naming the files and the kinds read', () => {
    const rule = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'web', namespace: 'shop' }, spec: { host: 'web' } };
    expect(() => read(rule)).toThrow(new Error(
      'no VirtualService found in y (apiVersion networking.istio.io/*, kind VirtualService, with hosts; or gateway.networking.k8s.io/v1 HTTPRoutes)'));
    const kind = (k: string) => ({ obj: { apiVersion: 'v1', kind: k, metadata: { name: 'x' } } });
    expect(() => readMesh([kind('ConfigMap'), kind('Secret'), kind('ConfigMap')])).toThrow(new Error(
      'no VirtualService found (apiVersion networking.istio.io/*, kind VirtualService, with hosts; or gateway.networking.k8s.io/v1 HTTPRoutes); read: ConfigMap (2), Secret (1)'));
  });

  describe('the lenient reader leaves out the lane resources of a group it cannot model', () => {
    const message = 'y (document 2): ASMSwimLaneGroup g: permissiveModeConfiguration.fallbackTarget "s9" is not an ASMSwimLane of the group (lanes: base, dev)';
    const broken = () => manifests(front, permissive({ permissiveModeConfiguration: { fallbackTarget: 's9' } }), webLane('base', 'v1'), webLane('dev', 'v2'));

    test('and reads the rest', () => {
      const input = broken();
      const { mesh, unmodelled } = readMeshLeniently(input);
      expect(unmodelled).toEqual(input.slice(1).map(manifest => ({ manifest, message })));
      expect(mesh.tables.map(t => t.source)).toEqual(['y: VirtualService shop/front']);
      expect(mesh.notes).toEqual([]);
    });

    test('even when nothing else is left', () => {
      const input = broken().slice(1);
      const { mesh, unmodelled } = readMeshLeniently(input);
      expect(unmodelled).toEqual(input.map(manifest => ({ manifest, message })));
      expect(mesh.tables).toEqual([]);
    });
  });
});
