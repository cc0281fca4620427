/**
 * The example app: `npx projen example` (or `cdk8s synth`) writes one folder per scenario:
 * cdk8s.out/permissive/, cdk8s.out/custom-header/, cdk8s.out/strict/ (one service, LaneRouting), and
 * cdk8s.out/chain-asm/, cdk8s.out/chain-istio/ (the three-service chain, LaneGroup, for each target), and
 * cdk8s.out/baggage-asm/, cdk8s.out/baggage-istio/ (the same chain with the lane carried in W3C baggage), and
 * cdk8s.out/gateway-api/, cdk8s.out/chain-gateway-api/ (the reference scenario and the chain on the Kubernetes
 * Gateway API), and cdk8s.out/workloads-asm/, cdk8s.out/workloads-istio/, cdk8s.out/workloads-gateway-api/ (the
 * chain with its Services and Deployments, forked into the lanes).
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { BaggageChain } from './baggage';
import { MockChain } from './chain';
import { MockaGatewayApi } from './gateway-api';
import { MockaLanes, SCENARIOS } from './scenarios';
import { ChainWithWorkloads } from './workloads';
import { Target } from '../src';

const outdir = process.env.CDK8S_OUTDIR ?? 'cdk8s.out';
for (const [name, props] of Object.entries(SCENARIOS)) {
  const app = new App({ outdir: path.join(outdir, name) });
  new MockaLanes(app, 'mocka-lanes', props);
  app.synth();
}
for (const [name, target] of [['chain-asm', Target.ASM], ['chain-istio', Target.ISTIO], ['chain-gateway-api', Target.GATEWAY_API]] as const) {
  const app = new App({ outdir: path.join(outdir, name) });
  new MockChain(app, 'mock-chain', { target });
  app.synth();
}
for (const [name, target] of [['baggage-asm', Target.ASM], ['baggage-istio', Target.ISTIO]] as const) {
  const app = new App({ outdir: path.join(outdir, name) });
  new BaggageChain(app, 'baggage-chain', { target });
  app.synth();
}
for (const [name, target] of [['workloads-asm', Target.ASM], ['workloads-istio', Target.ISTIO], ['workloads-gateway-api', Target.GATEWAY_API]] as const) {
  const app = new App({ outdir: path.join(outdir, name) });
  new ChainWithWorkloads(app, 'chain-workloads', { target });
  app.synth();
}
{
  const app = new App({ outdir: path.join(outdir, 'gateway-api') });
  new MockaGatewayApi(app, 'mocka-gateway-api');
  app.synth();
}
