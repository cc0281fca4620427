import * as v from 'valibot';
import { checkShape, list, made, MAX_LIST, num, opt, strict, stringMap, text } from '../src/private/validation/shape';
import { MAX_OBJECT_BYTES, applyChecked, WARN_OBJECT_BYTES } from '../src/private/validation/size';

/** The shape check's messages, one problem kind at a time: path, value and what is allowed. */
class Made {}
const SHAPE = strict({
  name: text,
  weight: opt(num),
  lanes: opt(list(text, 1)),
  pair: opt(list(text, 2)),
  mode: opt(v.enum({ A: 'A', B: 'B' })),
  made: opt(made(() => Made, 'Made.of()')),
  nested: opt(v.array(strict({ host: text, port: opt(num) }))),
  checked: opt(v.pipe(text, v.check(x => x.startsWith('x'), 'must start with "x"'))),
  told: opt(v.pipe(text, v.check(x => x.startsWith('y'), 'starts with "y" or is refused'))),
  needs: opt(strict({ inner: strict({ x: text }), map: stringMap, items: list(text) })),
});
const check = (value: unknown) => () => checkShape('Thing.of()', 'props', SHAPE, value);

describe('checkShape', () => {
  test('a value that fits passes', () => {
    expect(check({ name: 'a', weight: 1, lanes: ['s1'], mode: 'A', made: new Made(), nested: [{ host: 'h', port: 80 }] })).not.toThrow();
  });

  test('unknown properties are named, one or several, with the known ones', () => {
    const known = '(known: name, weight, lanes, pair, mode, made, nested, checked, told, needs)';
    expect(check({ name: 'a', extra: 1 })).toThrow(`Thing.of(): props has unknown property "extra" ${known}`);
    expect(check({ name: 'a', extra: 1, more: 2 })).toThrow(`Thing.of(): props has unknown properties "extra", "more" ${known}`);
    expect(check({ name: 'a', nested: [{ host: 'h', hots: 1 }] })).toThrow('Thing.of(): props.nested[0] has unknown property "hots" (known: host, port)');
  });

  test('a missing value is required, a wrong type says the type and shows the value', () => {
    expect(check({})).toThrow('Thing.of(): props.name is required (a string)');
    expect(check(undefined)).toThrow('Thing.of(): props is required (an object)');
    expect(check({ name: 3 })).toThrow('Thing.of(): props.name must be a string, got 3');
    expect(check({ name: 'a', lanes: 's1' })).toThrow('Thing.of(): props.lanes must be a list, got "s1"');
    expect(check({ name: 'a', nested: [{ host: 'h', port: '80' }] })).toThrow('Thing.of(): props.nested[0].port must be a number, got "80"');
    expect(check([1])).toThrow('Thing.of(): props must be an object, got [1]');
    expect(check(null)).toThrow('Thing.of(): props must be an object, got null');
    // a Map or a Set holds its entries where no reader looks: refused, with what to give instead
    expect(check(new Map([['name', 'a']]))).toThrow(new Error('Thing.of(): props must be a plain object ({ name: value }), not a Map'));
    expect(check({ name: 'a', needs: { inner: new Set() } })).toThrow(new Error('Thing.of(): props.needs.inner must be an object, got a Set'));
    expect(check('text')).toThrow(new Error('Thing.of(): props must be an object, got "text"'));
    // a value of a mapping of names
    expect(check({ name: 'a', needs: { inner: { x: 'y' }, map: { a: null }, items: [] } })).toThrow(new Error('Thing.of(): props.needs.map.a must be a string, got null'));
    expect(check({ name: 'a', needs: { inner: { x: 'y' }, map: {}, items: [3] } })).toThrow(new Error('Thing.of(): props.needs.items[0] must be a string, got 3'));
    // a required object, mapping or list missing inside an object: named by what it takes
    expect(check({ name: 'a', needs: {} })).toThrow(new Error('Thing.of(): props.needs.inner is required (an object)'));
    expect(check({ name: 'a', needs: { inner: { x: 'y' } } })).toThrow(new Error('Thing.of(): props.needs.map is required (an object)'));
    expect(check({ name: 'a', needs: { inner: { x: 'y' }, map: {} } })).toThrow(new Error('Thing.of(): props.needs.items is required (an array)'));
    expect(check({ name: 'a', needs: { inner: {} } })).toThrow(new Error('Thing.of(): props.needs.inner.x is required (a string)'));
  });

  test('a path through null stops at the null', () => {
    expect(check({ name: 'a', nested: [null] })).toThrow('Thing.of(): props.nested[0] must be an object, got null');
    expect(check({ name: 'a', nested: null })).toThrow('Thing.of(): props.nested must be a list, got null');
  });

  test('a value made by a factory says how to make it', () => {
    expect(check({ name: 'a', made: {} })).toThrow('Thing.of(): props.made must be made with Made.of(), got {}');
  });

  test('a refinement\'s own message, then the value', () => {
    expect(check({ name: 'a', checked: 'y' })).toThrow('Thing.of(): props.checked must start with "x", got "y"');
    expect(check({ name: 'a', told: 'x' })).toThrow('Thing.of(): props.told starts with "y" or is refused, got "x"');
  });

  test('enumerations list the allowed values', () => {
    expect(check({ name: 'a', mode: 'C' })).toThrow('Thing.of(): props.mode must be one of "A", "B", got "C"');
  });

  test('list sizes: at least one entry, at least two entries, at most MAX_LIST', () => {
    expect(check({ name: 'a', lanes: [] })).toThrow(/^Thing\.of\(\): props\.lanes needs at least 1 entry$/);
    expect(check({ name: 'a', pair: ['x'] })).toThrow(/^Thing\.of\(\): props\.pair needs at least 2 entries$/);
    expect(check({ name: 'a', lanes: Array(MAX_LIST).fill('s') })).not.toThrow();
    expect(check({ name: 'a', lanes: Array(MAX_LIST + 1).fill('s') })).toThrow(/^Thing\.of\(\): props\.lanes has 1001 entries; at most 1000 are allowed$/);
  });

  test('a top-level list element is written [i] right after the argument', () => {
    expect(() => checkShape('f()', 'items', list(text), ['a'])).not.toThrow();
    expect(() => checkShape('f()', 'items', list(text), ['a', 7])).toThrow('f(): items[1] must be a string, got 7');
  });

  test('reserved keys are named with their path, at the top and deep inside', () => {
    const reserved = 'which is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name';
    expect(check(JSON.parse('{"name":"a","__proto__":{}}'))).toThrow(`Thing.of(): props has the key "__proto__", ${reserved}`);
    expect(check({ name: 'a', nested: [{ host: 'h', constructor: 1 }] })).toThrow(`Thing.of(): props.nested[0] has the key "constructor", ${reserved}`);
    expect(() => checkShape('f()', 'items', v.any(), [{ constructor: 1 }])).toThrow(`f(): items[0] has the key "constructor", ${reserved}`);
    // in a later sibling too, after children without any
    expect(check({ name: 'a', nested: [{ host: 'h' }, { host: 'h', constructor: 1 }] })).toThrow(`Thing.of(): props.nested[1] has the key "constructor", ${reserved}`);
    const cyclic: any = { name: 'a' };
    cyclic.self = cyclic;
    expect(check(cyclic)).toThrow(/has unknown property "self"/);
  });
});

