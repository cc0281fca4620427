import { DestinationRuleOptions, GatewayEntryPoint, SidecarEntryPoint } from './entry-point';
import { Lane, LaneServices } from './lane';
import { Mode } from './mode';
import { Propagation } from './propagation';
import { CustomRoute, RouteOptions } from './route';
import { LaneRule } from './rule';
import { Target } from './target';

/**
 * Props of a LaneRouting.
 */
export interface LaneRoutingProps {
  /**
   * The service host the lanes belong to, fully qualified, e.g. `mocka.default.svc.cluster.local`.
   * Every destination and subset uses it.
   */
  readonly host: string;

  /**
   * Port of the service, set on every destination (needed when the service exposes several ports).
   *
   * @default - no port on the destinations
   */
  readonly port?: number;

  /**
   * The lanes, baseline included.
   */
  readonly lanes: Lane[];

  /**
   * Name of the baseline lane: the default route sends every request that matches no rule there.
   */
  readonly baseline: string;

  /**
   * The mesh the resources are for. ASM renders `networking.istio.io/v1beta1` and may carry `fallback`;
   * ISTIO renders `networking.istio.io/v1` and never carries an ASM-only field; GATEWAY_API renders
   * `gateway.networking.k8s.io/v1` HTTPRoutes and a Service per lane.
   */
  readonly target: Target;

  /**
   * Permissive: every destination sets the routing header to its lane. Strict: subsets only.
   *
   * @default Mode.PERMISSIVE
   */
  readonly mode?: Mode;

  /**
   * Request header that pins a request to its lane for the rest of the trace; its value is the lane name.
   * In ASM's custom-header scenario, the header the applications propagate (e.g. `my-trace-id`).
   *
   * @default 'x-asm-prefer-tag'
   */
  readonly routingHeader?: string;

  /**
   * How a request keeps its lane along a call chain (permissive mode): `Propagation.customHeader()` (the
   * services forward the routing header) or, with Target.ISTIO or Target.GATEWAY_API, `Propagation.baggage()` (the lane is an entry
   * of the W3C `baggage` header that OpenTelemetry forwards; the gateway adds it, and a request that arrives
   * with one keeps its lane). ASM's trace-id and baggage scenarios need a LaneGroup.
   *
   * @default Propagation.customHeader()
   */
  readonly propagation?: Propagation;

  /**
   * Target.GATEWAY_API: the per-lane Services' selector and ports (a lane with podLabels gets a Service
   * `<service>-<lane>`). Required when a lane has podLabels on that target; not taken by the others.
   *
   * @default - none
   */
  readonly laneServices?: LaneServices;

  /**
   * Routing rules in order (first match wins). More can be added with `addRule()`.
   *
   * @default - no rules: every request goes to the baseline
   */
  readonly rules?: LaneRule[];

  /**
   * Name of the default route (the catch-all to the baseline, always last).
   *
   * @default 'base-route'
   */
  readonly defaultRouteName?: string;

  /**
   * Timeout and retries of every lane rule and of the default route.
   *
   * @default - none set (Istio's defaults)
   */
  readonly routeOptions?: RouteOptions;

  /**
   * Custom routes placed before the lane rules (they win over them). More with `addCustomRoute()`.
   *
   * @default - none
   */
  readonly routesBefore?: CustomRoute[];

  /**
   * Custom routes placed after the lane rules, before the default route. More with `addCustomRoute()`.
   *
   * @default - none
   */
  readonly routesAfter?: CustomRoute[];

  /**
   * Render a VirtualService bound to the ingress gateway(s).
   *
   * @default - no gateway VirtualService
   */
  readonly gateway?: GatewayEntryPoint;

  /**
   * Render a sidecar (mesh) VirtualService for the service host.
   *
   * @default - no sidecar VirtualService
   */
  readonly sidecar?: SidecarEntryPoint;

  /**
   * Placement of the DestinationRule, rendered when at least one lane has `podLabels`.
   *
   * @default - in the service's namespace, with a generated name
   */
  readonly destinationRule?: DestinationRuleOptions;
}
