// How the simulator reads manifests: the documents of YAML files (empty ones, Lists), how objects are named in
// results and errors, which kinds of which API groups it reads, DestinationRules and Services with the messages
// that name their broken fields, the lenient reader, the typed field reads, and the backends of HTTPRoutes.
import { ServiceInfo, workloadsOf, workloadsUntold } from '../src/private/simulate/mesh';
import { readBackendRef } from '../src/private/simulate/read/backends';
import { integer, mapping, optionalList, optionalMapping, optionalText } from '../src/private/simulate/read/fields';
import { locationOf, Manifest, parseYaml, readMesh, readMeshLeniently, sourceOf } from '../src/private/simulate/read/manifests';

const WEB = 'web.shop.svc.cluster.local';

/** Objects as the documents of one file `y`, in order. */
const manifests = (...objs: any[]): Manifest[] => objs.map((obj, i) => ({ origin: 'y', index: i + 1, obj }));
const read = (...objs: any[]) => readMesh(manifests(...objs));

const front = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'front', namespace: 'shop' },
  spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] },
};
const rule = (spec: any, metadata: any = { name: 'web', namespace: 'shop' }) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata, spec });
const service = (spec: any, metadata: any = { name: 'web', namespace: 'shop' }) => ({ apiVersion: 'v1', kind: 'Service', metadata, spec });
/** A Service as the reader records it: no ports and no selector unless given. */
const info = (extra: Partial<ServiceInfo> = {}): ServiceInfo => ({
  ports: [], portNames: new Map(), appProtocols: new Map(), selects: false, ...extra,
});

