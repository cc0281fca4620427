import { BAGGAGE_OPTIONS, checkShape, TEXT } from './private/validation/shape';

/**
 * How a request keeps its lane across a call chain in permissive mode: the three scenarios ASM documents.
 */
export enum PropagationKind {
  /** The services forward a per-request trace id; ASM re-attaches the routing header on every hop. */
  TRACE_ID = 'trace-id',
  /** The services forward the routing header itself. */
  CUSTOM_HEADER = 'custom-header',
  /** OpenTelemetry forwards the W3C `baggage` header. */
  BAGGAGE = 'baggage',
}

/**
 * Options of `Propagation.baggage()`.
 */
export interface BaggageOptions {
  /**
   * With Target.ISTIO and Target.GATEWAY_API, the key of the baggage entry that carries the lane (`lane=s2`). A W3C baggage key: a
   * token of letters, digits and `!#$%&'*+-.^_|~`, at most 64 characters. Not taken with Target.ASM, where
   * the lane stays in the routing header.
   * @default 'lane'
   */
  readonly key?: string;
}

/**
 * How a request keeps its lane along a call chain (permissive mode), as one of ASM's three scenarios. Each
 * names the header every service must forward.
 */
export class Propagation {
  /**
   * Scenario 1 (ASM only): the services forward a per-request trace header (`x-request-id`, `traceparent`,
   * ...), and ASM re-attaches the routing header on every hop of that trace. Upstream Istio has no such
   * machinery. Every service must forward `header`.
   * @param header the trace header, unique per request; not the routing header
   */
  public static traceId(header: string): Propagation {
    checkShape('Propagation.traceId()', 'header', TEXT, header);
    return new Propagation(PropagationKind.TRACE_ID, header, undefined);
  }

  /**
   * Scenario 2: the routing header is also the header the services forward (e.g. `my-trace-id: s2`). Every
   * service must forward the routing header. The default.
   */
  public static customHeader(): Propagation {
    return new Propagation(PropagationKind.CUSTOM_HEADER, undefined, undefined);
  }

  /**
   * Scenario 3: OpenTelemetry (auto-instrumentation, no code change) forwards the W3C `baggage` header. Every
   * service must forward `baggage`.
   * - Target.ASM: the routing header stays a plain header, and an `ASMHeaderPropagation` (ASM 1.21.6.54 or
   *   later) re-attaches it from the baggage context on each hop.
   * - Target.ISTIO and Target.GATEWAY_API: the lane is a baggage entry (`lane=s2`). The ingress adds it (keeping
   *   the client's other entries) and the mesh routes match it in place; a request that arrives with an entry keeps
   *   its lane.
   * @param options the baggage key (Target.ISTIO and Target.GATEWAY_API)
   */
  public static baggage(options: BaggageOptions = {}): Propagation {
    checkShape('Propagation.baggage()', 'options', BAGGAGE_OPTIONS, options);
    return new Propagation(PropagationKind.BAGGAGE, undefined, options.key);
  }

  /** The scenario. */
  public readonly kind: PropagationKind;
  /** The trace header (TRACE_ID). */
  public readonly traceHeader?: string;
  /** The baggage key that carries the lane (BAGGAGE with Target.ISTIO), when given. */
  public readonly baggageKey?: string;

  private constructor(kind: PropagationKind, traceHeader: string | undefined, baggageKey: string | undefined) {
    this.kind = kind;
    this.traceHeader = traceHeader;
    this.baggageKey = baggageKey;
  }
}
