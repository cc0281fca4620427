/**
 * The call chain of ASM's permissive-lane scenario, mocka -> mockb -> mockc in permissive lanes: s1
 * (baseline) holds all three at v1, s2 holds mocka and mockc at v2, s3 holds mockb at v3. Requests with
 * `env: dev` split 50/50 between s2 and s3 at the ingress gateway; every service missing from a lane is
 * served by the baseline.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { HeaderMatch, LaneGroup, Propagation, Target } from '../src';

export interface MockChainProps extends ChartProps {
  readonly target: Target;
  /**
   * How requests keep their lane along the chain.
   * @default - ASM: the trace id my-trace-id (ASM re-attaches the routing header); Istio: the routing header
   */
  readonly propagation?: Propagation;
}

export class MockChain extends Chart {
  public readonly group: LaneGroup;

  constructor(scope: Construct, id: string, props: MockChainProps) {
    super(scope, id, props);
    this.group = new LaneGroup(this, 'mock', {
      name: 'mock',
      target: props.target,
      services: ['mocka', 'mockb', 'mockc'].map(name => ({
        name,
        namespace: 'default',
        // the Gateway API routes to a Service per lane, made from the service's pods
        ...(props.target === Target.GATEWAY_API ? { port: 8000, laneServices: { selector: { app: name }, ports: [{ port: 8000 }] } } : {}),
      })),
      lanes: [
        { name: 's1', services: ['mocka', 'mockb', 'mockc'], podLabels: { version: 'v1' } },
        { name: 's2', services: ['mocka', 'mockc'], podLabels: { version: 'v2' } },
        { name: 's3', services: ['mockb'], podLabels: { version: 'v3' } },
      ],
      baseline: 's1',
      // ASM re-attaches the routing header along the trace the app propagates; upstream Istio cannot
      propagation: props.propagation ?? (props.target === Target.ASM ? Propagation.traceId('my-trace-id') : undefined),
      ingress: {
        gateway: 'istio-system/ingressgateway',
        entryService: 'mocka',
        rules: [{
          name: 'dev-route',
          matches: [{ headers: [HeaderMatch.exact('env', 'dev')] }],
          split: [{ lane: 's2', weight: 50 }, { lane: 's3', weight: 50 }],
        }],
      },
    });
  }
}
