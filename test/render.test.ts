/**
 * The renderers called on the lane model directly, their output compared strictly: a key the target must not
 * carry is absent, not undefined (the synthesized YAML drops undefined keys, so only this level can tell).
 */
import { HeaderMatch, LaneRoutingProps, Propagation, Target } from '../src';
import { normalizeGroup } from '../src/private/model/group';
import { normalize } from '../src/private/model/normalize';
import { renderIngressRoute, renderLaneServices, renderMeshRoute, renderReferenceGrants } from '../src/private/render/gateway-api';
import { renderSwimLaneGroupSpec } from '../src/private/render/lane-group';
import { renderGatewaySpec, renderSidecarSpec } from '../src/private/render/lane-routing';

const CTX = 'LaneRouting "app/mocka"';
const HOST = 'mocka.default.svc.cluster.local';
const dev = [{ headers: [HeaderMatch.exact('env', 'dev')] }];

function gatewayApi(overrides: Partial<LaneRoutingProps> = {}): LaneRoutingProps {
  return {
    target: Target.GATEWAY_API,
    host: HOST,
    lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', podLabels: { version: 'v2' } }],
    laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000 }] },
    baseline: 's1',
    rules: [{ name: 'dev-route', matches: dev, split: [{ lane: 's2' }] }],
    sidecar: {},
    ...overrides,
  };
}

const marker = (lane: string) => [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-asm-prefer-tag', value: lane }] } }];

describe('the Gateway API renderers', () => {
  test('a mesh route without a port: its parentRef has no port key; one backend has no weight key, an unmarked one no filters key', () => {
    // with baggage, the gateway adds the lane's entry and the mesh route marks nothing
    const baggage = normalize(CTX, gatewayApi({ propagation: Propagation.baggage(), rules: [] }));
    const route = renderMeshRoute(baggage);
    expect(route.parentRefs).toStrictEqual([{ group: '', kind: 'Service', name: 'mocka' }]);
    expect(route.rules!.map(r => [r.name, r.backendRefs])).toStrictEqual([
      ['lane-s1', [{ name: 'mocka-s1', port: 8000 }]], ['lane-s2', [{ name: 'mocka-s2', port: 8000 }]], ['base-route', [{ name: 'mocka-s1', port: 8000 }]],
    ]);
    const permissive = renderMeshRoute(normalize(CTX, gatewayApi()));
    expect(permissive.rules!.map(r => r.backendRefs)).toStrictEqual([
      [{ name: 'mocka-s2', port: 8000, filters: marker('s2') }],
      [{ name: 'mocka-s1', port: 8000, filters: marker('s1') }],
    ]);
  });

  test('custom routes after the lane rules, weighted, one in the route\'s namespace (no namespace key) and one in another', () => {
    const model = normalize(CTX, gatewayApi({
      routesAfter: [{
        name: 'web',
        matches: [{ headers: [HeaderMatch.exact('x-web', '1')] }],
        destinations: [{ host: 'mockb.default.svc.cluster.local', port: 80, weight: 70 }, { host: 'web.shop.svc.cluster.local', port: 80, weight: 30 }],
      }],
    }));
    expect(renderMeshRoute(model).rules!.map(r => [r.name, r.backendRefs])).toStrictEqual([
      ['dev-route', [{ name: 'mocka-s2', port: 8000, filters: marker('s2') }]],
      ['web', [{ name: 'mockb', port: 80, weight: 70 }, { name: 'web', namespace: 'shop', port: 80, weight: 30 }]],
      ['base-route', [{ name: 'mocka-s1', port: 8000, filters: marker('s1') }]],
    ]);
  });

  test('the ingress route\'s parentRefs name a Gateway\'s namespace only when it is not the route\'s', () => {
    const model = normalize(CTX, gatewayApi({ gateway: { gateways: ['istio-system/ingressgateway', 'edge/public'], hosts: ['shop.example.com'] } }));
    const route = renderIngressRoute(model);
    expect([route.parentRefs, route.hostnames]).toStrictEqual([[{ name: 'ingressgateway' }, { name: 'public', namespace: 'edge' }], ['shop.example.com']]);
  });

  test('ReferenceGrants: one per backend namespace, its route namespaces sorted, none for a backend in the route\'s own namespace', () => {
    const model = normalize(CTX, gatewayApi({
      gateway: { gateways: ['web-gw/public'] },
      sidecar: { namespace: 'shop' },
      routesAfter: [{ name: 'web', matches: [{ headers: [HeaderMatch.exact('x-web', '1')] }], destinations: [{ host: 'web.shop.svc.cluster.local', port: 80 }] }],
    }));
    expect(renderReferenceGrants(model)).toStrictEqual([
      {
        namespace: 'default',
        spec: {
          from: ['shop', 'web-gw'].map(namespace => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace })),
          to: ['mocka-s1', 'mocka-s2'].map(name => ({ group: '', kind: 'Service', name })),
        },
      },
      { namespace: 'shop', spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web-gw' }], to: [{ group: '', kind: 'Service', name: 'web' }] } },
    ]);
  });

  test('lane Services only for the lanes with pod labels; none when no lane has them', () => {
    const model = normalize(CTX, gatewayApi({ lanes: [{ name: 's1', podLabels: { version: 'v1' } }, { name: 's2', servedBy: 's1' }], rules: [], port: 8000 }));
    expect(renderLaneServices(model)).toStrictEqual([{ name: 'mocka-s1', namespace: 'default', spec: { selector: { app: 'mocka', version: 'v1' }, ports: [{ port: 8000 }] } }]);
    expect(renderLaneServices(normalize(CTX, gatewayApi({ lanes: [{ name: 's1', serviceName: 'mocka' }], laneServices: undefined, rules: [], port: 8000 })))).toStrictEqual([]);
  });
});

