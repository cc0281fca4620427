import { assertConforms } from './schema';

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
    expect(() => assertConforms(ok)).toThrow(/timeout must pass "cel" keyword validation/);
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
