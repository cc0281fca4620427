/**
 * The lane model's types: LaneRouting props normalized, checked and with every default resolved. Pure
 * data, immutable; the renderers and the simulation read only this, so what is rendered is what was checked.
 */
import { Mode } from '../../mode';
import { PropagationKind } from '../../propagation';
import { Target } from '../../target';

/** The routing header when none is given (ASM's `x-asm-prefer-tag`): the one place that names it. */
export const DEFAULT_ROUTING_HEADER = 'x-asm-prefer-tag';
/** The name of the default route (the catch-all to the baseline) when none is given. */
export const DEFAULT_ROUTE_NAME = 'base-route';
/** The Kubernetes cluster domain of service hosts (`<service>.<namespace>.svc.<domain>`) when none is given. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** Where ASM writes the VirtualServices it generates for a lane group (`trafficlabel-vs-*`) when not told otherwise. */
export const DEFAULT_ASM_GENERATED_NAMESPACE = 'istio-system';

/** How a request keeps its lane along a call chain, settled against the target and mode (marker.ts). */
export interface PropagationModel {
  readonly kind: PropagationKind;
  /** the header every service must forward */
  readonly forwarded: string;
  /** Target.ISTIO with baggage: the baggage key that carries the lane */
  readonly baggageKey?: string;
}

export type MatchKind = 'exact' | 'prefix' | 'regex';

export interface PlainStringMatch {
  readonly kind: MatchKind;
  readonly value: string;
}

export interface HeaderCondition {
  readonly name: string;
  /** undefined: presence (or, with `absent`, absence) of the header */
  readonly match?: PlainStringMatch;
  readonly absent: boolean;
}

export interface QueryCondition {
  readonly name: string;
  readonly match: PlainStringMatch;
}

export interface MatchBlock {
  readonly headers: readonly HeaderCondition[];
  /** labels of the calling workload (Istio `sourceLabels`) */
  readonly sourceLabels?: { readonly [key: string]: string };
  readonly uri?: PlainStringMatch;
  /** the request's authority (`Host`) */
  readonly authority?: PlainStringMatch;
  readonly method?: PlainStringMatch;
  readonly queryParams: readonly QueryCondition[];
  /** the port the request arrives on (Istio `port`; a Gateway listener's or a Service parent's port) */
  readonly port?: number;
  /** the namespace of the calling workload (Istio `sourceNamespace`; a GAMMA consumer route's namespace) */
  readonly sourceNamespace?: string;
  /** namespaces whose callers this block does not take (a producer route, where consumer routes override it) */
  readonly notSourceNamespaces?: readonly string[];
  /** Gateway API hostnames the authority (its port ignored) must match: exact, or `*.` and a suffix of whole labels */
  readonly hostnames?: readonly string[];
  /** hostnames it must not match: a more specific hostname (or listener) routes those */
  readonly notHostnames?: readonly string[];
}

export interface Destination {
  readonly lane: string;
  /** integer 0..100; the weights of a split sum to 100 */
  readonly weight: number;
  readonly fallbackLane?: string;
}

export interface Rule {
  readonly name: string;
  /** the requests it matches are already in their lane (baggage entry): its destinations add no marker */
  readonly keepsMarker?: boolean;
  /** empty only for the default route (catch-all) */
  readonly matches: readonly MatchBlock[];
  readonly split: readonly Destination[];
}

export interface ModelLane {
  readonly name: string;
  readonly podLabels?: { readonly [key: string]: string };
  /** the lane whose subset serves this lane (the service has no workloads in it) */
  readonly servedBy?: string;
  /** Target.GATEWAY_API: the lane's existing Service */
  readonly serviceName?: string;
}

export interface RetriesModel {
  readonly attempts: number;
  /** Go duration, e.g. `2s` */
  readonly perTryTimeout?: string;
  readonly retryOn?: string;
}

export interface RouteOptionsModel {
  /** Go duration, e.g. `1500ms` */
  readonly timeout?: string;
  readonly retries?: RetriesModel;
}

export interface CustomDestinationModel {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** integer 0..100; the weights of a route sum to 100 */
  readonly weight: number;
}

export interface CustomRouteModel {
  readonly name: string;
  readonly matches: readonly MatchBlock[];
  readonly destinations: readonly CustomDestinationModel[];
  readonly options: RouteOptionsModel;
}

export interface ObjectPlacement {
  /** undefined: cdk8s generates a unique name */
  readonly name?: string;
  /** undefined: the chart's namespace */
  readonly namespace?: string;
}

export interface GatewayModel extends ObjectPlacement {
  readonly gateways: readonly string[];
  readonly hosts: readonly string[];
}

export interface SidecarModel extends ObjectPlacement {
  readonly hosts: readonly string[];
}

/** What a lane routing and a lane group both settle: the target, the mode, the baseline and the routing header. */
export interface LaneSettings {
  /** how errors name the construct, e.g. `LaneRouting "chart/mocka"` */
  readonly context: string;
  readonly target: Target;
  readonly mode: Mode;
  readonly baseline: string;
  readonly routingHeader: string;
  /** how a request keeps its lane along a chain (permissive mode); undefined in strict mode */
  readonly propagation?: PropagationModel;
}

export interface LaneModel extends LaneSettings {
  readonly host: string;
  readonly port?: number;
  readonly lanes: readonly ModelLane[];
  /** user rules in the order given; the default route is not among them */
  readonly rules: readonly Rule[];
  /** custom routes rendered before the lane rules, and after them (before the default route) */
  readonly routesBefore: readonly CustomRouteModel[];
  readonly routesAfter: readonly CustomRouteModel[];
  /** timeout and retries of every lane rule and the default route */
  readonly routeOptions: RouteOptionsModel;
  /** the catch-all to the baseline, always rendered last */
  readonly defaultRoute: Rule;
  readonly gateway?: GatewayModel;
  readonly sidecar?: SidecarModel;
  /** present when at least one lane has pod labels */
  readonly destinationRule?: ObjectPlacement;
  /** Target.GATEWAY_API: what the per-lane Services are made of */
  readonly laneServices?: { readonly selector: { readonly [key: string]: string }; readonly ports: readonly LaneServicePortModel[] };
}

/** Where a route table applies: the ingress gateway, or the sidecars (mesh). */
export type EntryPoint = 'gateway' | 'sidecar';

export interface LaneServicePortModel {
  readonly port: number;
  readonly targetPort?: number;
  readonly name?: string;
}
