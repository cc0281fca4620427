/**
 * The reference scenario: lanes s1 (baseline), s2 and s3 of `mocka`. Requests with `env: dev` split
 * 50/50 between s2 and s3 (s3 falling back to s1 when it has no healthy endpoints); everything else goes
 * to s1. The same rules apply on the ingress gateway and on the sidecars.
 *
 * Three alternatives, each a chart of its own app (they route the same host, so apply only one):
 *   - permissive:    ASM permissive lanes, routing header `x-asm-prefer-tag`
 *   - custom-header: the app-propagated header `my-trace-id` is the routing header
 *   - strict:        ASM strict lanes: destinations carry only the subset
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { HeaderMatch, LaneRouting, Mode, Target } from '../src';

export interface MockaLanesProps extends ChartProps {
  /** @default 'x-asm-prefer-tag' */
  readonly routingHeader?: string;
  /** @default Mode.PERMISSIVE */
  readonly mode?: Mode;
}

export class MockaLanes extends Chart {
  public readonly routing: LaneRouting;

  constructor(scope: Construct, id: string, props: MockaLanesProps = {}) {
    super(scope, id, props);
    this.routing = new LaneRouting(this, 'mocka', {
      target: Target.ASM,
      mode: props.mode,
      routingHeader: props.routingHeader,
      host: 'mocka.default.svc.cluster.local',
      lanes: [{ name: 's1' }, { name: 's2' }, { name: 's3' }],
      baseline: 's1',
      rules: [{
        name: 'dev-route',
        matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }],
        split: [
          { lane: 's2', weight: 50 },
          { lane: 's3', weight: 50, fallbackLane: 's1' },
        ],
      }],
      defaultRouteName: 'base-route',
      gateway: {
        gateways: ['istio-system/ingressgateway'],
        namespace: 'istio-system',
        name: 'swimlane-ingress-vs-custom',
      },
      // ASM's permissive-lane scenario names both VirtualServices `swimlane-ingress-vs-custom` in `istio-system`; two objects
      // cannot share a kind, namespace and name, so the sidecar one gets its own name.
      sidecar: {
        namespace: 'istio-system',
        name: 'swimlane-sidecar-vs-custom',
      },
    });
  }
}

export const SCENARIOS: { [name: string]: MockaLanesProps } = {
  'permissive': {},
  'custom-header': { routingHeader: 'my-trace-id' },
  'strict': { mode: Mode.STRICT },
};
