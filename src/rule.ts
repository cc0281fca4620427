import { LaneDestination } from './lane';
import { RequestMatch } from './match';

/**
 * An ordered routing rule: requests that match go to the split's lanes. Rules apply in the order given
 * (first match wins); the default route to the baseline lane always comes last.
 */
export interface LaneRule {
  /**
   * Rule name (the VirtualService route name, e.g. `dev-route`), unique within the routing.
   */
  readonly name: string;

  /**
   * Match blocks: the rule applies when any block matches; inside a block every condition must hold.
   * At least one block with at least one condition (the catch-all is the default route).
   */
  readonly matches: RequestMatch[];

  /**
   * Where matching requests go: one lane, or several with integer weights summing to 100.
   */
  readonly split: LaneDestination[];
}
