import { RE2JS } from 're2js';
import { boundedCache, checkHeaderValue, checkRegex, checkVirtualServiceHost, compileRe2, show } from '../src/private/validation/values';

describe('checks', () => {
  test('header values: a lone % is an Envoy substitution; %% is a literal percent', () => {
    expect(() => checkHeaderValue('value', '100%%')).not.toThrow();
    expect(() => checkHeaderValue('value', '100%')).toThrow('value has an unescaped "%" in "100%": write a literal percent sign as "%%"');
    expect(() => checkHeaderValue('value', 'a\nb')).toThrow('value must not contain control characters such as CR or LF, got "a\\nb"');
  });

  test('VirtualService hosts: wildcard first label allowed, * only where allowed', () => {
    expect(() => checkVirtualServiceHost('h', '*.example.com', false)).not.toThrow();
    expect(() => checkVirtualServiceHost('h', '*', true)).not.toThrow();
    expect(() => checkVirtualServiceHost('h', `${'a'.repeat(64)}.com`, true)).toThrow(`h has a label longer than 63 characters: "${'a'.repeat(64)}.com"`);
  });

  test('show() quotes strings and escapes control characters', () => {
    expect(show('a\r\n')).toEqual('"a\\r\\n"');
    expect(show(undefined)).toEqual('undefined');
  });
});

describe('regex caches', () => {
  test('a valid regex is compiled once and stays valid; an invalid one keeps failing', () => {
    const compile = jest.spyOn(RE2JS, 'compile');
    try {
      expect(() => checkRegex('r', 'gold|silver|bronze')).not.toThrow();
      expect(() => checkRegex('r', 'gold|silver|bronze')).not.toThrow();
      expect(compileRe2('gold|silver|bronze').matches('silver')).toBe(true);
      expect(compile.mock.calls.filter(([re]) => re === 'gold|silver|bronze')).toHaveLength(1);
      // an invalid regex is not cached: every check fails again, compiling it again
      expect(() => checkRegex('r', 'a(?=b)c')).toThrow(/is not a valid RE2 regex/);
      expect(() => checkRegex('r', 'a(?=b)c')).toThrow(/is not a valid RE2 regex/);
      expect(compile.mock.calls.filter(([re]) => re === 'a(?=b)c')).toHaveLength(2);
      expect(compileRe2('v[0-9]+x')).toBe(compileRe2('v[0-9]+x'));
      expect(compile.mock.calls.filter(([re]) => re === 'v[0-9]+x')).toHaveLength(1);
    } finally {
      compile.mockRestore();
    }
  });

  test('the bounded cache empties itself when full and still answers', () => {
    const cache = new Map<string, number>();
    let made = 0;
    for (let i = 0; i < 2; i++) boundedCache(cache, `k${i}`, () => ++made);
    expect(cache.size).toBe(2);
    for (let i = 2; i < 10_000; i++) boundedCache(cache, `k${i}`, () => ++made);
    expect(cache.size).toBe(10_000);
    boundedCache(cache, 'k10000', () => ++made);
    expect(cache.size).toBe(1);
    expect(boundedCache(cache, 'k10000', () => -1)).toBe(10_001);
    expect(boundedCache(cache, 'k0', () => -1)).toBe(-1);
  });
});
