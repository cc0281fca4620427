import { checkHeaderValue, checkVirtualServiceHost, show } from '../src/private/checks';

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
