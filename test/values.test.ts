import { Testing } from 'cdk8s';
import { LaneRouting, Target } from '../src';
import {
  brief, checkClusterDomain, checkDnsLabel, checkGatewayRef, checkHeaderName, checkLabel, checkMatchHeaderName, checkNoControlChars,
  checkNotReservedKey, checkPort, checkQualifiedHost, checkRegex, checkServiceHost, checkVirtualServiceHost, isDnsLabel, list, quoteMeta, show,
} from '../src/private/validation/values';

/** The primitive checks one by one, each at its boundaries, with the whole message it gives. */
describe('show and brief', () => {
  test('show() names NaN and the infinities, which JSON writes as null; a finite number as it is', () => {
    expect([show(NaN), show(Infinity), show(-Infinity), show(1.5), show(null)]).toEqual(['NaN', 'Infinity', '-Infinity', '1.5', 'null']);
  });

  test('show() keeps a value of 80 characters whole and cuts a longer one to 60, saying its size', () => {
    expect(show('a'.repeat(78))).toBe(`"${'a'.repeat(78)}"`);
    expect(show('a'.repeat(79))).toBe(`"${'a'.repeat(59)}… (79 characters)`);
    expect(show(['x'.repeat(100)])).toBe(`["${'x'.repeat(58)}… (104 characters of JSON)`);
  });

  test('show() of an instance of a class: its class, and a construct\'s path', () => {
    expect(show(new Map([['a', 1]]))).toBe('a Map');
    expect(show(new Set())).toBe('a Set');
    expect(show(new Error('x'))).toBe('an Error');
    expect(show(new LaneRouting(Testing.chart(), 'r', { target: Target.ASM, host: 'a.b.svc.cluster.local', lanes: [{ name: 's1' }], baseline: 's1', sidecar: {} })))
      .toBe('a LaneRouting "test/r"');
    // a prototype without a constructor, and one whose constructor has no name
    expect(show(Object.create(Object.create(null)))).toBe('an object');
    const Anonymous = (() => function () {})();
    expect(show(new (Anonymous as any)())).toBe('an object');
    // plain objects, lists and objects without a prototype are shown as JSON
    expect(show(Object.assign(Object.create(null), { a: 1 }))).toBe('{"a":1}');
  });

  test('show() of what JSON cannot write', () => {
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    expect(show(() => 1)).toBe('() => 1');
    expect(show(Symbol('s'))).toBe('Symbol(s)');
  });

  test('brief() keeps 80 characters and cuts a longer name to 60', () => {
    expect(brief('b'.repeat(80))).toBe('b'.repeat(80));
    expect(brief('b'.repeat(81))).toBe(`${'b'.repeat(60)}…(81 characters)`);
  });

  test('list() names up to 20, then counts the rest; an empty list is "(none)"', () => {
    expect(list([])).toBe('(none)');
    expect(list(['s1', 's2'])).toBe('s1, s2');
    const names = Array.from({ length: 22 }, (_, i) => `n${i}`);
    expect(list(names.slice(0, 20))).toBe(names.slice(0, 20).join(', '));
    expect(list(names)).toBe(`${names.slice(0, 20).join(', ')}, … 2 more`);
  });

  test('quoteMeta() escapes every RE2 metacharacter and nothing else', () => {
    expect(quoteMeta('a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o-p/q')).toBe('a\\.b\\+c\\*d\\?e\\(f\\)g\\|h\\[i\\]j\\{k\\}l\\^m\\$n\\\\o-p/q');
  });
});