describe('YAML documents', () => {
  test('empty and null documents are no objects; every other document is one, numbered from 1', () => {
    const text = ['kind: A', '---', '---', '~', '---', 'kind: B', ''].join('\n');
    expect(parseYaml([{ name: 'f.yaml', text }])).toEqual([
      { origin: 'f.yaml', index: 1, obj: { kind: 'A' } },
      { origin: 'f.yaml', index: 4, obj: { kind: 'B' } },
    ]);
  });

  test('a document that is a scalar or a list is an error naming it (as the API server refuses it)', () => {
    expect(() => parseYaml([{ name: 'f.yaml', text: 'just text' }])).toThrow(new Error('f.yaml (document 1): a document must be a Kubernetes object (a mapping), got "just text"'));
    expect(() => parseYaml([{ name: 'f.yaml', text: 'kind: A\n---\n- 1\n' }])).toThrow(new Error('f.yaml (document 2): a document must be a Kubernetes object (a mapping), got [1]'));
  });

  test('plain scalars resolve as kubectl resolves them (go-yaml v2, YAML 1.1): yes/on/y are booleans, 0777 is octal, a date stays text', () => {
    const text = [
      'kind: A', 'd: 2024-01-01', 'b: [yes, Yes, YES, y, Y, on, On, ON, true, True, TRUE]', 'f: [no, No, NO, n, N, off, Off, OFF, false, False, FALSE]',
      'q: ["yes", \'on\', yES, oN]', 'v: 1.10', 'z: [~, null, Null, NULL]', 'e:', 'on: key', 'n: also',
    ].join('\n');
    expect(parseYaml([{ name: 'f', text }])[0].obj).toEqual({
      kind: 'A',
      d: '2024-01-01',
      b: Array(11).fill(true),
      f: Array(11).fill(false),
      q: ['yes', 'on', 'yES', 'oN'],
      v: 1.1,
      z: [null, null, null, null],
      e: null,
      // a key is a scalar too: kubectl writes the boolean back as text
      true: 'key',
      false: 'also',
    });
  });

  test('numbers as Go reads them: underscores dropped, 0x/0o/0b and a leading 0 (octal), decimal floats; no base 60, no overflow', () => {
    const cases: Array<[string, unknown]> = [
      ['0777', 511], ['0o17', 15], ['0O17', 15], ['0x1F', 31], ['0X1f', 31], ['+0x10', 16], ['-0x10', -16], ['0b101', 5], ['0B11', 3], ['-0b11', -3],
      ['1_000', 1000], ['00', 0], ['0', 0], ['-0', 0], ['+5', 5], ['-17', -17], ['42', 42],
      // not an octal integer, so a decimal float, as Go's ParseFloat reads it
      ['08', 8], ['09.5', 9.5], ['1e3', 1000], ['1E-2', 0.01], ['.5', 0.5], ['+.5', 0.5], ['-1.', -1], ['1_0.5', 10.5], ['99999999999999999999', 1e20],
      // text: base 60, a date, a lone prefix, a float beyond float64, an underscore after a dot, a word
      ['1:20', '1:20'], ['2024-01-01', '2024-01-01'], ['0x', '0x'], ['0o8', '0o8'], ['0b2', '0b2'], ['1e400', '1e400'], ['._5', '._5'], ['.', '.'],
      ['1.2.3', '1.2.3'], ['-a', '-a'], ['+', '+'], ['0x1G', '0x1G'], ['1e', '1e'], ['e3', 'e3'], ['1__', 1],
    ];
    const text = ['kind: A', ...cases.map(([source], i) => `v${i}: ${source}`)].join('\n');
    const obj = parseYaml([{ name: 'f', text }])[0].obj as { [key: string]: unknown };
    expect(cases.map(([source], i) => [source, obj[`v${i}`]])).toEqual(cases);
    // a quoted number is text
    expect(parseYaml([{ name: 'f', text: 'kind: A\nv: "0777"\n' }])[0].obj).toEqual({ kind: 'A', v: '0777' });
    expect(Object.is((parseYaml([{ name: 'f', text: 'kind: A\nv: -0\n' }])[0].obj as any).v, 0)).toBe(true);
  });

  test('null, a boolean or a number as kubectl reads a plain scalar; a text otherwise', () => {
    const readScalars = (sources: string[]) => (parseYaml([{ name: 'f', text: `kind: A\n${sources.map((s, i) => `v${i}: ${s}`).join('\n')}\n` }])[0].obj as any);
    const values = readScalars(['~', '', 'Null', 'yes', 'OFF', 'n', '0o17', '-_1', '1e3', '.5']);
    expect(Array.from({ length: 10 }, (_, i) => values[`v${i}`])).toEqual([null, null, null, true, false, false, 15, -1, 1000, 0.5]);
    const texts = ['s1', 'yES', '1:20', '2024-01-01', '0x', 'nul', 'y2'];
    const kept = readScalars(texts);
    expect(texts.map((_, i) => kept[`v${i}`])).toEqual(texts);
  });

  test('a text with an anchor is measured: its documents keep their places, and a null or a number in it is a value', () => {
    const text = 'kind: A\nv: &x [1, ~, 2.5]\nw: *x\n---\n---\nkind: B\nz: null\n';
    expect(parseYaml([{ name: 'f', text }])).toEqual([
      { origin: 'f', index: 1, obj: { kind: 'A', v: [1, null, 2.5], w: [1, null, 2.5] } },
      { origin: 'f', index: 3, obj: { kind: 'B', z: null } },
    ]);
  });

  test('what JSON cannot hold, and merge keys, are errors naming the document', () => {
    for (const v of ['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN']) {
      expect(() => parseYaml([{ name: 'f', text: `kind: A\n---\nkind: B\nv: [${v}]\n` }])).toThrow(
        new Error('f (document 2): .inf and .nan are not numbers JSON can hold (kubectl refuses them)'));
    }
    expect(() => parseYaml([{ name: 'f', text: 'kind: A\nbase: &b {x: 1}\nspec:\n  <<: *b\n' }])).toThrow(
      new Error('f (document 1): a merge key (<<) is not read; write the merged keys out'));
    // a list of mappings is walked too
    expect(() => parseYaml([{ name: 'f', text: 'kind: A\nl: [{"<<": 1}]\n' }])).toThrow(/a merge key/);
    // an explicit tag beyond text, lists and mappings is not read
    expect(() => parseYaml([{ name: 'f', text: 'kind: A\nv: !!int 5\n' }])).toThrow(/^f \(document 1\): not valid YAML: unknown tag !<tag:yaml.org,2002:int> at line 2, column 11/);
  });

  test('what the API server refuses is an error naming the file, the document, the line and the column', () => {
    const error = (text: string) => {
      try {
        parseYaml([{ name: 'f.yaml', text }]);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error('kind: A\n---\nkind: B\nkind: C\n')).toBe('f.yaml (document 2): not valid YAML: duplicated mapping key at line 4, column 1');
    expect(error('kind: "a\u0001"\n')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 1, column 9');
    // C1 controls (NEL is allowed), DEL, U+FFFE and unpaired surrogates, each at its own column
    expect(error('kind: a\u0085b\nx: a\u0086\n')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 2, column 5');
    expect(error('kind: a\u007f\n')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 1, column 8');
    expect(error('kind: A\n---\nk: ab\uFFFE\n')).toBe('f.yaml (document 2): not valid YAML: the stream contains non-printable characters at line 3, column 6');
    expect(error('kind: a\uDC00\n')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 1, column 8');
    expect(error('\uDC00')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 1, column 1');
    expect(error('kind: ab\uD800\n')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 1, column 9');
    // a pair of surrogates is one character, and allowed
    expect(parseYaml([{ name: 'f', text: 'kind: "\uD83D\uDE00"\n' }])[0].obj).toEqual({ kind: '\u{1F600}' });
    expect(error('kind: a\u0001b\n')).toBe('f.yaml (document 1): not valid YAML: the stream contains non-printable characters at line 1, column 8');
    expect(error('kind: a\u0000\n')).toBe('f.yaml (document 1): not valid YAML: null byte is not allowed in input at line 1, column 8');
    expect(error('kind: A\n---\nkind: B\nname: a\u0000b\n')).toBe('f.yaml (document 2): not valid YAML: null byte is not allowed in input at line 4, column 8');
    expect(error('\u0000')).toBe('f.yaml (document 1): not valid YAML: null byte is not allowed in input at line 1, column 1');
    expect(error(`a: ${'['.repeat(101)}${']'.repeat(101)}\n`)).toBe('f.yaml (document 1): not valid YAML: nested too deeply (more than 100 levels) at line 1, column 103');
    // a `---` before the first object starts the first document; comments, blank lines and directives are no content
    expect(error('# c\n\n%YAML 1.2\n---\nkind: A\n---\n---\nkind: [\n')).toBe('f.yaml (document 3): not valid YAML: unexpected end of the stream within a flow collection at line 9, column 1');
    expect(error('  # an indented comment\n---\nkind: A\n---\nkind: [\n')).toBe('f.yaml (document 2): not valid YAML: unexpected end of the stream within a flow collection at line 6, column 1');
    // an error on the line that starts a document is in that document
    expect(error('kind: A\n--- ]\n')).toBe('f.yaml (document 2): not valid YAML: end of the stream or a document separator is expected at line 2, column 5');
    // "---" starts a document only at the start of a line, and followed by a blank or the end of the line
    expect(error('kind: A\nnote: x --- y\n---x: 1\nkind: [\n')).toBe('f.yaml (document 1): not valid YAML: unexpected end of the stream within a flow collection at line 5, column 1');
  });

  test('aliases: one that contains itself, or deeper than 100 levels once expanded, is an error; a bomb is stopped by the size of the text', () => {
    expect(() => parseYaml([{ name: 'f', text: 'kind: A\ng: &g [*g]\n' }])).toThrow(new Error('f (document 1): an alias refers to a collection that contains it'));
    // the document, then a list in a list ... (a(n) nests n + 1 lists): 100 levels are read, 101 are not, as js-yaml counts them
    const chain = (n: number) => ['kind: A', 'a0: &a0 [x]', ...Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`)].join('\n');
    expect(parseYaml([{ name: 'f', text: chain(98) }])).toHaveLength(1);
    expect(() => parseYaml([{ name: 'f', text: chain(99) }])).toThrow(new Error('f (document 1): nested too deeply (more than 100 levels, aliases included)'));
    expect(parseYaml([{ name: 'f', text: `a: ${'['.repeat(99)}${']'.repeat(99)}\n` }])).toHaveLength(1);
    const levels = (n: number) => ['kind: A', 'a0: &a0 [1,1,1,1,1,1,1,1,1,1]', ...Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(',')}]`)].join('\n');
    // 10,000 values from a text of about 150 characters: within the floor of 100,000 values
    expect(parseYaml([{ name: 'f', text: levels(3) }])).toHaveLength(1);
    expect(() => parseYaml([{ name: 'f', text: levels(4) }, { name: 'g', text: 'kind: B\n' }])).toThrow(new Error(
      'f (document 1): its aliases expand what is read to too many values (at most 2 per character read, and 100,000 for short files); an alias bomb?'));
    // exactly 100,000 values (the root, kind, a: 10, b: 1 + 10 × 9,998, c: 7) are within the floor; one more is not
    const exactly = (extra: number) => `kind: A\na: &a [1,1,1,1,1,1,1,1,1]\nb: [${Array(9998).fill('*a').join(',')}]\nc: [${Array(6 + extra).fill('1').join(',')}]\n`;
    expect(parseYaml([{ name: 'f', text: exactly(0) }])).toHaveLength(1);
    expect(() => parseYaml([{ name: 'f', text: exactly(1) }])).toThrow(/^f \(document 1\): its aliases expand/);
    // the budget is the whole input's: what is read stays within 2 values per character of all the files
    const big = `kind: B\nv: [${Array(60_000).fill('1').join(',')}]\n`;
    expect(parseYaml([{ name: 'f', text: levels(4) }, { name: 'g', text: big }])).toHaveLength(2);
  });

  test('a List (kubectl get -o yaml) is its items, each with the List\'s document index', () => {
    const text = ['apiVersion: v1', 'kind: List', 'items:', '  - kind: A', '  - kind: B', '---', 'kind: C'].join('\n');
    expect(parseYaml([{ name: 'f.yaml', text }])).toEqual([
      { origin: 'f.yaml', index: 1, obj: { kind: 'A' } },
      { origin: 'f.yaml', index: 1, obj: { kind: 'B' } },
      { origin: 'f.yaml', index: 2, obj: { kind: 'C' } },
    ]);
  });

  test('an object of another kind with an items list is one object; a List without an items list too', () => {
    const text = ['kind: Bundle', 'items: [{kind: A}]', '---', 'kind: List', 'items: none'].join('\n');
    expect(parseYaml([{ name: 'f.yaml', text }])).toEqual([
      { origin: 'f.yaml', index: 1, obj: { kind: 'Bundle', items: [{ kind: 'A' }] } },
      { origin: 'f.yaml', index: 2, obj: { kind: 'List', items: 'none' } },
    ]);
  });
});

describe('how objects are named', () => {
  test('an object a construct synthesizes is named by kind, namespace/name and the construct\'s path', () => {
    const m: Manifest = { path: 'app/shop/front', obj: front };
    expect(sourceOf(m)).toBe('VirtualService shop/front [app/shop/front]');
    expect(locationOf(m)).toBe('VirtualService shop/front [app/shop/front]');
  });

  test('an object of no file is located by its name alone, whatever its kind says', () => {
    const m: Manifest = { obj: { kind: 'undefined:', metadata: { name: 'x' } } };
    expect(sourceOf(m)).toBe('undefined: x');
    expect(locationOf(m)).toBe('undefined: x');
  });

  test('an error that does not name the object is prefixed with its location', () => {
    const odd = { ...front, get spec(): any { throw new Error('no spec today'); } };
    expect(() => read(odd)).toThrow(new Error('y (document 1): VirtualService shop/front: no spec today'));
  });

  test('metadata of the wrong type is an error naming the field', () => {
    expect(() => read({ ...front, metadata: 5 })).toThrow(new Error('y (document 1): VirtualService (unnamed) metadata: must be a mapping (an object), got 5'));
    expect(() => read({ ...front, metadata: { name: 'front', namespace: 5 } })).toThrow(
      new Error('y (document 1): VirtualService front metadata.namespace: must be a string, got 5'));
  });
});

describe('which objects are read', () => {
  test('a null object is an error naming its document', () => {
    expect(() => readMesh([{ origin: 'y', index: 3, obj: null }])).toThrow(new Error('y (document 3): a Kubernetes object must be a mapping, got null'));
  });

  test('the kinds read in other API groups or versions are skipped and counted', () => {
    const other = (apiVersion: string, kind: string, spec: any = {}) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'shop' }, spec });
    const mesh = read(
      front,
      other('istio.alibabacloud.com/v1beta1', 'ASMSwimLaneGroup'),
      other('istio.alibabacloud.com/v1beta1', 'ASMSwimLane'),
      other('example.com/v1', 'VirtualService', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }] }] }),
      other('example.com/v1', 'HTTPRoute', { rules: [{ backendRefs: [{ name: 'api' }] }] }),
      other('example.com/v1', 'ReferenceGrant'),
      other('example.com/v1', 'DestinationRule', { host: 'api' }),
      other('example.com/v1', 'Namespace'),
      other('example.com/v1', 'Service'),
      other('gateway.networking.k8s.io/v1', 'GatewayClass', { controllerName: 'example.com/gateway' }),
      other('gateway.networking.k8s.io/v1alpha2', 'Gateway'),
    );
    expect(mesh.tables.map(t => t.source)).toEqual(['y: VirtualService shop/front']);
    expect(mesh.services).toEqual(new Map());
    expect(mesh.subsets).toEqual(new Map());
    expect(mesh.notes).toEqual([
      'skipped 10 objects of kinds the simulation does not read: ASMSwimLaneGroup (1), ASMSwimLane (1), VirtualService (1), HTTPRoute (1), '
      + 'ReferenceGrant (1), DestinationRule (1), Namespace (1), Service (1), GatewayClass (1), Gateway (1)',
    ]);
  });
});

