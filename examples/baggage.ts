/**
 * The chain of chain.ts (mocka -> mockb -> mockc; s1 the baseline at v1, s2 holds mocka and mockc at v2, s3
 * holds mockb at v3; `env: dev` split 50/50 between s2 and s3 at the ingress) with the lane carried in W3C
 * baggage, which OpenTelemetry forwards without application changes (ASM's recommended scenario 3):
 * - Target.ASM: the routing header x-asm-prefer-tag stays a plain header; an ASMHeaderPropagation
 *   re-attaches it from the baggage context on each hop (ASM 1.21.6.54 or later).
 * - Target.ISTIO: the lane is the baggage entry `lane=<lane>`, added at the ingress and matched by the sidecars.
 */
import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { MockChain } from './chain';
import { Propagation, Target } from '../src';

export interface BaggageChainProps extends ChartProps {
  readonly target: Target;
}

export class BaggageChain extends MockChain {
  constructor(scope: Construct, id: string, props: BaggageChainProps) {
    super(scope, id, { ...props, propagation: Propagation.baggage() });
  }
}
