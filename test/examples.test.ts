import { App, Testing } from 'cdk8s';
import { find, referenceManifests, synth, synthYaml } from './helpers';
import { BaggageChain } from '../examples/baggage';
import { MockChain } from '../examples/chain';
import { MockaGatewayApi } from '../examples/gateway-api';
import { MockaLanes, SCENARIOS } from '../examples/scenarios';
import { Target } from '../src';

describe('example scenarios', () => {
  test.each(Object.keys(SCENARIOS))('%s synthesizes to the recorded YAML', (name) => {
    // GIVEN the example chart of one scenario
    const chart = new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS[name]);
    // THEN its YAML is the recorded one
    expect(synthYaml(chart)).toMatchSnapshot();
  });

  test('the reference document holds the two VirtualServices the example reproduces', () => {
    const reference = referenceManifests();
    expect(reference.map(m => [m.kind, m.metadata.name, m.spec.gateways ?? 'mesh'])).toEqual([
      ['VirtualService', 'swimlane-ingress-vs-custom', ['istio-system/ingressgateway']],
      ['VirtualService', 'swimlane-ingress-vs-custom', 'mesh'],
    ]);
  });

  test('permissive: the gateway VirtualService equals the reference field for field', () => {
    const [referenceGateway] = referenceManifests();
    const out = synth(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.permissive));
    expect(find(out, 'VirtualService', 'swimlane-ingress-vs-custom')).toEqual(referenceGateway);
  });

  test('permissive: the sidecar VirtualService equals the reference except its name', () => {
    const [, referenceSidecar] = referenceManifests();
    const out = synth(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.permissive));
    const sidecar = find(out, 'VirtualService', 'swimlane-sidecar-vs-custom');
    // the reference gives both VirtualServices one name and namespace; a cluster can hold only one of them
    expect({ ...sidecar, metadata: { ...sidecar.metadata, name: 'swimlane-ingress-vs-custom' } }).toEqual(referenceSidecar);
    expect(out).toHaveLength(2);
  });

  test('custom-header: the reference with my-trace-id as the routing header', () => {
    const expected = referenceManifests(t => t.replace(/x-asm-prefer-tag:/g, 'my-trace-id:'));
    const out = synth(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS['custom-header']));
    expect(find(out, 'VirtualService', 'swimlane-ingress-vs-custom')).toEqual(expected[0]);
    expect(find(out, 'VirtualService', 'swimlane-sidecar-vs-custom').spec).toEqual(expected[1].spec);
    expect(JSON.stringify(out)).not.toContain('x-asm-prefer-tag');
  });

  test('strict: the reference with no header set on any destination', () => {
    const stripHeaders = (vs: any) => ({
      ...vs,
      spec: {
        ...vs.spec,
        http: vs.spec.http.map((r: any) => ({ ...r, route: r.route.map(({ headers, ...d }: any) => d) })),
      },
    });
    const [referenceGateway, referenceSidecar] = referenceManifests().map(stripHeaders);
    const out = synth(new MockaLanes(Testing.app(), 'mocka-lanes', SCENARIOS.strict));
    expect(find(out, 'VirtualService', 'swimlane-ingress-vs-custom')).toEqual(referenceGateway);
    expect(find(out, 'VirtualService', 'swimlane-sidecar-vs-custom').spec).toEqual(referenceSidecar.spec);
    expect(JSON.stringify(out)).not.toContain('"headers":{"request"');
  });

  test('each scenario is its own app: two in one app would route one host twice, which synth refuses', () => {
    // each scenario alone synthesizes
    for (const props of Object.values(SCENARIOS)) {
      const app = new App();
      new MockaLanes(app, 'mocka-lanes', props);
      expect(() => app.synthYaml()).not.toThrow();
    }
    // two scenarios in one app: the same sidecar VirtualService twice (the cluster keeps one of them)
    const [first, second] = Object.values(SCENARIOS);
    const app = new App();
    new MockaLanes(app, 'one', first);
    new MockaLanes(app, 'two', second);
    expect(() => app.synthYaml()).toThrow(/\[two\/mocka\/SidecarVirtualService\] \[LANE001\] \(VirtualService istio-system\/swimlane-sidecar-vs-custom .*\) has the same kind, namespace and name/);
  });

  test.each([Target.ASM, Target.ISTIO, Target.GATEWAY_API])('the three-service chain for %s synthesizes to the recorded YAML', (target) => {
    expect(synthYaml(new MockChain(Testing.app(), 'mock-chain', { target }))).toMatchSnapshot();
  });

  test('the reference scenario on the Gateway API synthesizes to the recorded YAML', () => {
    expect(synthYaml(new MockaGatewayApi(Testing.app(), 'mocka-gateway-api'))).toMatchSnapshot();
  });

  test.each([Target.ASM, Target.ISTIO])('the chain with the lane in baggage for %s synthesizes to the recorded YAML', (target) => {
    expect(synthYaml(new BaggageChain(Testing.app(), 'baggage-chain', { target }))).toMatchSnapshot();
  });
});