describe('VirtualServices', () => {
  test('a table is named by its source, and located by its document for the analyzer\'s findings', () => {
    const [table] = read(front).tables;
    expect([table.source, table.location]).toEqual(['y: VirtualService shop/front', 'y (document 1): VirtualService shop/front']);
  });
});

describe('DestinationRules', () => {
  test('a rule\'s subsets are read with their labels (none when absent or null), and each rule is kept with its location', () => {
    const mesh = read(
      front,
      rule({ host: 'web', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'any' }, { name: 'nil', labels: null }] }),
      rule({ host: 'web', subsets: [{ name: 'v2', labels: { version: 'v2' } }] }, { name: 'web-2', namespace: 'shop' }),
    );
    expect(mesh.subsets).toEqual(new Map([[WEB, new Map<string, object>([['v1', { version: 'v1' }], ['any', {}], ['nil', {}], ['v2', { version: 'v2' }]])]]));
    expect(mesh.rules).toEqual(new Map([[WEB, [
      { location: 'y (document 2): DestinationRule shop/web', subsets: ['v1', 'any', 'nil'] },
      { location: 'y (document 3): DestinationRule shop/web-2', subsets: ['v2'] },
    ]]]));
  });

  test.each([
    ['spec', undefined, 'spec: must be a mapping (an object), got undefined'],
    ['spec.host', { host: 5 }, 'spec.host: must be a string, got 5'],
    ['spec.subsets', { host: 'web', subsets: 'v1' }, 'spec.subsets: must be a list, got "v1"'],
    ['a subset', { host: 'web', subsets: [5] }, 'spec.subsets[0]: must be a mapping (an object), got 5'],
    ['a subset\'s labels', { host: 'web', subsets: [{ name: 'v1', labels: 'v1' }] }, 'spec.subsets[0].labels: must be a mapping (an object), got "v1"'],
    ['a subset\'s name', { host: 'web', subsets: [{ labels: {} }] }, 'spec.subsets[0].name: must be a string, got undefined'],
  ])('a broken %s is an error naming the field', (_, spec, message) => {
    expect(() => read(front, rule(spec))).toThrow(new Error(`y (document 2): DestinationRule shop/web ${message}`));
  });
});

