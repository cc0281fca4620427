/**
 * The reference scenario on the Kubernetes Gateway API: lanes s1 (baseline), s2 and s3 of `mocka`, each a
 * Service of its own (`mocka-s1`, ...); requests with `env: dev` split 50/50 between s2 and s3, everything else
 * goes to s1, at the ingress Gateway and in the mesh (an HTTPRoute bound to the Service). The scenario's fallback
 * from s3 to s1 has no Gateway API equivalent, so it is left out here.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { HeaderMatch, LaneRouting, Target } from '../src';

export class MockaGatewayApi extends Chart {
  public readonly routing: LaneRouting;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.routing = new LaneRouting(this, 'mocka', {
      target: Target.GATEWAY_API,
      host: 'mocka.default.svc.cluster.local',
      port: 8000,
      lanes: [
        { name: 's1', podLabels: { version: 'v1' } },
        { name: 's2', podLabels: { version: 'v2' } },
        { name: 's3', podLabels: { version: 'v3' } },
      ],
      laneServices: { selector: { app: 'mocka' }, ports: [{ port: 8000 }] },
      baseline: 's1',
      rules: [{
        name: 'dev-route',
        matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }],
        split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }],
      }],
      gateway: { gateways: ['istio-system/ingressgateway'], name: 'mocka-lanes' },
      sidecar: { name: 'mocka-lanes' },
    });
  }
}
