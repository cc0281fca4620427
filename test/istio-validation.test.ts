/**
 * Istio's `schema.ValidationAnalyzer.VirtualService` alone (src/private/analysis/analyzers/virtualservice/validation.ts
 * and unreachable.ts), against istio/istio 1.30.3 pkg/config/validation/validation.go:
 * - IST0106: fields of the wrong type, and the route checks of validateHTTPRouteDestinations / validateDestination;
 * - IST0130 and IST0131: analyzeUnreachableHTTPRules (and its TCP and TLS twins), genMatchHTTPRoutes,
 *   coveredValidation, with rules and matches named as routeName and requestName name them.
 */
import { analyzeObjects, HOST, to, vs } from './check-fixtures';
import { analyze } from '../src/private/analysis/analyze';
import { parseYaml } from '../src/private/simulate/read/manifests';

const OPTIONS = { complete: true, only: ['schema.ValidationAnalyzer.VirtualService'] };
const ROUTE = [{ destination: { host: HOST } }];

const vsOf = (spec: object, name = 'web') => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'shop' }, spec: { hosts: [HOST], ...spec } });

/** `level code object: message` of every finding. */
function run(...objects: object[]): string[] {
  return analyzeObjects(objects, OPTIONS).map(f => `${f.level} ${f.code} ${f.object}: ${f.message}`);
}

/** The findings of these codes only. */
function runCodes(codes: string[], ...objects: object[]): string[] {
  return analyzeObjects(objects, OPTIONS).filter(f => codes.includes(f.code)).map(f => `${f.level} ${f.code} ${f.object}: ${f.message}`);
}

const schema = (e: string, name = 'web') => `Error IST0106 VirtualService shop/${name}: schema validation error: ${e}`;
const unused = (rule: string, reason: string, kind = 'http') => `Warning IST0130 VirtualService shop/web: ${kind} rule ${rule} is never used (${reason})`;
const ineffective = (rule: string, match: string, earlier: string, kind = 'http') =>
  `Info IST0131 VirtualService shop/web: ${kind} rule ${rule} match ${match} is never used (an earlier match in rule ${earlier} takes its requests)`;

/** Two HTTP rules "a" and "b", one match each. */
const pair = (a: object, b: object) => run(vsOf({ http: [{ name: 'a', match: [a], route: ROUTE }, { name: 'b', match: [b], route: ROUTE }] }));
const COVERED = [ineffective('"b"', '#0 of prefix /ab', '#0 of prefix /a on "a"')];
const uri = (prefix: string, extra: object = {}) => ({ uri: { prefix }, ...extra });

describe('IST0106: fields of the wrong type', () => {
  test('each shape names what it must be and what it got: null, a list, a mapping, a number, a string', () => {
    expect(run(vsOf({ http: null }, 'n'))).toEqual([schema('spec.http: must be a list, got null', 'n')]);
    expect(run(vsOf({ http: { a: 1 } }, 'm'))).toEqual([schema('spec.http: must be a list, got a mapping', 'm')]);
    expect(run(vsOf({ hosts: [HOST, ['x']], http: [{ route: ROUTE }] }))).toEqual([schema('spec.hosts[1]: must be a string, got a list')]);
    expect(run(vsOf({ hosts: [HOST, 7], http: [{ route: ROUTE }] }))).toEqual([schema('spec.hosts[1]: must be a string, got number 7')]);
    expect(run(vsOf({ http: [{ route: [{ destination: { host: HOST }, weight: 1.5 }] }] }))).toEqual([
      schema('spec.http[0].route[0].weight: must be an integer, got number 1.5'),
    ]);
    expect(run(vsOf({ http: [{ match: [{ ignoreUriCase: 'yes' }], route: ROUTE }] }))).toEqual([
      schema('spec.http[0].match[0].ignoreUriCase: must be true or false, got string "yes"'),
    ]);
  });

  test('a mapping is neither a string, null nor a list; a map checks each of its values', () => {
    expect(run(vsOf({ http: ['x', null, []] }))).toEqual([
      schema('spec.http[0]: must be a mapping, got string "x"'),
      schema('spec.http[1]: must be a mapping, got null'),
      schema('spec.http[2]: must be a mapping, got a list'),
      unused('#2', 'only the last rule can have no matches'),
    ]);
    expect(run(vsOf({ http: [{ match: [{ headers: { 'x-a': 'v', 'x-b': { exact: 'v' } } }, { headers: 'x' }], route: ROUTE }] }))).toEqual([
      schema('spec.http[0].match[0].headers.x-a: must be a mapping, got string "v"'),
      schema('spec.http[0].match[1].headers: must be a mapping, got string "x"'),
    ]);
  });

  test('values of the right type give no error', () => {
    expect(run(vsOf({
      gateways: ['mesh'],
      http: [{ match: [{ uri: { prefix: '/a' }, port: 80, ignoreUriCase: true, headers: { h: { exact: 'v' } } }], route: ROUTE }],
    }))).toEqual([]);
  });
});