describe('Services', () => {
  test('a Service is read by host (namespace default when none), with its ports, port names and app protocols', () => {
    const mesh = read(front, service({ selector: { app: 'api' }, ports: [{ name: 'http', port: 80, appProtocol: 'http' }, { port: 81 }] }, { name: 'api' }));
    expect(mesh.services).toEqual(new Map([['api.default.svc.cluster.local', {
      ports: [80, 81], portNames: new Map([['http', 80]]), appProtocols: new Map([[80, 'http']]), selects: true, selector: { app: 'api' },
    }]]));
  });

  test('a Service selects its pods only with a selector of at least one label (its endpoints are written outside it otherwise)', () => {
    const selects = (spec: any) => read(front, service(spec)).services?.get(WEB)?.selects;
    expect(selects({ selector: { app: 'web' } })).toBe(true);
    expect(selects({ selector: {} })).toBe(false);
    expect(selects({ selector: null })).toBe(false);
    expect(selects({})).toBe(false);
    expect(read(front, service(undefined)).services).toEqual(new Map([[WEB, info()]]));
  });

  test.each([
    ['spec', 5, undefined, 'spec: must be a mapping (an object), got 5'],
    ['spec.ports', { ports: 80 }, undefined, 'spec.ports: must be a list, got 80'],
    ['port', { ports: [80] }, undefined, 'spec.ports[0]: must be a mapping (an object), got 80'],
    ['appProtocol', { ports: [{ port: 80, appProtocol: 2 }] }, undefined, 'spec.ports[0].appProtocol: must be a string, got 2'],
    ['port name', { ports: [{ port: 80, name: 2 }] }, undefined, 'spec.ports[0].name: must be a string, got 2'],
    ['selector', { selector: { app: 1 } }, undefined, 'spec.selector.app: must be a string, got 1'],
    ['selector (not a mapping)', { selector: 'web' }, undefined, 'spec.selector: must be a mapping (an object), got "web"'],
    ['name', {}, { namespace: 'shop' }, 'metadata.name: must be a string, got undefined'],
  ])('a broken %s is an error naming the field', (_, spec, metadata, message) => {
    const name = metadata === undefined ? 'shop/web' : 'shop/(unnamed)';
    expect(() => read(front, service(spec, metadata))).toThrow(new Error(`y (document 2): Service ${name} ${message}`));
  });
});

