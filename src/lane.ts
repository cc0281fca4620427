/**
 * A traffic lane: a named group of workload versions. Its name is the DestinationRule subset name and
 * the value of the routing header.
 */
export interface Lane {
  /**
   * Lane name: a DNS-1123 label such as `s1` (it becomes a subset name and a header value).
   */
  readonly name: string;

  /**
   * Pod labels that select this lane's workloads, e.g. `{ version: 'v2' }`. When given, the
   * DestinationRule defines this lane's subset with them.
   *
   * @default - no subset is rendered for this lane (it is defined elsewhere, e.g. by ASM)
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Another lane whose subset serves this lane's requests for this service, when the service has no
   * workloads in this lane (permissive lanes: usually the baseline). The routing header still carries
   * this lane's name, so the rest of the trace stays in this lane.
   *
   * @default - the lane's own subset
   */
  readonly servedBy?: string;
}

/**
 * One lane of a rule's split.
 */
export interface LaneDestination {
  /**
   * The lane the requests go to.
   */
  readonly lane: string;

  /**
   * Share of the rule's requests, an integer 0..100. Required when the split has two or more lanes
   * (the weights then sum to 100).
   *
   * @default 100 (only allowed when the split has a single lane)
   */
  readonly weight?: number;

  /**
   * Lane that receives this destination's requests while `lane` has no healthy endpoints (ASM `fallback`).
   * Only for `Target.ASM`: upstream Istio has no such field.
   *
   * @default - no fallback
   * @see https://www.alibabacloud.com/help/en/asm/sidecar/use-an-asm-fallback-mechanism
   */
  readonly fallbackLane?: string;
}
