import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { assertConforms, celHolds } from './schema';

const vs = (apiVersion: string, route: object) => ({
  apiVersion,
  kind: 'VirtualService',
  metadata: { name: 'vs', namespace: 'default' },
  spec: { hosts: ['a.default.svc.cluster.local'], http: [{ name: 'r', route: [route] }] },
});

describe('schema conformance helper', () => {
  test('accepts a valid object', () => {
    expect(() => assertConforms(vs('networking.istio.io/v1', { destination: { host: 'a', subset: 's1' } }))).not.toThrow();
  });

  test('fallback is known to the ASM schema and unknown (pruned) for upstream Istio', () => {
    const route = { destination: { host: 'a', subset: 's2' }, fallback: { target: { host: 'a', subset: 's1' } } };
    expect(() => assertConforms(vs('networking.istio.io/v1beta1', route))).not.toThrow();
    expect(() => assertConforms(vs('networking.istio.io/v1', route))).toThrow(/\/spec\/http\/0\/route\/0 must NOT have additional properties \(fallback: a cluster would prune it\)/);
  });

  test('type errors and oneOf violations are reported', () => {
    expect(() => assertConforms(vs('networking.istio.io/v1', { destination: { host: 'a' }, weight: 'fifty' }))).toThrow(/weight must be integer/);
    const both = vs('networking.istio.io/v1', { destination: { host: 'a' } });
    (both.spec.http[0] as any).match = [{ uri: { exact: '/a', prefix: '/b' } }];
    expect(() => assertConforms(both)).toThrow(/\/spec\/http\/0\/match\/0\/uri must match exactly one schema in oneOf/);
  });

  test('the duration rule of Istio 1.30 (timeouts ≥ 1ms) is enforced', () => {
    const ok = vs('networking.istio.io/v1', { destination: { host: 'a' } });
    (ok.spec.http[0] as any).timeout = '1.5s';
    expect(() => assertConforms(ok)).not.toThrow();
    (ok.spec.http[0] as any).timeout = '0.5ms';
    expect(() => assertConforms(ok)).toThrow(/\/spec\/http\/0\/timeout violates the CEL rule duration\(self\) >= duration\('1ms'\)/);
  });

  test('unknown top-level fields and missing names are errors', () => {
    expect(() => assertConforms({ ...vs('networking.istio.io/v1', { destination: { host: 'a' } }), extra: 1 })).toThrow(/must NOT have additional properties \(extra/);
    expect(() => assertConforms({ ...vs('networking.istio.io/v1', { destination: { host: 'a' } }), metadata: {} })).toThrow(/has no metadata.name/);
  });

  test('cluster-scoped kinds (ASM lanes) must not carry a namespace', () => {
    const lane = { apiVersion: 'istio.alibabacloud.com/v1', kind: 'ASMSwimLane', metadata: { name: 's1' }, spec: { labelSelector: { version: 'v1' } } };
    expect(() => assertConforms(lane)).not.toThrow();
    expect(() => assertConforms({ ...lane, metadata: { name: 's1', namespace: 'default' } })).toThrow('schema conformance: ASMSwimLane default/s1 is cluster-scoped and must not have metadata.namespace');
    expect(() => assertConforms({ ...lane, spec: { labelSelector: { version: 1 } } })).toThrow(/\/spec\/labelSelector\/version must be string/);
  });
});

describe('the Gateway API v1.4.0 schemas, CEL rules evaluated by a CEL implementation', () => {
  const dir = path.join(__dirname, 'fixtures', 'gateway-api-conformance');
  // the CORS test's route uses the CORS filter, which only the experimental channel's CRD has
  const experimental = ['httproute-cors-allow-credentials-behavior.yaml'];
  const files = ['', 'mesh'].flatMap(sub => fs.readdirSync(path.join(dir, sub)).filter(f => f.endsWith('.yaml') && !experimental.includes(f)).map(f => path.join(dir, sub, f)));
  const routes = files.flatMap(f => parseAllDocuments(fs.readFileSync(f, 'utf-8')).map(d => d.toJS()).filter(o => o?.kind === 'HTTPRoute'));

  test('the evaluator: Kubernetes\' string extensions, defaults and escaped names; an unknown function fails loudly', () => {
    expect(celHolds("self.split('/').size() == 2", 'istio-system/gw')).toBe(true);
    expect(celHolds("has(self.__namespace__) && self.__namespace__ == 'a'", { namespace: 'a' })).toBe(true);
    expect(celHolds('self.size() <= 2', [1, 2, 3])).toBe(false);
    expect(() => celHolds('self.isURL()', 'http://a')).toThrow(/uses what the evaluator does not know \(unbound function: isURL\)/);
  });

  test('every HTTPRoute of the conformance suite (ingress and mesh) conforms', () => {
    expect(routes.length).toBeGreaterThanOrEqual(60);
    for (const r of routes) expect(() => assertConforms(r)).not.toThrow();
  });

  const route = (rule: object) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'default' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [rule] },
  });
  const backend = { backendRefs: [{ name: 'web-s1', port: 80 }] };

  test.each<[string, object, RegExp]>([
    ['a RequestHeaderModifier filter without its configuration', { ...backend, filters: [{ type: 'RequestHeaderModifier' }] },
      /violates the CEL rule .*filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type/],
    ['a path prefix with "//"', { ...backend, matches: [{ path: { type: 'PathPrefix', value: '/a//b' } }] }, /violates the CEL rule .*must not contain '\/\/'/],
    ['a backend request timeout longer than the request timeout', { ...backend, timeouts: { request: '1s', backendRequest: '2s' } },
      /violates the CEL rule .*backendRequest timeout cannot be longer than request timeout/],
    ['a header modifier on a filter of another type', { ...backend, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'a', value: 'b' }] }, requestHeaderModifier: { set: [{ name: 'x-lane', value: 's2' }] } }] },
      /violates the CEL rule .*filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier/],
  ])('%s violates a CEL rule of the bundle', (_name, rule, message) => {
    expect(() => assertConforms(route(backend))).not.toThrow();
    expect(() => assertConforms(route(rule))).toThrow(message);
  });
});