describe('workloads', () => {
  const workload = (kind: string, name: string, labels: unknown, apiVersion = 'apps/v1', namespace = 'shop') => ({
    apiVersion, kind, metadata: { name, namespace }, spec: { template: { metadata: { labels } } },
  });

  test('Deployments, StatefulSets and Argo Rollouts are read with their pods\' labels (namespace default when none); other kinds are skipped', () => {
    const mesh = read(front, workload('Deployment', 'web', { app: 'web' }), { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { template: { metadata: { labels: { app: 'db' } } } } },
      workload('Rollout', 'web-canary', { app: 'web', track: 'canary' }, 'argoproj.io/v1alpha1'), workload('Deployment', 'old', { app: 'old' }, 'extensions/v1beta1'),
      workload('DaemonSet', 'agent', { app: 'agent' }));
    expect(mesh.workloads).toEqual([
      { name: 'Deployment shop/web', namespace: 'shop', labels: { app: 'web' } },
      { name: 'StatefulSet default/db', namespace: 'default', labels: { app: 'db' } },
      { name: 'Rollout shop/web-canary', namespace: 'shop', labels: { app: 'web', track: 'canary' } },
    ]);
    expect(mesh.notes).toEqual(['skipped 2 objects of kinds the simulation does not read: Deployment (1), DaemonSet (1)']);
    expect(read(front, workload('Deployment', 'bare', undefined)).workloads).toEqual([{ name: 'Deployment shop/bare', namespace: 'shop', labels: {} }]);
  });

  test('a workload whose pods\' labels are not text is refused by name; files of workloads alone say what was read', () => {
    expect(() => read(front, workload('Deployment', 'web', { app: 1 }))).toThrow('y (document 2): Deployment shop/web spec.template.metadata.labels.app: must be a string, got 1');
    const broken = (spec: unknown) => () => read(front, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec });
    expect(broken(5)).toThrow('y (document 2): Deployment shop/web spec: must be a mapping (an object), got 5');
    expect(broken({ template: 5 })).toThrow('y (document 2): Deployment shop/web spec.template: must be a mapping (an object), got 5');
    expect(broken({ template: { metadata: 5 } })).toThrow('y (document 2): Deployment shop/web spec.template.metadata: must be a mapping (an object), got 5');
    expect(broken({ template: { metadata: { labels: 5 } } })).toThrow('y (document 2): Deployment shop/web spec.template.metadata.labels: must be a mapping (an object), got 5');
    expect(() => read(front, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'shop' }, spec: {} }))
      .toThrow('y (document 2): Deployment shop/(unnamed) metadata.name: must be a string, got undefined');
    expect(() => read(workload('Deployment', 'web', {}), workload('Rollout', 'r', {}, 'argoproj.io/v1alpha1'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }))
      .toThrow(/; read: ConfigMap \(1\), Deployment \(1\), Rollout \(1\)$/);
  });

  test('the workloads of a backend: the Service\'s selector and the subset\'s labels, in the Service\'s namespace; unknown without a Service', () => {
    const pods = [workload('Deployment', 'web', { app: 'web', version: 'v1' }), workload('Deployment', 'web-v2', { app: 'web', version: 'v2' }),
      workload('Deployment', 'other', { app: 'web', version: 'v2' }, 'apps/v1', 'elsewhere'), workload('Deployment', 'api', { app: 'api', version: 'v2' })];
    const mesh = read(front, service({ selector: { app: 'web' }, ports: [{ port: 80 }] }), ...pods);
    expect(workloadsOf(mesh, { host: WEB }, { version: 'v2' })).toEqual(['Deployment shop/web-v2']);
    expect(workloadsOf(mesh, { host: WEB }, undefined)).toEqual(['Deployment shop/web', 'Deployment shop/web-v2']);
    expect(workloadsOf(mesh, { host: WEB }, { version: 'v9' })).toEqual([]);
    // a Service that selects one version serves no other, whatever the subset says
    const v1Only = read(front, service({ selector: { app: 'web', version: 'v1' }, ports: [{ port: 80 }] }), ...pods);
    expect([workloadsOf(v1Only, { host: WEB }, { version: 'v2' }), workloadsOf(v1Only, { host: WEB }, { version: 'v1' })]).toEqual([[], ['Deployment shop/web']]);
    expect(workloadsOf(mesh, undefined, undefined)).toBeUndefined();
    expect(workloadsOf(read(front, ...pods), { host: WEB }, { version: 'v2' })).toBeUndefined();
    expect(workloadsOf(read(front, service({ ports: [{ port: 80 }] }), ...pods), { host: WEB }, { version: 'v2' })).toBeUndefined();
    expect(workloadsOf(read(front, service({ selector: { app: 'web' }, ports: [{ port: 80 }] })), { host: WEB }, { version: 'v2' })).toBeUndefined();
    // why they are not told: workloads read, but no Service with a selector for the host
    const told = [workloadsUntold(mesh, { host: WEB }), workloadsUntold(mesh, undefined), workloadsUntold(read(front, service({})), { host: WEB })];
    expect(told).toEqual([undefined, undefined, undefined]);
    expect(workloadsUntold(read(front, service({ ports: [{ port: 80 }] }), ...pods), { host: WEB }))
      .toBe('the workloads that serve web.shop.svc.cluster.local are not told: the files hold no Service with a selector for it');
    // a mesh made without Services or workloads (the tests' own) tells none
    const { services: _s, ...noServices } = mesh;
    const { workloads: _w, ...noWorkloads } = mesh;
    expect([workloadsOf(noServices, { host: WEB }, undefined), workloadsOf(noWorkloads, { host: WEB }, undefined)]).toEqual([undefined, undefined]);
    expect([workloadsUntold(noServices, { host: WEB }), workloadsUntold(noWorkloads, { host: WEB })])
      .toEqual(['the workloads that serve web.shop.svc.cluster.local are not told: the files hold no Service with a selector for it', undefined]);
  });
});

