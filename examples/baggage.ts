/**
 * The seed's call chain mocka -> mockb -> mockc with the lane carried in W3C baggage, which OpenTelemetry
 * forwards without application changes (ASM's recommended scenario 3). Lanes as in chain.ts: s1 (baseline)
 * holds all three at v1, s2 holds mocka and mockc at v2, s3 holds mockb at v3; `env: dev` splits 50/50
 * between s2 and s3 at the ingress gateway.
 * - Target.ASM: the routing header x-asm-prefer-tag stays a plain header; an ASMHeaderPropagation
 *   re-attaches it from the baggage context on each hop (ASM 1.21.6.54 or later).
 * - Target.ISTIO: the lane is the baggage entry `lane=<lane>`, added at the ingress and matched by the sidecars.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { HeaderMatch, LaneGroup, Propagation, Target } from '../src';

export interface BaggageChainProps extends ChartProps {
  readonly target: Target;
}

export class BaggageChain extends Chart {
  public readonly group: LaneGroup;

  constructor(scope: Construct, id: string, props: BaggageChainProps) {
    super(scope, id, props);
    this.group = new LaneGroup(this, 'mock', {
      name: 'mock',
      target: props.target,
      propagation: Propagation.baggage(),
      services: [
        { name: 'mocka', namespace: 'default' },
        { name: 'mockb', namespace: 'default' },
        { name: 'mockc', namespace: 'default' },
      ],
      lanes: [
        { name: 's1', services: ['mocka', 'mockb', 'mockc'], podLabels: { version: 'v1' } },
        { name: 's2', services: ['mocka', 'mockc'], podLabels: { version: 'v2' } },
        { name: 's3', services: ['mockb'], podLabels: { version: 'v3' } },
      ],
      baseline: 's1',
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
