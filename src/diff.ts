/**
 * Diff: what a change does to traffic, as `LaneSimulator.diff()` reports it. Types only.
 */
/**
 * One share of the requests of a class, as the next hop sees it.
 */
export interface TrafficShare {
  /** Where it goes: `host/subset` (short host names), `host` (any endpoint), `503` or `404`. */
  readonly target: string;
  /** Share of the class, 0..1 (relative weights normalized). */
  readonly probability: number;
  /** The headers the destination sets, e.g. `x-asm-prefer-tag=s2` (the lane marker). */
  readonly sets: string;
  /** The declared ASM fallback, `host/subset`. */
  readonly fallback?: string;
}

/**
 * A class of requests whose routing changes.
 */
export interface RequestClassDiff {
  /** A request of the class, e.g. `env: dev; path /api`. */
  readonly request: string;
  /** Where the class goes before the change. */
  readonly before: TrafficShare[];
  /** Where it goes after. */
  readonly after: TrafficShare[];
}

/**
 * How the traffic through one entry point changes.
 */
export interface EntryTrafficDiff {
  /** The entry point: `gateway NS/NAME (hosts: ...)` or `sidecar HOST`. */
  readonly entry: string;
  /** `added`, `removed` or `changed`. */
  readonly status: string;
  /** The classes of requests whose routing changes. */
  readonly classes: RequestClassDiff[];
}

/**
 * How a call chain changes for one class of requests.
 */
export interface ChainClassDiff {
  /** A request of the class. */
  readonly request: string;
  /** The paths before the change, each `trace probability`. */
  readonly before: string[];
  /** The paths after. */
  readonly after: string[];
}

/**
 * Options of `LaneSimulator.diff()`.
 */
export interface DiffOptions {
  /**
   * Also compare this call chain (hosts in call order; short names work), entered as `simulateChain()` enters it.
   * @default - no chain
   */
  readonly chain?: string[];

  /**
   * Both inputs hold every object of the cluster (see `SimulationOptions.complete`).
   * @default false
   */
  readonly complete?: boolean;
}

/**
 * What a change does to traffic: decisions compared, not text.
 */
export interface TrafficDiff {
  /**
   * True when some request is routed differently (an entry point added or removed included). A subset or a host added
   * or removed that no request reaches changes nothing: it is listed, and `changed` stays false.
   */
  readonly changed: boolean;
  /** Entry points whose traffic changes. */
  readonly entries: EntryTrafficDiff[];
  /** Subsets (`host/subset`) added and removed. */
  readonly subsetsAdded: string[];
  readonly subsetsRemoved: string[];
  /** Hosts added and removed. */
  readonly hostsAdded: string[];
  readonly hostsRemoved: string[];
  /** Classes of requests whose path along the chain changes (with `DiffOptions.chain`). */
  readonly chains: ChainClassDiff[];
  /** True when regex conditions were compared through witness strings (or classes sampled): a change may go unreported. */
  readonly approximate: boolean;
}