describe('IST0106: the route checks', () => {
  test('a route without destination, a destination host *, a subset that is no DNS label, a negative weight', () => {
    expect(run(vsOf({
      http: [{ route: [{ weight: 100 }, { destination: { host: '*' } }, { destination: { host: HOST, subset: 'V_1' } }, { destination: { host: HOST }, weight: -1 }] }],
    }))).toEqual([
      schema('spec.http[0].route[0]: destination is required'),
      schema('spec.http[0].route[1].destination.host: invalid destination host *'),
      schema("spec.http[0].route[2].destination.subset: subset name is invalid: V_1 (a DNS label: lower case letters, digits and '-')"),
      schema('spec.http[0].route[3].weight: weight -1 < 0'),
    ]);
  });

  test('a null destination is a type error; a valid subset and host are fine', () => {
    expect(run(vsOf({ http: [{ route: [{ destination: null }] }] }))).toEqual([schema('spec.http[0].route[0].destination: must be a mapping, got null')]);
    expect(run(vsOf({ http: [{ route: [{ destination: { host: HOST, subset: 'v-1' } }] }] }))).toEqual([]);
  });

  test('two or more destinations whose weights add up to 0 (absent weights are 0); one destination may go without', () => {
    expect(run(vsOf({ http: [{ route: [{ destination: { host: HOST } }, { destination: { host: HOST } }] }] }))).toEqual([
      schema('spec.http[0].route: total destination weight = 0'),
    ]);
    expect(run(vsOf({ http: [{ route: [{ destination: { host: HOST }, weight: 0 }, { destination: { host: HOST }, weight: 0 }] }] }))).toEqual([
      schema('spec.http[0].route: total destination weight = 0'),
    ]);
    expect(run(vsOf({ http: [{ route: [{ destination: { host: HOST }, weight: 50 }, { destination: { host: HOST }, weight: 50 }] }] }))).toEqual([]);
    expect(run(vsOf({ http: [{ route: [{ destination: { host: HOST }, weight: 100 }, { destination: { host: HOST } }] }] }))).toEqual([]);
    expect(run(vsOf({ http: [{ route: ROUTE }] }))).toEqual([]);
  });

  test('TCP and TLS routes are checked as HTTP ones are, each at its own path', () => {
    expect(run(vsOf({
      tcp: [{ route: [{ destination: { host: '*' } }] }],
      tls: [{ match: [{ sniHosts: [HOST] }], route: [{ weight: 100 }] }],
    }))).toEqual([
      schema('spec.tcp[0].route[0].destination.host: invalid destination host *'),
      schema('spec.tls[0].route[0]: destination is required'),
    ]);
  });

  test('the wildcard host * is refused on the mesh gateway (no gateways, or mesh), allowed on others', () => {
    const star = { hosts: ['*'], http: [{ route: ROUTE }] };
    const message = schema('spec.hosts: wildcard host * is not allowed for virtual services bound to the mesh gateway');
    expect(run(vsOf(star))).toEqual([message]);
    expect(run(vsOf({ ...star, gateways: ['shop/gw', 'mesh'] }))).toEqual([message]);
    expect(run(vsOf({ ...star, gateways: ['shop/gw'] }))).toEqual([]);
  });
});