describe('the VirtualService renderers', () => {
  const asm: LaneRoutingProps = {
    target: Target.ASM,
    host: HOST,
    lanes: [{ name: 's1' }, { name: 's2' }, { name: 's3' }],
    baseline: 's1',
    rules: [{ name: 'dev-route', matches: dev, split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50, fallbackLane: 's1' }] }],
    gateway: { gateways: ['istio-system/ingressgateway'] },
    sidecar: {},
  };

  test('upstream Istio\'s destinations carry no fallback key; ASM\'s carry it', () => {
    const { fallbackLane, ...withoutFallback } = asm.rules![0].split[1];
    const istio = normalize(CTX, { ...asm, target: Target.ISTIO, rules: [{ ...asm.rules![0], split: [asm.rules![0].split[0], withoutFallback] }] });
    for (const spec of [renderGatewaySpec(istio), renderSidecarSpec(istio)]) {
      expect(spec.http!.flatMap(r => r.route!.map(d => 'fallback' in d))).toEqual([false, false, false]);
    }
    expect(renderGatewaySpec(normalize(CTX, asm)).http!.flatMap(r => r.route!.map(d => 'fallback' in d))).toEqual([true, true, true]);
    expect(fallbackLane).toBe('s1');
  });

  test('the last line of defence: a model that reaches the renderer with what it cannot render is refused, not dropped', () => {
    const model = normalize(CTX, asm);
    expect(() => renderGatewaySpec({ ...model, target: Target.ISTIO })).toThrow(new Error('route "dev-route": fallback is an ASM-only field and cannot be rendered for upstream Istio'));
    expect(() => renderGatewaySpec({ ...model, gateway: undefined })).toThrow(new Error(`${CTX}: no gateway entry point`));
    expect(() => renderSidecarSpec({ ...model, sidecar: undefined })).toThrow(new Error(`${CTX}: no sidecar entry point`));
  });
});

describe('the ASM lane group renderer', () => {
  test('the ingress gateway split into name and namespace; none without a gateway', () => {
    const group = normalizeGroup('LaneGroup "app/shop"', {
      name: 'shop',
      target: Target.ASM,
      services: [{ name: 'mocka', namespace: 'default' }],
      lanes: [{ name: 's1', services: ['mocka'], podLabels: { version: 'v1' } }, { name: 's2', services: ['mocka'], podLabels: { version: 'v2' } }],
      baseline: 's1',
    });
    expect(renderSwimLaneGroupSpec(group, 'istio-system/ingressgateway').ingress).toStrictEqual({ gateway: { name: 'ingressgateway', namespace: 'istio-system', type: 'ASM' } });
    expect(renderSwimLaneGroupSpec(group, undefined).ingress).toStrictEqual({});
  });
});