describe('applyChecked: texts kubectl would read back as something else', () => {
  const checked = (spec: unknown) => () => applyChecked('C', 'sidecar VirtualService', spec);

  test('a text cdk8s writes without quotes and kubectl reads as a number is an error naming the field and the value read', () => {
    expect(checked({ http: [{ match: [{ queryParams: { a: { exact: '0o17' } } }] }] })).toThrow(new Error(
      'C: the sidecar VirtualService\'s http[0].match[0].queryParams.a.exact "0o17" is written by cdk8s without quotes, and kubectl reads it as the number 15; choose another value'));
    expect(checked({ v: '-_1' })).toThrow(/'s v "-_1" is written by cdk8s without quotes, and kubectl reads it as the number -1;/);
    expect(checked({ v: ['a', '0X1F'] })).toThrow(/'s v\[1\] "0X1F" .* as the number 31;/);
    expect(checked('+_7')).toThrow(/'s value "\+_7" .* as the number 7;/);
    // a key too: kubectl writes a number key back as its decimal text
    expect(checked({ headers: { '0B11': 'x' } })).toThrow(/'s headers\.0B11 \(its key\) "0B11" .* as the number 3;/);
  });

  test('what cdk8s quotes (what YAML 1.1 reads as no text), and plain texts, pass', () => {
    for (const t of ['y', 'no', 'On', '~', 'null', '', '1e3', '0777', '0x1F', '08', '1_000', '.5', '1.', 's1', 'x-0o17', '2024-01-01', '1:20']) {
      expect(checked({ [t]: t, l: [t] })()).toEqual({ [t]: t, l: [t] });
    }
    expect(checked({ n: 7, b: true, z: null })()).toEqual({ n: 7, b: true, z: null });
  });
});

describe('applyChecked', () => {
  const specOf = (bytes: number) => ({ v: 'x'.repeat(bytes - '{"v":""}'.length) });

  test('a spec of exactly 1.5 MiB passes; one byte more is refused, in MiB', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(applyChecked('C', 'sidecar VirtualService', specOf(MAX_OBJECT_BYTES))).toEqual(specOf(MAX_OBJECT_BYTES));
      expect(() => applyChecked('C', 'sidecar VirtualService', specOf(MAX_OBJECT_BYTES + 1))).toThrow(
        'C: the sidecar VirtualService is 1.50 MiB of JSON, above the 1.50 MiB the API server accepts for one object (etcd\'s limit); shorten the match values or split the routing');
    } finally {
      warn.mockRestore();
    }
  });

  test('over 256 KiB warns once per object, not at 256 KiB exactly', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      applyChecked('W1', 'spec', specOf(WARN_OBJECT_BYTES));
      expect(warn).not.toHaveBeenCalled();
      applyChecked('W1', 'spec', specOf(WARN_OBJECT_BYTES + 1));
      applyChecked('W1', 'spec', specOf(WARN_OBJECT_BYTES + 1));
      expect(warn.mock.calls).toEqual([[
        'W1: the spec is 256 KiB of JSON; client-side `kubectl apply` cannot store an object over 256 KiB in its last-applied annotation (use server-side apply)',
        { code: 'CDK8S_LANES_SIZE' },
      ]]);
      applyChecked('W2', 'spec', specOf(WARN_OBJECT_BYTES + 1));
      applyChecked('W1', 'other', specOf(WARN_OBJECT_BYTES + 1));
      expect(warn.mock.calls.map(c => String(c[0]).split(':')[0] + String(c[0]).split(' ')[2])).toEqual(['W1spec', 'W2spec', 'W1other']);
    } finally {
      warn.mockRestore();
    }
  });
});