describe('IST0130 and IST0131: equal matches', () => {
  test('fields a match does not have are dropped before matches are compared, as Istio\'s parser drops them', () => {
    const f = analyzeObjects([vs([
      { name: 'a', match: [{ uri: { prefix: '/a' } }], route: [to('v1')] },
      { name: 'b', match: [{ uri: { prefix: '/a' }, unknownField: 'x' }], route: [to('v2')] },
      { name: 'c', match: [{ uri: { prefix: '/a' }, port: 8080 }], route: [to('v2')] },
      { name: 'd', match: [{ sniHosts: ['a.com'] }], route: [to('v2')] },
    ], { tcp: [{ match: [{ port: 1 }], route: [to('v1')] }, { match: [{ port: 1, sniHosts: ['a.com'] }], route: [to('v1')] }] })], OPTIONS);
    expect(f.map(x => `${x.code} ${x.message}`)).toEqual([
      'IST0130 http rule "b" is never used (all matches used by prior rules)',
      'IST0130 tcp rule #1 is never used (all matches used by prior rules)',
      'IST0131 http rule "b" match #0 is never used (an earlier match in rule "a" takes its requests)',
      'IST0131 tcp rule #1 match #0 is never used (an earlier match in rule #0 takes its requests)',
    ]);
  });

  test('absent, null, false, 0 and empty values are left out when matches are compared, as protobuf JSON leaves them', () => {
    const base = uri('/a');
    expect(run(vsOf({
      http: [
        { name: 'a', match: [base], route: ROUTE },
        { name: 'f', match: [{ ...base, ignoreUriCase: false }], route: ROUTE },
        { name: 'z', match: [{ ...base, port: 0 }], route: ROUTE },
        { name: 's', match: [{ ...base, sourceNamespace: '' }], route: ROUTE },
        { name: 'l', match: [{ ...base, gateways: [], headers: {} }], route: ROUTE },
      ],
    }))).toEqual([
      unused('"f"', 'all matches used by prior rules'), unused('"z"', 'all matches used by prior rules'),
      unused('"s"', 'all matches used by prior rules'), unused('"l"', 'all matches used by prior rules'),
      ineffective('"f"', '#0', '"a"'), ineffective('"z"', '#0', '"a"'), ineffective('"s"', '#0', '"a"'), ineffective('"l"', '#0', '"a"'),
    ]);
    expect(runCodes(['IST0130', 'IST0131'], vsOf({
      http: [{ name: 'a', match: [base], route: ROUTE }, { name: 'n', match: [{ ...base, statPrefix: null }], route: ROUTE }],
    }))).toEqual([unused('"n"', 'all matches used by prior rules'), ineffective('"n"', '#0', '"a"')]);
  });

  test('the name of a match does not count, but a header called name does; the order of the keys does not count', () => {
    expect(run(vsOf({
      http: [
        { name: 'a', match: [{ name: 'one', uri: { prefix: '/a' }, port: 80, method: { exact: 'GET' }, authority: { exact: 'x' } }], route: ROUTE },
        { name: 'b', match: [{ authority: { exact: 'x' }, method: { exact: 'GET' }, port: 80, uri: { prefix: '/a' }, name: 'two' }], route: ROUTE },
        { name: 'c', match: [{ port: 80, authority: { exact: 'x' }, uri: { prefix: '/a' }, method: { exact: 'GET' } }], route: ROUTE },
        { name: 'd', match: [{ method: { exact: 'GET' }, uri: { prefix: '/a' }, authority: { exact: 'x' }, port: 80 }], route: ROUTE },
      ],
    }))).toEqual([
      unused('"b"', 'all matches used by prior rules'), unused('"c"', 'all matches used by prior rules'), unused('"d"', 'all matches used by prior rules'),
      ineffective('"b"', '"two"', '"a"'), ineffective('"c"', '#0', '"a"'), ineffective('"d"', '#0', '"a"'),
    ]);
    expect(pair({ headers: { name: { exact: 'x' } } }, { headers: { name: { exact: 'y' } } })).toEqual([]);
  });

  test('lists compare element by element: other gateways, or an extra empty one, make another match', () => {
    expect(pair({ gateways: ['a'] }, { gateways: ['b'] })).toEqual([]);
    expect(pair({ gateways: ['a', ''] }, { gateways: ['a'] })).toEqual([]);
    expect(pair({ gateways: ['a', 'b'] }, { gateways: ['a', 'b'] })).toEqual([unused('"b"', 'all matches used by prior rules'), ineffective('"b"', '#0', '"a"')]);
  });

  test('a null rule is skipped, as Istio skips it (and is an IST0106)', () => {
    expect(run(vsOf({ http: [null, { name: 'a', match: [uri('/a')], route: ROUTE }] }))).toEqual([schema('spec.http[0]: must be a mapping, got null')]);
  });

  test('TCP and TLS rules and matches are named by index, whatever name they carry', () => {
    const m = { name: 'm', port: 80 };
    expect(run(vsOf({
      tcp: [{ name: 'a', match: [m], route: ROUTE }, { name: 'b', match: [{ port: 81 }, m], route: ROUTE }],
      tls: [{ name: 'a', match: [{ ...m, sniHosts: [HOST] }], route: ROUTE }, { name: 'b', match: [{ sniHosts: [HOST], port: 80, name: 'n' }], route: ROUTE }],
    }))).toEqual([
      unused('#1', 'all matches used by prior rules', 'tls'),
      ineffective('#1', '#1', '#0', 'tcp'),
      ineffective('#1', '#0', '#0', 'tls'),
    ]);
  });

  test('TCP rules have no URI prefix to cover another', () => {
    // sourceNamespace is no part of the prefix comparison, so only an HTTP match's uri would make these overlap
    expect(run(vsOf({
      tcp: [{ match: [{ port: 80, sourceNamespace: 'x', uri: { prefix: '/a' } }], route: ROUTE }, { match: [{ port: 80, sourceNamespace: 'y', uri: { prefix: '/ab' } }], route: ROUTE }],
    }))).toEqual([]);
  });

  test('a null match is an IST0106 and matches nothing earlier', () => {
    expect(run(vsOf({ http: [{ name: 'a', match: [null], route: ROUTE }] }))).toEqual([schema('spec.http[0].match[0]: must be a mapping, got null')]);
  });

  test('lists of the wrong type still compare element by element', () => {
    expect(pair({ gateways: [1, 2] }, { gateways: [12] })).toEqual([
      schema('spec.http[0].match[0].gateways[0]: must be a string, got number 1'),
      schema('spec.http[0].match[0].gateways[1]: must be a string, got number 2'),
      schema('spec.http[1].match[0].gateways[0]: must be a string, got number 12'),
    ]);
  });

  test('a list that contains itself (a YAML alias) is cut, not followed for ever', () => {
    const text = [
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata: { name: web, namespace: shop }',
      'spec:',
      `  hosts: [${HOST}]`,
      '  http:',
      '  - match:',
      '    - gateways: &g [*g]',
      '      sourceLabels: &s { a: *s }',
      `    route: [{ destination: { host: ${HOST} } }]`,
    ].join('\n');
    expect(analyze(parseYaml([{ name: 'f', text }]), OPTIONS).map(f => `${f.code} ${f.message}`)).toEqual([
      'IST0106 schema validation error: spec.http[0].match[0].gateways[0]: must be a string, got a list',
      'IST0106 schema validation error: spec.http[0].match[0].sourceLabels.a: must be a string, got a mapping',
    ]);
  });

  test('values nested 15 lists deep (a match nests 3 levels at most) still count', () => {
    const nest = (v: unknown): unknown => Array.from({ length: 15 }).reduce(x => [x], v);
    expect(pair({ gateways: nest('a') }, { gateways: nest('b') })).toEqual([
      schema('spec.http[0].match[0].gateways[0]: must be a string, got a list'),
      schema('spec.http[1].match[0].gateways[0]: must be a string, got a list'),
    ]);
  });
});