describe('names and hosts', () => {
  test('a reserved key is refused by name', () => {
    expect(() => checkNotReservedKey('k', '__proto__')).toThrow('k "__proto__" is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name');
    expect(() => checkNotReservedKey('k', 'constructor')).toThrow(/is reserved/);
    expect(() => checkNotReservedKey('k', 'proto')).not.toThrow();
  });

  test('a cluster domain is a lowercase DNS name of one or more labels', () => {
    for (const ok of ['cluster.local', 'local', 'a.b', 'svc.cluster.local', 'my-domain.x1']) expect(() => checkClusterDomain('d', ok)).not.toThrow();
    for (const bad of ['Bad_Domain', '-cluster.local', 'cluster.local-', 'cluster..local', '', 5, undefined]) {
      expect(() => checkClusterDomain('d', bad)).toThrow(`d must be a lowercase DNS name such as "cluster.local", got ${show(bad)}`);
    }
  });

  test('only a string is a DNS-1123 label (a list of one label is not one)', () => {
    expect(isDnsLabel('v1')).toBe(true);
    expect(isDnsLabel(['v1'])).toBe(false);
    expect(isDnsLabel({ length: 2, toString: () => 'v1' })).toBe(false);
  });

  test('DNS-1123 labels: 63 characters at most, lowercase, no leading or trailing dash', () => {
    const message = 'n must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got ';
    expect(() => checkDnsLabel('n', 'a'.repeat(63))).not.toThrow();
    expect(() => checkDnsLabel('n', 'a-1')).not.toThrow();
    expect(() => checkDnsLabel('n', 'a'.repeat(64))).toThrow(message + show('a'.repeat(64)));
    for (const bad of ['', '-a', 'a-', 'A', 'a.b', 42 as any]) expect(() => checkDnsLabel('n', bad)).toThrow(message + show(bad));
  });

  test('service hosts: 253 characters, labels of 63, no numeric last label, no wildcard or port', () => {
    const message = 'h must be a lowercase DNS name such as "mocka.default.svc.cluster.local" (no wildcard, no port), got ';
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(long).toHaveLength(253);
    expect(() => checkServiceHost('h', long)).not.toThrow();
    expect(() => checkServiceHost('h', `${long}e`)).toThrow(message + show(`${long}e`));
    for (const bad of ['', '*.a.b', 'a.b:80', 'A.b', 7 as any]) expect(() => checkServiceHost('h', bad)).toThrow(message + show(bad));
    expect(() => checkServiceHost('h', `${'a'.repeat(63)}.b`)).not.toThrow();
    expect(() => checkServiceHost('h', `${'a'.repeat(64)}.b`)).toThrow(`h has a label longer than 63 characters: ${show(`${'a'.repeat(64)}.b`)}`);
    expect(() => checkServiceHost('h', '10.0.0.12')).toThrow('h must not end in an all-numeric label (an IP address is not a service host), got "10.0.0.12"');
    expect(() => checkServiceHost('h', 'a.1b')).not.toThrow();
    expect(() => checkServiceHost('h', 'a.b1')).not.toThrow();
    expect(() => checkServiceHost('h', '123')).not.toThrow();
  });

  test('qualified hosts refuse a short name, and say how to qualify it', () => {
    expect(() => checkQualifiedHost('h', 'mocka.default')).not.toThrow();
    expect(() => checkQualifiedHost('h', 'mocka')).toThrow('h "mocka" is a short name, which Istio resolves against the VirtualService\'s namespace; write it fully qualified, e.g. "mocka.default.svc.cluster.local"');
    expect(() => checkQualifiedHost('h', 'Mocka')).toThrow(/must be a lowercase DNS name/);
  });

  test('VirtualService hosts: "*" only on a gateway, a wildcard first label, short names on a gateway only', () => {
    expect(() => checkVirtualServiceHost('h', '*', false)).toThrow('h "*" is only allowed on a gateway-bound VirtualService; a sidecar VirtualService needs the service\'s FQDN (Istio rejects "*" for the mesh gateway)');
    expect(() => checkVirtualServiceHost('h', '*', true)).not.toThrow();
    expect(() => checkVirtualServiceHost('h', '*.example.com', false)).not.toThrow();
    expect(() => checkVirtualServiceHost('h', 'shop', true)).not.toThrow();
    expect(() => checkVirtualServiceHost('h', 'shop', false)).toThrow(/"shop" is a short name/);
    expect(() => checkVirtualServiceHost('h', '*.shop', false)).toThrow(/"shop" is a short name/);
    expect(() => checkVirtualServiceHost('h', 'a.*.b', true)).toThrow(/must be a lowercase DNS name/);
  });

  test('gateway references are namespace/name of two labels of at most 63; "mesh" is named', () => {
    const message = 'g must be "namespace/name" with both parts DNS-1123 labels, e.g. "istio-system/ingressgateway", got ';
    expect(() => checkGatewayRef('g', 'mesh')).toThrow('g "mesh" is not a gateway: use the sidecar entry point for mesh (sidecar) routing');
    expect(() => checkGatewayRef('g', `${'a'.repeat(63)}/${'b'.repeat(63)}`)).not.toThrow();
    for (const bad of ['gw', 'a/b/c', '/b', 'a/', 'A/b', 'a/B', `${'a'.repeat(64)}/b`, `a/${'b'.repeat(64)}`, 3 as any]) {
      expect(() => checkGatewayRef('g', bad)).toThrow(message + show(bad));
    }
  });
});