describe('the lenient reader', () => {
  const ASM = 'istio.alibabacloud.com/v1';

  test('leaves out each object it refuses, with the reason, and reads the rest', () => {
    const broken = { ...front, metadata: { name: 'broken', namespace: 'shop' }, spec: { hosts: ['web'], http: 'none' } };
    const input = manifests(front, broken);
    const { mesh, unmodelled } = readMeshLeniently(input);
    expect(unmodelled).toEqual([{ manifest: input[1], message: 'y (document 2): VirtualService shop/broken http: must be a list, got "none"' }]);
    expect(mesh.tables.map(t => t.source)).toEqual(['y: VirtualService shop/front']);
  });

  test('reads an input without any route: a lane of no group read is noted, not left out', () => {
    const stray = { apiVersion: ASM, kind: 'ASMSwimLane', metadata: { name: 'stray', labels: { 'swimlane-group': 'g' } }, spec: {} };
    const { mesh, unmodelled } = readMeshLeniently(manifests(stray));
    expect(unmodelled).toEqual([]);
    expect(mesh.tables).toEqual([]);
    expect(mesh.notes).toEqual(['y (document 1): ASMSwimLane stray: its swimlane-group label "g" names no ASMSwimLaneGroup read, so it routes nothing']);
  });

  test('leaves out the lane resources of a group it cannot model even beside an object that is null', () => {
    const group = { apiVersion: ASM, kind: 'ASMSwimLaneGroup', metadata: { name: 5 }, spec: {} };
    const input: Manifest[] = [{ origin: 'y', index: 1, obj: null }, ...manifests(front, group).map(m => ({ ...m, index: m.index! + 1 }))];
    const { mesh, unmodelled } = readMeshLeniently(input);
    expect(unmodelled).toEqual([
      { manifest: input[2], message: 'y (document 3): ASMSwimLaneGroup (unnamed) metadata.name: must be a string, got 5' },
      { manifest: input[0], message: 'y (document 1): a Kubernetes object must be a mapping, got null' },
    ]);
    expect(mesh.tables.map(t => t.source)).toEqual(['y: VirtualService shop/front']);
  });
});