describe('IST0131: a URI prefix covered by an earlier one (coveredValidation)', () => {
  test('a longer prefix after a shorter one, with the same port, method, authority and headers', () => {
    expect(pair(uri('/a'), uri('/ab'))).toEqual(COVERED);
    expect(pair(uri('/ab'), uri('/a'))).toEqual([]);
    // an exact URI is no prefix match: it covers nothing
    expect(pair({ uri: { exact: '/x' } }, uri('/ab'))).toEqual([]);
  });

  test('the port: absent is 0; another port is another match', () => {
    expect(pair(uri('/a', { port: 80 }), uri('/ab', { port: 81 }))).toEqual([]);
    expect(pair(uri('/a', { port: 80 }), uri('/ab'))).toEqual([]);
    expect(pair(uri('/a', { port: 0 }), uri('/ab'))).toEqual(COVERED);
    expect(pair(uri('/a', { port: 80 }), uri('/ab', { port: 80 }))).toEqual(COVERED);
  });

  test('the method (GET when absent): the earlier one must equal or extend the later one', () => {
    expect(pair(uri('/a', { method: { exact: 'GET' } }), uri('/ab'))).toEqual(COVERED);
    expect(pair(uri('/a', { method: { prefix: 'P' } }), uri('/ab', { method: { prefix: 'Q' } }))).toEqual([]);
    expect(pair(uri('/a', { method: { prefix: 'P' } }), uri('/ab', { method: { prefix: 'P' } }))).toEqual(COVERED);
    expect(pair(uri('/a', { method: { exact: 'GETX' } }), uri('/ab', { method: { exact: 'GET' } }))).toEqual(COVERED);
    expect(pair(uri('/a', { method: { exact: 'GET' } }), uri('/ab', { method: { exact: 'GETX' } }))).toEqual([]);
  });

  test('the authority: the earlier one must equal or extend the later one', () => {
    expect(pair(uri('/a', { authority: { exact: 'x' } }), uri('/ab', { authority: { exact: 'y' } }))).toEqual([]);
    expect(pair(uri('/a', { authority: { exact: 'xy' } }), uri('/ab', { authority: { exact: 'x' } }))).toEqual(COVERED);
    expect(pair(uri('/a', { authority: { exact: 'x' } }), uri('/ab', { authority: { exact: 'x' } }))).toEqual(COVERED);
    expect(pair(uri('/a', { authority: { exact: 'yx' } }), uri('/ab', { authority: { exact: 'x' } }))).toEqual([]);
  });

  test('headers, query parameters and absent headers: the same keys, each value equal to or extending the later one', () => {
    for (const field of ['headers', 'queryParams', 'withoutHeaders']) {
      const h = (v: object) => ({ [field]: v });
      expect(pair(uri('/a', h({ k: { exact: 'v' } })), uri('/ab', h({ k: { exact: 'v' } })))).toEqual(COVERED);
      expect(pair(uri('/a', h({ k: { exact: 'vx' } })), uri('/ab', h({ k: { exact: 'v' } })))).toEqual(COVERED);
      expect(pair(uri('/a', h({ k: { prefix: 'v' } })), uri('/ab', h({ k: { prefix: 'v' } })))).toEqual(COVERED);
      expect(pair(uri('/a', h({ k: { exact: 'xv' } })), uri('/ab', h({ k: { exact: 'v' } })))).toEqual([]);
      expect(pair(uri('/a', h({ k: { exact: 'v' } })), uri('/ab', h({ k: { exact: 'w' } })))).toEqual([]);
      expect(pair(uri('/a', h({ k: { exact: 'v' } })), uri('/ab', h({ j: { exact: 'v' } })))).toEqual([]);
      expect(pair(uri('/a'), uri('/ab', h({ k: { exact: 'v' } })))).toEqual([]);
      expect(pair(uri('/a', h({ k: { exact: 'v' } })), uri('/ab'))).toEqual([]);
    }
  });

  test('the same prefix is no cover (the match differs otherwise); rules are only compared with later ones', () => {
    expect(pair(uri('/a', { headers: { k: { exact: 'vx' } } }), uri('/a', { headers: { k: { exact: 'v' } } }))).toEqual([]);
    expect(run(vsOf({
      http: [
        { name: 'x', match: [uri('/x')], route: ROUTE },
        { name: 'a', match: [uri('/a')], route: ROUTE },
        { name: 'b', match: [uri('/ab')], route: ROUTE },
      ],
    }))).toEqual([ineffective('"b"', '#0 of prefix /ab', '#0 of prefix /a on "a"')]);
  });
});
