/**
 * Istio's `schema.ValidationAnalyzer.VirtualService` alone (src/private/analysis/analyzers/virtualservice/validation.ts
 * and unreachable.ts), against istio/istio 1.30.3 pkg/config/validation/validation.go:
 * - IST0106: fields of the wrong type, and the route checks of validateHTTPRouteDestinations / validateDestination;
 * - IST0130 and IST0131: analyzeUnreachableHTTPRules (and its TCP and TLS twins), genMatchHTTPRoutes,
 *   coveredValidation, with rules and matches named as routeName and requestName name them.
 */
import { analyzeObjects, HOST, to, vs } from './check-fixtures';
import { analyze } from '../src/private/analysis/analyze';

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
      schema('spec.http[0].route[2].destination.subset: subset name is invalid: V_1'),
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

  test('TCP and TLS routes are checked as HTTP ones are, each at its own path (TLS rules before TCP ones, as Istio checks them)', () => {
    expect(run(vsOf({
      tcp: [{ route: [{ destination: { host: '*' } }] }],
      tls: [{ match: [{ sniHosts: [HOST] }], route: [{ weight: 100 }] }],
    }))).toEqual([
      schema('spec.tls[0].route[0]: destination is required'),
      schema('spec.tcp[0].route[0].destination.host: invalid destination host *'),
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

describe('IST0106: Istio\'s value checks (ValidateVirtualService and validateHTTPRoute)', () => {
  const http = (rule: object) => ({ http: [{ route: ROUTE, ...rule }] });
  const one = (spec: object) => run(vsOf(spec));

  test('hosts: DNS names with a wildcard first label, or IP addresses; duplicates only among valid hosts', () => {
    expect(one({ hosts: ['*.example.com', 'web', '10.0.0.1', '::1'], http: [{ route: ROUTE }] })).toEqual([]);
    expect(one({ hosts: ['bad_host.example.com', 'a.123', '', 'b.x', 'b.x'], http: [{ route: ROUTE }] })).toEqual([
      schema('spec.hosts[0]: domain name "bad_host.example.com" invalid (label "bad_host" invalid)'),
      // Istio names the rest of the domain after the first label
      schema('spec.hosts[1]: domain name "123" invalid (top level domain "123" cannot be all-numeric)'),
      schema('spec.hosts[2]: empty domain name not allowed'),
    ]);
    expect(one({ hosts: [`${'a'.repeat(64)}.x`, `${'a.'.repeat(128)}x`], http: [{ route: ROUTE }] })).toEqual([
      schema(`spec.hosts[0]: domain name "${'a'.repeat(64)}.x" invalid (label "${'a'.repeat(64)}" invalid)`),
      schema(`spec.hosts[1]: domain name "${'a.'.repeat(128)}x" too long (max 255)`),
    ]);
    expect(one({ hosts: ['b.x', 'b.x', 'istio.io.'], http: [{ route: ROUTE }] })).toEqual([schema('spec.hosts: duplicate hosts in virtual service: b.x & b.x')]);
    // only the last label may be empty (a trailing dot)
    expect(one({ hosts: ['a..example.com'], http: [{ route: ROUTE }] })).toEqual([schema('spec.hosts[0]: domain name ".example.com" invalid (label "" invalid)')]);
  });

  test('a delegate (no hosts) has no gateways, TLS or TCP rules', () => {
    expect(run({
      ...vsOf({ gateways: ['shop/gw'], tcp: [{ route: ROUTE }], tls: [{ match: [{ sniHosts: ['a.b'] }], route: ROUTE }] }),
      spec: {
        gateways: ['shop/gw'], http: [{ route: ROUTE }], tcp: [{ route: ROUTE }], tls: [{ match: [{ sniHosts: ['a.b'] }], route: ROUTE }],
      },
    })).toEqual([
      schema('spec.gateways: delegate virtual service must have no gateways specified'),
      schema('spec.tls: delegate virtual service must have no tls route specified'),
      schema('spec.tcp: delegate virtual service must have no tcp route specified'),
      schema('spec.tls[0].match[0].sniHosts: SNI host "a.b" is not a compatible subset of any of the virtual service hosts: []'),
    ]);
  });

  test('gateway names: namespace/name of DNS labels; a name without "/" is a domain and ends the check, as in Istio', () => {
    expect(one({ gateways: ['shop/gw', 'mesh', 'gw.shop'], http: [{ route: ROUTE }] })).toEqual([]);
    expect(one({ gateways: ['Shop_/gw', 'shop/', 'bad_gw', 'x/y_'], http: [{ route: ROUTE }] })).toEqual([
      schema('spec.gateways[0]: invalid value for namespace: "Shop_"'),
      schema('spec.gateways[1]: config namespace and gateway name cannot be empty'),
      schema('spec.gateways[1]: invalid value for gateway name: ""'),
      schema('spec.gateways[2]: domain name "bad_gw" invalid (label "bad_gw" invalid)'),
    ]);
    expect(one({ gateways: ['', 'x/y_'], http: [{ route: ROUTE }] })).toEqual([schema('spec.gateways[0]: empty domain name not allowed')]);
    expect(one({ gateways: ['a'.repeat(256)], http: [{ route: ROUTE }] })).toEqual([schema(`spec.gateways[0]: domain name "${'a'.repeat(256)}" too long (max 255)`)]);
    expect(one(http({ match: [{ gateways: ['shop/Gw_'] }] }))).toEqual([schema('spec.http[0].match[0].gateways[0]: invalid value for gateway name: "Gw_"')]);
  });

  test('a rule routes, redirects or answers, one of them; a root only delegates; a delegate does not delegate again', () => {
    const r = (rule: object) => run(vsOf({ http: [rule] }));
    expect(r({ redirect: { uri: '/x' }, route: ROUTE, fault: { abort: { httpStatus: 500 } }, rewrite: { uri: '/' }, directResponse: { status: 200 } })).toEqual([
      schema('spec.http[0]: HTTP route cannot contain both route and redirect'),
      schema('spec.http[0]: HTTP route cannot contain both fault and redirect'),
      schema('spec.http[0]: HTTP route rule cannot contain both rewrite and redirect'),
      schema('spec.http[0]: HTTP route rule cannot contain both direct_response and redirect'),
    ]);
    expect(r({ directResponse: { status: 200 }, route: ROUTE, fault: { abort: { httpStatus: 500 } }, rewrite: { uri: '/' } })).toEqual([
      schema('spec.http[0]: HTTP route cannot contain both route and direct_response'),
      schema('spec.http[0]: HTTP route cannot contain both fault and direct_response'),
      schema('spec.http[0]: HTTP route rule cannot contain both rewrite and direct_response'),
    ]);
    expect(r({ redirect: { uri: '/x' }, directResponse: null })).toEqual([]);
    expect(r({ name: 'x' })).toEqual([schema('spec.http[0]: HTTP route, redirect or direct_response is required')]);
    expect(r({ route: ROUTE, mirror: { host: HOST }, mirrors: [{ destination: { host: HOST } }] })).toEqual([
      schema('spec.http[0]: HTTP route cannot contain both mirror and mirrors'),
    ]);
    expect(r({ name: 'root', delegate: { name: 'd' }, route: ROUTE, redirect: { uri: '/x' } })).toEqual([
      schema('spec.http[0]: root HTTP route root must not specify redirect'),
      schema('spec.http[0]: root HTTP route root must not specify route'),
    ]);
    expect(r({ delegate: { name: 'd' }, route: [] })).toEqual([]);
    expect(run({ ...vsOf({}), spec: { http: [{ delegate: { name: 'd' } }] } })).toEqual([
      schema('spec.http[0]: delegate HTTP route cannot contain delegate'),
      schema('spec.http[0]: HTTP route, redirect or direct_response is required'),
    ]);
  });

  test('matches: header names, JWT claims only on gateways, string matches, ports, source namespaces', () => {
    expect(one(http({ match: [{ headers: { ':path': { exact: '/' }, 'x-a': { regex: '^a+$' } }, withoutHeaders: { 'x-b': { regex: '*' } }, uri: { prefix: '' } }] }))).toEqual([]);
    expect(one(http({ match: [{ headers: { 'bad header': { exact: 'a' }, '': { exact: 'a' }, 'x-p': { prefix: '' }, 'x-r': { regex: '' } } }] }))).toEqual([
      schema('spec.http[0].match[0].headers.bad header: header name bad header is not a valid header name'),
      schema('spec.http[0].match[0].headers.: header name cannot be empty'),
      schema('spec.http[0].match[0].headers.x-p: prefix string match should not be empty'),
      schema('spec.http[0].match[0].headers.x-r: regex string match should not be empty'),
    ]);
    expect(one(http({ match: [{ method: { prefix: '' }, queryParams: { q: { regex: 'a'.repeat(1025) } }, port: 70000, sourceNamespace: 'Bad_ns' }] }))).toEqual([
      schema('spec.http[0].match[0].method: prefix string match should not be empty'),
      schema('spec.http[0].match[0].queryParams.q: regex is too large, max length allowed is 1024'),
      schema('spec.http[0].match[0].port: port number 70000 must be in the range 1..65535'),
      schema('spec.http[0].match[0].sourceNamespace: sourceNamespace match Bad_ns is invalid'),
    ]);
    expect(one(http({ match: [{ uri: { regex: '(' } }] }))).toEqual([
      expect.stringMatching(/^Error IST0106 VirtualService shop\/web: schema validation error: spec\.http\[0\]\.match\[0\]\.uri: .+; Istio uses RE2 style regex-based match/),
    ]);
    const claim = { match: [{ headers: { '@request.auth.claims.sub': { exact: 'a' } } }] };
    expect(one(http(claim))).toEqual([
      schema('spec.http[0].match[0].headers.@request.auth.claims.sub: JWT claim based routing (key: @request.auth.claims.sub) is only supported for gateway, found no gateways: []'),
    ]);
    expect(one({ gateways: ['shop/gw'], ...http(claim) })).toEqual([]);
    expect(one(http({ match: [{ port: 0, sourceNamespace: 'shop' }] }))).toEqual([]);
  });

  test('header operations: names that are no pseudo-header (the authority aside), Host not removed, values without control characters', () => {
    expect(one(http({ headers: { request: { set: { ':authority': 'a' }, add: { 'x-a': 'ok' } }, response: { set: { 'x-b': 'ok' } } } }))).toEqual([]);
    expect(one(http({ headers: { request: { add: { host: 'b' } } } }))).toEqual([]);
    expect(one(http({ headers: { request: { set: { ':path': '/', '': 'x' }, remove: ['Host', ':method'] }, response: { add: { 'host': 'h', ':status': '200' }, remove: [''] } } }))).toEqual([
      schema('spec.http[0].headers.request.set: invalid header ":path": header cannot have ":" prefix'),
      schema('spec.http[0].headers.request.set: header name cannot be empty'),
      schema('spec.http[0].headers.request.remove: invalid header "Host": cannot set Host header'),
      schema('spec.http[0].headers.request.remove: invalid header ":method": header cannot have ":" prefix'),
      schema('spec.http[0].headers.response.add: invalid header "host": cannot set Host header'),
      schema('spec.http[0].headers.response.add: invalid header ":status": header cannot have ":" prefix'),
      schema('spec.http[0].headers.response.remove: header name cannot be empty'),
    ]);
    expect(one({ http: [{ route: [{ destination: { host: HOST }, headers: { request: { set: { 'x-a': 'a\nb' } }, response: { add: { 'x-b': 'a\tb' } } } }] }] })).toEqual([
      schema('spec.http[0].route[0].headers.request.set.x-a: header value configuration a\nb is invalid'),
    ]);
  });

  test('destinations: host, port, and the mirrors\' destinations and percentages', () => {
    expect(one({ http: [{ route: [{ destination: { host: 'bad_host', port: { number: 0 } } }, { destination: { host: HOST, port: {} }, weight: 1 }] }] })).toEqual([
      schema('spec.http[0].route[0].destination.host: domain name "bad_host" invalid (label "bad_host" invalid)'),
      schema('spec.http[0].route[0].destination.port: port number 0 must be in the range 1..65535'),
      schema('spec.http[0].route[1].destination.port: port number 0 must be in the range 1..65535'),
    ]);
    expect(one(http({ mirror: { host: '*' }, mirrorPercentage: { value: 150 } }))).toEqual([
      schema('spec.http[0].mirrorPercentage: mirror_percentage must have a max value of 100 (it has 150)'),
      schema('spec.http[0].mirror.host: invalid destination host *'),
    ]);
    expect(one(http({ mirrors: [{ percentage: { value: -1 } }, { destination: { host: HOST, subset: 'Bad_' }, percentage: { value: 100 } }] }))).toEqual([
      schema('spec.http[0].mirrors[0]: destination is required for mirrors'),
      schema('spec.http[0].mirrors[0].percentage: mirror percentage must have a min value of 0 (it has -1)'),
      schema('spec.http[0].mirrors[1].destination.subset: subset name is invalid: Bad_'),
    ]);
    expect(one(http({ mirrorPercentage: { value: 0 }, mirrors: [{ destination: { host: HOST, subset: 'V1' } }] }))).toEqual([]);
  });

  test('durations, retries and faults', () => {
    expect(one(http({ timeout: '1m30.5s', retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx,503,reset', backoff: '25ms' } }))).toEqual([]);
    expect(one(http({ timeout: '0.5ms', retries: { attempts: -1, perTryTimeout: '1.5ms', retryOn: '5xx, reset,sometimes', backoff: '5x' } }))).toEqual([
      schema('spec.http[0].retries.attempts: attempts cannot be negative'),
      schema('spec.http[0].retries.perTryTimeout: only durations to ms precision are supported'),
      schema('spec.http[0].retries.backoff: invalid duration "5x"'),
      schema('spec.http[0].retries.retryOn: " reset" is not a valid retryOn policy'),
      schema('spec.http[0].retries.retryOn: "sometimes" is not a valid retryOn policy'),
      schema('spec.http[0].timeout: duration must be greater than 1ms'),
    ]);
    for (const retries of [{ attempts: 0, retryOn: '5xx' }, { perTryTimeout: '1s' }, { attempts: 0, retryRemoteLocalities: true }]) {
      expect(one(http({ retries }))).toEqual([schema('spec.http[0].retries: http retry policy configured when attempts are set to 0 (disabled)')]);
    }
    expect(one(http({ retries: { attempts: 0, retryRemoteLocalities: null } }))).toEqual([]);
    expect(one(http({ fault: { abort: { httpStatus: 503, percentage: { value: 0.5 } } } }))).toEqual([]);
    expect(one(http({ fault: {} }))).toEqual([schema('spec.http[0].fault: HTTP fault injection must have an abort and/or a delay')]);
    expect(one(http({ fault: { abort: { httpStatus: 700, percentage: { value: 0.00001 } }, delay: { fixedDelay: '0s', percentage: { value: 101 } } } }))).toEqual([
      schema('spec.http[0].fault.abort.percentage: percentage 0.00001 is neither 0.0, nor in range [0.0001, 100.0]'),
      schema('spec.http[0].fault.abort.httpStatus: HTTP status 700 is not in range 200-599'),
      schema('spec.http[0].fault.delay.percentage: percentage 101 is neither 0.0, nor in range [0.0001, 100.0]'),
      schema('spec.http[0].fault.delay.fixedDelay: duration must be greater than 1ms'),
    ]);
    expect(one(http({ fault: { abort: { grpcStatus: 'NOPE' }, delay: { exponentialDelay: '1s', percentage: { value: -1 } } } }))).toEqual([
      schema('spec.http[0].fault.abort.grpcStatus: gRPC status "NOPE" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example \'NOT_FOUND\''),
      schema('spec.http[0].fault.delay.percentage: percentage -1 is neither 0.0, nor in range [0.0001, 100.0]'),
      schema('spec.http[0].fault.delay.exponentialDelay: exponentialDelay not supported yet'),
    ]);
    expect(one(http({ fault: { abort: { grpcStatus: 'UNAVAILABLE' }, delay: { fixedDelay: '-1s' } } }))).toEqual([
      schema('spec.http[0].fault.delay.fixedDelay: duration must be greater than 1ms'),
    ]);
  });

  test('TLS rules match SNI hosts within the hosts; TCP and TLS rules have a route', () => {
    const tls = (match: object[], route: object[] = ROUTE) => one({ hosts: ['*.example.com', 'web.example.org'], tls: [{ match, route }] });
    expect(tls([{ sniHosts: ['a.example.com', '*.b.example.com', 'web.example.org'], port: 443, gateways: ['shop/gw'] }])).toEqual([]);
    expect(tls([], [])).toEqual([
      schema('spec.tls[0]: TLS route must have at least one match condition'),
      schema('spec.tls[0]: TLS route is required'),
    ]);
    expect(tls([{}, { sniHosts: ['other.org', '*.org', 'bad_sni', '10.0.0.1'], port: 0 }, { sniHosts: ['a.example.com'], port: 99999, gateways: ['Bad_/gw'] }])).toEqual([
      schema('spec.tls[0].match[0]: TLS match must have at least one SNI host'),
      schema('spec.tls[0].match[1].sniHosts: SNI host "other.org" is not a compatible subset of any of the virtual service hosts: [*.example.com, web.example.org]'),
      schema('spec.tls[0].match[1].sniHosts: SNI host "*.org" is not a compatible subset of any of the virtual service hosts: [*.example.com, web.example.org]'),
      schema('spec.tls[0].match[1].sniHosts: domain name "bad_sni" invalid (label "bad_sni" invalid)'),
      schema('spec.tls[0].match[2].port: port number 99999 must be in the range 1..65535'),
      schema('spec.tls[0].match[2].gateways[0]: invalid value for namespace: "Bad_"'),
    ]);
    // on a gateway, with SNI hosts, a host may be one Istio generates (outbound_.PORT_._.HOST)
    const generated = 'outbound_.80_._.web.example.org';
    expect(one({ hosts: [generated], gateways: ['shop/gw'], tls: [{ match: [{ sniHosts: [generated] }], route: ROUTE }] })).toEqual([]);
    expect(one({ hosts: [generated], tls: [{ match: [{ sniHosts: [generated] }], route: ROUTE }] })).toEqual([
      schema(`spec.hosts[0]: domain name "${generated}" invalid (label "outbound_" invalid)`),
      schema(`spec.tls[0].match[0].sniHosts: domain name "${generated}" invalid (label "outbound_" invalid)`),
    ]);
    expect(one({ tcp: [{ match: [{ port: 0 }, { port: 65536, gateways: ['shop/Gw_'] }], route: [] }] })).toEqual([
      schema('spec.tcp[0].match[1].port: port number 65536 must be in the range 1..65535'),
      schema('spec.tcp[0].match[1].gateways[0]: invalid value for gateway name: "Gw_"'),
      schema('spec.tcp[0]: TCP route is required'),
    ]);
  });

  test('exportTo: ".", "*" or namespaces, each once, "*" alone, never "~"', () => {
    expect(one({ exportTo: ['.', 'other'], http: [{ route: ROUTE }] })).toEqual([]);
    // as in Istio, the message depends on which of "." and the namespace comes first
    expect(one({ exportTo: ['.', 'shop'], http: [{ route: ROUTE }] })).toEqual([schema('spec.exportTo: duplicate entries in exportTo for entry shop')]);
    expect(one({ exportTo: ['shop', '.', 'a', 'a', 'Bad_', '~'], http: [{ route: ROUTE }] })).toEqual([
      schema('spec.exportTo: duplicate entries in exportTo: . and current namespace shop'),
      schema('spec.exportTo: duplicate entries in exportTo for entry a'),
      schema('spec.exportTo: only .,*, or a valid DNS 1123 label is allowed as exportTo entry'),
      schema('spec.exportTo: exportTo ~ (none) is not allowed for Istio configuration objects'),
    ]);
    expect(one({ exportTo: ['*', 'a'], http: [{ route: ROUTE }] })).toEqual([schema('spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource')]);
  });
});

describe('IST0106: the boundaries of Istio\'s value checks', () => {
  const http = (rule: object) => ({ http: [{ route: ROUTE, ...rule }] });
  const one = (spec: object) => run(vsOf(spec));
  const hosts = (...h: string[]) => one({ hosts: h, http: [{ route: ROUTE }] });
  const timeout = (t: string) => one(http({ timeout: t }));
  const a63 = 'a'.repeat(63);
  const long255 = `${'a.'.repeat(127)}x`;

  test('a percentage where a number belongs is a type error', () => {
    expect(one(http({ mirrorPercentage: { value: 'x' } }))).toEqual([schema('spec.http[0].mirrorPercentage.value: must be a number, got string "x"')]);
  });

  test('hosts: labels of up to 63 characters, domains of up to 255, every label after the first checked (ValidateWildcardDomain)', () => {
    expect(hosts(`${a63}.x`, `x.${a63}`, long255)).toEqual([]);
    expect(hosts(`x.${a63}a`, 'x.bad_y.com', '.example.com')).toEqual([
      schema(`spec.hosts[0]: domain name "${a63}a" invalid (label "${a63}a" invalid)`),
      schema('spec.hosts[1]: domain name "bad_y.com" invalid (label "bad_y" invalid)'),
      schema('spec.hosts[2]: domain name ".example.com" invalid (label "" invalid)'),
    ]);
  });

  test('hosts: a top-level domain is all-numeric as strconv.Atoi reads it (a sign allowed), else a label', () => {
    expect(hosts('x.1a', 'x.a1')).toEqual([]);
    expect(hosts('x.-1', 'x.+1')).toEqual([
      schema('spec.hosts[0]: domain name "-1" invalid (top level domain "-1" cannot be all-numeric)'),
      schema('spec.hosts[1]: domain name "+1" invalid (top level domain "+1" cannot be all-numeric)'),
    ]);
  });

  test('hosts: an invalid domain is still accepted as an IP address, but not any text with a colon', () => {
    expect(hosts('x_:a', 'a:b_')).toEqual([
      schema('spec.hosts[0]: domain name "x_:a" invalid (label "x_:a" invalid)'),
      schema('spec.hosts[1]: domain name "a:b_" invalid (label "a:b_" invalid)'),
    ]);
  });

  test('hosts: "*" on the mesh makes the hosts invalid, so duplicates are not looked for', () => {
    expect(hosts('*', HOST)).toEqual([schema('spec.hosts: wildcard host * is not allowed for virtual services bound to the mesh gateway')]);
  });

  test('hosts on a gateway: outbound_ hosts are accepted only when a TLS match has SNI hosts (isSniHost)', () => {
    const generated = 'outbound_.80_._.web.example.org';
    const bad = schema(`spec.hosts[0]: domain name "${generated}" invalid (label "outbound_" invalid)`);
    const onGw = (tls: object[]) => run(vsOf({ hosts: [generated, 'web.example.org'], gateways: ['shop/gw'], tls }));
    const tls = (...match: object[]) => ({ match, route: ROUTE });
    const sni = { sniHosts: ['web.example.org'] };
    expect(onGw([tls({})])).toEqual([bad, schema('spec.tls[0].match[0]: TLS match must have at least one SNI host')]);
    expect(onGw([tls(sni, {})])).toEqual([schema('spec.tls[0].match[1]: TLS match must have at least one SNI host')]);
    expect(onGw([tls(sni), tls({})])).toEqual([schema('spec.tls[1].match[0]: TLS match must have at least one SNI host')]);
    expect(one({ hosts: [generated], gateways: ['shop/gw'], http: [{ route: ROUTE }] })).toEqual([bad]);
    // only hosts starting with outbound_ are skipped
    expect(run(vsOf({ hosts: ['bad_host', 'web.example.org'], gateways: ['shop/gw'], tls: [tls(sni)] }))).toEqual([
      schema('spec.hosts[0]: domain name "bad_host" invalid (label "bad_host" invalid)'),
    ]);
    expect(run(vsOf({ hosts: ['web.example.org'], gateways: ['shop/gw'], tls: [tls({ sniHosts: ['bad_sni'] })] }))).toEqual([
      schema('spec.tls[0].match[0].sniHosts: domain name "bad_sni" invalid (label "bad_sni" invalid)'),
    ]);
  });

  test('SNI hosts: a subset of a host as host.Name.SubsetOf says', () => {
    const tls = (vsHosts: string[], sniHosts: string[]) => one({ hosts: vsHosts, tls: [{ match: [{ sniHosts }], route: ROUTE }] });
    const notIn = (s: string, h: string[]) => schema(`spec.tls[0].match[0].sniHosts: SNI host "${s}" is not a compatible subset of any of the virtual service hosts: [${h.join(', ')}]`);
    expect(tls(['*.example.com', '*a.org'], ['*.example.com', '*.b.example.com', 'a.org', 'xa.org'])).toEqual([]);
    expect(tls(['web.example.org'], ['xeb.example.org'])).toEqual([notIn('xeb.example.org', ['web.example.org'])]);
    expect(tls(['*.a.com'], ['*.something.org'])).toEqual([notIn('*.something.org', ['*.a.com'])]);
    // a wildcard SNI host shorter than a wildcard host is no subset of it, even a suffix of it
    expect(tls(['**.com'], ['*.com'])).toEqual([
      schema('spec.hosts[0]: domain name "**.com" invalid (label "**" invalid)'),
      notIn('*.com', ['**.com']),
    ]);
  });

  test('gateway names: a leading "/" is an empty namespace; a legacy name of 255 characters is valid', () => {
    expect(one({ gateways: ['/gw'], http: [{ route: ROUTE }] })).toEqual([
      schema('spec.gateways[0]: config namespace and gateway name cannot be empty'),
      schema('spec.gateways[0]: invalid value for namespace: ""'),
    ]);
    expect(one({ gateways: [long255], http: [{ route: ROUTE }] })).toEqual([]);
  });

  test('ports: 1..65535, in matches and destinations; a TCP or TLS match may have none', () => {
    expect(one({ http: [{ match: [{ port: 65535 }], route: [{ destination: { host: HOST, port: { number: 65535 } } }] }] })).toEqual([]);
    expect(one({ tcp: [{ match: [{ gateways: ['shop/gw'] }], route: ROUTE }] })).toEqual([]);
    expect(one({ tls: [{ match: [{ sniHosts: [HOST] }], route: ROUTE }] })).toEqual([]);
    expect(one({ http: [{ match: [{ port: 65536 }], route: ROUTE }] })).toEqual([schema('spec.http[0].match[0].port: port number 65536 must be in the range 1..65535')]);
  });

  test('string matches: an empty prefix in a header, a regex RE2 refuses; "*" skipped only in withoutHeaders', () => {
    expect(one(http({ match: [{ headers: { 'x-a': { regex: 'a'.repeat(1024) } } }] }))).toEqual([]);
    expect(one(http({ match: [{ headers: { 'x-a': { regex: '*' } }, withoutHeaders: { 'x-b': { regex: '(' }, 'x-c': { prefix: '' } } }] }))).toEqual([
      expect.stringMatching(/^Error IST0106 VirtualService shop\/web: schema validation error: spec\.http\[0\]\.match\[0\]\.headers\.x-a: .+; Istio uses RE2/),
      expect.stringMatching(/^Error IST0106 VirtualService shop\/web: schema validation error: spec\.http\[0\]\.match\[0\]\.withoutHeaders\.x-b: .+; Istio uses RE2/),
      schema('spec.http[0].match[0].withoutHeaders.x-c: prefix string match should not be empty'),
    ]);
  });

  test('string matches of several kinds: the last in the proto\'s order (exact, prefix, regex) is checked, as jsonpb keeps it', () => {
    const match = (headers: object) => one(http({ match: [{ headers }] }));
    expect(match({ 'x-a': { exact: 'a', prefix: '' }, 'x-b': { prefix: '/b', regex: '' }, 'x-c': { exact: 'c', regex: 'a'.repeat(1025) } })).toEqual([
      schema('spec.http[0].match[0].headers.x-a: prefix string match should not be empty'),
      schema('spec.http[0].match[0].headers.x-b: regex string match should not be empty'),
      schema('spec.http[0].match[0].headers.x-c: regex is too large, max length allowed is 1024'),
    ]);
    expect(match({ 'x-a': { prefix: '', regex: 'a' }, 'x-b': { exact: '', prefix: 'b' } })).toEqual([]);
  });

  test('the authority is rewritten in one place at most: rewrite.authority, or one :authority or host the rule\'s request sets or adds', () => {
    const conflict = (have: string, set: string) => [schema(`spec.http[0]: authority header cannot be set multiple times: have "${have}", attempting to set "${set}"`)];
    expect(one(http({ rewrite: { authority: 'r' }, headers: { request: { set: { Host: 'h' } } } }))).toEqual(conflict('r', 'h'));
    expect(one(http({ headers: { request: { set: { ':Authority': 'a' }, add: { host: 'b' } } } }))).toEqual(conflict('a', 'b'));
    // the first conflict only
    expect(one(http({ rewrite: { authority: 'r' }, headers: { request: { set: { 'x-a': 'x', 'host': 'h' }, add: { ':authority': 'a' } } } }))).toEqual(conflict('r', 'h'));
    // an empty authority is none; a route's headers and the response do not count
    expect(one(http({ headers: { request: { set: { ':authority': '' }, add: { host: 'b' } } } }))).toEqual([]);
    expect(one({
      http: [{ rewrite: { authority: 'r' }, headers: { request: { add: { 'x-a': 'a' } } }, route: [{ destination: { host: HOST }, headers: { request: { set: { host: 'h' } } } }] }],
    })).toEqual([]);
  });

  test('JWT claims: as ToRoutingClaim reads them (any case, .NAME or [NAME]); on the mesh, Istio\'s message lists the gateways as Go prints them', () => {
    const claims = { match: [{ headers: { '@Request.Auth.Claims[sub]': { exact: 'a' } }, withoutHeaders: { '@request.auth.claims.': { exact: 'a' } } }] };
    expect(one({ gateways: ['mesh', 'shop/gw'], ...http(claims) })).toEqual([
      schema('spec.http[0].match[0].headers.@Request.Auth.Claims[sub]: JWT claim based routing (key: @Request.Auth.Claims[sub]) is only supported for gateway, found no gateways: [mesh shop/gw]'),
      schema('spec.http[0].match[0].withoutHeaders.@request.auth.claims.: header name @request.auth.claims. is not a valid header name'),
    ]);
    expect(one({ gateways: ['shop/gw'], ...http(claims) })).toEqual([
      schema('spec.http[0].match[0].withoutHeaders.@request.auth.claims.: header name @request.auth.claims. is not a valid header name'),
    ]);
  });

  test('header operations: only HTTP routes have them, TCP and TLS routes do not', () => {
    const headers = { request: { set: { ':path': '/' } } };
    expect(one({ tcp: [{ route: [{ destination: { host: HOST }, headers }] }] })).toEqual([]);
    expect(one({ tls: [{ match: [{ sniHosts: [HOST] }], route: [{ destination: { host: HOST }, headers }] }] })).toEqual([]);
    expect(one({ http: [{ route: [{ destination: { host: HOST }, headers }] }] })).toEqual([
      schema('spec.http[0].route[0].headers.request.set: invalid header ":path": header cannot have ":" prefix'),
    ]);
  });

  test('durations: Go\'s syntax (signs, fractions, units in a row), at least 1ms, whole milliseconds', () => {
    for (const t of ['1ms', '1.25s', '.25s', '1.s', '+1s']) expect(timeout(t)).toEqual([]);
    for (const t of ['0', '-0']) expect(timeout(t)).toEqual([schema('spec.http[0].timeout: duration must be greater than 1ms')]);
    for (const t of ['', '+', '1s5x', '1m-5s', 'x1s']) expect(timeout(t)).toEqual([schema(`spec.http[0].timeout: invalid duration "${t}"`)]);
  });

  test('retries: attempts 0 alone is no policy; retryOn holds policies or codes Go\'s http.StatusText knows', () => {
    expect(one(http({ retries: { attempts: 0 } }))).toEqual([]);
    expect(one(http({ retries: { attempts: 2, retryOn: 'reset,503,0503,+503,418,511,100' } }))).toEqual([]);
    expect(one(http({ retries: { attempts: 2, retryOn: '5031,x503,599,306,-503,600,5e2,0x1f5,503.0, 503' } }))).toEqual(
      ['5031', 'x503', '599', '306', '-503', '600', '5e2', '0x1f5', '503.0', ' 503'].map(p => schema(`spec.http[0].retries.retryOn: "${p}" is not a valid retryOn policy`)));
  });

  test('faults: a percentage of 0 or 0.0001..100, an HTTP status 200..600 (whatever the message says)', () => {
    expect(one(http({ fault: { abort: { httpStatus: 200, percentage: { value: 0 } }, delay: { fixedDelay: '1s', percentage: { value: 0.0001 } } } }))).toEqual([]);
    expect(one(http({ fault: { abort: { httpStatus: 600, percentage: { value: 100 } } } }))).toEqual([]);
    expect(one(http({ fault: { abort: { httpStatus: 199 } } }))).toEqual([schema('spec.http[0].fault.abort.httpStatus: HTTP status 199 is not in range 200-599')]);
    expect(one(http({ fault: { abort: { httpStatus: 601 } } }))).toEqual([schema('spec.http[0].fault.abort.httpStatus: HTTP status 601 is not in range 200-599')]);
  });

  test('faults of several kinds: Istio checks the last in the proto\'s order (httpStatus, grpcStatus, http2Error; fixedDelay, exponentialDelay)', () => {
    expect(one(http({ fault: { abort: { httpStatus: 700, grpcStatus: 'NOPE', http2Error: 'x' }, delay: { fixedDelay: '0s', exponentialDelay: '0.5ms' } } }))).toEqual([
      schema('spec.http[0].fault.abort: HTTP/2 abort fault injection not supported yet'),
      schema('spec.http[0].fault.delay.exponentialDelay: duration must be greater than 1ms'),
      schema('spec.http[0].fault.delay.exponentialDelay: exponentialDelay not supported yet'),
    ]);
    expect(one(http({ fault: { abort: { httpStatus: 700, grpcStatus: 'OK', http2Error: null }, delay: { percentage: { value: 50 } } } }))).toEqual([]);
    expect(one(http({ fault: { abort: { httpStatus: 200, grpcStatus: 'NOPE' } } }))).toEqual([
      schema('spec.http[0].fault.abort.grpcStatus: gRPC status "NOPE" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example \'NOT_FOUND\''),
    ]);
  });

  test('exportTo: "*" alone is fine', () => {
    expect(one({ exportTo: ['*'], http: [{ route: ROUTE }] })).toEqual([]);
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

  test('a list that contains itself is cut, not followed for ever (YAML refuses one; a program can build one)', () => {
    const g: unknown[] = [];
    g.push(g);
    const labels: { [k: string]: unknown } = {};
    labels.a = labels;
    const obj = vsOf({ http: [{ match: [{ gateways: g, sourceLabels: labels }], route: ROUTE }] });
    expect(analyze([{ origin: 'f', index: 1, obj }], OPTIONS).map(f => `${f.code} ${f.message}`)).toEqual([
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
