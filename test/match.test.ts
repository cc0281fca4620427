import { HeaderMatch, Propagation, PropagationKind, QueryParamMatch, StringMatch } from '../src';

describe('StringMatch', () => {
  test.each([
    ['exact', StringMatch.exact('dev'), 'dev'],
    ['prefix', StringMatch.prefix('/api'), '/api'],
    ['regex', StringMatch.regex('v[0-9]+'), 'v[0-9]+'],
  ])('%s keeps its kind and value', (kind, match, value) => {
    expect(match.kind).toEqual(kind);
    expect(match.value).toEqual(value);
    expect(match.toString()).toEqual(`${kind} "${value}"`);
  });

  test('an empty value is rejected', () => {
    expect(() => StringMatch.exact('')).toThrow('StringMatch.exact() needs a non-empty string, got ""');
    expect(() => StringMatch.prefix('')).toThrow('StringMatch.prefix() needs a non-empty string, got ""');
    expect(() => StringMatch.regex('')).toThrow('StringMatch.regex() needs a non-empty string, got ""');
  });

  test('CR/LF in a value is rejected', () => {
    expect(() => StringMatch.exact('dev\r\nx-injected: 1')).toThrow(
      'StringMatch.exact() value must not contain control characters such as CR or LF, got "dev\\r\\nx-injected: 1"');
  });

  test('regexes are checked with RE2: lookaround and backreferences are rejected', () => {
    expect(() => StringMatch.regex('a(?=b)')).toThrow(/^StringMatch.regex\(\) value "a\(\?=b\)" is not a valid RE2 regex/);
    expect(() => StringMatch.regex('(a)\\1')).toThrow(/is not a valid RE2 regex/);
    expect(() => StringMatch.regex('[unclosed')).toThrow(/is not a valid RE2 regex/);
  });

  test('regexes are limited to 1024 characters', () => {
    expect(() => StringMatch.regex('a'.repeat(1024))).not.toThrow();
    expect(() => StringMatch.regex('a'.repeat(1025))).toThrow('StringMatch.regex() value is 1025 characters long; Istio allows at most 1024');
  });
});

describe('HeaderMatch', () => {
  test('factories set name and match', () => {
    expect(HeaderMatch.exact('env', 'dev').toString()).toEqual('env exact "dev"');
    expect(HeaderMatch.prefix('user', 'qa-').match?.kind).toEqual('prefix');
    expect(HeaderMatch.regex('x-tier', 'gold|silver').match?.value).toEqual('gold|silver');
    expect(HeaderMatch.present('x-beta').toString()).toEqual('x-beta present');
    const absent = HeaderMatch.absent('x-opt-out');
    expect([absent.isAbsent, absent.match, absent.toString()]).toEqual([true, undefined, 'x-opt-out absent']);
  });

  test('header names must be lowercase tokens', () => {
    expect(() => HeaderMatch.exact('Env', 'dev')).toThrow(
      'HeaderMatch name must be a lowercase RFC 7230 token, got "Env" (header names must be lowercase: use "env")');
    expect(() => HeaderMatch.exact('my header', 'x')).toThrow(/HeaderMatch name must be a lowercase RFC 7230 token, got "my header" \(allowed:/);
    expect(() => HeaderMatch.exact('', 'x')).toThrow('HeaderMatch name must be a non-empty header name, got ""');
  });

  test('the pseudo-headers Istio matches on are allowed; other pseudo-headers and fields Istio ignores inside headers are rejected', () => {
    for (const name of [':method', ':scheme', ':authority', ':path', ':status']) expect(HeaderMatch.exact(name, 'x').name).toBe(name);
    expect(() => HeaderMatch.exact(':protocol', 'h2')).toThrow('HeaderMatch name ":protocol" is not a pseudo-header Istio matches on (allowed: :method, :scheme, :authority, :path, :status)');
    expect(() => HeaderMatch.exact('uri', '/')).toThrow('HeaderMatch name "uri" is ignored by Istio inside headers; use the RequestMatch field "uri" instead');
    expect(() => HeaderMatch.exact('host', 'a')).toThrow('HeaderMatch name "host" is ignored by Istio inside headers; use the RequestMatch field "authority" instead');
  });
});

describe('QueryParamMatch', () => {
  test('exact and regex', () => {
    expect(QueryParamMatch.exact('lane', 'beta').toString()).toEqual('?lane exact "beta"');
    expect(QueryParamMatch.regex('v', '[0-9]+').match.kind).toEqual('regex');
  });

  test('an empty name is rejected', () => {
    expect(() => QueryParamMatch.exact('', 'x')).toThrow('QueryParamMatch name must be a non-empty string, got ""');
  });
});

describe('values of the wrong type, from JavaScript or JSON', () => {
  test('a value or a name that is not a string is refused, showing it', () => {
    expect(() => StringMatch.exact(5 as any)).toThrow('StringMatch.exact() needs a non-empty string, got 5');
    expect(() => QueryParamMatch.exact(5 as any, 'x')).toThrow('QueryParamMatch name must be a non-empty string, got 5');
    expect(() => QueryParamMatch.exact('a\nb', 'x')).toThrow('QueryParamMatch name must not contain control characters such as CR or LF, got "a\\nb"');
  });

  test('only HeaderMatch.absent() makes an absence match', () => {
    expect([HeaderMatch.exact('a', 'b'), HeaderMatch.prefix('a', 'b'), HeaderMatch.regex('a', 'b'), HeaderMatch.present('a')].map(m => m.isAbsent)).toEqual([false, false, false, false]);
  });
});

describe('Propagation', () => {
  test('each factory keeps its kind and its argument', () => {
    expect(Propagation.traceId('x-request-id')).toMatchObject({ kind: PropagationKind.TRACE_ID, traceHeader: 'x-request-id', baggageKey: undefined });
    expect(Propagation.customHeader()).toMatchObject({ kind: PropagationKind.CUSTOM_HEADER, traceHeader: undefined, baggageKey: undefined });
    expect(Propagation.baggage({ key: 'lane' })).toMatchObject({ kind: PropagationKind.BAGGAGE, traceHeader: undefined, baggageKey: 'lane' });
    expect(Propagation.baggage().baggageKey).toBeUndefined();
  });

  test('arguments of the wrong shape are refused with the factory\'s name', () => {
    expect(() => Propagation.traceId(7 as any)).toThrow('Propagation.traceId(): header must be a string, got 7');
    expect(() => Propagation.baggage({ key: 'lane', kee: 'x' } as any)).toThrow('Propagation.baggage(): options has unknown property "kee" (known: key)');
  });
});