describe('headers', () => {
  test('header names: non-empty lowercase tokens, no pseudo-header, no reserved key', () => {
    expect(() => checkHeaderName('h', 'x-asm-prefer-tag')).not.toThrow();
    expect(() => checkHeaderName('h', "!#$%&'*+-.^_`|~az09")).not.toThrow();
    expect(() => checkHeaderName('h', '')).toThrow('h must be a non-empty header name, got ""');
    expect(() => checkHeaderName('h', 5 as any)).toThrow('h must be a non-empty header name, got 5');
    expect(() => checkHeaderName('h', ':path')).toThrow('h ":path" is a pseudo-header; use the dedicated field (uri, method, authority) instead');
    expect(() => checkHeaderName('h', '__proto__')).toThrow(/is reserved in JavaScript objects/);
    expect(() => checkHeaderName('h', 'X-Lane')).toThrow('h must be a lowercase RFC 7230 token, got "X-Lane" (header names must be lowercase: use "x-lane")');
    expect(() => checkHeaderName('h', 'a b')).toThrow('h must be a lowercase RFC 7230 token, got "a b" (allowed: letters, digits and !#$%&\'*+-.^_`|~)');
  });

  test('match header names: the five pseudo-headers Istio matches on, else a header name', () => {
    for (const name of [':method', ':scheme', ':authority', ':path', ':status']) expect(() => checkMatchHeaderName('m', name)).not.toThrow();
    expect(() => checkMatchHeaderName('m', ':protocol')).toThrow('m ":protocol" is not a pseudo-header Istio matches on (allowed: :method, :scheme, :authority, :path, :status)');
    expect(() => checkMatchHeaderName('m', 'Env')).toThrow(/must be a lowercase RFC 7230 token/);
    expect(() => checkMatchHeaderName('m', 'env')).not.toThrow();
    expect(() => checkMatchHeaderName('m', 5 as any)).toThrow('m must be a non-empty header name, got 5');
  });

  test('control characters: NUL to US and DEL are refused, other characters pass', () => {
    expect(() => checkNoControlChars('v', 'a b~')).not.toThrow();
    for (const c of ['\u0000', '\t', '\r', '\n', '\u001f', '\u007f']) {
      expect(() => checkNoControlChars('v', `a${c}b`)).toThrow(`v must not contain control characters such as CR or LF, got ${show(`a${c}b`)}`);
    }
    expect(() => checkNoControlChars('v', '\u0080é')).not.toThrow();
  });
});

describe('regexes, ports and labels', () => {
  test('a regex of 1024 characters is checked; one of 1025 is refused by length', () => {
    expect(() => checkRegex('r', 'b'.repeat(1024))).not.toThrow();
    expect(() => checkRegex('r', 'c'.repeat(1025))).toThrow('r is 1025 characters long; Istio allows at most 1024');
    expect(() => checkRegex('r', '(x')).toThrow(/^r "\(x" is not a valid RE2 regex \(Envoy's engine; lookaround and backreferences are not supported\): ./);
  });

  test('ports from 1 to 65535, integers only', () => {
    for (const ok of [1, 80, 65535]) expect(() => checkPort('p', ok)).not.toThrow();
    for (const bad of [0, -1, 65536, 8.5, NaN, '80' as any]) expect(() => checkPort('p', bad)).toThrow(`p must be an integer from 1 to 65535, got ${show(bad)}`);
  });

  test('label keys: a name of 63, or a DNS prefix of 253 and a name of 63', () => {
    const keyMessage = (key: string) => `l key ${show(key)} is not a valid Kubernetes label key (optional "prefix/" then letters, digits, '-', '_', '.', at most 63 characters)`;
    const prefix = `${'p'.repeat(63)}.${'q'.repeat(63)}.${'r'.repeat(63)}.${'s'.repeat(61)}`;
    for (const ok of ['version', 'A_b.c-D', 'x'.repeat(63), `example.com/${'x'.repeat(63)}`, `${prefix}/lane`]) expect(() => checkLabel('l', ok, 'v')).not.toThrow();
    for (const bad of ['', 'x'.repeat(64), '-a', 'a-', 'a b', `example.com/${'x'.repeat(64)}`, `${prefix}t/lane`, 'Example.com/lane', 'a/b/c', '/lane', 'example.com/']) {
      expect(() => checkLabel('l', bad, 'v')).toThrow(keyMessage(bad));
    }
  });

  test('label values: empty, or a name of at most 63 characters', () => {
    const valueMessage = (value: unknown) => `l value ${show(value)} for key "version" is not a valid Kubernetes label value (letters, digits, '-', '_', '.', at most 63 characters)`;
    for (const ok of ['', 'v1', 'A.b_c-9', 'v'.repeat(63)]) expect(() => checkLabel('l', 'version', ok)).not.toThrow();
    for (const bad of ['v'.repeat(64), '-v', 'v-', 'v 1', 'v/1', 1 as any]) expect(() => checkLabel('l', 'version', bad)).toThrow(valueMessage(bad));
  });
});
