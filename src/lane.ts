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

  /**
   * Target.GATEWAY_API: the lane's existing Service (in the service's namespace), when the routing does not
   * render one from `podLabels` and `laneServices`.
   *
   * @default - the Service `<service>-<lane>` rendered from podLabels (Target.GATEWAY_API)
   */
  readonly serviceName?: string;
}

/**
 * Target.GATEWAY_API: what the per-lane Services are made of. A lane with pod labels gets a Service
 * `<service>-<lane>` that selects `selector` plus the lane's pod labels, with `ports`.
 */
export interface LaneServices {
  /** The labels the service's pods have in every lane, e.g. `{ app: 'mocka' }`. */
  readonly selector: { [key: string]: string };

  /** The ports of the service (the routes send requests to `port`, or to the only one). */
  readonly ports: LaneServicePort[];
}

/**
 * A port of a per-lane Service.
 */
export interface LaneServicePort {
  /** The port the Service listens on. */
  readonly port: number;

  /**
   * The pods' port.
   * @default - the same as port
   */
  readonly targetPort?: number;

  /**
   * The port's name (required by Kubernetes when a Service has several ports).
   * @default - no name
   */
  readonly name?: string;
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
