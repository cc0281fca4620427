import { LaneSimulator } from '../../lane-simulator';

/** `cdk8s-lanes explain FILES...`: the rule table of every VirtualService. */
export function explainCommand(sim: LaneSimulator, out: (s: string) => void): void {
  out(sim.explain().trimEnd());
}