describe('typed fields', () => {
  test('null is no mapping', () => {
    expect(() => mapping('w', null)).toThrow(new Error('w: must be a mapping (an object), got null'));
    expect(() => mapping('w', [])).toThrow(new Error('w: must be a mapping (an object), got []'));
    expect(mapping('w', { a: 1 })).toEqual({ a: 1 });
  });

  test('an optional field absent or null reads as absent: no mapping, an empty list, no text', () => {
    for (const v of [undefined, null]) {
      expect(optionalMapping('w', v)).toBeUndefined();
      expect(optionalList('w', v)).toEqual([]);
      expect(optionalText('w', v)).toBeUndefined();
    }
    expect(() => optionalText('w', 5)).toThrow(new Error('w: must be a string, got 5'));
  });

  test('an integer is a whole number from min to max, both included', () => {
    expect(integer('w', 1, 1, 65535)).toBe(1);
    expect(integer('w', 65535, 1, 65535)).toBe(65535);
    expect(() => integer('w', 65536, 1, 65535)).toThrow(new Error('w: must be an integer from 1 to 65535, got 65536'));
    expect(() => integer('w', 0, 1, 65535)).toThrow(new Error('w: must be an integer from 1 to 65535, got 0'));
    expect(() => integer('w', 1.5, 1, 65535)).toThrow(new Error('w: must be an integer from 1 to 65535, got 1.5'));
    expect(() => integer('w', '80', 1, 65535)).toThrow(new Error('w: must be an integer from 1 to 65535, got "80"'));
  });
});

