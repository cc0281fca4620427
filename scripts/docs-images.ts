/**
 * Draws the images of the README (`npx projen docs:images`); a test checks that they are up to date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { MockChain } from '../examples/chain';
import { LaneSimulator, Target } from '../src';

/** The swimlanes of the chain example, as the README shows them. */
export function chainLanesSvg(): Promise<string> {
  return LaneSimulator.fromConstruct(new MockChain(Testing.app(), 'mock-chain', { target: Target.ISTIO })).diagramSvg({ chain: ['mocka', 'mockb', 'mockc'] });
}

export const CHAIN_LANES_SVG = path.join(__dirname, '..', 'docs', 'images', 'chain-lanes.svg');

if (require.main === module) {
  void chainLanesSvg().then(svg => fs.writeFileSync(CHAIN_LANES_SVG, svg));
}