describe('backends of HTTPRoutes', () => {
  const where = 'r rules[0].backendRefs[0]';
  const services = new Map([[WEB, info({ ports: [80], appProtocols: new Map([[80, 'kubernetes.io/h2c']]), selects: true })]]);
  const ref = (b: object, mesh = false) => readBackendRef(where, { name: 'web', ...b }, 'shop', 'cluster.local', { services }, mesh);

  test('a backend of another kind, or of a Service kind in another group, is not modelled (a core kind named by "core")', () => {
    const notModelled = (kind: string, host: string) => ({
      host,
      port: 80,
      unresolved: { why: 'kind', reason: `${where}: a backend of kind "${kind}" (shop/web), which the lane simulation does not model`, assumed: 'its answer is unknown' },
    });
    expect(ref({ kind: 'Pod', port: 80 })).toEqual(notModelled('core/Pod', 'Pod:shop/web'));
    expect(ref({ group: 'example.com', kind: 'Service', port: 80 })).toEqual(notModelled('example.com/Service', 'Service:shop/web'));
    expect(ref({ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', port: 80 })).toEqual(notModelled('multicluster.x-k8s.io/ServiceImport', 'ServiceImport:shop/web'));
  });

  test('a Service not read is routed as if it existed', () => {
    expect(ref({ name: 'api', port: 8080 })).toEqual({
      host: 'api.shop.svc.cluster.local',
      port: 8080,
      unresolved: { why: 'missing', reason: `${where}: no Service shop/api was read`, assumed: 'routed as if it existed' },
    });
  });

  test('a Service of the route\'s namespace needs no grant; one without a port has no app protocol to note', () => {
    const bare = readBackendRef(where, { name: 'web' }, 'shop', 'cluster.local', { services }, false);
    expect(bare).toEqual({ host: WEB, port: undefined });
    expect(ref({ port: 80 })).toEqual({
      host: WEB,
      port: 80,
      notes: [`${where}: port 80 of Service shop/web has appProtocol kubernetes.io/h2c: whether the proxy and the backend agree on that protocol only the run time decides`],
    });
  });

  test('a Service of another namespace without grants read is refused for a Gateway route, not for a mesh route', () => {
    const other = (mesh: boolean) => readBackendRef(where, { name: 'web', namespace: 'shop' }, 'edge', 'cluster.local', { services }, mesh);
    expect(other(false)).toEqual({
      host: WEB,
      port: undefined,
      unresolved: {
        why: 'refused',
        reason: `${where}: Service shop/web is in another namespace, and no ReferenceGrant read lets HTTPRoutes of edge refer to it (RefNotPermitted)`,
        assumed: 'routed as if a ReferenceGrant permitted it',
      },
    });
    expect(other(true)).toEqual({ host: WEB, port: undefined });
  });
});
